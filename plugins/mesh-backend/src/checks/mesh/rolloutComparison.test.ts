import { CheckStatus, HistoryPoint } from '@mesh-readiness/plugin-mesh-common';
import { AppHttpFigures, MetricSeries } from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  metrics,
  namespace,
  snapshot,
  traffic,
  TrafficSpec,
  unconfiguredSource,
} from '../../__testUtils__/fixtures';
import { aged, daysAgo } from '../../__testUtils__/rollout';
import { rolloutComparisonCheck } from './rolloutComparison';

const NS = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const KEY = 'shop/checkout';

const app = (
  now: Partial<AppHttpFigures>,
  baseline: Partial<AppHttpFigures>,
): Partial<MetricSeries> => ({
  rolloutAppHttp: {
    [KEY]: [
      { period: 'now', ...now },
      { period: 'baseline', ...baseline },
    ],
  },
});
const BEFORE = { requestsPerSecond: 10, errorsPerSecond: 0.01, p99Ms: 100 };

interface Case {
  what: string;
  meshed?: boolean;
  podDays?: number;
  workloadDays?: number;
  series?: Partial<MetricSeries>;
  /** The mesh's own traffic into the workload now. */
  mesh?: Record<string, TrafficSpec>;
  history?: HistoryPoint[];
  noPrometheus?: boolean;
  status: string;
  summary: RegExp;
}

const point = (
  day: number,
  status: CheckStatus,
  health?: HistoryPoint['health'],
): HistoryPoint => ({
  day: daysAgo(day).slice(0, 10),
  score: 50,
  level: 'not-ready',
  statuses: { 'mesh.enrollment': status },
  ...(health ? { health } : {}),
});
/** A day's figures as history keeps them: the callers' view of an unmeshed workload. */
const seen = (
  requestsPerSecond: number | null,
  successRate: number | null,
  p99: number | null = null,
): HistoryPoint['health'] => ({
  requestsPerSecond,
  successRate,
  latencyMs: { p50: null, p95: null, p99 },
});
const UNMESHED_WEEK = [
  point(6, 'fail', seen(10, 0.999)),
  point(5, 'fail', seen(12, 0.998)),
  point(4, 'not-applicable', seen(8, 1)),
  point(3, 'fail', seen(10, 0.999)),
];

