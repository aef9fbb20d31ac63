import { MetricSeries } from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  failedSource,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
  traffic,
} from '../../__testUtils__/fixtures';
import { CheckRegistry } from '../registry';
import { metricsCheck } from './metrics';

const ISTIO_NS = namespace('shop', {
  labels: { 'istio-injection': 'enabled' },
});
const SCRAPE = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': '15020',
  'prometheus.io/path': '/stats/prometheus',
};
const POD0 = 'checkout-6b7f9c8d5-p0';

function evaluate(
  objects: ReturnType<typeof deploymentWithPods>,
  series: Partial<MetricSeries> = {},
  workloads: Parameters<typeof metrics>[0] = {},
) {
  return metricsCheck.evaluate(
    contextFor([
      snapshot('prod', objects, { metrics: metrics(workloads, '5m', series) }),
    ]),
  );
}

const istioCheckout = (podAnnotations: Record<string, string> = SCRAPE) => [
  ISTIO_NS,
  ...deploymentWithPods('checkout', 'shop', {
    pods: 2,
    meshedPods: 2,
    podAnnotations,
  }),
];

describe('observability.metrics', () => {
  it('is the observability.metrics check, reading Kubernetes and Prometheus', () => {
    expect(metricsCheck.definition.id).toBe('observability.metrics');
    expect(metricsCheck.definition.sources).toEqual([
      'kubernetes',
      'prometheus',
    ]);
  });

  it.each<{
    what: string;
    series: Partial<MetricSeries>;
    workloads: Parameters<typeof metrics>[0];
  }>([
    {
      what: 'the proxies are scraped (istio_build per pod)',
      series: { scrapedProxies: { shop: [POD0, 'other-pod'] } },
      workloads: {},
    },
    {
      what: 'request series exist, without the build gauge',
      series: {},
      workloads: { 'shop/checkout': traffic({ requestsPerSecond: 3 }) },
    },
    {
      what: 'only L4 series exist',
      series: {
        istioTcp: {
          'shop/checkout': [
            {
              security: 'mutual_tls',
              connectionsPerSecond: 1,
              receivedBytesPerSecond: 9,
            },
          ],
        },
      },
      workloads: {},
    },
  ])('passes when $what', ({ series, workloads }) => {
    const outcome = evaluate(istioCheckout(), series, workloads);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe(
      'Prometheus has mesh series for all 1 meshed workload(s).',
    );
  });

  it.each<{
    what: string;
    annotations: Record<string, string>;
    scraped: Record<string, string[]>;
    cause: string;
    fix: string;
  }>([
    {
      what: 'metrics merging is off',
      annotations: { ...SCRAPE, 'prometheus.istio.io/merge-metrics': 'false' },
      scraped: {},
      cause: 'metrics merging is off (prometheus.istio.io/merge-metrics=false)',
      fix: 'port: http-envoy-prom',
    },
    {
      what: 'the pods opt out of scraping',
      annotations: { ...SCRAPE, 'prometheus.io/scrape': 'false' },
      scraped: {},
      cause: 'the pods opt out of scraping (prometheus.io/scrape: "false")',
      fix: 'prometheus.io/scrape-',
    },
    {
      what: 'the pods have no scrape annotations',
      annotations: {},
      scraped: {},
      cause: 'the pods carry no prometheus.io/scrape annotation',
      fix: 'kubectl rollout restart deployment/checkout -n shop',
    },
    {
      what: 'the namespace is not scraped',
      annotations: SCRAPE,
      scraped: { other: ['x-1'] },
      cause: 'does not cover the namespace',
      fix: 'covers namespace shop',
    },
    {
      what: 'other proxies of the namespace are scraped',
      annotations: SCRAPE,
      scraped: { shop: ['web-1'] },
      cause: "this workload's target is failing",
      fix: 'istio_build{namespace="shop",component="proxy"}',
    },
  ])(
    'fails with the likely cause when $what',
    ({ annotations, scraped, cause, fix }) => {
      const outcome = evaluate(istioCheckout(annotations), {
        scrapedProxies: scraped,
      });
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain(
        'No mesh series for 1 of 1 meshed workload(s) (prod/shop/deployment/checkout)',
      );
      expect(outcome.summary).toContain(cause);
      expect(outcome.remediation).toContain(fix);
      expect(outcome.evidence.workloads).toEqual([
        expect.objectContaining({
          workload: 'prod/shop/deployment/checkout',
          dataPlane: 'istio sidecar',
          pods: 2,
          scrapedPods: 0,
          present: false,
        }),
      ]);
    },
  );

  it('names the Linkerd admin port for an unscraped Linkerd workload', () => {
    const outcome = evaluate([
      namespace('shop', { annotations: { 'linkerd.io/inject': 'enabled' } }),
      ...deploymentWithPods('checkout', 'shop', {
        pods: 1,
        meshedPods: 1,
        proxy: linkerdProxy(),
      }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('admin port (4191)');
    expect(outcome.remediation).toContain('port: linkerd-admin');
  });

  it('points at ztunnel for an ambient workload with no series', () => {
    const outcome = evaluate([
      namespace('shop', { labels: { 'istio.io/dataplane-mode': 'ambient' } }),
      ...deploymentWithPods('checkout', 'shop', {
        pods: 1,
        podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
      }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('no ztunnel or waypoint series');
    expect(outcome.evidence.workloads).toEqual([
      expect.objectContaining({ dataPlane: 'istio ambient' }),
    ]);
  });

  it('warns when only some meshed workloads have series', () => {
    const outcome = evaluate(
      [
        ISTIO_NS,
        namespace('eu', { labels: { 'istio-injection': 'enabled' } }),
        ...deploymentWithPods('checkout', 'shop', {
          pods: 1,
          meshedPods: 1,
          podAnnotations: SCRAPE,
        }),
        ...deploymentWithPods('checkout', 'eu', {
          pods: 1,
          meshedPods: 1,
          podAnnotations: SCRAPE,
        }),
      ],
      { scrapedProxies: { shop: [POD0] } },
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('No mesh series for 1 of 2');
    expect(outcome.summary).toContain('prod/eu/deployment/checkout');
  });

  it.each([
    {
      what: 'an unmeshed workload',
      objects: [
        namespace('shop'),
        ...deploymentWithPods('checkout', 'shop', { pods: 2 }),
      ],
    },
    {
      what: 'a meshed workload with no running pods',
      objects: [
        ISTIO_NS,
        ...deploymentWithPods('checkout', 'shop', { pods: 0 }),
      ],
    },
  ])('does not apply to $what', ({ objects }) => {
    expect(evaluate(objects).status).toBe('not-applicable');
  });

  it('is unknown, never pass, when Prometheus failed', () => {
    const results = new CheckRegistry().run(
      contextFor([
        snapshot('prod', istioCheckout(), {
          metrics: metrics({}, '5m', { scrapedProxies: { shop: [POD0] } }),
          prometheus: failedSource(
            'Prometheus at http://prom:9090 is unreachable',
          ),
        }),
      ]),
    );
    expect(results.find(r => r.id === 'observability.metrics')).toMatchObject({
      status: 'unknown',
      summary:
        "The prometheus source of cluster 'prod' failed: Prometheus at http://prom:9090 is unreachable",
    });
  });
});
