/**
 * Shapes of the metric series a snapshot holds. Each query of the catalog
 * (`queryCatalog.ts`) parses Prometheus's answer into one of these.
 */

/** One sample of an instant vector: its labels and its value. */
export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

/** One cumulative bucket of a Prometheus histogram: the rate of observations ≤ `le`. */
export interface LatencyBucket {
  le: number;
  rate: number;
}

/** `namespace/workload`, the key every per-workload series uses. */
export type WorkloadKey = string;

/** Rows per workload, keyed by `namespace/workload`. */
export type WorkloadSeries<Row> = Record<WorkloadKey, Row[]>;

/** Which proxy reported a request. */
export type Reporter =
  /** Istio: the server's sidecar. */
  | 'destination'
  /** Istio ambient: the waypoint in front of the server. */
  | 'waypoint'
  /** Istio: the client's sidecar or gateway. */
  | 'source'
  /** Linkerd: the server's proxy. */
  | 'inbound'
  /** Linkerd: the client's proxy. */
  | 'outbound';

export type RequestProtocol = 'http' | 'grpc' | 'tcp';

/** The request rate of one combination of reporter, protocol and response. */
export interface RequestRate {
  reporter: Reporter;
  protocol: RequestProtocol;
  /** HTTP status code; `-` when there was no response at all (reset, timeout). */
  code: string;
  /** gRPC status code, for gRPC requests that carried one. */
  grpcStatus?: string;
  /**
   * Whether the request arrived over mutual TLS: Istio's `connection_security_policy`
   * (`mutual_tls`, `none`, or `unknown` for source-side reports), Linkerd's `tls` label
   * (`true`, or the `no_tls_reason`, e.g. `loopback`).
   */
  security?: string;
  /** Requests per second over the window. */
  rate: number;
}

/** Latency histogram of one reporter for one workload. */
export interface ReporterLatency {
  reporter: Reporter;
  buckets: LatencyBucket[];
}

/**
 * One edge of the Istio graph as the calling proxy (`reporter="source"`) saw it. Requests
 * that the caller's Envoy answered itself (no healthy upstream, no route) exist only
 * here, often with an `unknown` destination workload: the destination Service still
 * names where they were going.
 */
export interface SourceReportedRequest {
  /** `namespace/workload` of the caller, when known. */
  source?: WorkloadKey;
  /** `namespace/workload` of the destination, when the caller's proxy knew it. */
  destinationWorkload?: WorkloadKey;
  /** `namespace/name` of the destination Service, when known. */
  destinationService?: string;
  protocol: RequestProtocol;
  code: string;
  grpcStatus?: string;
  /** Envoy's response flags (`-` for none; `UH`, `NR`, `UF`, `URX` …). */
  responseFlags: string;
  rate: number;
}

/** L4 traffic received by a workload, as its proxy or ztunnel saw it. */
export interface TcpTraffic {
  /** `mutual_tls`, `none` or `unknown`. */
  security: string;
  connectionsPerSecond: number;
  receivedBytesPerSecond: number;
}

/** Pods whose proxy Prometheus scrapes, by namespace. */
export type ScrapedProxies = Record<string, string[]>;
