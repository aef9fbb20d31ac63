/**
 * `npm run bench -- --tracing [N]`: the trace-propagation sampling at fleet scale. A
 * fixture Jaeger (api_v3) and a fixture Tempo answer, in a child process, like the real
 * APIs (shapes of plugins/mesh-backend/src/sources/tracing/__fixtures__): N Istio
 * services (default 5,000), each with maxTracesPerService traces of 5 sidecar spans. The
 * real JaegerSource and TempoSource fetch them with their default options (the collector
 * asks for `<app>.<ns>` and `<app>`), then the observability.trace-propagation check runs
 * over every service. The two back ends are measured at the same time, each against its
 * own server process. Prints the trace requests, wall times, traces and spans, and the
 * peak RSS of this process (both fetches together; the servers run apart). The sources and the check are
 * TypeScript: esbuild bundles them into a temporary CommonJS file first.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const PER_SERVICE = 20; // DEFAULT_TRACING_OPTIONS.maxTracesPerService
const NAMESPACES = 50;

const hex = (n, w) => n.toString(16).padStart(w, '0');
const svc = i => ({ app: `svc-${i}`, ns: `ns-${i % NAMESPACES}` });
const pod = i => `svc-${i}-6b7f9c8d5-${hex(i % 0xfffff, 5)}`;
/** Service i, trace k: gateway → i's inbound sidecar → 2 outbound → (i+1)'s inbound. */
function traceSpans(i, k, n) {
  const t = hex(i * PER_SERVICE + k + 1, 32);
  const { app, ns } = svc(i);
  const next = svc((i + 1) % n);
  const sid = j => hex((i * PER_SERVICE + k) * 8 + j + 1, 16);
  // One trace in twenty breaks: its second outbound call starts a new trace.
  const broken = k === 0;
  const sidecar = (p, nsp, a, cluster) => [
    ['component', 'proxy'],
    ['node_id', `sidecar~10.0.0.1~${p}.${nsp}~${nsp}.svc.cluster.local`],
    ['upstream_cluster', cluster],
    ['istio.canonical_service', a],
    ['istio.namespace', nsp],
  ];
  const spans = [
    {
      id: sid(0),
      service: 'istio-ingressgateway.istio-system',
      kind: 3,
      attrs: [
        ['component', 'proxy'],
        ['upstream_cluster', `outbound|80||${app}.${ns}.svc.cluster.local`],
      ],
    },
    {
      id: sid(1),
      parent: sid(0),
      service: `${app}.${ns}`,
      kind: 2,
      attrs: sidecar(pod(i), ns, app, 'inbound|8080||'),
    },
  ];
  for (let c = 0; c < 2; c++) {
    const out = sid(2 + c * 2);
    spans.push(
      {
        id: out,
        parent: broken && c === 1 ? undefined : sid(1),
        service: `${app}.${ns}`,
        kind: 3,
        attrs: sidecar(
          pod(i),
          ns,
          app,
          `outbound|8080||${next.app}.${next.ns}.svc.cluster.local`,
        ),
      },
      {
        id: sid(3 + c * 2),
        parent: out,
        service: `${next.app}.${next.ns}`,
        kind: 2,
        attrs: sidecar(pod((i + 1) % n), next.ns, next.app, 'inbound|8080||'),
      },
    );
  }
  return { t, spans };
}
function otlp({ t, spans }, b64) {
  const id = h => (b64 ? Buffer.from(h, 'hex').toString('base64') : h);
  const by = new Map();
  for (const s of spans) {
    if (!by.has(s.service)) by.set(s.service, []);
    by.get(s.service).push({
      traceId: id(t),
      spanId: id(s.id),
      parentSpanId: s.parent ? id(s.parent) : '',
      name: 'GET /',
      kind: b64
        ? ['', '', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'][s.kind]
        : s.kind,
      startTimeUnixNano: '1772359200000000000',
      endTimeUnixNano: '1772359200001000000',
      attributes: s.attrs.map(([key, v]) => ({
        key,
        value: { stringValue: v },
      })),
    });
  }
  return {
    resourceSpans: [...by].map(([service, list]) => ({
      resource: {
        attributes: [{ key: 'service.name', value: { stringValue: service } }],
      },
      scopeSpans: [{ scope: {}, spans: list }],
    })),
  };
}

/** A child process: the fixture Jaeger or Tempo on 127.0.0.1, its port sent to the parent. */
function serve(which, n) {
  const index = new Map();
  for (let i = 0; i < n; i++) index.set(`${svc(i).app}.${svc(i).ns}`, i);
  const send = (res, status, body, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const jaeger = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/v3/services')
      return send(res, 200, { services: [...index.keys()].slice(0, 10) });
    if (url.pathname === '/api/v3/traces') {
      const i = index.get(url.searchParams.get('query.serviceName'));
      if (i === undefined)
        return send(
          res,
          404,
          '{"error":{"httpCode":404,"message":"No traces found"}}\n',
          'text/plain; charset=utf-8',
        );
      const depth = Number(
        url.searchParams.get('query.searchDepth') ?? PER_SERVICE,
      );
      const docs = Array.from(
        { length: Math.min(depth, PER_SERVICE) },
        (_, k) => otlp(traceSpans(i, k, n), false),
      );
      return send(res, 200, {
        result: { resourceSpans: docs.flatMap(d => d.resourceSpans) },
      });
    }
    return send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
  });
  const tempo = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/search') {
      const m = /resource\.service\.name\s*=\s*"([^"]*)"/.exec(
        url.searchParams.get('q') ?? '',
      );
      const i = m ? index.get(m[1]) : undefined;
      if (i === undefined)
        return send(res, 200, {
          metrics: { inspectedBytes: '1024', completedJobs: 1, totalJobs: 1 },
        });
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const traces = Array.from(
        { length: Math.min(limit, PER_SERVICE) },
        (_, k) => ({
          traceID: traceSpans(i, k, n).t.replace(/^0+/, ''),
          rootServiceName: 'istio-ingressgateway.istio-system',
          rootTraceName: 'GET /',
          startTimeUnixNano: '1772359200000000000',
          durationMs: 1,
        }),
      );
      return send(res, 200, {
        traces,
        metrics: { inspectedBytes: '1024', completedJobs: 1, totalJobs: 1 },
      });
    }
    const m = /^\/api\/traces\/([0-9a-f]+)$/.exec(url.pathname);
    if (m) {
      const id = parseInt(m[1], 16) - 1;
      const i = Math.floor(id / PER_SERVICE);
      if (i >= n)
        return send(res, 404, 'trace not found\n', 'text/plain; charset=utf-8');
      return send(res, 200, otlp(traceSpans(i, id % PER_SERVICE, n), true));
    }
    return send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
  });
  const server = which === 'tempo' ? tempo : jaeger;
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
}

