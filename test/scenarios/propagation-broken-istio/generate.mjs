// Writes traces/orders.json in the shape Jaeger v1's GET /api/traces answers. Run with
// `node generate.mjs` from this folder. `orders` (Istio sidecar, namespace shop) calls
// `inventory` three times per request with the incoming headers forwarded, and `payments`
// once from a worker thread that drops them: each payments call is a new trace whose root
// is orders' outbound sidecar span. Ten requests: 30 hand-offs kept, 10 broken (75%).
import fs from 'node:fs';

const hex = (n, w) => n.toString(16).padStart(w, '0');
const T0 = 1772359200000000; // µs
let next = 1;
const tag = (key, value) => ({ key, type: 'string', value });
const sidecar = (pod, ns, app, cluster) => [
  tag('component', 'proxy'),
  tag('node_id', `sidecar~10.244.1.${(next % 200) + 10}~${pod}.${ns}~${ns}.svc.cluster.local`),
  tag('upstream_cluster', cluster),
  tag('upstream_cluster.name', cluster),
  tag('istio.canonical_service', app),
  tag('istio.namespace', ns),
  tag('istio.mesh_id', 'cluster.local'),
  tag('http.status_code', '200'),
  tag('span.kind', cluster.startsWith('inbound') ? 'server' : 'client'),
];
const processes = {
  p1: { serviceName: 'istio-ingressgateway.istio-system', tags: [tag('ip', '10.244.0.5')] },
  p2: { serviceName: 'orders.shop', tags: [tag('ip', '10.244.1.7')] },
  p3: { serviceName: 'inventory.shop', tags: [tag('ip', '10.244.2.4')] },
  p4: { serviceName: 'payments.shop', tags: [tag('ip', '10.244.2.9')] },
};
function span(traceID, processID, operationName, parent, tags, offset) {
  return {
    traceID,
    spanID: hex(next++, 16),
    flags: 1,
    operationName,
    references: parent ? [{ refType: 'CHILD_OF', traceID, spanID: parent.spanID }] : [],
    startTime: T0 + offset,
    duration: 1500,
    tags,
    logs: [],
    processID,
    warnings: null,
  };
}
const ORDERS_POD = 'orders-6c8d9f7b5-k2m4p';
const data = [];
for (let r = 0; r < 10; r++) {
  const t = hex(0x5a000000 + r, 32);
  const base = r * 1000000;
  const gw = span(t, 'p1', 'orders.shop.svc.cluster.local:8080/orders', null, [
    tag('component', 'proxy'),
    tag('node_id', 'router~10.244.0.5~istio-ingressgateway-5d6f7c8b9-q7m2x.istio-system~istio-system.svc.cluster.local'),
    tag('upstream_cluster', 'outbound|8080||orders.shop.svc.cluster.local'),
    tag('span.kind', 'client'),
  ], base);
  const inbound = span(t, 'p2', 'orders.shop.svc.cluster.local:8080/orders', gw,
    sidecar(ORDERS_POD, 'shop', 'orders', 'inbound|8080||'), base + 100);
  const spans = [gw, inbound];
  for (let i = 0; i < 3; i++) {
    const out = span(t, 'p2', 'inventory.shop.svc.cluster.local:8080/*', inbound,
      sidecar(ORDERS_POD, 'shop', 'orders', 'outbound|8080||inventory.shop.svc.cluster.local'), base + 200 + i * 10);
    const inv = span(t, 'p3', 'inventory.shop.svc.cluster.local:8080/*', out,
      sidecar('inventory-7b9c6d5f4-q8w2e', 'shop', 'inventory', 'inbound|8080||'), base + 205 + i * 10);
    spans.push(out, inv);
  }
  data.push({ traceID: t, spans, processes: { p1: processes.p1, p2: processes.p2, p3: processes.p3 }, warnings: null });
  // The payments call: no traceparent/x-b3 headers, so orders' Envoy starts a new trace.
  const t2 = hex(0x5b000000 + r, 32);
  const root = span(t2, 'p2', 'payments.shop.svc.cluster.local:8080/*', null,
    sidecar(ORDERS_POD, 'shop', 'orders', 'outbound|8080||payments.shop.svc.cluster.local'), base + 400);
  const pay = span(t2, 'p4', 'payments.shop.svc.cluster.local:8080/*', root,
    sidecar('payments-58f7d6c9b4-z7x6c', 'shop', 'payments', 'inbound|8080||'), base + 405);
  data.push({ traceID: t2, spans: [root, pay], processes: { p2: processes.p2, p4: processes.p4 }, warnings: null });
}
fs.writeFileSync(
  new URL('./traces/orders.json', import.meta.url),
  `${JSON.stringify({ data, total: 0, limit: 0, offset: 0, errors: null }, null, 1)}\n`,
);
