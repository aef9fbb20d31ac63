import {
  buckets,
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  metrics,
  namespace,
  service,
  snapshot,
  traffic,
} from '../../__testUtils__/fixtures';
import { debugCommands, goldenSignalsCheck } from './goldenSignals';
import { TrafficSpec } from '../../__testUtils__/fixtures';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';

const ISTIO_NS = namespace('shop', {
  labels: { 'istio-injection': 'enabled' },
});
const meshedCheckout = [
  ISTIO_NS,
  ...deploymentWithPods('checkout', 'shop', { pods: 2, meshedPods: 2 }),
];

const evaluate = (
  objects: KubeObject[],
  workloads: Record<string, TrafficSpec> = {},
  window = '5m',
) =>
  goldenSignalsCheck.evaluate(
    contextFor(
      [snapshot('prod', objects, { metrics: metrics(workloads, window) })],
      undefined,
      window,
    ),
  );

const latency = buckets([25, 50], [100, 95], [250, 100], [Infinity, 100]);

describe('health.golden-signals', () => {
  it('is the health.golden-signals check, reading Prometheus', () => {
    expect(goldenSignalsCheck.definition.id).toBe('health.golden-signals');
    expect(goldenSignalsCheck.definition.sources).toEqual(['prometheus']);
  });

  it('passes a healthy workload and reports its figures', () => {
    const outcome = evaluate(meshedCheckout, {
      'shop/checkout': traffic({
        requestsPerSecond: 24,
        latencyBuckets: latency,
      }),
    });
    expect(outcome.status).toBe('pass');
    // p99: rank 99 of 100 falls in (100, 250]: 100 + 150 × 4/5 = 220
    expect(outcome.summary).toBe(
      'Healthy: 24 req/s, 100% success, p99 220 ms over 5m.',
    );
    expect(outcome.remediation).toBeUndefined();
    expect(outcome.evidence).toMatchObject({
      status: 'healthy',
      requestsPerSecond: 24,
      successRate: 1,
      workloadsWithSeries: ['prod/shop/checkout'],
    });
  });

  it.each([
    {
      what: '5xx at 15%',
      t: { requestsPerSecond: 20, serverErrorsPerSecond: 3 },
      status: 'fail',
      summary:
        /^Failing: 5xx responses are 15% of inbound HTTP requests \(failing at ≥ 10%\); 20 req\/s, 85% success/,
    },
    {
      what: '4xx at 12%',
      t: { requestsPerSecond: 50, clientErrorsPerSecond: 6 },
      status: 'warn',
      summary:
        /^Degraded: 4xx responses are 12% of inbound HTTP requests \(degraded at ≥ 10%\); 50 req\/s, 100% success/,
    },
    {
      what: '4xx at 25%',
      t: { requestsPerSecond: 40, clientErrorsPerSecond: 10 },
      status: 'fail',
      summary:
        /^Failing: 4xx responses are 25% of inbound HTTP requests \(failing at ≥ 20%\)/,
    },
  ])(
    'judges $what as $status with proxy debugging commands',
    ({ t, status, summary }) => {
      const outcome = evaluate(meshedCheckout, {
        'shop/checkout': traffic({ ...t, latencyBuckets: latency }),
      });
      expect(outcome.status).toBe(status);
      expect(outcome.summary).toMatch(summary);
      expect(outcome.summary).toContain('over 5m');
      expect(outcome.remediation).toContain('Look at the proxies');
      expect(outcome.remediation).toContain(
        'istioctl proxy-config cluster checkout-6b7f9c8d5-p0 -n shop',
      );
      expect(outcome.remediation).toContain(
        'istioctl proxy-config routes checkout-6b7f9c8d5-p0 -n shop',
      );
      expect(outcome.remediation).toContain('istioctl analyze -n shop');
    },
  );

  it('gives Linkerd commands for Linkerd traffic', () => {
    const outcome = evaluate(
      [
        namespace('shop', { annotations: { 'linkerd.io/inject': 'enabled' } }),
        ...deploymentWithPods('checkout', 'shop', {
          pods: 1,
          meshedPods: 1,
          proxy: linkerdProxy(),
        }),
      ],
      {
        'shop/checkout': traffic({
          provider: 'linkerd',
          reporter: 'inbound',
          requestsPerSecond: 10,
          serverErrorsPerSecond: 5,
        }),
      },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.remediation).toContain(
      'linkerd viz stat -n shop deployment/checkout',
    );
    expect(outcome.remediation).toContain(
      'linkerd viz tap -n shop deployment/checkout',
    );
    expect(outcome.remediation).not.toContain('istioctl');
  });

  it('says a placeholder pod when the workload has no pods running', () => {
    const ctx = contextFor([
      snapshot(
        'prod',
        [ISTIO_NS, ...deploymentWithPods('checkout', 'shop', { pods: 0 })],
        {
          metrics: metrics({
            'shop/checkout': traffic({
              requestsPerSecond: 10,
              serverErrorsPerSecond: 5,
            }),
          }),
        },
      ),
    ]);
    const outcome = goldenSignalsCheck.evaluate(ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.remediation).toContain(
      'istioctl proxy-config cluster <pod> -n shop',
    );
  });

  it('is unknown, never idle, when a meshed workload has no series at all', () => {
    const outcome = evaluate(meshedCheckout, {}, '10m');
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toBe(
      'No mesh telemetry: no mesh series for these workloads in the last 10m (is Prometheus scraping their proxies?).',
    );
  });

  it('warns on any 5xx below the failure threshold: Kiali leaves 5xx degraded unset', () => {
    const outcome = evaluate(meshedCheckout, {
      'shop/checkout': traffic({
        requestsPerSecond: 1000,
        serverErrorsPerSecond: 1,
        latencyBuckets: latency,
      }),
    });
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(
      /^Degraded: 5xx responses are 0.1% of inbound HTTP requests \(any share is degraded; failing at ≥ 10%\)/,
    );
  });

  it('is unknown with L4 figures for ambient pods without a waypoint, with ztunnel commands', () => {
    const objects = [
      namespace('shop', { labels: { 'istio.io/dataplane-mode': 'ambient' } }),
      ...deploymentWithPods('checkout', 'shop', {
        pods: 1,
        podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
      }),
    ];
    const ctx = contextFor([
      snapshot('prod', objects, {
        metrics: metrics({}, '5m', {
          istioTcp: {
            'shop/checkout': [
              {
                security: 'mutual_tls',
                connectionsPerSecond: 2,
                receivedBytesPerSecond: 512,
              },
            ],
          },
        }),
      }),
    ]);
    const outcome = goldenSignalsCheck.evaluate(ctx);
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toMatch(/^L4 only: ambient without a waypoint/);
    expect(outcome.evidence).toMatchObject({
      signal: 'l4',
      tcp: {
        connectionsPerSecond: 2,
        receivedBytesPerSecond: 512,
        mtlsShare: 1,
      },
    });
    const commands = debugCommands(ctx);
    expect(commands).toContain(
      'istioctl ztunnel-config workloads --workload-namespace shop',
    );
    expect(commands).toContain('istioctl waypoint list -n shop');
    expect(commands).not.toContain('proxy-config cluster checkout');
  });

  it("names the callers' proxy response flags when requests never reached the pods", () => {
    const objects = [
      ISTIO_NS,
      ...deploymentWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
      service('checkout', 'shop', { app: 'checkout' }),
    ];
    const ctx = contextFor([
      snapshot('prod', objects, {
        metrics: metrics(
          {
            'shop/checkout': traffic({
              requestsPerSecond: 50,
              latencyBuckets: latency,
            }),
          },
          '5m',
          {
            istioSourceRequests: [
              {
                source: 'shop/web',
                destinationService: 'shop/checkout',
                protocol: 'http',
                code: '503',
                responseFlags: 'UH',
                rate: 50,
              },
            ],
          },
        ),
      }),
    ]);
    const outcome = goldenSignalsCheck.evaluate(ctx);
    expect(outcome.status).toBe('fail');
    expect(outcome.evidence.responseFlags).toEqual({ UH: 50 });
    expect(outcome.remediation).toContain('UH (no healthy upstream) 50 req/s');
  });

  it('is unknown when the series exist with zero requests', () => {
    const outcome = evaluate(meshedCheckout, {
      'shop/checkout': traffic({ requestsPerSecond: 0, latencyBuckets: [] }),
    });
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain(
      'Idle: no requests through the mesh in the last 5m',
    );
  });

  it('is unknown for an unmeshed workload: no proxy reports its traffic', () => {
    const outcome = evaluate([
      namespace('shop'),
      ...deploymentWithPods('checkout', 'shop', { pods: 2 }),
    ]);
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toBe(
      'No mesh telemetry: not meshed: no proxy reports this service’s traffic.',
    );
  });

  it('sums the traffic of every workload of the entity', () => {
    const outcome = evaluate(
      [
        ISTIO_NS,
        namespace('eu', { labels: { 'istio-injection': 'enabled' } }),
        ...deploymentWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
        ...deploymentWithPods('checkout', 'eu', { pods: 1, meshedPods: 1 }),
      ],
      {
        'shop/checkout': traffic({ requestsPerSecond: 90 }),
        'eu/checkout': traffic({
          requestsPerSecond: 10,
          serverErrorsPerSecond: 10,
        }),
      },
    );
    // 10 failures in 100 requests: failing, though the first workload alone is clean.
    expect(outcome.status).toBe('fail');
    expect(outcome.evidence.requestsPerSecond).toBe(100);
    expect((outcome.evidence.workloadsWithSeries as string[]).sort()).toEqual([
      'prod/eu/checkout',
      'prod/shop/checkout',
    ]);
  });
});