describe('rollout.comparison', () => {
  it('reads Kubernetes (the window) and treats Prometheus as its own reason', () => {
    expect(rolloutComparisonCheck.definition.id).toBe('rollout.comparison');
    expect(rolloutComparisonCheck.definition.sources).toEqual(['kubernetes']);
  });

  it.each<Case>([
    {
      what: 'not meshed',
      meshed: false,
      podDays: 2,
      workloadDays: 60,
      status: 'not-applicable',
      summary: /Not in the mesh/,
    },
    {
      what: 'no creation times and no history',
      status: 'unknown',
      summary: /not known.*no creation time/,
    },
    {
      what: 'a meshed pod older than the window',
      podDays: 20,
      workloadDays: 60,
      status: 'not-applicable',
      summary: /outside the 7-day/,
    },
    {
      what: 'a workload created meshed inside the window',
      podDays: 2,
      workloadDays: 2,
      status: 'not-applicable',
      summary: /outside the 7-day/,
    },
    {
      what: 'inside the window, numbers in line',
      podDays: 2,
      workloadDays: 60,
      series: app(
        { requestsPerSecond: 11, errorsPerSecond: 0.011, p99Ms: 105 },
        BEFORE,
      ),
      status: 'pass',
      summary: /numbers in line.*p99 100 → 105 ms/,
    },
    {
      what: 'inside the window, p99 regressed',
      podDays: 2,
      workloadDays: 60,
      series: app({ requestsPerSecond: 10, p99Ms: 180 }, BEFORE),
      status: 'warn',
      summary: /Stop and investigate.*p99 100 ms → 180 ms \(\+80%/,
    },
    {
      what: 'inside the window, error rate regressed',
      podDays: 2,
      workloadDays: 60,
      series: app({ requestsPerSecond: 10, errorsPerSecond: 0.5 }, BEFORE),
      status: 'warn',
      summary: /Stop and investigate.*5xx rate 0.1% → 5%/,
    },
    {
      what: 'inside the window, no app metrics',
      podDays: 2,
      workloadDays: 60,
      status: 'unknown',
      summary:
        /nothing to compare: no application HTTP server metrics.*nor can the mesh's view stand in: no stored history in the 7 days before the mesh date/,
    },
    {
      what: 'no app metrics: the mesh now in line with the stored history before the mesh',
      podDays: 2,
      workloadDays: 60,
      mesh: { [KEY]: traffic({ requestsPerSecond: 10 }) },
      history: UNMESHED_WEEK,
      status: 'pass',
      summary:
        /numbers in line with before the mesh: the mesh's view now vs the stored history of .*p99 n\/a → 95 ms, 5xx 0.11% → 0%, 10 → 10 req\/s \(no latency on both sides/,
    },
    {
      what: 'no app metrics: the mesh now fails more than the stored history shows',
      podDays: 2,
      workloadDays: 60,
      mesh: {
        [KEY]: traffic({ requestsPerSecond: 10, serverErrorsPerSecond: 0.5 }),
      },
      history: UNMESHED_WEEK,
      status: 'warn',
      summary:
        /Stop and investigate.*5xx rate 0.11% → 5% \(\+4.89 points, bound 1\) \(the mesh's view now vs the stored history before the mesh\)/,
    },
    {
      what: 'no app metrics, and the history before the mesh date is already meshed',
      podDays: 2,
      workloadDays: 60,
      mesh: { [KEY]: traffic() },
      history: [point(4, 'pass', seen(10, 1)), point(3, 'pass', seen(10, 1))],
      status: 'unknown',
      summary: /already records the entity meshed/,
    },
    {
      what: 'no app metrics, and no meshed caller saw it before the mesh',
      podDays: 2,
      workloadDays: 60,
      mesh: { [KEY]: traffic() },
      history: [point(4, 'fail', seen(null, null)), point(3, 'fail')],
      status: 'unknown',
      summary: /no request figures: while unmeshed, no meshed caller reported/,
    },
    {
      what: 'no app metrics, and the mesh sees no requests now',
      podDays: 2,
      workloadDays: 60,
      history: UNMESHED_WEEK,
      status: 'unknown',
      summary: /the mesh reports no requests into it now/,
    },
    {
      what: 'young pods, but the mesh already saw the workload a week ago',
      podDays: 2,
      workloadDays: 60,
      series: app(
        { requestsPerSecond: 10, p99Ms: 100 },
        { ...BEFORE, meshRequestsPerSecond: 9 },
      ),
      status: 'unknown',
      summary: /baseline is not unmeshed/,
    },
    {
      what: 'inside the window with no Prometheus',
      podDays: 2,
      workloadDays: 60,
      noPrometheus: true,
      status: 'unknown',
      summary: /no working Prometheus/,
    },
    {
      what: 'history: unmeshed, then meshed 3 days ago, regressed',
      history: [point(5, 'fail'), point(4, 'fail'), point(3, 'pass')],
      series: app({ requestsPerSecond: 10, p99Ms: 300 }, BEFORE),
      status: 'warn',
      summary: /Stop and investigate: meshed since/,
    },
    {
      what: 'history: meshed since before the window',
      history: [point(8, 'pass'), point(3, 'pass')],
      podDays: 1,
      workloadDays: 60,
      status: 'not-applicable',
      summary: /from history\): outside/,
    },
  ])('$what → $status', c => {
    let objects = [
      NS,
      ...deploymentWithPods('checkout', 'shop', {
        pods: 2,
        meshedPods: c.meshed === false ? 0 : 2,
      }),
    ];
    if (c.meshed === false) objects = objects.slice(1);
    objects = aged(objects, {
      podDays: c.podDays,
      workloadDays: c.workloadDays,
    });
    const ctx = contextFor(
      [
        snapshot('prod', objects, {
          metrics: metrics(c.mesh ?? {}, '5m', c.series ?? {}),
          ...(c.noPrometheus ? { prometheus: unconfiguredSource } : {}),
        }),
      ],
      undefined,
      '5m',
      c.history
        ? { history: new Map([['component:default/checkout', c.history]]) }
        : {},
    );
    const out = rolloutComparisonCheck.evaluate(ctx);
    expect(out.status).toBe(c.status);
    expect(out.summary).toMatch(c.summary);
    expect(out.summary.length).toBeGreaterThanOrEqual(20);
    expect(Boolean(out.remediation)).toBe(out.status === 'warn');
  });

  it('shows the numbers side by side and a rollback for the mesh in use', () => {
    const objects = aged(
      [
        NS,
        ...deploymentWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
      ],
      { podDays: 1, workloadDays: 90 },
    );
    const out = rolloutComparisonCheck.evaluate(
      contextFor([
        snapshot('prod', objects, {
          metrics: metrics(
            {},
            '5m',
            app({ requestsPerSecond: 10, p99Ms: 200 }, BEFORE),
          ),
        }),
      ]),
    );
    expect(out.evidence).toMatchObject({
      meshedSinceSource: 'pods',
      workloads: [
        {
          workload: 'prod/shop/deployment/checkout',
          before: { p99Ms: 100, errorRatePercent: 0.1 },
          after: { p99Ms: 200 },
          p99IncreasePercent: 100,
        },
      ],
    });
    expect(out.remediation).toContain('sidecar.istio.io/inject');
    expect(out.remediation).toContain('-n shop');
  });
});
