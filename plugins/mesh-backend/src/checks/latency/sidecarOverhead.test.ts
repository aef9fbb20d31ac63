import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import {
  KubeObject,
  LatencyBucket,
  MetricSeries,
} from '@mesh-readiness/plugin-mesh-node';
import {
  buckets,
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
  traffic,
  unconfiguredSource,
} from '../../__testUtils__/fixtures';
import { waypoint } from '../../__testUtils__/security';
import { sidecarOverheadCheck } from './sidecarOverhead';
import { latencyBudget, windowSeconds } from './overhead';

type Mesh = 'istio' | 'linkerd' | 'waypoint' | 'ambient' | 'none';

/** Server side: p99 95 ms at 10 req/s (see `traffic()`). */
const SERVER = buckets([10, 5], [50, 9], [100, 10], [Infinity, 10]);
/** Caller side: p99 180 ms, so the hops add 85 ms. */
const SLOW_CALLERS = buckets(
  [10, 5],
  [50, 9],
  [100, 9.5],
  [200, 10],
  [Infinity, 10],
);
/** Caller side: p99 96.9 ms, so the hops add 1.87 ms. */
const FAST_CALLERS = buckets([10, 5], [50, 9], [100, 9.96], [Infinity, 10]);

function objects(mesh: Mesh, ns = 'shop'): KubeObject[] {
  const ambient = mesh === 'waypoint' || mesh === 'ambient';
  const labels: Record<string, string> = ambient
    ? {
        'istio.io/dataplane-mode': 'ambient',
        ...(mesh === 'waypoint' ? { 'istio.io/use-waypoint': 'waypoint' } : {}),
      }
    : {};
  return [
    namespace(ns, { labels }),
    ...(mesh === 'waypoint' ? [waypoint('waypoint', ns)] : []),
    ...deploymentWithPods('checkout', ns, {
      pods: 2,
      meshedPods: mesh === 'istio' || mesh === 'linkerd' ? 2 : 0,
      ...(mesh === 'linkerd' ? { proxy: linkerdProxy() } : {}),
      ...(ambient
        ? { podAnnotations: { 'ambient.istio.io/redirection': 'enabled' } }
        : {}),
    }),
  ];
}

interface Side {
  server?: LatencyBucket[];
  callers?: LatencyBucket[];
}

function seriesFor(mesh: Mesh, key: string, side: Side) {
  const linkerd = mesh === 'linkerd';
  const workloads = side.server
    ? {
        [key]: traffic({
          provider: linkerd ? 'linkerd' : 'istio',
          reporter: {
            linkerd: 'inbound' as const,
            waypoint: 'waypoint' as const,
            ambient: 'waypoint' as const,
            istio: 'destination' as const,
            none: 'destination' as const,
          }[mesh],
          latencyBuckets: side.server,
        }),
      }
    : {};
  const callerRows = side.callers
    ? {
        [key]: [
          { reporter: linkerd ? 'outbound' : 'source', buckets: side.callers },
        ],
      }
    : {};
  const extra: Partial<MetricSeries> = linkerd
    ? ({ linkerdOutboundLatency: callerRows } as Partial<MetricSeries>)
    : ({ istioSourceLatency: callerRows } as Partial<MetricSeries>);
  return { workloads, extra };
}

function evaluate(mesh: Mesh, side: Side, budget?: string) {
  const { workloads, extra } = seriesFor(mesh, 'shop/checkout', side);
  return sidecarOverheadCheck.evaluate(
    contextFor(
      [
        snapshot('prod', objects(mesh), {
          metrics: metrics(workloads, '5m', extra),
        }),
      ],
      {
        'backstage.io/kubernetes-label-selector': 'app=checkout',
        ...(budget !== undefined
          ? { 'servicemesh/latency-budget-p99-ms': budget }
          : {}),
      },
    ),
  );
}

