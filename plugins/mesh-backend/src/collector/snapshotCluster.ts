import {
  KubernetesFacts,
  ClusterSnapshot,
  SourceOutcome,
} from '../snapshot/types';
import { buildKubernetesFacts } from '../snapshot/kubernetesFacts';
import { MetricsData } from '../sources/prometheus/PrometheusSource';
import { ClusterSources } from './clusterSources';

const MAX_PROBLEMS_LISTED = 5;

/** Fetches every source of one cluster concurrently and turns the answers into a snapshot. */
export async function snapshotCluster(
  cluster: string,
  sources: ClusterSources,
  now: Date,
): Promise<ClusterSnapshot> {
  const [k8s, metrics] = await Promise.allSettled([
    sources.kubernetes.fetch(),
    sources.metrics ? sources.metrics.fetch(now) : Promise.resolve(undefined),
  ]);
  const fetchedAt = new Date().toISOString();

  let kubernetes: SourceOutcome<KubernetesFacts>;
  if (k8s.status === 'fulfilled') {
    const problems = k8s.value.problems;
    kubernetes = {
      name: 'kubernetes',
      configured: true,
      ok: true,
      fetchedAt,
      data: buildKubernetesFacts(k8s.value.objects, k8s.value),
      ...(problems.length > 0
        ? {
            error: `${problems.length} part(s) of ${
              sources.kubernetes.description
            } skipped: ${problems
              .slice(0, MAX_PROBLEMS_LISTED)
              .map(p => `${p.location}: ${p.message}`)
              .join('; ')}${
              problems.length > MAX_PROBLEMS_LISTED ? '; …' : ''
            }`,
          }
        : {}),
    };
  } else {
    kubernetes = {
      name: 'kubernetes',
      configured: true,
      ok: false,
      fetchedAt,
      error: (k8s.reason as Error).message,
    };
  }

  let prometheus: SourceOutcome<MetricsData>;
  if (!sources.metrics) {
    prometheus = {
      name: 'prometheus',
      configured: false,
      ok: false,
      fetchedAt,
    };
  } else if (metrics.status === 'fulfilled' && metrics.value) {
    prometheus = {
      name: 'prometheus',
      configured: true,
      ok: true,
      fetchedAt,
      data: metrics.value,
      ...(metrics.value.problems.length > 0
        ? { error: metrics.value.problems.join('; ') }
        : {}),
    };
  } else {
    prometheus = {
      name: 'prometheus',
      configured: true,
      ok: false,
      fetchedAt,
      error:
        metrics.status === 'rejected'
          ? (metrics.reason as Error).message
          : 'no answer',
    };
  }
  return { cluster, kubernetes, prometheus };
}

/**
 * Keeps, for each source that failed in `fresh`, the data it gave in `previous` (and
 * when), so a failed run loses nothing. The source stays failed: its checks are still
 * `unknown`.
 */
export function keepLastGood(
  fresh: ClusterSnapshot,
  previous: ClusterSnapshot | undefined,
): ClusterSnapshot {
  if (!previous) return fresh;
  const keep = <T>(
    now: SourceOutcome<T>,
    before: SourceOutcome<T>,
  ): SourceOutcome<T> => {
    if (now.ok || !now.configured || !before.data) return now;
    return {
      ...now,
      data: before.data,
      lastGoodAt: before.ok ? before.fetchedAt : before.lastGoodAt,
    };
  };
  return {
    ...fresh,
    kubernetes: keep(fresh.kubernetes, previous.kubernetes),
    prometheus: keep(fresh.prometheus, previous.prometheus),
  };
}

/** Stands in for a cluster that no run has collected yet. */
export function notYetCollected(
  cluster: string,
  hasMetrics: boolean,
): ClusterSnapshot {
  const fetchedAt = new Date(0).toISOString();
  const error = `cluster '${cluster}' has not been collected yet`;
  return {
    cluster,
    kubernetes: {
      name: 'kubernetes',
      configured: true,
      ok: false,
      error,
      fetchedAt,
    },
    prometheus: {
      name: 'prometheus',
      configured: hasMetrics,
      ok: false,
      error,
      fetchedAt,
    },
  };
}
