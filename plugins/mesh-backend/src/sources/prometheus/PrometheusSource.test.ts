import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  InstantQueryResult,
  MetricSeries,
  MetricsData,
  PromQuerier,
  QUERY_CATALOG,
} from '@mesh-readiness/plugin-mesh-node';
import { ExtraFamily, withFamilies } from 'mesh-devtools/fleet';
import { openMetricsChunks, TrafficSpec } from 'mesh-devtools/metrics';
import { freePort, startPrometheus } from 'mesh-devtools/prometheus';
import { histogramQuantile } from '../../health/histogram';
import { RunningPrometheus } from '../../__testUtils__/prometheus';
import { PrometheusClient } from './PrometheusClient';
import { PrometheusSource, PrometheusSourceOptions } from './PrometheusSource';

const RULES_FILE = path.resolve(
  __dirname,
  '../../../../../docs/prometheus/recording-rules.yaml',
);
const ENTRIES = Object.keys(QUERY_CATALOG);

const spec: TrafficSpec = {
  services: [
    {
      namespace: 'shop',
      workload: 'checkout',
      provider: 'istio',
      rps: 20,
      pods: 2,
      responses: { '200': 0.9, '404': 0.04, '503': 0.06 },
      latencyMs: { p50: 20, p99: 200 },
    },
    // Seen by both its sidecar and a waypoint.
    {
      namespace: 'shop',
      workload: 'cart',
      provider: 'istio',
      reporter: 'destination',
      rps: 10,
    },
    {
      namespace: 'shop',
      workload: 'cart',
      provider: 'istio',
      reporter: 'waypoint',
      rps: 10,
    },
    {
      namespace: 'inventory',
      workload: 'inventory',
      provider: 'istio',
      reporter: 'waypoint',
      rps: 5,
    },
    {
      namespace: 'payments',
      workload: 'payments',
      provider: 'linkerd',
      rps: 8,
      responses: { '200': 0.7, '429': 0.2, '502': 0.1 },
      latencyMs: { p50: 30, p99: 300 },
    },
    {
      namespace: 'data',
      workload: 'orders-db',
      provider: 'linkerd',
      kind: 'statefulset',
      rps: 2,
    },
  ],
};

/** What the traffic spec cannot express, as the proxies export it. */
const sourceEdge = {
  reporter: 'source',
  source_workload: 'frontend',
  source_workload_namespace: 'shop',
  destination_service: 'checkout.shop.svc.cluster.local',
  destination_service_name: 'checkout',
  destination_service_namespace: 'shop',
  request_protocol: 'http',
  connection_security_policy: 'unknown',
  namespace: 'shop',
  pod: 'frontend-0',
};
const ztunnel = {
  reporter: 'destination',
  source_workload: 'frontend',
  source_workload_namespace: 'shop',
  destination_workload: 'ledger',
  destination_workload_namespace: 'ambient',
  request_protocol: 'tcp',
  connection_security_policy: 'mutual_tls',
  namespace: 'istio-system',
  pod: 'ztunnel-node-1',
};
const linkerdOutbound = {
  direction: 'outbound',
  namespace: 'payments',
  deployment: 'payments',
  pod: 'payments-pod-0',
  dst_namespace: 'data',
  dst_statefulset: 'orders-db',
  classification: 'success',
  status_code: '200',
};
const extra: ExtraFamily[] = [
  {
    family: 'istio_requests',
    type: 'counter',
    series: [
      {
        name: 'istio_requests_total',
        labels: {
          ...sourceEdge,
          destination_workload: 'checkout',
          destination_workload_namespace: 'shop',
          response_code: '200',
          response_flags: '-',
        },
        rate: 5,
      },
      // The caller's Envoy found no healthy upstream: it never reached the destination.
      {
        name: 'istio_requests_total',
        labels: {
          ...sourceEdge,
          destination_workload: 'unknown',
          destination_workload_namespace: 'unknown',
          response_code: '503',
          response_flags: 'UH',
        },
        rate: 0.5,
      },
      // A broken exporter: every sample NaN.
      {
        name: 'istio_requests_total',
        labels: {
          reporter: 'destination',
          destination_workload: 'legacy',
          destination_workload_namespace: 'shop',
          response_code: '200',
          namespace: 'shop',
          pod: 'legacy-0',
        },
        value: NaN,
      },
    ],
  },
  {
    family: 'istio_tcp_connections_opened',
    type: 'counter',
    series: [
      { name: 'istio_tcp_connections_opened_total', labels: ztunnel, rate: 2 },
    ],
  },
  {
    family: 'istio_tcp_received_bytes',
    type: 'counter',
    series: [
      { name: 'istio_tcp_received_bytes_total', labels: ztunnel, rate: 4096 },
    ],
  },
  {
    family: 'response',
    type: 'counter',
    series: [
      {
        name: 'response_total',
        labels: { ...linkerdOutbound, tls: 'true' },
        rate: 3,
      },
      {
        name: 'response_total',
        labels: {
          ...linkerdOutbound,
          tls: 'no_identity',
          no_tls_reason: 'loopback',
        },
        rate: 1,
      },
    ],
  },
  {
    family: 'istio_build',
    type: 'gauge',
    series: ['checkout-pod-0', 'checkout-pod-1', 'waypoint-shop'].map(pod => ({
      name: 'istio_build',
      labels: { component: 'proxy', tag: '1.27.1', namespace: 'shop', pod },
      value: 1,
    })),
  },
  {
    family: 'proxy_build_info',
    type: 'gauge',
    series: [
      {
        name: 'proxy_build_info',
        labels: { namespace: 'payments', pod: 'payments-pod-0' },
        value: 1,
      },
      {
        name: 'proxy_build_info',
        labels: { namespace: 'data', pod: 'orders-db-pod-0' },
        value: 1,
      },
    ],
  },
];

