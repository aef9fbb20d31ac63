export interface TrafficService {
  namespace: string;
  workload: string;
  /** `none`: an unmeshed workload, with the app's own metrics (`app`) only. */
  provider?: 'istio' | 'linkerd' | 'none';
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
  /**
   * The app's own HTTP server metrics next to the mesh's, with the same rate, responses
   * and latency: `micrometer` writes Spring Boot's `http_server_requests_seconds_*`
   * (buckets, count, sum) per pod, labelled `namespace`, `pod`, `status`, `uri`…
   */
  app?: 'micrometer';
  /** The `uri` label of those app metrics; default `/api`. */
  appUri?: string;
}

export interface TrafficSpec {
  services?: TrafficService[];
  /**
   * Series written as they are. A counter (`name` ending in `_total`) grows by `rate`
   * per second; a gauge holds `value`, or `fromNow` seconds after the data's end.
   */
  series?: Array<{
    name: string;
    type?: 'counter' | 'gauge' | 'histogram';
    /** The family the series belongs to, for a histogram's `_bucket`, `_sum` and `_count`. */
    family?: string;
    labels?: Record<string, string>;
    rate?: number;
    value?: number;
    fromNow?: number;
  }>;
  /**
   * Opt-in: the same kind of data in a second, earlier window, e.g. the week-old
   * baseline an `offset 1w` query reads. Written by `toOpenMetrics` only (not by
   * `toExposition`): `minutes` long (default: as long as the main window), ending
   * `daysAgo` days (default 7) before the main window's end, with its own `services`
   * and `series`. Counters start from 0 in each window and nothing is written between
   * them. A Prometheus reading it needs a retention longer than `daysAgo`.
   */
  baseline?: {
    daysAgo?: number;
    minutes?: number;
    services?: TrafficService[];
    series?: TrafficSpec['series'];
  };
}
export function toOpenMetrics(
  spec: TrafficSpec,
  range: { start: number; end: number; step: number; origin?: number },
): string;
export function openMetricsChunks(
  spec: TrafficSpec,
  range: { start: number; end: number; step: number; origin?: number },
): Generator<string>;
/** The windows `toOpenMetrics` writes, oldest first (the baseline's, then the data's own). */
export function windowsOf(
  spec: TrafficSpec,
  range: { start: number; end: number; step: number; origin?: number },
): { spec: TrafficSpec; start: number; end: number; origin: number }[];
export function toExposition(
  spec: TrafficSpec,
  now: number,
  origin: number,
): string;
export function latencyCdf(le: number, p50: number, p99: number): number;
export const ISTIO_BUCKETS_MS: number[];
export const LINKERD_BUCKETS_MS: number[];
export const MICROMETER_BUCKETS_S: number[];
