import { buckets } from '../__testUtils__/fixtures';
import { LatencyBucket } from '@mesh-readiness/plugin-mesh-node';
import { histogramQuantile, mergeBuckets } from './histogram';

// Expected values were checked against Prometheus 2.42's own histogram_quantile with
// `promtool test rules` on the same bucket counts.
const inf = Infinity;
const spread = buckets([10, 20], [20, 60], [50, 90], [inf, 100]);

describe('histogramQuantile', () => {
  it.each<{ q: number; h: LatencyBucket[]; expected: number; why: string }>([
    {
      q: 0.1,
      h: spread,
      expected: 5,
      why: 'interpolates linearly inside the first bucket, from 0',
    },
    {
      q: 0.5,
      h: spread,
      expected: 17.5,
      why: 'interpolates inside a middle bucket: 10 + 10 × (50-20)/40',
    },
    {
      q: 0.9,
      h: spread,
      expected: 50,
      why: 'a rank on a bucket boundary gives that bound',
    },
    {
      q: 0.95,
      h: spread,
      expected: 50,
      why: 'a rank in the +Inf bucket gives the highest finite bound',
    },
    {
      q: 0.99,
      h: spread,
      expected: 50,
      why: 'a rank in the +Inf bucket gives the highest finite bound',
    },
    { q: 0, h: spread, expected: 0, why: 'q = 0 gives the lower edge' },
    {
      q: 0.5,
      h: buckets([1, 10], [2, 8], [inf, 12]),
      expected: 0.6,
      why: 'a decreasing count (scrapes at different moments) is raised to the one before',
    },
    {
      q: 1,
      h: buckets([1, 10], [2, 10], [inf, 10]),
      expected: 1,
      why: 'q = 1 is the first bound that holds every observation',
    },
    {
      q: 1,
      h: buckets([1, 5], [2, 8], [inf, 10]),
      expected: 2,
      why: 'q = 1 with observations above the last finite bound',
    },
    { q: 1.5, h: spread, expected: inf, why: 'q > 1 is +Inf' },
    { q: -0.5, h: spread, expected: -inf, why: 'q < 0 is -Inf' },
  ])('$why (q=$q → $expected)', ({ q, h, expected }) => {
    expect(histogramQuantile(q, h)).toBeCloseTo(expected, 9);
  });

  it('does not depend on the order the buckets come in', () => {
    expect(histogramQuantile(0.5, [...spread].reverse())).toBeCloseTo(17.5, 9);
  });

  it.each([
    ['no buckets', []],
    ['no +Inf bucket', buckets([10, 5], [20, 8])],
    ['no observations', buckets([10, 0], [20, 0], [inf, 0])],
    ['only the +Inf bucket', buckets([inf, 7])],
  ])('returns null for %s', (_why, histogram) => {
    expect(histogramQuantile(0.5, histogram)).toBeNull();
  });
});

describe('mergeBuckets', () => {
  it('adds histograms with the same bounds bucket by bucket', () => {
    expect(
      mergeBuckets([
        buckets([10, 2], [50, 4], [inf, 5]),
        buckets([10, 1], [50, 3], [inf, 6]),
      ]),
    ).toEqual(buckets([10, 3], [50, 7], [inf, 11]));
  });

  it('counts a histogram missing a bound at its nearest lower bound', () => {
    expect(
      mergeBuckets([
        buckets([10, 5], [50, 8], [inf, 10]),
        buckets([20, 3], [inf, 4]),
      ]),
    ).toEqual(buckets([10, 5], [20, 8], [50, 11], [inf, 14]));
  });

  it('sorts bounds and accepts unsorted input', () => {
    expect(mergeBuckets([buckets([inf, 4], [5, 1], [1, 0.5])])).toEqual(
      buckets([1, 0.5], [5, 1], [inf, 4]),
    );
  });

  it('gives no buckets for no histograms', () => {
    expect(mergeBuckets([])).toEqual([]);
    expect(mergeBuckets([[], []])).toEqual([]);
  });

  it('gives the same quantile as the whole population would', () => {
    // Two workloads, one fast and one slow: the merged p50 lies between them.
    const fast = buckets([10, 9], [100, 10], [inf, 10]);
    const slow = buckets([10, 0], [100, 9], [inf, 10]);
    const merged = mergeBuckets([fast, slow]);
    expect(merged).toEqual(buckets([10, 9], [100, 19], [inf, 20]));
    // rank 10 of 20 falls in (10, 100]: 10 + 90 × (10-9)/10
    expect(histogramQuantile(0.5, merged)).toBeCloseTo(19, 9);
  });
});
