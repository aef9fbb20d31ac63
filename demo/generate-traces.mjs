// Writes demo/traces/checkout.json in the shape Jaeger v1's GET /api/traces answers
// (`node demo/generate-traces.mjs`). Each of 25 requests enters `checkout` (Istio sidecar,
// namespace shop), which calls `recommendations` with the trace headers forwarded; in turn
// `recommendations` calls `inventory` twice, but in one request in five it does so from
// a background worker that drops the headers, so its outbound sidecar spans start new
// traces. observability.trace-propagation: checkout passes, recommendations fails (80 %)
// and names the broken traces.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'traces',
  'checkout.json',
);
const T0 = 1772359200000000; // µs
const CHECKOUT_PODS = [
  'checkout-6b7f9c8d5-x2k9p',
  'checkout-6b7f9c8d5-q8w4z',
  'checkout-6b7f9c8d5-m3n7t',
];
const RECOMMENDATIONS_POD = 'recommendations-58d4c7b9f-h4k2l';

const hex = (n, width) => n.toString(16).padStart(width, '0');
const tag = (key, value) => ({ key, type: 'string', value });
let nextSpan = 1;

function sidecar(pod, ns, app, cluster) {
  return [
    tag('component', 'proxy'),
    tag('node_id', `sidecar~10.244.1.17~${pod}.${ns}~${ns}.svc.cluster.local`),
    tag('upstream_cluster', cluster),
    tag('upstream_cluster.name', cluster),
    tag('istio.canonical_service', app),
    tag('istio.namespace', ns),
    tag('istio.mesh_id', 'cluster.local'),
    tag('http.status_code', '200'),
    tag('span.kind', cluster.startsWith('inbound') ? 'server' : 'client'),
  ];
}

function span(traceID, processID, operationName, parent, tags, offset) {
  return {
    traceID,
    spanID: hex(nextSpan++, 16),
    flags: 1,
    operationName,
    references: parent
      ? [{ refType: 'CHILD_OF', traceID, spanID: parent.spanID }]
      : [],
    startTime: T0 + offset,
    duration: 1800,
    tags,
    logs: [],
    processID,
    warnings: null,
  };
}

const processes = {
  p1: {
    serviceName: 'istio-ingressgateway.istio-system',
    tags: [tag('ip', '10.244.0.5')],
  },
  p2: { serviceName: 'checkout.shop', tags: [tag('ip', '10.244.1.17')] },
  p3: { serviceName: 'recommendations.shop', tags: [tag('ip', '10.244.2.8')] },
};

const data = [];
for (let r = 0; r < 25; r++) {
  const pod = CHECKOUT_PODS[r % CHECKOUT_PODS.length];
  const traceID = hex(0xc0ffee00 + r, 32);
  const base = r * 2_000_000;
  const gateway = span(
    traceID,
    'p1',
    'checkout.shop.svc.cluster.local:8080/api/checkout',
    null,
    [
      tag('component', 'proxy'),
      tag(
        'node_id',
        'router~10.244.0.5~istio-ingressgateway-5d6f7c8b9-q7m2x.istio-system~istio-system.svc.cluster.local',
      ),
      tag('upstream_cluster', 'outbound|8080||checkout.shop.svc.cluster.local'),
      tag('span.kind', 'client'),
    ],
    base,
  );
  const checkoutIn = span(
    traceID,
    'p2',
    'checkout.shop.svc.cluster.local:8080/api/checkout',
    gateway,
    sidecar(pod, 'shop', 'checkout', 'inbound|8080||'),
    base + 100,
  );
  const checkoutOut = span(
    traceID,
    'p2',
    'recommendations.shop.svc.cluster.local:8080/*',
    checkoutIn,
    sidecar(
      pod,
      'shop',
      'checkout',
      'outbound|8080||recommendations.shop.svc.cluster.local',
    ),
    base + 300,
  );
  const recommendationsIn = span(
    traceID,
    'p3',
    'recommendations.shop.svc.cluster.local:8080/*',
    checkoutOut,
    sidecar(RECOMMENDATIONS_POD, 'shop', 'recommendations', 'inbound|8080||'),
    base + 400,
  );
  const broken = r % 5 === 4;
  // Two calls to inventory per request. The broken hand-offs: from a background worker
  // that dropped the headers, each starts a new trace at recommendations' outbound span.
  const calls = [0, 1].map(i => {
    const outTrace = broken ? hex(0xbad00000 + r * 2 + i, 32) : traceID;
    return span(
      outTrace,
      'p3',
      'inventory.inventory.svc.cluster.local:8080/*',
      broken ? null : recommendationsIn,
      sidecar(
        RECOMMENDATIONS_POD,
        'shop',
        'recommendations',
        'outbound|8080||inventory.inventory.svc.cluster.local',
      ),
      base + 600 + i * 50,
    );
  });
  const main = [gateway, checkoutIn, checkoutOut, recommendationsIn];
  if (broken) {
    data.push({ traceID, spans: main, processes, warnings: null });
    for (const call of calls) {
      data.push({
        traceID: call.traceID,
        spans: [call],
        processes: { p3: processes.p3 },
        warnings: null,
      });
    }
  } else {
    data.push({
      traceID,
      spans: [...main, ...calls],
      processes,
      warnings: null,
    });
  }
}

fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(
  OUT,
  `${JSON.stringify({ data, total: 0, limit: 0, offset: 0, errors: null })}\n`,
);