// Control-plane series (queries/controlPlane.ts): istiod's push buckets (a constant
// gauge is enough for a rate to exist) and the certificate expiry gauges.
extra.push(
  {
    family: 'pilot_proxy_convergence_time_bucket',
    type: 'gauge',
    series: ['0.1', '1', '+Inf'].map(le => ({
      name: 'pilot_proxy_convergence_time_bucket',
      labels: { namespace: 'istio-system', pod: 'istiod-7d4f9c8b6-x2x9q', le },
      value: 10,
    })),
  },
  ...[
    ['citadel_server_root_cert_expiry_timestamp', 'istio-system'],
    ['identity_cert_expiration_timestamp_seconds', 'payments'],
  ].map(([name, namespace]) => ({
    family: name,
    type: 'gauge' as const,
    series: [{ name, labels: { namespace, pod: 'cp-0' }, value: 2e9 }],
  })),
);

// Security series (queries/security.ts): a plaintext caller, Envoy's shadow denials,
// Linkerd's authorization denials and traffic to the passthrough cluster.
extra
  .find(f => f.family === 'istio_requests')!
  .series.push(
    {
      name: 'istio_requests_total',
      labels: {
        reporter: 'destination',
        source_workload: 'stock-sync',
        source_workload_namespace: 'batch',
        destination_workload: 'ledger',
        destination_workload_namespace: 'finance',
        connection_security_policy: 'none',
        response_code: '200',
      },
      rate: 1,
    },
    {
      name: 'istio_requests_total',
      labels: {
        reporter: 'source',
        source_workload: 'stock-sync',
        source_workload_namespace: 'batch',
        destination_service_name: 'PassthroughCluster',
        destination_service: 'api.stripe.com',
        response_code: '200',
      },
      rate: 0.5,
    },
  );
extra.push(
  {
    family: 'envoy_http_inbound_0_0_0_0_8080_rbac_shadow_denied',
    type: 'counter',
    series: [
      {
        name: 'envoy_http_inbound_0_0_0_0_8080_rbac_shadow_denied',
        labels: { namespace: 'shop', pod: 'checkout-pod-0' },
        rate: 0.2,
      },
    ],
  },
  {
    family: 'inbound_http_authz_deny',
    type: 'counter',
    series: [
      {
        name: 'inbound_http_authz_deny_total',
        labels: {
          namespace: 'payments',
          deployment: 'payments',
          srv_name: 'payments-http',
        },
        rate: 0.1,
      },
    ],
  },
);

