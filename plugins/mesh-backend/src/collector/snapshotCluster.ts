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
