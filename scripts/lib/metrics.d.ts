export interface TrafficSpec {
  services?: Array<{
    namespace: string;
    workload: string;
    provider?: 'istio' | 'linkerd';
    reporter?: 'destination' | 'waypoint';
    kind?: 'deployment' | 'statefulset' | 'daemonset';
    service?: string;
    rps?: number;
    pods?: number;
    podNames?: string[];
    responses?: Record<string, number>;
    latencyMs?: { p50: number; p99: number };
    sourceWorkload?: string;
    sourceNamespace?: string;
  }>;
}
export function toOpenMetrics(
  spec: TrafficSpec,
  range: { start: number; end: number; step: number; origin?: number },
): string;
export function openMetricsChunks(
  spec: TrafficSpec,
  range: { start: number; end: number; step: number; origin?: number },
): Generator<string>;
export function toExposition(
  spec: TrafficSpec,
  now: number,
  origin: number,
): string;
export function latencyCdf(le: number, p50: number, p99: number): number;
export const ISTIO_BUCKETS_MS: number[];
export const LINKERD_BUCKETS_MS: number[];