// Overhead and right-sizing series (queries/overhead.ts, queries/resources.ts): the
// callers' view of latency (Istio source buckets, Linkerd outbound buckets) and the
// proxies' cAdvisor usage.
extra.push(
  {
    family: 'istio_request_duration_milliseconds_source_bucket',
    type: 'gauge',
    series: ['10', '100', '+Inf'].map(le => ({
      name: 'istio_request_duration_milliseconds_bucket',
      labels: {
        ...sourceEdge,
        destination_workload: 'checkout',
        destination_workload_namespace: 'shop',
        le,
      },
      rate: le === '10' ? 3 : 5,
    })),
  },
  {
    family: 'response_latency_ms_outbound_bucket',
    type: 'gauge',
    series: ['10', '+Inf'].map(le => ({
      name: 'response_latency_ms_bucket',
      labels: { ...linkerdOutbound, le },
      rate: le === '10' ? 1 : 2,
    })),
  },
  {
    family: 'container_memory_working_set_bytes',
    type: 'gauge',
    series: [
      {
        name: 'container_memory_working_set_bytes',
        labels: {
          namespace: 'shop',
          pod: 'checkout-pod-0',
          container: 'istio-proxy',
        },
        value: 5e7,
      },
    ],
  },
  {
    family: 'container_cpu_usage_seconds',
    type: 'counter',
    series: [
      {
        name: 'container_cpu_usage_seconds_total',
        labels: {
          namespace: 'shop',
          pod: 'checkout-pod-0',
          container: 'istio-proxy',
        },
        rate: 0.02,
      },
    ],
  },
);

// App HTTP server series (queries/instrumentation.ts): Micrometer on a meshed pod, one
// app scraped by the annotation job (kubernetes_* labels), and what is never counted:
// the health route, promhttp's scrape counter.
extra.push(
  ...[
    'http_server_requests_seconds_count',
    'http_server_requests_seconds_sum',
  ].map(name => ({
    family: name,
    type: 'gauge' as const,
    series: ['/orders', '/orders/{id}', '/actuator/health'].map(uri => ({
      name,
      labels: { namespace: 'shop', pod: 'checkout-pod-0', uri },
      value: 3,
    })),
  })),
  {
    family: 'http_requests_received',
    type: 'counter',
    series: [
      {
        name: 'http_requests_received_total',
        labels: {
          kubernetes_namespace: 'payments',
          kubernetes_pod_name: 'payments-pod-0',
          code: '200',
        },
        rate: 1,
      },
    ],
  },
  {
    family: 'promhttp_metric_handler_requests',
    type: 'counter',
    series: [
      {
        name: 'promhttp_metric_handler_requests_total',
        labels: { namespace: 'shop', pod: 'checkout-pod-0', code: '200' },
        rate: 0.1,
      },
    ],
  },
);

// Rollout series (queries/rollout.ts) read the app series above: Micrometer's count on
// `checkout-pod-0`, whose workload is recovered from the pod name (`checkout-pod`).

/** Fifteen minutes of the spec and the extra series, ending now. */
async function startMeshPrometheus(
  options: { ruleFiles?: string[]; minutes?: number } = {},
): Promise<RunningPrometheus> {
  const end = Math.floor(Date.now() / 1000);
  const range = { start: end - (options.minutes ?? 15) * 60, end, step: 15 };
  const openMetrics = [
    ...withFamilies(openMetricsChunks(spec, range), extra, range),
  ].join('');
  return startPrometheus({
    openMetrics,
    ruleFiles: options.ruleFiles,
    evaluationInterval: '1s',
  });
}

