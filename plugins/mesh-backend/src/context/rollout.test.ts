import { CheckStatus, HistoryPoint } from '@mesh-readiness/plugin-mesh-common';
import { DEFAULT_CHECK_SETTINGS } from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  FETCHED_AT,
  namespace,
  snapshot,
} from '../__testUtils__/fixtures';
import { aged, daysAgo } from '../__testUtils__/rollout';
import { historyBaseline, historyMeshedSince, runTimeOf } from './rollout';

const NS = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const point = (
  day: number,
  status: CheckStatus,
  health?: { requestsPerSecond: number; successRate: number },
): HistoryPoint => ({
  day: daysAgo(day).slice(0, 10),
  score: 0,
  level: 'not-ready',
  statuses: { 'mesh.enrollment': status },
  ...(health
    ? { health: { ...health, latencyMs: { p50: null, p95: null, p99: null } } }
    : {}),
});

function rolloutOf(
  age: { podDays?: number; workloadDays?: number },
  history?: HistoryPoint[],
) {
  const objects = aged(
    [NS, ...deploymentWithPods('checkout', 'shop', { pods: 2, meshedPods: 2 })],
    age,
  );
  return contextFor([snapshot('prod', objects)], undefined, '5m', {
    ...(history
      ? { history: new Map([['component:default/checkout', history]]) }
      : {}),
  }).rollout;
}

describe('the rollout window', () => {
  it('takes the run time from the snapshots, never the clock', () => {
    expect(runTimeOf([snapshot('prod', [])])).toBe(FETCHED_AT);
    expect(runTimeOf([])).toBeUndefined();
  });

  it.each([
    [{}, { source: 'unknown', inComparisonWindow: false }],
    [
      { podDays: 2, workloadDays: 30 },
      { source: 'pods', inComparisonWindow: true, meshedSince: daysAgo(2) },
    ],
    [
      { podDays: 2, workloadDays: 2 },
      { source: 'pods', inComparisonWindow: false },
    ],
    [
      { podDays: 9, workloadDays: 30 },
      { source: 'pods', inComparisonWindow: false, meshedSince: daysAgo(9) },
    ],
    [{ podDays: 2 }, { source: 'unknown', inComparisonWindow: false }],
  ])('from the pods %j', (age, expected) => {
    expect(rolloutOf(age)).toMatchObject(expected);
  });

  it('prefers the history: the first meshed day after the last unmeshed one', () => {
    const r = rolloutOf({ podDays: 20, workloadDays: 30 }, [
      point(6, 'pass'),
      point(5, 'fail'),
      point(3, 'warn'),
      point(1, 'unknown'),
    ]);
    expect(r).toMatchObject({
      source: 'history',
      inComparisonWindow: true,
      meshedSince: `${daysAgo(3).slice(0, 10)}T00:00:00.000Z`,
    });
    expect(r.windowEndsAt).toBe(`${daysAgo(-4).slice(0, 10)}T00:00:00.000Z`);
  });

  it('reads a history that starts meshed only when it starts before the window', () => {
    const days = DEFAULT_CHECK_SETTINGS.rollout.comparisonDays;
    expect(
      historyMeshedSince([point(8, 'pass')], FETCHED_AT, days),
    ).toMatchObject({ provedStart: false });
    expect(historyMeshedSince([point(3, 'pass')], FETCHED_AT, days)).toBe(
      undefined,
    );
    // Unmeshed until today's earlier run: meshed on the run's day.
    expect(
      historyMeshedSince([point(0, 'fail')], FETCHED_AT, days)?.meshedSince,
    ).toBe(`${FETCHED_AT.slice(0, 10)}T00:00:00.000Z`);
  });

  it('carries the unmeshed history before the mesh date inside the window only', () => {
    const history = [
      point(4, 'fail', { requestsPerSecond: 10, successRate: 1 }),
      point(3, 'fail', { requestsPerSecond: 20, successRate: 0.97 }),
    ];
    const inside = rolloutOf({ podDays: 2, workloadDays: 30 }, history);
    expect(inside.historyBaseline).toEqual({
      available: true,
      days: [daysAgo(4).slice(0, 10), daysAgo(3).slice(0, 10)],
      requestsPerSecond: 15,
      successRate: 0.98,
      p99Ms: null,
    });
    const outside = rolloutOf({ podDays: 9, workloadDays: 30 }, [
      point(12, 'fail', { requestsPerSecond: 10, successRate: 1 }),
      point(10, 'pass'),
    ]);
    expect(outside.inComparisonWindow).toBe(false);
    expect(outside.historyBaseline).toBeUndefined();
  });
});

const figures = (
  requestsPerSecond: number | null,
  successRate: number | null,
  p99: number | null = null,
) => ({
  requestsPerSecond,
  successRate,
  latencyMs: { p50: null, p95: null, p99 },
});

describe('historyBaseline: the stored figures before the mesh date', () => {
  const MESHED_SINCE = '2026-03-10T00:00:00.000Z';
  const day = (d: string, status: CheckStatus, health?: object) =>
    ({
      day: d,
      score: 0,
      level: 'not-ready',
      statuses: { 'mesh.enrollment': status },
      ...(health ? { health } : {}),
    } as HistoryPoint);

  it('averages the rate, weighs the success rate by it and takes the median p99', () => {
    expect(
      historyBaseline(
        [
          day('2026-03-09', 'fail', figures(30, 0.9, 200)),
          day('2026-03-07', 'fail', figures(10, 1, 100)),
          day('2026-03-08', 'not-applicable', figures(20, 0.95, 120)),
        ],
        MESHED_SINCE,
        7,
      ),
    ).toEqual({
      available: true,
      days: ['2026-03-07', '2026-03-08', '2026-03-09'],
      requestsPerSecond: 20,
      successRate: 0.93333,
      p99Ms: 120,
    });
  });

  it('reads only unmeshed days, before the mesh date and within comparisonDays of it', () => {
    const b = historyBaseline(
      [
        day('2026-03-01', 'fail', figures(99, 0.5)), // 9 days before: too old
        day('2026-03-05', 'pass', figures(99, 0.5)), // recorded meshed
        day('2026-03-06', 'unknown', figures(10, 1)), // unknown is not "meshed"
        day('2026-03-08', 'fail'), // no figures kept that day
        day('2026-03-10', 'pass', figures(99, 0.5)), // the mesh date itself
      ],
      MESHED_SINCE,
      7,
    );
    expect(b).toMatchObject({ available: true, days: ['2026-03-06'] });
  });

  it.each([
    [[], /no stored history in the 7 days before the mesh date \(2026-03-10\)/],
    [
      [day('2026-03-09', 'pass', figures(10, 1))],
      /already records the entity meshed/,
    ],
    [
      [
        day('2026-03-09', 'fail'),
        day('2026-03-08', 'fail', figures(null, null)),
      ],
      /no request figures/,
    ],
  ])('says why there is no baseline (%#)', (points, reason) => {
    const b = historyBaseline(points as HistoryPoint[], MESHED_SINCE, 7);
    expect(b.available).toBe(false);
    expect(!b.available && b.reason).toMatch(reason);
  });
});
