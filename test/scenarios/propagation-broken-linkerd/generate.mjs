// Writes traces/web.json in the shape Jaeger's api_v3 GET /api/v3/traces answers (OTLP
// JSON under "result", hex ids, integer kinds). Run with `node generate.mjs` from this
// folder. `web` (Linkerd, namespace emojivoto, OpenTelemetry SDK in the app) calls
// `voting` five times per request. 18 requests carry the context; 2 calls come from a
// retry worker that starts its own root span, so their proxy spans hang off a trace that
// never passes through web's inbound proxy: 90 of 92 hand-offs kept (97.8%, warn).
// Each Linkerd proxy emits a server and a client span per side of the hop.
import fs from 'node:fs';

const hex = (n, w) => n.toString(16).padStart(w, '0');
const T0 = 1772359200000000000n;
let next = 1;
const str = (key, value) => ({ key, value: { stringValue: value } });
const resources = new Map();
function resource(service, attrs) {
  if (!resources.has(service)) {
    resources.set(service, {
      resource: { attributes: [str('service.name', service), ...attrs] },
      scopeSpans: [{ scope: { name: service.endsWith('-proxy') ? 'linkerd2-proxy' : 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp' }, spans: [] }],
    });
  }
  return resources.get(service).scopeSpans[0].spans;
}
const linkerdPod = (deploy, pod, app) => [
  str('app', app),
  str('linkerd.io/control-plane-ns', 'linkerd'),
  str('linkerd.io/proxy-deployment', deploy),
  str('linkerd.io/workload-ns', 'emojivoto'),
  str('k8s.container.name', 'linkerd-proxy'),
  str('hostname', pod),
];
// One resource per proxy: Linkerd puts the pod's labels on its resource.
const WEB_POD = 'web-5f86686c4d-h7x2q';
const VOTING_POD = 'voting-7f6d9c5b4-h2kxp';
const proxies = {
  web: { service: 'linkerd-proxy#web', attrs: linkerdPod('web', WEB_POD, 'web') },
  voting: { service: 'linkerd-proxy#voting', attrs: linkerdPod('voting', VOTING_POD, 'voting') },
};
function add(owner, traceId, name, kind, parent, attrs, offset) {
  const spanId = hex(next++, 16);
  const list = owner.startsWith('linkerd-proxy#')
    ? resource(owner, proxies[owner.split('#')[1]].attrs)
    : resource(owner, owner === 'web' ? [str('k8s.namespace.name', 'emojivoto'), str('k8s.pod.name', WEB_POD), str('telemetry.sdk.language', 'go')] : []);
  const start = T0 + BigInt(offset) * 1000n;
  list.push({
    traceId,
    spanId,
    parentSpanId: parent ?? '',
    name,
    kind,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 900000n).toString(),
    attributes: attrs,
    status: {},
  });
  return spanId;
}
const SERVER = 2;
const CLIENT = 3;
const INTERNAL = 1;
function voteCall(traceId, parent, base) {
  const appClient = add('web', traceId, 'POST /api/vote', CLIENT, parent, [], base);
  const outS = add('linkerd-proxy#web', traceId, '/api/vote', SERVER, appClient, [str('direction', 'outbound')], base + 10);
  const outC = add('linkerd-proxy#web', traceId, '/api/vote', CLIENT, outS, [str('direction', 'outbound')], base + 20);
  add('linkerd-proxy#voting', traceId, '/api/vote', SERVER, outC, [str('direction', 'inbound')], base + 30);
}
for (let r = 0; r < 20; r++) {
  const base = r * 1000000;
  if (r === 6 || r === 13) {
    // The retry worker: a new root span in the app, not under the request it retries.
    const t = hex(0xd7000000 + r, 32);
    const root = add('web', t, 'retry-worker', INTERNAL, null, [], base);
    voteCall(t, root, base + 50);
    continue;
  }
  const t = hex(0xd6000000 + r, 32);
  const bot = add('vote-bot', t, 'GET /api/vote', CLIENT, null, [], base);
  const inS = add('linkerd-proxy#web', t, '/api/vote', SERVER, bot, [str('direction', 'inbound')], base + 10);
  const inC = add('linkerd-proxy#web', t, '/api/vote', CLIENT, inS, [str('direction', 'inbound')], base + 20);
  const app = add('web', t, 'GET /api/vote', SERVER, inC, [], base + 30);
  for (let i = 0; i < 5; i++) voteCall(t, app, base + 100 + i * 100);
}
const resourceSpans = [...resources.entries()].map(([service, rs]) => ({
  ...rs,
  resource: {
    attributes: rs.resource.attributes.map(a =>
      a.key === 'service.name' ? str('service.name', service.split('#')[0]) : a,
    ),
  },
}));
fs.writeFileSync(
  new URL('./traces/web.json', import.meta.url),
  `${JSON.stringify({ result: { resourceSpans } }, null, 1)}\n`,
);