describe('latency.sidecar-overhead', () => {
  it('is the latency.sidecar-overhead check', () => {
    expect(sidecarOverheadCheck.definition.id).toBe('latency.sidecar-overhead');
  });

  it.each<{
    what: string;
    mesh: Mesh;
    side: Side;
    budget?: string;
    status: CheckStatus;
    summary: string;
    overheadMs?: number;
  }>([
    {
      what: 'the workload is not meshed',
      mesh: 'none',
      side: { server: SERVER, callers: SLOW_CALLERS },
      status: 'not-applicable',
      summary: 'Not in the mesh',
    },
    {
      what: 'ambient without a waypoint (L4 only)',
      mesh: 'ambient',
      side: {},
      budget: '50',
      status: 'not-applicable',
      summary: 'Istio ambient without a waypoint',
    },
    {
      what: 'no calling proxy reports calls into it',
      mesh: 'istio',
      side: { server: SERVER },
      status: 'not-applicable',
      summary: 'no client-side hop to measure',
    },
    {
      what: 'there is no budget (Istio sidecar)',
      mesh: 'istio',
      side: { server: SERVER, callers: SLOW_CALLERS },
      status: 'pass',
      summary:
        'no latency budget to judge it against: set servicemesh/latency-budget-p99-ms',
      overheadMs: 85,
    },
    {
      what: 'the hops stay within a third of the budget',
      mesh: 'istio',
      side: { server: SERVER, callers: FAST_CALLERS },
      budget: '10',
      status: 'pass',
      summary: 'within a third of the 10 ms p99 budget',
      overheadMs: 1.87,
    },
    {
      what: 'the hops take over a third of the budget',
      mesh: 'istio',
      side: { server: SERVER, callers: SLOW_CALLERS },
      budget: '200',
      status: 'warn',
      summary: 'proxy hops add 85 ms at p99, 43% of the 200 ms budget',
      overheadMs: 85,
    },
    {
      what: 'the hops exceed the budget',
      mesh: 'istio',
      side: { server: SERVER, callers: SLOW_CALLERS },
      budget: '50',
      status: 'fail',
      summary: 'Proxy hops exceed the p99 latency budget',
      overheadMs: 85,
    },
    {
      what: 'Linkerd outbound vs inbound takes over a third',
      mesh: 'linkerd',
      side: { server: SERVER, callers: SLOW_CALLERS },
      budget: '150.5',
      status: 'warn',
      summary: 'callers see p99 180 ms, its own proxy 95 ms',
      overheadMs: 85,
    },
    {
      what: 'ambient with a waypoint, whose view is the server side',
      mesh: 'waypoint',
      side: { server: SERVER, callers: SLOW_CALLERS },
      budget: '60',
      status: 'fail',
      summary: 'Proxy hops exceed the p99 latency budget',
      overheadMs: 85,
    },
    {
      what: 'the budget is not a number',
      mesh: 'istio',
      side: { server: SERVER, callers: SLOW_CALLERS },
      budget: '5ms',
      status: 'unknown',
      summary: 'is "5ms", not a number of milliseconds',
      overheadMs: 85,
    },
    {
      what: 'the budget is zero',
      mesh: 'istio',
      side: { server: SERVER, callers: SLOW_CALLERS },
      budget: '0',
      status: 'unknown',
      summary: 'must be a positive number of milliseconds',
      overheadMs: 85,
    },
    {
      what: 'the budget is negative',
      mesh: 'istio',
      side: { server: SERVER, callers: SLOW_CALLERS },
      budget: '-5',
      status: 'unknown',
      summary: 'not a number of milliseconds',
      overheadMs: 85,
    },
    {
      what: 'too little traffic for a p99',
      mesh: 'istio',
      side: {
        server: buckets([10, 0.1], [Infinity, 0.2]),
        callers: buckets([10, 0.1], [Infinity, 0.2]),
      },
      budget: '50',
      status: 'unknown',
      summary:
        'too little traffic for a p99 (callers 60, own proxy 60 requests',
    },
    {
      what: 'callers report calls but its own proxy reports no latency',
      mesh: 'istio',
      side: { callers: SLOW_CALLERS },
      budget: '50',
      status: 'unknown',
      summary: 'reported no latency: is that proxy scraped?',
    },
  ])(
    '$status when $what',
    ({ mesh, side, budget, status, summary, overheadMs }) => {
      const outcome = evaluate(mesh, side, budget);
      expect(outcome.status).toBe(status);
      expect(outcome.summary).toContain(summary);
      expect(outcome.summary.length).toBeGreaterThanOrEqual(20);
      const rows = (outcome.evidence.workloads ?? []) as Array<
        Record<string, unknown>
      >;
      expect(
        rows.find(r => typeof r === 'object' && 'overheadMs' in r)?.overheadMs,
      ).toBe(overheadMs);
      expect(Boolean(outcome.remediation)).toBe(
        status === 'warn' || status === 'fail',
      );
    },
  );

  it('fills the remediation in for the workload and mesh', () => {
    const istio = evaluate(
      'istio',
      { server: SERVER, callers: SLOW_CALLERS },
      '50',
    );
    expect(istio.remediation).toContain(
      'destination_workload_namespace="shop",destination_workload="checkout"',
    );
    expect(istio.remediation).toContain(
      `kubectl patch deployment checkout -n shop --type merge -p '{"spec":{"template":{"metadata":{"annotations":{"sidecar.istio.io/proxyCPU":"200m"}}}}}'`,
    );
    const linkerd = evaluate(
      'linkerd',
      { server: SERVER, callers: SLOW_CALLERS },
      '50',
    );
    expect(linkerd.remediation).toContain(
      'dst_namespace="shop",dst_deployment="checkout"',
    );
    expect(linkerd.remediation).toContain(
      'config.linkerd.io/proxy-cpu-request',
    );
    const ambient = evaluate(
      'waypoint',
      { server: SERVER, callers: SLOW_CALLERS },
      '50',
    );
    expect(ambient.remediation).toContain(
      'kubectl scale deployment waypoint -n shop --replicas=2',
    );
  });

  it('says how to set a budget when there is none', () => {
    const outcome = evaluate('istio', {
      server: SERVER,
      callers: SLOW_CALLERS,
    });
    expect(outcome.evidence).toMatchObject({
      budgetMs: null,
      howToSetBudget: expect.stringContaining(
        'servicemesh/latency-budget-p99-ms: "50"',
      ),
    });
  });

  it('judges each workload and the worst wins, naming each', () => {
    const fast = seriesFor('istio', 'shop/checkout', {
      server: SERVER,
      callers: FAST_CALLERS,
    });
    const slow = seriesFor('istio', 'shop-eu/checkout', {
      server: SERVER,
      callers: SLOW_CALLERS,
    });
    const outcome = sidecarOverheadCheck.evaluate(
      contextFor(
        [
          snapshot(
            'prod',
            [...objects('istio'), ...objects('istio', 'shop-eu')],
            {
              metrics: metrics({ ...fast.workloads, ...slow.workloads }, '5m', {
                istioSourceLatency: {
                  ...(fast.extra.istioSourceLatency ?? {}),
                  ...(slow.extra.istioSourceLatency ?? {}),
                },
              }),
            },
          ),
        ],
        {
          'backstage.io/kubernetes-label-selector': 'app=checkout',
          'servicemesh/latency-budget-p99-ms': '50',
        },
      ),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('prod/shop-eu/deployment/checkout');
    expect(outcome.summary).not.toContain('prod/shop/deployment/checkout');
    expect(
      (
        outcome.evidence.workloads as Array<{
          workload: string;
          status: string;
        }>
      ).map(w => [w.workload, w.status]),
    ).toEqual([
      ['prod/shop/deployment/checkout', 'pass'],
      ['prod/shop-eu/deployment/checkout', 'fail'],
    ]);
  });

  it('is unknown when the cluster has no Prometheus', () => {
    const outcome = sidecarOverheadCheck.evaluate(
      contextFor([
        snapshot('prod', objects('istio'), { prometheus: unconfiguredSource }),
      ]),
    );
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain('no Prometheus answer for cluster prod');
  });

  it('reads budgets and windows', () => {
    const budgetOf = (v?: string) =>
      latencyBudget({
        entity: {
          metadata: {
            annotations:
              v === undefined ? {} : { 'servicemesh/latency-budget-p99-ms': v },
          },
        },
      } as never);
    expect(budgetOf()).toEqual({ kind: 'none' });
    expect(budgetOf(' 12.5 ')).toEqual({ kind: 'set', ms: 12.5 });
    expect(budgetOf('1e3').kind).toBe('invalid');
    expect(windowSeconds('1h30m')).toBe(5400);
    expect(windowSeconds('5m')).toBe(300);
  });
});
