import {
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  metrics,
  namespace,
  service,
  snapshot,
  traffic,
} from '../__testUtils__/fixtures';

const ISTIO_NS = namespace('shop', {
  labels: { 'istio-injection': 'enabled' },
});
const checkout = () => [
  ISTIO_NS,
  ...deploymentWithPods('checkout', 'shop', { pods: 2, meshedPods: 2 }),
  service('checkout', 'shop', { app: 'checkout' }),
];

describe('buildEntityContext: the traffic join', () => {
  it("attributes the callers' own failures to the workloads behind the destination Service", () => {
    const ctx = contextFor([
      snapshot(
        'prod',
        [...checkout(), service('cart', 'shop', { app: 'cart' })],
        {
          metrics: metrics(
            { 'shop/checkout': traffic({ requestsPerSecond: 90 }) },
            '5m',
            {
              istioSourceRequests: [
                // The caller's Envoy found no healthy endpoint: no destination workload.
                {
                  source: 'shop/web',
                  destinationService: 'shop/checkout',
                  protocol: 'http',
                  code: '503',
                  responseFlags: 'UH',
                  rate: 10,
                },
                // Another Service's failures are not checkout's.
                {
                  source: 'shop/web',
                  destinationService: 'shop/cart',
                  protocol: 'http',
                  code: '503',
                  responseFlags: 'NR',
                  rate: 7,
                },
                // What checkout sent: its outbound requests.
                {
                  source: 'shop/checkout',
                  destinationWorkload: 'shop/cart',
                  destinationService: 'shop/cart',
                  protocol: 'http',
                  code: '500',
                  responseFlags: '-',
                  rate: 1,
                },
              ],
            },
          ),
        },
      ),
    ]);
    expect(ctx.traffic.sourceReported).toEqual([
      expect.objectContaining({ responseFlags: 'UH', rate: 10 }),
    ]);
    expect(ctx.traffic.outbound).toEqual([
      { reporter: 'source', protocol: 'http', code: '500', rate: 1 },
    ]);
    // 10 of 100 requests failed in the callers' proxies: 10% is failing.
    expect(ctx.health).toMatchObject({
      status: 'failing',
      requestsPerSecond: 100,
      responseFlags: { UH: 10 },
    });
  });

  it('counts a source-reported request with a known destination workload once, however many Services select it', () => {
    const ctx = contextFor([
      snapshot(
        'prod',
        [
          ...checkout(),
          service('checkout-canary', 'shop', { app: 'checkout' }),
        ],
        {
          metrics: metrics({}, '5m', {
            istioSourceRequests: [
              {
                source: 'shop/web',
                destinationWorkload: 'shop/checkout',
                destinationService: 'shop/checkout',
                protocol: 'http',
                code: '200',
                responseFlags: '-',
                rate: 5,
              },
              {
                source: 'shop/web',
                destinationService: 'shop/checkout-canary',
                protocol: 'http',
                code: '503',
                responseFlags: 'UF',
                rate: 1,
              },
            ],
          }),
        },
      ),
    ]);
    expect(ctx.workloads[0].mesh.services.map(s => s.name).sort()).toEqual([
      'checkout',
      'checkout-canary',
    ]);
    expect(ctx.traffic.sourceReported.map(r => r.rate).sort()).toEqual([1, 5]);
  });

  it("prefers the sidecar's own report and lets a waypoint's stand in only without one", () => {
    const ctx = contextFor([
      snapshot('prod', checkout(), {
        metrics: metrics({}, '5m', {
          istioRequests: {
            'shop/checkout': [
              {
                reporter: 'destination',
                protocol: 'http',
                code: '200',
                rate: 10,
              },
              { reporter: 'waypoint', protocol: 'http', code: '200', rate: 10 },
            ],
          },
        }),
      }),
    ]);
    expect(ctx.traffic.inbound).toEqual([
      { reporter: 'destination', protocol: 'http', code: '200', rate: 10 },
    ]);
    expect(ctx.health.requestsPerSecond).toBe(10);
  });

  it('joins Linkerd inbound and outbound rows by the workload labels', () => {
    const ctx = contextFor([
      snapshot(
        'prod',
        [
          namespace('shop', {
            annotations: { 'linkerd.io/inject': 'enabled' },
          }),
          ...deploymentWithPods('checkout', 'shop', {
            pods: 1,
            meshedPods: 1,
            proxy: linkerdProxy(),
          }),
        ],
        {
          metrics: metrics({}, '5m', {
            linkerdResponses: {
              'shop/checkout': [
                {
                  reporter: 'inbound',
                  protocol: 'grpc',
                  code: '200',
                  grpcStatus: '0',
                  security: 'true',
                  rate: 9,
                },
                {
                  reporter: 'inbound',
                  protocol: 'grpc',
                  code: '200',
                  grpcStatus: '14',
                  security: 'true',
                  rate: 1,
                },
                {
                  reporter: 'outbound',
                  protocol: 'http',
                  code: '200',
                  security: 'true',
                  rate: 4,
                },
              ],
            },
          }),
        },
      ),
    ]);
    expect(ctx.traffic.inbound).toHaveLength(2);
    expect(ctx.traffic.outbound).toHaveLength(1);
    expect(ctx.health).toMatchObject({
      status: 'failing',
      requestsPerSecond: 10,
    });
  });

  it('reads no metrics from a cluster whose Prometheus failed', () => {
    const ctx = contextFor([
      snapshot('prod', checkout(), {
        metrics: metrics({
          'shop/checkout': traffic({ requestsPerSecond: 9 }),
        }),
        prometheus: { ok: false, error: 'down' },
      }),
    ]);
    expect(ctx.metricsFor(ctx.workloads[0])).toBeUndefined();
    expect(ctx.traffic.withSeries).toEqual([]);
  });

  it('applies an entity’s health-rate annotation', () => {
    const objects = checkout();
    const data = metrics({
      'shop/checkout': traffic({
        requestsPerSecond: 100,
        serverErrorsPerSecond: 3,
      }),
    });
    const lenient = contextFor([snapshot('prod', objects, { metrics: data })], {
      'backstage.io/kubernetes-label-selector': 'app=checkout',
      'servicemesh/health-rate': '5XX,5,20,http,.*',
    });
    expect(lenient.health.status).toBe('healthy');
    const byDefault = contextFor([
      snapshot('prod', objects, { metrics: data }),
    ]);
    expect(byDefault.health.status).toBe('degraded');
  });
});
