import {
  ClusterSnapshot,
  EntityContext,
  EntityRollout,
  MetricSeries,
  NormalizedSpan,
  NormalizedTrace,
  TracingData,
} from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  failedSource,
  FETCHED_AT,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
  traffic,
  TrafficSpec,
} from '../../__testUtils__/fixtures';
import { CheckRegistry } from '../registry';
import {
  BYTES_PER_HEAD_SERIES,
  doubleInstrumentationCheck,
} from './doubleInstrumentation';

type Mesh = 'istio' | 'linkerd' | 'ambient' | 'waypoint' | 'none';

const POD0 = 'checkout-6b7f9c8d5-p0';
const POD1 = 'checkout-6b7f9c8d5-p1';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

const NAMESPACE_LABELS: Record<Mesh, Record<string, string>> = {
  istio: { 'istio-injection': 'enabled' },
  linkerd: {},
  ambient: { 'istio.io/dataplane-mode': 'ambient' },
  waypoint: { 'istio.io/dataplane-mode': 'ambient' },
  none: {},
};
const REPORTER = {
  istio: 'destination',
  linkerd: 'inbound',
  waypoint: 'waypoint',
} as const;

function objects(mesh: Mesh) {
  const ambient = mesh === 'ambient' || mesh === 'waypoint';
  return [
    namespace('shop', {
      labels: NAMESPACE_LABELS[mesh],
    }),
    ...deploymentWithPods('checkout', 'shop', {
      pods: 2,
      meshedPods: ambient || mesh === 'none' ? 0 : 2,
      proxy: mesh === 'linkerd' ? linkerdProxy() : undefined,
      podAnnotations: ambient
        ? {
            'ambient.istio.io/redirection': 'enabled',
            ...(mesh === 'waypoint'
              ? { 'istio.io/use-waypoint': 'waypoint' }
              : {}),
          }
        : {},
    }),
  ];
}

const MICROMETER: MetricSeries['appHttpSeries'] = {
  shop: [
    { pod: POD0, metric: 'http_server_requests_seconds_count', series: 12 },
    { pod: POD0, metric: 'http_server_requests_seconds_sum', series: 12 },
    { pod: POD1, metric: 'http_server_requests_seconds_count', series: 12 },
    // Another workload's pod in the same namespace: not checkout's.
    { pod: 'cart-7c8d9e0f1-p0', metric: 'http_requests_total', series: 40 },
  ],
};

function meshTraffic(mesh: Mesh): Record<string, TrafficSpec> {
  if (mesh === 'none' || mesh === 'ambient') return {};
  return {
    'shop/checkout': traffic({
      provider: mesh === 'linkerd' ? 'linkerd' : 'istio',
      reporter: REPORTER[mesh],
    }),
  };
}

let nextId = 1;
function span(
  fields: Partial<NormalizedSpan> & Pick<NormalizedSpan, 'kind' | 'service'>,
): NormalizedSpan {
  return {
    traceId: TRACE,
    spanId: (nextId++).toString(16).padStart(16, '0'),
    name: 'GET /orders',
    isProxy: false,
    attributes: {},
    ...fields,
  };
}

/** A request into checkout: its proxy's span(s), then the app's span of `appKind`. */
function trace(mesh: 'istio' | 'linkerd', appKind: NormalizedSpan['kind']) {
  const chain: NormalizedSpan[] = [];
  if (mesh === 'istio') {
    chain.push(
      span({
        kind: 'server',
        service: 'checkout.shop',
        isProxy: true,
        proxyDirection: 'inbound',
        attributes: {
          component: 'proxy',
          node_id: `sidecar~10.0.0.9~${POD0}.shop~shop.svc.cluster.local`,
          upstream_cluster: 'inbound|8080||',
        },
      }),
    );
  } else {
    const attributes = {
      hostname: POD0,
      'linkerd.io/proxy-deployment': 'checkout',
      'linkerd.io/workload-ns': 'shop',
      direction: 'inbound',
    };
    const server = span({
      kind: 'server',
      service: 'linkerd-proxy',
      isProxy: true,
      proxyDirection: 'inbound',
      attributes,
    });
    chain.push(server, {
      ...span({
        kind: 'client',
        service: 'linkerd-proxy',
        isProxy: true,
        proxyDirection: 'inbound',
        attributes,
      }),
      parentSpanId: server.spanId,
    });
  }
  const parent = chain[chain.length - 1];
  chain.push({
    ...span({
      kind: appKind,
      service: 'checkout',
      attributes: { 'otel.scope.name': 'io.opentelemetry.tomcat-10.0' },
    }),
    parentSpanId: parent.spanId,
  });
  return { traceId: TRACE, spans: chain } satisfies NormalizedTrace;
}

