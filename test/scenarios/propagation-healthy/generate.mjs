// Writes traces/*.json, one trace each, in the shape Grafana Tempo's GET /api/traces/<id>
// answers since v2.6 (`resourceSpans`, gogo-jsonpb: base64 ids, kind as an enum string).
// Run with `node generate.mjs` from this folder. Namespace store, Istio sidecars:
// - frontend calls catalogue twice per request with the context forwarded (20 traces,
//   40 hand-offs, all kept: pass);
// - catalogue makes no outbound call (not-applicable);
// - recommender is sampled in 3 traces only, one call each (too few samples: unknown).
import fs from 'node:fs';

const b64 = (hex) => Buffer.from(hex, 'hex').toString('base64');
const hex = (n, w) => n.toString(16).padStart(w, '0');
const T0 = 1772359200000000000n;
let next = 0x100;
const str = (key, value) => ({ key, value: { stringValue: value } });
const PODS = {
  frontend: 'frontend-7d9f8c6b5-m4n8r',
  catalogue: 'catalogue-6b5c4d3e2-t9y7u',
  recommender: 'recommender-5a4b3c2d1-w3e5r',
};
function sidecarSpan(app, traceId, parent, side, peer, offset) {
  const start = T0 + BigInt(offset) * 1000n;
  const cluster = side === 'inbound' ? 'inbound|8080||' : `outbound|8080||${peer}.store.svc.cluster.local`;
  return {
    app,
    span: {
      traceId: b64(traceId),
      spanId: b64(hex(next++, 16)),
      ...(parent ? { parentSpanId: parent } : {}),
      name: `${side === 'inbound' ? app : peer}.store.svc.cluster.local:8080/*`,
      kind: side === 'inbound' ? 'SPAN_KIND_SERVER' : 'SPAN_KIND_CLIENT',
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + 2000000n).toString(),
      attributes: [
        str('component', 'proxy'),
        str('node_id', `sidecar~10.244.3.${Object.keys(PODS).indexOf(app) + 10}~${PODS[app]}.store~store.svc.cluster.local`),
        str('upstream_cluster', cluster),
        str('upstream_cluster.name', cluster),
        str('istio.canonical_service', app),
        str('istio.namespace', 'store'),
        str('istio.mesh_id', 'cluster.local'),
        str('http.status_code', '200'),
      ],
      status: {},
    },
  };
}
function gateway(traceId, host, offset) {
  const start = T0 + BigInt(offset) * 1000n;
  const cluster = `outbound|8080||${host}.store.svc.cluster.local`;
  return {
    app: 'istio-ingressgateway',
    span: {
      traceId: b64(traceId),
      spanId: b64(hex(next++, 16)),
      name: `${host}.store.svc.cluster.local:8080/*`,
      kind: 'SPAN_KIND_CLIENT',
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + 5000000n).toString(),
      attributes: [
        str('component', 'proxy'),
        str('node_id', 'router~10.244.0.5~istio-ingressgateway-5d6f7c8b9-q7m2x.istio-system~istio-system.svc.cluster.local'),
        str('upstream_cluster', cluster),
      ],
      status: {},
    },
  };
}
function write(traceId, entries) {
  const byService = new Map();
  for (const { app, span } of entries) {
    const service = app === 'istio-ingressgateway' ? 'istio-ingressgateway.istio-system' : `${app}.store`;
    if (!byService.has(service)) byService.set(service, []);
    byService.get(service).push(span);
  }
  const resourceSpans = [...byService].map(([service, spans]) => ({
    resource: { attributes: [str('service.name', service)] },
    scopeSpans: [{ scope: {}, spans }],
  }));
  fs.writeFileSync(
    new URL(`./traces/${traceId}.json`, import.meta.url),
    `${JSON.stringify({ resourceSpans }, null, 1)}\n`,
  );
}
for (const f of fs.readdirSync(new URL('./traces/', import.meta.url))) {
  fs.unlinkSync(new URL(`./traces/${f}`, import.meta.url));
}
for (let r = 0; r < 20; r++) {
  const t = hex(0x3c000000 + r, 32);
  const base = r * 1000000;
  const gw = gateway(t, 'frontend', base);
  const inbound = sidecarSpan('frontend', t, gw.span.spanId, 'inbound', null, base + 100);
  const entries = [gw, inbound];
  for (let i = 0; i < 2; i++) {
    const out = sidecarSpan('frontend', t, inbound.span.spanId, 'outbound', 'catalogue', base + 200 + i * 50);
    entries.push(out, sidecarSpan('catalogue', t, out.span.spanId, 'inbound', null, base + 210 + i * 50));
  }
  write(t, entries);
}
for (let r = 0; r < 3; r++) {
  const t = hex(0x3d000000 + r, 32);
  const base = 50000000 + r * 1000000;
  const gw = gateway(t, 'recommender', base);
  const inbound = sidecarSpan('recommender', t, gw.span.spanId, 'inbound', null, base + 100);
  const out = sidecarSpan('recommender', t, inbound.span.spanId, 'outbound', 'catalogue', base + 200);
  write(t, [gw, inbound, out, sidecarSpan('catalogue', t, out.span.spanId, 'inbound', null, base + 210)]);
}
