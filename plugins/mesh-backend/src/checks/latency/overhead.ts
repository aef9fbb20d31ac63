/**
 * The per-hop proxy overhead of one workload, measured from the mesh's own histograms:
 * the p99 of the calls into it as the callers' proxies saw them (Istio
 * `reporter="source"`, Linkerd outbound) minus the p99 its own proxy saw (Istio
 * `destination`, or the waypoint in ambient; Linkerd inbound). Pure; shared by the checks
 * that weigh the overhead against the latency budget.
 */
import { ANNOTATION_LATENCY_BUDGET_P99 } from '@mesh-readiness/plugin-mesh-common';
import {
  EntityContext,
  EntityWorkload,
  LatencyBucket,
  ReporterLatency,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { histogramQuantile, mergeBuckets } from '../../health/histogram';
import { PodMeshing, workloadMeshings } from '../../context/meshing';

/**
 * Requests each side must have seen in the window before its p99 means anything: with
 * fewer than 100, the 99th percentile is the slowest request or two.
 */
export const MIN_REQUESTS_FOR_P99 = 100;

export type OverheadMeasure =
  /** Ambient with no waypoint: ztunnel reports no request latency at all. */
  | { kind: 'ambient-l4'; meshing: PodMeshing }
  /** The workload's cluster has no working Prometheus. */
  | { kind: 'no-metrics'; meshing: PodMeshing }
  /** No calling proxy reported calls into it: callers outside the mesh, or none. */
  | { kind: 'no-callers'; meshing: PodMeshing; serverRequests: number }
  /** Callers reported calls, its own proxy (or waypoint) reported none. */
  | { kind: 'no-server'; meshing: PodMeshing; callerRequests: number }
  /** Both sides reported, but too few requests for a p99. */
  | {
      kind: 'too-few';
      meshing: PodMeshing;
      callerRequests: number;
      serverRequests: number;
    }
  | {
      kind: 'measured';
      meshing: PodMeshing;
      callerP99Ms: number;
      serverP99Ms: number;
      /** Caller p99 minus server p99, never below 0. */
      overheadMs: number;
      callerRequests: number;
      serverRequests: number;
      /** Which report was the server's view: `destination`, `waypoint` or `inbound`. */
      serverReporter: string;
    };

/** Seconds of a PromQL duration such as `5m` or `1h30m`. */
export function windowSeconds(window: string): number {
  const unit: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    y: 31536000,
  };
  let total = 0;
  for (const [, n, u] of window.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(n) * unit[u];
  }
  return total;
}

/** The latency budget annotation: absent, a positive number of ms, or invalid (why). */
export type LatencyBudget =
  | { kind: 'none' }
  | { kind: 'set'; ms: number }
  | { kind: 'invalid'; value: string; reason: string };

export function latencyBudget(ctx: EntityContext): LatencyBudget {
  const raw = ctx.entity.metadata.annotations?.[ANNOTATION_LATENCY_BUDGET_P99];
  if (raw === undefined) return { kind: 'none' };
  const value = String(raw).trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value)) {
    return {
      kind: 'invalid',
      value: String(raw),
      reason: `annotation ${ANNOTATION_LATENCY_BUDGET_P99} is "${raw}", not a number of milliseconds`,
    };
  }
  const ms = Number(value);
  if (!(ms > 0) || !Number.isFinite(ms)) {
    return {
      kind: 'invalid',
      value: String(raw),
      reason: `annotation ${ANNOTATION_LATENCY_BUDGET_P99} is "${raw}": the p99 budget must be a positive number of milliseconds`,
    };
  }
  return { kind: 'set', ms };
}

/** How the workload is meshed for the overhead: a sidecar if any pod runs one. */
export function overheadMeshing(w: EntityWorkload): PodMeshing | undefined {
  const meshings = workloadMeshings(w);
  return meshings.find(m => m.dataPlane === 'sidecar') ?? meshings[0];
}

const total = (buckets: LatencyBucket[]) =>
  buckets.find(b => b.le === Infinity)?.rate ?? 0;

function histogramOf(
  rows: ReporterLatency[] | undefined,
  reporter: string,
): LatencyBucket[] {
  const own = (rows ?? []).filter(r => r.reporter === reporter);
  return own.length ? mergeBuckets(own.map(r => r.buckets)) : [];
}

const round = (n: number) => Math.round(n * 100) / 100;

export function measureOverhead(
  ctx: EntityContext,
  w: EntityWorkload,
  meshing: PodMeshing,
): OverheadMeasure {
  const ambient = meshing.dataPlane === 'ambient';
  if (ambient && w.mesh.istio.waypoints.length === 0) {
    return { kind: 'ambient-l4', meshing };
  }
  const metrics = ctx.metricsFor(w);
  if (!metrics) return { kind: 'no-metrics', meshing };
  const key = workloadKey(w);
  const seconds = windowSeconds(metrics.window || ctx.window) || 300;
  let caller: LatencyBucket[];
  let server: LatencyBucket[];
  let serverReporter: string;
  if (meshing.provider === 'linkerd') {
    caller = histogramOf(
      metrics.series.linkerdOutboundLatency?.[key],
      'outbound',
    );
    serverReporter = 'inbound';
    server = histogramOf(metrics.series.linkerdLatency[key], 'inbound');
  } else {
    caller = histogramOf(metrics.series.istioSourceLatency?.[key], 'source');
    const rows = metrics.series.istioLatency[key];
    const destination = histogramOf(rows, 'destination');
    // A sidecar reports its own view; in ambient the waypoint in front of it does.
    serverReporter =
      !ambient && total(destination) > 0 ? 'destination' : 'waypoint';
    server =
      serverReporter === 'destination'
        ? destination
        : histogramOf(rows, 'waypoint');
  }
  const callerRequests = Math.round(total(caller) * seconds);
  const serverRequests = Math.round(total(server) * seconds);
  if (callerRequests === 0)
    return { kind: 'no-callers', meshing, serverRequests };
  if (serverRequests === 0)
    return { kind: 'no-server', meshing, callerRequests };
  if (
    callerRequests < MIN_REQUESTS_FOR_P99 ||
    serverRequests < MIN_REQUESTS_FOR_P99
  ) {
    return { kind: 'too-few', meshing, callerRequests, serverRequests };
  }
  const callerP99 = histogramQuantile(0.99, caller);
  const serverP99 = histogramQuantile(0.99, server);
  if (callerP99 === null || serverP99 === null) {
    return { kind: 'too-few', meshing, callerRequests, serverRequests };
  }
  return {
    kind: 'measured',
    meshing,
    callerP99Ms: round(callerP99),
    serverP99Ms: round(serverP99),
    overheadMs: round(Math.max(0, callerP99 - serverP99)),
    callerRequests,
    serverRequests,
    serverReporter,
  };
}
