import { RollupHistoryPoint } from '@mesh-readiness/plugin-mesh-common';
import {
  TREND_LEVELS,
  describeTrend,
  formatDay,
  toTrendRows,
  trendLevels,
} from './trend';

function point(
  day: string,
  entities: number,
  averageScore: number,
  levels: Record<string, number>,
): RollupHistoryPoint {
  return {
    day,
    entities,
    averageScore,
    levels,
    meshedWorkloads: 0,
    workloads: 0,
  };
}

describe('toTrendRows', () => {
  it.each([
    [
      'shares of a day become whole entities',
      point('2026-03-01', 40, 61.3, {
        'production-ready': 0.3,
        'not-ready': 0.7,
      }),
      { 'production-ready': 12, 'not-ready': 28 },
    ],
    [
      'shares rounded to three decimals still count whole entities',
      point('2026-03-01', 3, 50, {
        'production-ready': 0.333,
        'almost-ready': 0.667,
      }),
      { 'production-ready': 1, 'almost-ready': 2 },
    ],
    [
      'a level the page does not know is kept',
      point('2026-03-01', 5000, 49.9, {
        'production-ready': 0.254,
        gold: 0.746,
      }),
      { 'production-ready': 1270, gold: 3730 },
    ],
    ['a day without levels has no counts', point('2026-03-01', 0, 0, {}), {}],
  ])('%s', (_name, input, counts) => {
    const [row] = toTrendRows([input]);
    expect(row).toEqual({
      day: input.day,
      entities: input.entities,
      averageScore: input.averageScore,
      counts,
    });
  });
});

describe('trendLevels', () => {
  it('lists the known levels in order, then the others sorted', () => {
    const rows = toTrendRows([
      point('2026-03-01', 10, 50, { zinc: 0.5, 'not-ready': 0.5 }),
      point('2026-03-02', 10, 50, { amber: 1 }),
    ]);
    expect(trendLevels(rows)).toEqual([...TREND_LEVELS, 'amber', 'zinc']);
  });
});

describe('formatDay', () => {
  it.each([
    ['2026-03-05', '5 Mar'],
    ['2026-12-31', '31 Dec'],
    ['not a day', 'not a day'],
  ])('%s → %s', (day, expected) => {
    expect(formatDay(day)).toBe(expected);
  });
});

describe('describeTrend', () => {
  it.each([
    ['no point', [], 'No history yet.'],
    [
      'one day',
      [point('2026-03-05', 40, 61.25, { 'production-ready': 0.3 })],
      'One day so far: on 5 Mar the average score was 61.3 and 12 of 40 entities were production-ready.',
    ],
    [
      'one entity',
      [point('2026-03-05', 1, 90, { 'production-ready': 1 })],
      'One day so far: on 5 Mar the average score was 90.0 and 1 of 1 entity was production-ready.',
    ],
    [
      'several days: first and last',
      [
        point('2026-03-01', 40, 50, { 'production-ready': 0.1 }),
        point('2026-03-02', 40, 55, { 'production-ready': 0.2 }),
        point('2026-03-03', 42, 60, { 'almost-ready': 1 }),
      ],
      'From 1 Mar to 3 Mar the average score went from 50.0 to 60.0; on 3 Mar 0 of 42 entities were production-ready.',
    ],
  ])('%s', (_name, points, expected) => {
    expect(describeTrend(toTrendRows(points))).toBe(expected);
  });
});