/** Arrays in a stable order and floats rounded, so answers compare with toEqual. */
function canonical(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (Array.isArray(value)) {
    return value
      .map(canonical)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

const between = (lo: number, hi: number) => ({
  asymmetricMatch: (v: number) => v >= lo && v <= hi,
  toString: () => `a number in [${lo}, ${hi}]`,
});

describe('PrometheusSource against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let client: PrometheusClient;
  const source = (o: Partial<PrometheusSourceOptions> = {}) =>
    new PrometheusSource({
      querier: client,
      description: 'test',
      window: '5m',
      concurrency: 4,
      shardCount: 1,
      recordingRules: false,
      ...o,
    });

  beforeAll(async () => {
    prometheus = await startMeshPrometheus();
    client = new PrometheusClient({ url: prometheus.url });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  describe('parses every catalog entry', () => {
    let data: MetricsData;
    let s: MetricSeries;
    beforeAll(async () => {
      data = await source().fetch();
      s = data.series;
    });

    it('answers every entry with one request each', () => {
      expect(Object.keys(s).sort()).toEqual([...ENTRIES].sort());
      expect(data.queries).toBe(ENTRIES.length);
      expect(data.recordingRules).toEqual([]);
      expect(data.window).toBe('5m');
    });

    it('istioRequests: the sidecar, the waypoint, codes, mTLS', () => {
      const checkout = s.istioRequests['shop/checkout'];
      expect(new Set(checkout.map(r => r.reporter))).toEqual(
        new Set(['destination']),
      );
      expect(checkout.map(r => r.code).sort()).toEqual(['200', '404', '503']);
      expect(checkout.every(r => r.security === 'mutual_tls')).toBe(true);
      expect(checkout.every(r => r.protocol === 'http')).toBe(true);
      const total = checkout.reduce((sum, r) => sum + r.rate, 0);
      // rate() extrapolates at the window's edge: ranges, not exact values.
      expect(total).toEqual(between(17, 21));
      expect(checkout.find(r => r.code === '503')!.rate / total).toBeCloseTo(
        0.06,
        3,
      );
      expect(
        new Set(s.istioRequests['shop/cart'].map(r => r.reporter)),
      ).toEqual(new Set(['destination', 'waypoint']));
      expect(s.istioRequests['inventory/inventory'][0].reporter).toBe(
        'waypoint',
      );
    });

    it('istioLatency: all buckets per reporter', () => {
      const [checkout] = s.istioLatency['shop/checkout'];
      expect(checkout.reporter).toBe('destination');
      expect(checkout.buckets).toHaveLength(20);
      expect(checkout.buckets.find(b => b.le === Infinity)!.rate).toEqual(
        between(17, 21),
      );
      expect(s.istioLatency['shop/cart'].map(r => r.reporter).sort()).toEqual([
        'destination',
        'waypoint',
      ]);
    });

    it('istioSourceRequests: edges with response flags and unknown destinations', () => {
      const fromFrontend = s.istioSourceRequests.filter(
        r => r.source === 'shop/frontend',
      );
      expect(canonical(fromFrontend.map(({ rate, ...r }) => r))).toEqual(
        canonical([
          {
            source: 'shop/frontend',
            destinationWorkload: 'shop/checkout',
            destinationService: 'shop/checkout',
            protocol: 'http',
            code: '200',
            responseFlags: '-',
          },
          {
            source: 'shop/frontend',
            destinationService: 'shop/checkout',
            protocol: 'http',
            code: '503',
            responseFlags: 'UH',
          },
        ]),
      );
      const uh = fromFrontend.find(r => r.responseFlags === 'UH')!;
      expect(uh.rate).toEqual(between(0.4, 0.55));
    });

    it('istioTcp: what ztunnel reports for an ambient workload', () => {
      expect(s.istioTcp['ambient/ledger']).toEqual([
        {
          security: 'mutual_tls',
          connectionsPerSecond: between(1.7, 2.1),
          receivedBytesPerSecond: between(3500, 4200),
        },
      ]);
    });

    it('linkerdResponses: inbound and outbound, with TLS or the reason for none', () => {
      const payments = s.linkerdResponses['payments/payments'];
      const inbound = payments.filter(r => r.reporter === 'inbound');
      expect(inbound.map(r => r.code).sort()).toEqual(['200', '429', '502']);
      expect(inbound.every(r => r.security === 'true')).toBe(true);
      const outbound = payments.filter(r => r.reporter === 'outbound');
      expect(outbound.map(r => r.security).sort()).toEqual([
        'loopback',
        'true',
      ]);
      expect(s.linkerdResponses['data/orders-db'][0].reporter).toBe('inbound');
    });

    it('linkerdLatency: inbound buckets, statefulsets included', () => {
      expect(s.linkerdLatency['payments/payments']).toEqual([
        { reporter: 'inbound', buckets: expect.any(Array) },
      ]);
      expect(s.linkerdLatency['payments/payments'][0].buckets).toHaveLength(26);
      expect(s.linkerdLatency['data/orders-db']).toHaveLength(1);
    });

    it('scrapedProxies: pods of istio_build and proxy_build_info', () => {
      expect(s.scrapedProxies.shop).toEqual(
        expect.arrayContaining([
          'checkout-pod-0',
          'checkout-pod-1',
          'waypoint-shop',
        ]),
      );
      expect(s.scrapedProxies.payments).toContain('payments-pod-0');
      expect(s.scrapedProxies.data).toContain('orders-db-pod-0');
    });

    it('appHttpSeries: app series by pod and name, kubernetes_* aliases, no health route or promhttp', () => {
      // Only this block's pods: other fixture series may carry app metrics too.
      const mine = Object.fromEntries(
        Object.entries(s.appHttpSeries)
          .map(([ns, rows]) => [
            ns,
            rows.filter(r =>
              ['checkout-pod-0', 'payments-pod-0'].includes(r.pod),
            ),
          ])
          .filter(([, rows]) => rows.length > 0),
      );
      expect(canonical(mine)).toEqual(
        canonical({
          shop: [
            {
              pod: 'checkout-pod-0',
              metric: 'http_server_requests_seconds_count',
              series: 2,
            },
            {
              pod: 'checkout-pod-0',
              metric: 'http_server_requests_seconds_sum',
              series: 2,
            },
          ],
          payments: [
            {
              pod: 'payments-pod-0',
              metric: 'http_requests_received_total',
              series: 1,
            },
          ],
        }),
      );
    });

    it("rolloutAppHttp: the app's own request rate by workload recovered from the pod name", () => {
      // The fixture's Micrometer count is a constant gauge: a rate of 0, no buckets.
      expect(s.rolloutAppHttp['shop/checkout-pod']).toEqual([
        { period: 'now', requestsPerSecond: 0 },
      ]);
    });

    it('drops NaN samples and says which entry had them', () => {
      expect(s.istioRequests['shop/legacy']).toBeUndefined();
      expect(data.problems).toEqual([
        'istioRequests: 1 samples with NaN or infinite values were ignored',
      ]);
    });
  });

  describe('sharding by namespace', () => {
    const at = new Date();
    let unsharded: MetricsData;
    beforeAll(async () => {
      unsharded = await source().fetch(at);
    });

    it('gives the same answer with fixed shards, and sends entries × shards requests', async () => {
      const before = client.requests;
      const data = await source({
        shards: [['shop'], ['payments', 'data'], ['inventory']],
      }).fetch(at);
      expect(client.requests - before).toBe(ENTRIES.length * 3);
      expect(data.queries).toBe(ENTRIES.length * 3);
      expect(canonical(data.series)).toEqual(canonical(unsharded.series));
      expect(data.problems).toEqual(unsharded.problems);
    });

    it('covers namespaces no shard names (the last shard takes the rest)', async () => {
      const data = await source({ shards: [['nowhere'], ['elsewhere']] }).fetch(
        at,
      );
      expect(canonical(data.series)).toEqual(canonical(unsharded.series));
    });

    it('plans shards from label values, then from the previous answer', async () => {
      const labelValues = source({
        shardCount: 3,
        shardNamespaces: 'labelValues',
      });
      let data = await labelValues.fetch(at);
      expect(data.queries).toBe(1 + ENTRIES.length * 3);
      expect(canonical(data.series)).toEqual(canonical(unsharded.series));

      const previous = source({ shardCount: 3, shardNamespaces: 'previous' });
      data = await previous.fetch(at);
      // The first run has no previous answer: it asks for the label values once.
      expect(data.queries).toBe(1 + ENTRIES.length * 3);
      data = await previous.fetch(at);
      // Each entry is split by its own namespaces, weighted by its own samples: no
      // label values request, and no more shards than the entry has namespaces.
      const shards = previous.lastRun!.shards;
      const perEntry = Object.values(shards).map(p => Math.max(1, p.length));
      expect(data.queries).toBe(perEntry.reduce((a, b) => a + b, 0));
      expect(shards.istioLatency.flat().sort()).toEqual(['inventory', 'shop']);
      expect(shards.linkerdLatency.flat().sort()).toEqual(['data', 'payments']);
      // Only one namespace has ztunnel traffic: one request, unsharded.
      expect(shards.istioTcp).toEqual([]);
      expect(shards.scrapedProxies).toHaveLength(3);
      expect(canonical(data.series)).toEqual(canonical(unsharded.series));
    });

    it('runs unsharded with a querier that cannot list label values', async () => {
      const plain: PromQuerier = {
        instantQuery: (q, t) => client.instantQuery(q, t),
      };
      const data = await source({ querier: plain, shardCount: 4 }).fetch(at);
      expect(data.queries).toBe(ENTRIES.length);
      expect(canonical(data.series)).toEqual(canonical(unsharded.series));
    });
  });

  it.each([0.5, 0.95, 0.99])(
    'computes quantile %s from bucket rates exactly as PromQL histogram_quantile does',
    async q => {
      const at = new Date();
      const { series } = await source().fetch(at);
      const promql = await client.instantQuery(
        `histogram_quantile(${q}, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="shop",destination_workload="checkout"}[5m])))`,
        at,
      );
      const ours = histogramQuantile(
        q,
        series.istioLatency['shop/checkout'][0].buckets,
      )!;
      expect(ours).toBeCloseTo(promql.samples[0].value, 6);
    },
  );

  it('names the entry when Prometheus rejects its query', async () => {
    const catalog = {
      ...QUERY_CATALOG,
      istioTcp: { ...QUERY_CATALOG.istioTcp, promql: () => 'sum by (( broken' },
    };
    await expect(source({ catalog }).fetch()).rejects.toThrow(
      /^catalog entry 'istioTcp': Prometheus rejected the query \(bad_data\)/,
    );
    await expect(
      source({ catalog, shards: [['shop'], ['data']] }).fetch(),
    ).rejects.toThrow(
      /^catalog entry 'istioTcp' \(shard [12]\/2\): Prometheus rejected/,
    );
  });

  it('lists label values over a time range', async () => {
    const now = new Date();
    const values = await client.labelValues(
      'namespace',
      new Date(now.getTime() - 300_000),
      now,
    );
    expect(values).toEqual(
      expect.arrayContaining([
        'shop',
        'payments',
        'data',
        'inventory',
        'istio-system',
      ]),
    );
  });
});

describe('PrometheusSource with the recording rules loaded', () => {
  let prometheus: RunningPrometheus;
  let client: PrometheusClient;
  /** The timestamp of the rules' latest evaluation. */
  let evaluatedAt: Date;
  const source = (o: Partial<PrometheusSourceOptions> = {}) =>
    new PrometheusSource({
      querier: client,
      description: 'test',
      window: '5m',
      concurrency: 4,
      shardCount: 1,
      ...o,
    });

  beforeAll(async () => {
    prometheus = await startMeshPrometheus({ ruleFiles: [RULES_FILE] });
    client = new PrometheusClient({ url: prometheus.url });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rules = await client.recordingRules();
      const ts = await client.instantQuery(
        'timestamp(mesh_workload:istio_requests:rate5m)',
        new Date(),
      );
      if (
        rules.length === ENTRIES.length &&
        rules.every(r => r.health === 'ok') &&
        ts.samples.length > 0
      ) {
        evaluatedAt = new Date(ts.samples[0].value * 1000);
        break;
      }
      if (Date.now() > deadline)
        throw new Error('the recording rules were never evaluated');
      await new Promise(r => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reads every entry from its rule, with the same answer as the raw series', async () => {
    const raw = await source({ recordingRules: false }).fetch(evaluatedAt);
    const before = client.requests;
    const ruled = await source().fetch(evaluatedAt);
    // One rules API request, then one per entry.
    expect(client.requests - before).toBe(1 + ENTRIES.length);
    expect(ruled.queries).toBe(1 + ENTRIES.length);
    expect([...ruled.recordingRules!].sort()).toEqual([...ENTRIES].sort());
    expect(canonical(ruled.series)).toEqual(canonical(raw.series));
    expect(ruled.problems).toEqual(raw.problems);
  });

  it('reads the rules by shard', async () => {
    const raw = await source({ recordingRules: false }).fetch(evaluatedAt);
    const ruled = await source({
      shards: [['shop'], ['payments', 'inventory']],
    }).fetch(evaluatedAt);
    expect(ruled.queries).toBe(1 + ENTRIES.length * 2);
    expect(ruled.recordingRules).toHaveLength(ENTRIES.length);
    expect(canonical(ruled.series)).toEqual(canonical(raw.series));
  });

  it('gives PromQL histogram_quantile from rule-recorded buckets', async () => {
    const { series } = await source().fetch(evaluatedAt);
    const promql = await client.instantQuery(
      `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="shop",destination_workload="checkout"}[5m])))`,
      evaluatedAt,
    );
    expect(
      histogramQuantile(0.99, series.istioLatency['shop/checkout'][0].buckets),
    ).toBeCloseTo(promql.samples[0].value, 6);
  });

  it('uses only rules of the configured window', async () => {
    const data = await source({ window: '10m' }).fetch(evaluatedAt);
    // Gauges read as they are (the proxies' build info) have no window.
    expect(data.recordingRules).toEqual(
      ENTRIES.filter(id => {
        const rule =
          QUERY_CATALOG[id as keyof typeof QUERY_CATALOG].recordingRule;
        return rule && rule('5m') === rule('10m');
      }),
    );
    expect(Object.keys(data.series.istioRequests)).toContain('shop/checkout');
  });

  it('finds the rules with one instant query when the querier has no rules API', async () => {
    const seen: string[] = [];
    const plain: PromQuerier = {
      instantQuery: (q, t) => {
        seen.push(q);
        return client.instantQuery(q, t);
      },
    };
    const data = await source({ querier: plain }).fetch(evaluatedAt);
    expect(data.recordingRules).toHaveLength(ENTRIES.length);
    expect(data.queries).toBe(1 + ENTRIES.length);
    expect(seen[0]).toMatch(/^group by \(__name__\) \(\{__name__=~"mesh_/);
    expect(seen.slice(1).every(q => q.startsWith('mesh_'))).toBe(true);
  });

  it('never reads rules with `false`, and does not look for them', async () => {
    const data = await source({ recordingRules: false }).fetch(evaluatedAt);
    expect(data.recordingRules).toEqual([]);
    expect(data.queries).toBe(ENTRIES.length);
  });
});

describe('recording rule detection', () => {
  const empty: InstantQueryResult = { samples: [], dropped: 0, warnings: [] };
  const sent: string[] = [];
  const querier = (
    rules: Array<{
      name: string;
      query: string;
      health?: string;
      intervalSeconds?: number;
    }>,
  ) => ({
    instantQuery: async (q: string) => {
      sent.push(q);
      return empty;
    },
    recordingRules: async () =>
      rules.map(r => ({ health: 'ok', group: 'g', ...r })),
  });
  const source = (
    q: ReturnType<typeof querier>,
    recordingRules?: 'auto' | boolean,
  ) =>
    new PrometheusSource({
      querier: q,
      description: 'test',
      window: '5m',
      concurrency: 2,
      shardCount: 1,
      recordingRules,
    });
  beforeEach(() => {
    sent.length = 0;
  });

  it('reads only healthy rules with the catalog’s expression and a short enough interval, and says why not the others', async () => {
    const data = await source(
      querier([
        {
          name: 'mesh_workload:istio_requests:rate5m',
          // The same, as another printer might space it.
          query: QUERY_CATALOG.istioRequests
            .promql('5m', '')
            .replace(/, /g, ','),
        },
        {
          name: 'mesh_workload:istio_tcp_received:rate5m',
          query:
            'sum by (destination_workload) (rate(istio_tcp_received_bytes_total[5m]))',
        },
        {
          name: 'mesh_workload:response:rate5m',
          query: QUERY_CATALOG.linkerdResponses.promql('5m', ''),
          health: 'err',
        },
        {
          name: 'mesh_workload:response_latency_ms_bucket:rate5m',
          query: QUERY_CATALOG.linkerdLatency.promql('5m', ''),
          intervalSeconds: 600,
        },
      ]),
    ).fetch();
    expect(data.recordingRules).toEqual(['istioRequests']);
    expect(sent).toContain('mesh_workload:istio_requests:rate5m');
    expect(sent).toContain(QUERY_CATALOG.istioTcp.promql('5m', ''));
    expect(sent).toContain(QUERY_CATALOG.linkerdResponses.promql('5m', ''));
    expect(sent).toContain(QUERY_CATALOG.linkerdLatency.promql('5m', ''));
    expect(data.problems).toEqual([
      "recording rule mesh_workload:istio_tcp_received:rate5m is not the catalog's expression (an older rule file?): raw series used instead",
      'recording rule mesh_workload:response_latency_ms_bucket:rate5m is evaluated every 600s, longer than the 5m window: raw series used instead',
    ]);
  });

  it('assumes every rule with `true`, without asking', async () => {
    const q = querier([]);
    const rulesAsked = jest.spyOn(q, 'recordingRules');
    const data = await source(q, true).fetch();
    expect(rulesAsked).not.toHaveBeenCalled();
    expect(data.recordingRules).toHaveLength(ENTRIES.length);
    expect(data.queries).toBe(ENTRIES.length);
  });

  it('falls back to raw series when the rules API fails', async () => {
    const q = {
      ...querier([]),
      recordingRules: async () => {
        throw new Error('404 page not found');
      },
    };
    const data = await source(q).fetch();
    expect(data.recordingRules).toEqual([]);
    expect(data.problems).toEqual([]);
    expect(sent).toContain(QUERY_CATALOG.istioRequests.promql('5m', ''));
  });
});

describe('PrometheusClient faults', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: '# EOF\n' });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reports a query Prometheus rejects with its own message', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    await expect(client.instantQuery('sum by (( broken')).rejects.toThrow(
      /Prometheus rejected the query \(bad_data\)/,
    );
  });

  it('refuses a result of the wrong type', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    await expect(client.instantQuery('up[5m]')).rejects.toThrow(
      'Prometheus answered a matrix where a vector was expected',
    );
  });

  it('drops NaN samples and counts them', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    const result = await client.instantQuery(
      'vector(0) / vector(0) or label_replace(vector(1), "x", "y", "", "")',
    );
    expect(result.dropped).toBe(1);
    expect(result.samples).toEqual([{ labels: { x: 'y' }, value: 1 }]);
  });

  it('lists no recording rules when none are loaded', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    await expect(client.recordingRules()).resolves.toEqual([]);
  });

  it('says when Prometheus is unreachable', async () => {
    const port = await freePort();
    const client = new PrometheusClient({ url: `http://127.0.0.1:${port}` });
    await expect(client.instantQuery('up')).rejects.toThrow(
      `Prometheus at http://127.0.0.1:${port} is unreachable: ECONNREFUSED`,
    );
  });

  describe('behind a misbehaving proxy', () => {
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url?.startsWith('/slow')) {
          setTimeout(() => res.end('{}'), 2000).unref();
          return;
        }
        if (req.url?.startsWith('/wrong-shape')) {
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({
              status: 'success',
              data: {
                resultType: 'vector',
                result: [{ metric: {}, value: 'x' }],
              },
            }),
          );
          return;
        }
        res.statusCode = 502;
        res.setHeader('content-type', 'text/html');
        res.end('<html><body>Bad gateway</body></html>');
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    });

    it('explains an HTML error page', async () => {
      const client = new PrometheusClient({ url });
      await expect(client.instantQuery('up')).rejects.toThrow(
        /answered HTTP 502 with a body that is not JSON: <html>/,
      );
      await expect(client.recordingRules()).rejects.toThrow(
        /answered HTTP 502 with a body that is not JSON/,
      );
    });

    it('explains a malformed vector', async () => {
      const client = new PrometheusClient({ url: `${url}/wrong-shape` });
      await expect(client.instantQuery('up')).rejects.toThrow(
        /malformed vector/,
      );
    });

    it('gives up after the timeout', async () => {
      const client = new PrometheusClient({
        url: `${url}/slow`,
        timeoutMs: 200,
      });
      await expect(client.instantQuery('up')).rejects.toThrow(
        'the request timed out',
      );
    });
  });
});

describe('PrometheusClient statistics', () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startMeshPrometheus({ minutes: 5 });
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
  });

  it("adds up Prometheus's own evaluation time when asked", async () => {
    const client = new PrometheusClient({
      url: prometheus.url,
      collectStats: true,
    });
    await new PrometheusSource({
      querier: client,
      description: 'test',
      window: '5m',
      concurrency: 4,
      shardCount: 1,
      recordingRules: false,
    }).fetch();
    expect(client.requests).toBe(ENTRIES.length);
    expect(client.evalMs).toBeGreaterThan(0);
    expect(client.evalMs).toBeLessThan(5000);
    const quiet = new PrometheusClient({ url: prometheus.url });
    await quiet.instantQuery('up');
    expect(quiet.evalMs).toBe(0);
  });
});
