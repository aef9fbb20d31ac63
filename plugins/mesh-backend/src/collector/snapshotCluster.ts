import { runInSlices } from '../lib/timeSlices';
import { kubernetesFactsSteps } from '../snapshot/kubernetesFacts';

import { ClusterSources } from './clusterSources';
import { Timings } from './timings';
import {
  ClusterSnapshot,
  KubernetesFacts,
  MetricsData,
  SourceOutcome,
  TracingData,
} from '@mesh-readiness/plugin-mesh-node';

const MAX_PROBLEMS_LISTED = 5;

/** How far back traces are sampled each run: traces are sparser than metrics. */
export const TRACING_LOOKBACK_MS = 15 * 60_000;

function outcome<T>(
  name: SourceOutcome<T>['name'],
  settled: PromiseSettledResult<T | undefined> | undefined,
  fetchedAt: string,
  problemsOf: (data: T) => string | undefined,
): SourceOutcome<T> {
  if (!settled) return { name, configured: false, ok: false, fetchedAt };
  if (settled.status === 'rejected') {
    return {
      name,
      configured: true,
      ok: false,
      fetchedAt,
      error: (settled.reason as Error).message,
    };
  }
  if (settled.value === undefined) {
    return { name, configured: true, ok: false, fetchedAt, error: 'no answer' };
  }
  const error = problemsOf(settled.value);
  return {
    name,
    configured: true,
    ok: true,
    fetchedAt,
    data: settled.value,
    ...(error ? { error } : {}),
  };
}

function listProblems(what: string, problems: string[]): string | undefined {
  if (problems.length === 0) return undefined;
  const listed = problems.slice(0, MAX_PROBLEMS_LISTED).join('; ');
  return `${problems.length} part(s) of ${what} skipped: ${listed}${
    problems.length > MAX_PROBLEMS_LISTED ? '; …' : ''
  }`;
}

/**
 * The service names a mesh gives the traces of a cluster's meshed workloads: Istio's
 * default `<app label>.<namespace>` (Istio's tracing default) and the
 * app label itself, which application SDKs usually use.
 */
export function traceServiceNames(
  facts: KubernetesFacts | undefined,
): string[] {
  const names = new Set<string>();
  for (const w of facts?.workloads ?? []) {
    if (!w.pods.some(p => p.proxy || p.ambient) && !w.templateProxy) continue;
    const app =
      w.templateLabels.app ??
      w.templateLabels['app.kubernetes.io/name'] ??
      w.name;
    names.add(`${app}.${w.namespace}`);
    names.add(app);
  }
  return [...names].sort();
}

/** The run's deadline, as the collector passes it down. */
export interface RunDeadline {
  /** Aborted, with an Error saying which deadline, when the deadline passes. */
  signal: AbortSignal;
}

/**
 * Runs one source's fetch under the run's deadline. The signal goes to the source so it
 * can cancel its requests; the race makes sure that a source which ignores it (an
 * adopter's, written before the signal existed) still cannot hold the run past the
 * deadline. The error names the source, so the report says what was still pending.
 */
function bounded<T>(
  what: string,
  deadline: RunDeadline | undefined,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!deadline) return work(undefined);
  const { signal } = deadline;
  const why = () => (signal.reason as Error | undefined)?.message ?? 'aborted';
  if (signal.aborted) {
    return Promise.reject(new Error(`${why()} before fetching ${what}`));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`${why()} while fetching ${what}`));
    signal.addEventListener('abort', onAbort, { once: true });
    work(signal)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Fetches every source of one cluster and turns the answers into a snapshot. Kubernetes
 * and Prometheus are fetched concurrently; tracing follows, since it samples the
 * services the Kubernetes objects name.
 */
export async function snapshotCluster(
  cluster: string,
  sources: ClusterSources,
  now: Date,
  deadline?: RunDeadline,
): Promise<ClusterSnapshot> {
  const timings = new Timings();
  const { kubernetes: k8sSource, metrics: metricsSource } = sources;
  const [k8s, metrics] = await Promise.allSettled([
    timings.time('kubernetes', () =>
      bounded(k8sSource.description, deadline, signal =>
        k8sSource.fetch({ signal }),
      ),
    ),
    metricsSource
      ? timings.time('prometheus', () =>
          bounded(metricsSource.description, deadline, signal =>
            metricsSource.fetch(now, { signal }),
          ),
        )
      : Promise.resolve(undefined),
  ]);
  const fetchedAt = new Date().toISOString();
  const kubernetesSettled: PromiseSettledResult<KubernetesFacts> =
    k8s.status === 'fulfilled'
      ? {
          status: 'fulfilled',
          value: await timings.time('kubernetesFacts', () =>
            runInSlices(kubernetesFactsSteps(k8s.value.objects, k8s.value)),
          ),
        }
      : k8s;
  const kubernetes = outcome('kubernetes', kubernetesSettled, fetchedAt, () =>
    k8s.status === 'fulfilled'
      ? listProblems(
          sources.kubernetes.description,
          k8s.value.problems.map(p => `${p.location}: ${p.message}`),
        )
      : undefined,
  );
  const prometheus = outcome<MetricsData>(
    'prometheus',
    sources.metrics ? metrics : undefined,
    fetchedAt,
    data => (data.problems.length > 0 ? data.problems.join('; ') : undefined),
  );

  let traces: PromiseSettledResult<TracingData> | undefined;
  if (sources.tracing) {
    const tracing = sources.tracing;
    [traces] = await Promise.allSettled([
      timings.time('tracing', () =>
        bounded(tracing.description, deadline, signal =>
          tracing.fetch({
            services: traceServiceNames(kubernetes.data),
            start: new Date(now.getTime() - TRACING_LOOKBACK_MS),
            end: now,
            signal,
          }),
        ),
      ),
    ]);
  }
  const tracing = outcome<TracingData>(
    'tracing',
    traces,
    new Date().toISOString(),
    data =>
      listProblems(sources.tracing?.description ?? 'tracing', data.problems),
  );
  return { cluster, kubernetes, prometheus, tracing, timings: timings.ms };
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
    tracing:
      fresh.tracing && previous.tracing
        ? keep(fresh.tracing, previous.tracing)
        : fresh.tracing,
  };
}

/** Stands in for a cluster that no run has collected yet. */
export function notYetCollected(
  cluster: string,
  hasMetrics: boolean,
  hasTracing = false,
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
    tracing: {
      name: 'tracing',
      configured: hasTracing,
      ok: false,
      error,
      fetchedAt,
    },
  };
}
