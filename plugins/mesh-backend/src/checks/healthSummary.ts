import { HealthSummary } from '@mesh-readiness/plugin-mesh-common';
import { histogramQuantile, mergeBuckets } from '../snapshot/histogram';
import { WorkloadTraffic } from '../sources/prometheus/PrometheusSource';

/**
 * Kiali's default request-health tolerances (landscape.md §6, `AddHealthDefault`):
 * 5xx ≥ 10% is failing; 4xx ≥ 10% is degraded and ≥ 20% failing.
 */
export const HEALTH_TOLERANCES = {
  serverErrorFailing: 0.1,
  clientErrorDegraded: 0.1,
  clientErrorFailing: 0.2,
} as const;

const round = (value: number | null, digits: number) =>
  value === null || !Number.isFinite(value)
    ? null
    : Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Golden signals of a set of workloads taken together: rates add up, and the latency
 * quantiles come from the summed bucket rates, which is exact (averaging per-workload
 * quantiles would not be).
 */
export function summarizeHealth(
  traffic: WorkloadTraffic[],
  window: string,
): HealthSummary {
  const rps = traffic.reduce((s, t) => s + t.requestsPerSecond, 0);
  const serverErrors = traffic.reduce((s, t) => s + t.serverErrorsPerSecond, 0);
  const clientErrors = traffic.reduce((s, t) => s + t.clientErrorsPerSecond, 0);
  if (!(rps > 0)) {
    return {
      status: 'idle',
      requestsPerSecond: traffic.length > 0 ? 0 : null,
      successRate: null,
      latencyMs: { p50: null, p95: null, p99: null },
      errorRates: { clientErrors: null, serverErrors: null },
      window,
      reason: `no requests through the mesh in the last ${window}`,
    };
  }
  const buckets = mergeBuckets(traffic.map(t => t.latencyBuckets));
  const serverRatio = serverErrors / rps;
  const clientRatio = clientErrors / rps;
  let status: HealthSummary['status'] = 'healthy';
  let reason = `5xx ${pct(serverRatio)} and 4xx ${pct(
    clientRatio,
  )} are within Kiali's default tolerances`;
  if (serverRatio >= HEALTH_TOLERANCES.serverErrorFailing) {
    status = 'failing';
    reason = `5xx and failed responses are ${pct(
      serverRatio,
    )} of requests (failing at ≥ ${pct(HEALTH_TOLERANCES.serverErrorFailing)})`;
  } else if (clientRatio >= HEALTH_TOLERANCES.clientErrorFailing) {
    status = 'failing';
    reason = `4xx responses are ${pct(
      clientRatio,
    )} of requests (failing at ≥ ${pct(HEALTH_TOLERANCES.clientErrorFailing)})`;
  } else if (clientRatio >= HEALTH_TOLERANCES.clientErrorDegraded) {
    status = 'degraded';
    reason = `4xx responses are ${pct(
      clientRatio,
    )} of requests (degraded at ≥ ${pct(
      HEALTH_TOLERANCES.clientErrorDegraded,
    )})`;
  }
  return {
    status,
    requestsPerSecond: round(rps, 3),
    successRate: round(1 - serverRatio, 5),
    latencyMs: {
      p50: round(histogramQuantile(0.5, buckets), 2),
      p95: round(histogramQuantile(0.95, buckets), 2),
      p99: round(histogramQuantile(0.99, buckets), 2),
    },
    errorRates: {
      clientErrors: round(clientRatio, 5),
      serverErrors: round(serverRatio, 5),
    },
    window,
    reason,
  };
}

export function pct(ratio: number): string {
  return `${(Math.round(ratio * 10000) / 100).toString()}%`;
}