async function bundle() {
  const esbuild = require('esbuild');
  // Inside the repository, so the bundle's bare imports resolve from its node_modules.
  const out = path.join(
    ROOT,
    'node_modules',
    '.cache',
    `mesh-bench-tracing-${process.pid}.cjs`,
  );
  const src = p => path.join(ROOT, 'plugins', p);
  await esbuild.build({
    stdin: {
      contents: [
        `export { JaegerSource } from ${JSON.stringify(
          src('mesh-backend/src/sources/tracing/JaegerSource.ts'),
        )};`,
        `export { TempoSource } from ${JSON.stringify(
          src('mesh-backend/src/sources/tracing/TempoSource.ts'),
        )};`,
        `export { tracePropagationCheck } from ${JSON.stringify(
          src('mesh-backend/src/checks/observability/tracePropagation.ts'),
        )};`,
        `export { DEFAULT_CHECK_SETTINGS } from '@mesh-readiness/plugin-mesh-node';`,
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
    plugins: [
      {
        name: 'workspace-only',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, args =>
            args.path.startsWith('@mesh-readiness/')
              ? {
                  path: path.join(
                    ROOT,
                    'plugins',
                    args.path.replace('@mesh-readiness/plugin-', ''),
                    'src/index.ts',
                  ),
                }
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  const mod = require(out);
  fs.rmSync(out, { force: true });
  return mod;
}

function contextFor(i, data, settings) {
  const { app, ns } = svc(i);
  const w = {
    cluster: 'bench',
    workload: {
      namespace: ns,
      kind: 'Deployment',
      name: app,
      labels: { app },
      annotations: {},
      templateLabels: { app },
      templateAnnotations: {},
      objectSeen: true,
      pods: [
        {
          namespace: ns,
          name: pod(i),
          labels: { app },
          annotations: {},
          hostNetwork: false,
          serviceAccountName: 'default',
          containers: [],
          proxy: {
            provider: 'istio',
            container: 'istio-proxy',
            nativeSidecar: false,
            resources: {},
          },
          ambient: false,
        },
      ],
      templateContainers: [],
      hostNetwork: false,
      serviceAccountName: 'default',
    },
    injection: {},
    mesh: { istio: { waypoints: [] } },
  };
  return {
    entityRef: `component:default/${app}`,
    workloads: [w],
    settings,
    tracingFor: () => data,
  };
}

async function benchOne(name, Source, url, n, lib) {
  const services = [];
  for (let i = 0; i < n; i++)
    services.push(`${svc(i).app}.${svc(i).ns}`, svc(i).app);
  const source = new Source(url, {});
  const now = new Date();
  const t0 = performance.now();
  const data = await source.fetch({
    services,
    start: new Date(now.getTime() - 3600e3),
    end: now,
  });
  const fetchMs = performance.now() - t0;
  const t1 = performance.now();
  const statuses = {};
  for (let i = 0; i < n; i++) {
    const s = lib.tracePropagationCheck.evaluate(
      contextFor(i, data, lib.DEFAULT_CHECK_SETTINGS),
    ).status;
    statuses[s] = (statuses[s] ?? 0) + 1;
  }
  const checkMs = performance.now() - t1;
  return {
    backend: name,
    services: n,
    searches: services.length,
    requests: data.requests,
    traces: data.traces.length,
    spans: data.traces.reduce((s, t) => s + t.spans.length, 0),
    problems: data.problems.length,
    fetchSeconds: +(fetchMs / 1000).toFixed(1),
    checkSeconds: +(checkMs / 1000).toFixed(2),
    statuses,
    // This process's peak so far: both fetches run in it, so it covers the two.
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export async function runTracingBench(args) {
  const n = args.map(Number).find(Boolean) ?? 5000;
  const lib = await bundle();
  // One server process per back end, and the two fetches at once: each source is
  // latency-bound (4 requests in flight), so together they fit the 2-minute budget.
  const children = ['jaeger', 'tempo'].map(which =>
    fork(fileURLToPath(import.meta.url), ['--serve', which, String(n)], {
      stdio: 'inherit',
    }),
  );
  try {
    const [jaegerPort, tempoPort] = await Promise.all(
      children.map(
        child =>
          new Promise((resolve, reject) => {
            child.once('message', resolve);
            child.once('error', reject);
          }),
      ),
    );
    const rows = await Promise.all([
      benchOne(
        'jaeger api_v3',
        lib.JaegerSource,
        `http://127.0.0.1:${jaegerPort}`,
        n,
        lib,
      ),
      benchOne(
        'tempo',
        lib.TempoSource,
        `http://127.0.0.1:${tempoPort}`,
        n,
        lib,
      ),
    ]);
    rows.forEach(row => console.log(JSON.stringify(row)));
    console.log(
      `\nTrace sampling at ${n} services (maxTracesPerService ${PER_SERVICE}, concurrency 4, both trace service names asked per workload):`,
    );
    console.table(
      rows.map(r => ({
        backend: r.backend,
        'trace requests': r.requests,
        'fetch s': r.fetchSeconds,
        'check s': r.checkSeconds,
        traces: r.traces,
        spans: r.spans,
        'peak RSS MB': r.peakRssMB,
        statuses: JSON.stringify(r.statuses),
      })),
    );
    const dir = path.join(ROOT, 'test/artifacts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'bench-tracing.json'),
      `${JSON.stringify(rows, null, 2)}\n`,
    );
  } finally {
    children.forEach(child => child.kill());
  }
}

if (process.argv[2] === '--serve')
  serve(process.argv[3], Number(process.argv[4]));
