import { ROLLOUT_QUERIES } from './rollout';

describe('ROLLOUT_QUERIES', () => {
  const q = ROLLOUT_QUERIES.rolloutAppHttp;

  it('reads the baseline a week back, with the shard matchers in every selector', () => {
    const promql = q.promql('5m', 'namespace=~"shop"');
    expect(promql).toContain('[5m] offset 1w');
    const selectors = promql.match(/\{[^{}]*\}\[/g)!;
    expect(selectors.length).toBeGreaterThan(10);
    expect(selectors.filter(x => !x.includes('namespace=~"shop"'))).toEqual([]);
    expect(q.recordingRule!('5m')).toBe(
      'mesh_workload:app_http_rollout:rate5m_offset1w',
    );
  });

  it('parses one row per workload and period, p99 in ms, the mesh rate at the baseline', () => {
    const l = (period: string, signal: string) => ({
      namespace: 'shop',
      workload: 'checkout',
      period,
      signal,
    });
    expect(
      q.parse([
        { labels: l('now', 'rps'), value: 10 },
        { labels: l('now', 'errors'), value: 0.5 },
        { labels: l('now', 'p99'), value: 0.25 },
        { labels: l('baseline', 'rps'), value: 9 },
        { labels: l('baseline', 'mesh_rps'), value: 2 },
        { labels: l('baseline', 'p99'), value: Number.NaN },
        { labels: { ...l('now', 'rps'), workload: '' }, value: 1 },
      ]),
    ).toEqual({
      'shop/checkout': [
        {
          period: 'now',
          requestsPerSecond: 10,
          errorsPerSecond: 0.5,
          p99Ms: 250,
        },
        { period: 'baseline', requestsPerSecond: 9, meshRequestsPerSecond: 2 },
      ],
    });
  });
});
