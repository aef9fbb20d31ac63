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
import { historyMeshedSince, runTimeOf } from './rollout';

const NS = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const point = (day: number, status: CheckStatus): HistoryPoint => ({
  day: daysAgo(day).slice(0, 10),
  score: 0,
  level: 'not-ready',
  statuses: { 'mesh.enrollment': status },
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
});