function tracingOf(traces: NormalizedTrace[]) {
  const data: TracingData = {
    traces,
    perService: { 'checkout.shop': traces.length },
    problems: [],
    requests: 1,
  };
  return { configured: true, ok: true, fetchedAt: FETCHED_AT, data };
}

function cluster(
  mesh: Mesh,
  app: MetricSeries['appHttpSeries'] = {},
  traces?: NormalizedTrace[],
  name = 'prod',
): ClusterSnapshot {
  return snapshot(name, objects(mesh), {
    metrics: metrics(meshTraffic(mesh), '5m', { appHttpSeries: app }),
    ...(traces ? { tracing: tracingOf(traces) } : {}),
  });
}

function evaluate(
  snapshots: ClusterSnapshot[],
  o: { rollout?: EntityRollout; tracingLink?: string } = {},
) {
  const ctx = contextFor(snapshots);
  const patched: EntityContext = {
    ...ctx,
    rollout: o.rollout ?? ctx.rollout,
    settings: {
      ...ctx.settings,
      links: o.tracingLink ? { tracing: o.tracingLink } : ctx.settings.links,
    },
  };
  return doubleInstrumentationCheck.evaluate(patched);
}

describe('observability.double-instrumentation', () => {
  it('is the observability.double-instrumentation check, gated on Prometheus', () => {
    expect(doubleInstrumentationCheck.definition.id).toBe(
      'observability.double-instrumentation',
    );
    expect(doubleInstrumentationCheck.definition.sources).toEqual([
      'prometheus',
    ]);
  });

  it.each<{ what: string; mesh: Mesh; summary: string }>([
    {
      what: 'the workload is not meshed',
      mesh: 'none',
      summary: 'Not in the mesh',
    },
    {
      what: 'it is ambient without a waypoint (no L7 metrics from the mesh)',
      mesh: 'ambient',
      summary: 'ambient without a waypoint',
    },
  ])('is not-applicable when $what', ({ mesh, summary }) => {
    const outcome = evaluate([cluster(mesh, MICROMETER)]);
    expect(outcome.status).toBe('not-applicable');
    expect(outcome.summary).toContain(summary);
    expect(outcome.evidence).toMatchObject({ appSeries: 0, estimatedBytes: 0 });
  });

  it.each<{ what: string; snap: () => ClusterSnapshot; summary: string }>([
    {
      what: 'the mesh has L7 metrics and the app none (tracing not configured)',
      snap: () =>
        cluster('istio', {
          shop: [
            {
              pod: 'cart-7c8d9e0f1-p0',
              metric: 'http_requests_total',
              series: 4,
            },
          ],
        }),
      summary:
        "No app HTTP server metrics next to the mesh's L7 metrics, and no double tracing (double tracing not checked: no tracing back end for cluster prod).",
    },
    {
      what: 'the app has HTTP metrics but the mesh has no L7 series in the window',
      snap: () =>
        snapshot('prod', objects('istio'), {
          metrics: metrics({}, '5m', { appHttpSeries: MICROMETER }),
        }),
      summary:
        'No double instrumentation: 36 app HTTP series but no mesh L7 series for it in the window',
    },
    {
      what: 'the app span under the proxy is not a server span (in-process, traced once)',
      snap: () => cluster('istio', {}, [trace('istio', 'internal')]),
      summary:
        "No app HTTP server metrics next to the mesh's L7 metrics, and no double tracing.",
    },
  ])('passes when $what', ({ snap, summary }) => {
    const outcome = evaluate([snap()]);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain(summary);
    expect(outcome.evidence).toMatchObject({ appSeries: 0, estimatedBytes: 0 });
  });

  it('passes inside the rollout comparison window, saying when to remove the app metrics', () => {
    const outcome = evaluate([cluster('istio', MICROMETER)], {
      rollout: {
        source: 'pods',
        meshedSince: '2026-03-01T09:00:00.000Z',
        inComparisonWindow: true,
        windowEndsAt: '2026-03-08T09:00:00.000Z',
      },
    });
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain(
      "remove the app's HTTP metrics after 2026-03-08",
    );
    expect(outcome.evidence).toMatchObject({
      appSeries: 36,
      estimatedBytes: 36 * BYTES_PER_HEAD_SERIES,
    });
    expect(outcome.remediation).toBeUndefined();
  });

  it.each<{ mesh: Mesh; meshQuery: string }>([
    {
      mesh: 'istio',
      meshQuery:
        'istio_requests_total{reporter=~"destination|waypoint",destination_workload_namespace="shop",destination_workload="checkout"}',
    },
    {
      mesh: 'waypoint',
      meshQuery: 'istio_requests_total{reporter=~"destination|waypoint"',
    },
    {
      mesh: 'linkerd',
      meshQuery:
        'response_total{direction="inbound",namespace="shop",deployment="checkout"}',
    },
  ])(
    'warns on $mesh when the app exports HTTP metrics next to the mesh’s',
    ({ mesh, meshQuery }) => {
      const outcome = evaluate([cluster(mesh, MICROMETER)]);
      expect(outcome.status).toBe('warn');
      expect(outcome.summary).toBe(
        "36 app HTTP series (≈108 kB of Prometheus memory) duplicate the mesh's L7 metrics on prod/shop/deployment/checkout: http_server_requests_seconds_*.",
      );
      expect(outcome.evidence).toMatchObject({
        appSeries: 36,
        estimatedBytes: 108000,
        bytesPerSeries: 3000,
        workloads: [
          {
            workload: 'prod/shop/deployment/checkout',
            doubleInstrumented: true,
            appSeries: 36,
            metrics: {
              http_server_requests_seconds_count: 24,
              http_server_requests_seconds_sum: 12,
            },
            pods: [POD0, POD1],
          },
        ],
      });
      expect(outcome.remediation).toContain('Spring Boot / Micrometer');
      expect(outcome.remediation).toContain(meshQuery);
      expect(outcome.remediation).toContain(
        "regex: '(http_server_requests_seconds_count|http_server_requests_seconds_sum);shop;checkout-[a-z0-9]+-[a-z0-9]+'",
      );
      expect(outcome.remediation).toContain('exemplars');
    },
  );

  it.each<{ mesh: 'istio' | 'linkerd'; fix: string }>([
    { mesh: 'istio', fix: 'disableSpanReporting: true' },
    { mesh: 'linkerd', fix: 'config.linkerd.io/trace-collector' },
  ])(
    'warns on double tracing through $mesh, as a separate finding with example traces',
    ({ mesh, fix }) => {
      const outcome = evaluate([cluster(mesh, {}, [trace(mesh, 'server')])], {
        tracingLink: 'https://jaeger.example.com/trace/{traceId}',
      });
      expect(outcome.status).toBe('warn');
      expect(outcome.summary).toBe(
        'double tracing: 1 of 1 sampled requests into checkout traced twice (proxy span, then an app server span: checkout).',
      );
      expect(outcome.evidence).toMatchObject({
        appSeries: 0,
        workloads: [
          {
            doubleInstrumented: false,
            doubleTracing: {
              checked: true,
              inboundHops: 1,
              doubledHops: 1,
              instrumentation: ['io.opentelemetry.tomcat-10.0'],
              examples: [
                {
                  traceId: TRACE,
                  link: `https://jaeger.example.com/trace/${TRACE}`,
                },
              ],
            },
          },
        ],
      });
      expect(outcome.remediation).toContain(fix);
      expect(outcome.remediation).toContain('traceparent');
    },
  );

  it('reports both findings, and judges each cluster’s workload (worst wins, totals summed)', () => {
    const outcome = evaluate([
      cluster('istio', MICROMETER, [trace('istio', 'server')], 'prod'),
      cluster('istio', {}, undefined, 'dr'),
    ]);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('36 app HTTP series');
    expect(outcome.summary).toContain('; double tracing: 1 of 1');
    expect(
      (
        outcome.evidence.workloads as Array<{
          workload: string;
          status: string;
        }>
      ).map(w => [w.workload, w.status]),
    ).toEqual([
      ['prod/shop/deployment/checkout', 'warn'],
      ['dr/shop/deployment/checkout', 'pass'],
    ]);
    expect(outcome.evidence.appSeries).toBe(36);
  });

  it('is unknown for a workload whose cluster has no Prometheus answer', () => {
    const failed = snapshot('prod', objects('istio'), {
      prometheus: failedSource('Prometheus at http://prom:9090 is unreachable'),
    });
    const outcome = evaluate([failed]);
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toBe(
      "Cannot tell whether the app's HTTP metrics duplicate the mesh's: prod/shop/deployment/checkout (no Prometheus answer for cluster prod).",
    );
  });

  it('is made unknown by the registry when Prometheus failed', () => {
    const results = new CheckRegistry().run(
      contextFor([
        snapshot('prod', objects('istio'), {
          metrics: metrics(meshTraffic('istio'), '5m', {
            appHttpSeries: MICROMETER,
          }),
          prometheus: failedSource(
            'Prometheus at http://prom:9090 is unreachable',
          ),
        }),
      ]),
    );
    expect(
      results.find(r => r.id === 'observability.double-instrumentation'),
    ).toMatchObject({
      status: 'unknown',
      summary:
        "The prometheus source of cluster 'prod' failed: Prometheus at http://prom:9090 is unreachable",
    });
  });
});
