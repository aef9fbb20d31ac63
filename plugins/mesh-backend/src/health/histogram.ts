import { LatencyBucket } from '@mesh-readiness/plugin-mesh-node';

/**
 * Adds histograms bucket by bucket. Bucket bounds may differ between sources; a
 * histogram missing a bound contributes its count at the nearest lower bound, which is
 * what a cumulative histogram means.
 */
export function mergeBuckets(histograms: LatencyBucket[][]): LatencyBucket[] {
  const bounds = [...new Set(histograms.flatMap(h => h.map(b => b.le)))].sort(
    (a, b) => a - b,
  );
  const sorted = histograms.map(h => [...h].sort((a, b) => a.le - b.le));
  return bounds.map(le => ({
    le,
    rate: sorted.reduce((sum, h) => {
      let value = 0;
      for (const b of h) {
        if (b.le <= le) value = b.rate;
        else break;
      }
      return sum + value;
    }, 0),
  }));
}

/**
 * The quantile `q` of a cumulative histogram, computed the way PromQL's
 * `histogram_quantile` does (linear interpolation inside the bucket). Computing it here
 * lets one query of bucket rates serve every quantile and any grouping of workloads.
 * Returns null when there were no observations.
 */
export function histogramQuantile(
  q: number,
  buckets: LatencyBucket[],
): number | null {
  if (buckets.length === 0) return null;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted[sorted.length - 1].le !== Infinity) return null;
  // Counts must not decrease with `le`; scrapes at different moments can break that.
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].rate < sorted[i - 1].rate) {
      sorted[i] = { ...sorted[i], rate: sorted[i - 1].rate };
    }
  }
  const total = sorted[sorted.length - 1].rate;
  if (!(total > 0)) return null;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (q === 0) return 0;
  const rank = q * total;
  const index = sorted.findIndex(b => b.rate >= rank);
  if (index === sorted.length - 1) {
    return sorted.length > 1 ? sorted[sorted.length - 2].le : null;
  }
  const bucket = sorted[index];
  if (index === 0 && bucket.le <= 0) return bucket.le;
  const start = index === 0 ? 0 : sorted[index - 1].le;
  const countBefore = index === 0 ? 0 : sorted[index - 1].rate;
  const inBucket = bucket.rate - countBefore;
  if (inBucket <= 0) return bucket.le;
  return start + ((bucket.le - start) * (rank - countBefore)) / inBucket;
}
