import { Entity } from '@backstage/catalog-model';
import { HistoryPoint } from '@mesh-readiness/plugin-mesh-common';
import { historyFreshness, latencyBudgetMs, seriesOf } from './history';

const point = (day: string, health?: HistoryPoint['health']): HistoryPoint => ({
  day,
  score: 1,
  level: 'not-ready',
  statuses: {},
  ...(health ? { health } : {}),
});

const h = (rps: number | null, p99: number | null) => ({
  requestsPerSecond: rps,
  successRate: 0.5,
  latencyMs: { p50: 1, p95: 2, p99 },
});

describe('seriesOf', () => {
  it('orders by day, and leaves gaps for days without the figure', () => {
    const points = [
      point('2026-01-03', h(3, null)),
      point('2026-01-01'),
      point('2026-01-02', h(Number.NaN, 20)),
      point('2026-01-04', h(4, 40)),
    ];
    expect(seriesOf(points, 'rps')).toEqual([
      { day: '2026-01-01', value: null },
      { day: '2026-01-02', value: null },
      { day: '2026-01-03', value: 3 },
      { day: '2026-01-04', value: 4 },
    ]);
    expect(seriesOf(points, 'p99').map(p => p.value)).toEqual([
      null,
      20,
      null,
      40,
    ]);
    expect(seriesOf(points, 'successRate').map(p => p.value)).toEqual([
      null,
      0.5,
      0.5,
      0.5,
    ]);
  });
});

describe('latencyBudgetMs', () => {
  const withBudget = (value?: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'x',
      annotations:
        value === undefined
          ? {}
          : { 'servicemesh/latency-budget-p99-ms': value },
    },
  });
  it.each([
    ['300', 300],
    ['2.5', 2.5],
    [' 120 ', 120],
    [undefined, undefined],
    ['', undefined],
    ['0', undefined],
    ['-5', undefined],
    ['fast', undefined],
    ['Infinity', undefined],
  ])('reads %p as %p', (value, budget) => {
    expect(latencyBudgetMs(withBudget(value))).toBe(budget);
  });
});

describe('historyFreshness', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  it.each<[string, HistoryPoint[], ReturnType<typeof historyFreshness>]>([
    ['no points', [], { stale: false }],
    ['points without figures', [point('2026-03-10')], { stale: false }],
    [
      'today',
      [point('2026-03-08', h(1, 1)), point('2026-03-10', h(1, 1))],
      { lastDay: '2026-03-10', stale: false },
    ],
    [
      'yesterday',
      [point('2026-03-09', h(1, 1))],
      { lastDay: '2026-03-09', stale: false },
    ],
    [
      'two days ago',
      [point('2026-03-08', h(1, 1)), point('2026-03-10')],
      { lastDay: '2026-03-08', stale: true },
    ],
  ])('%s', (_what, points, expected) => {
    expect(historyFreshness(points, now)).toEqual(expected);
  });
});
