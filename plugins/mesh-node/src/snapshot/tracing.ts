/**
 * The span model every tracing back end (Jaeger api_v3 and v1, Tempo, Zipkin, exported
 * files) is mapped to. Sources fill it and know nothing about checks; the propagation and
 * double-instrumentation checks read it and know nothing about back ends.
 */

export type SpanKind =
  | 'server'
  | 'client'
  | 'producer'
  | 'consumer'
  | 'internal'
  | 'unspecified';

export type ProxyDirection = 'inbound' | 'outbound';

export interface NormalizedSpan {
  /** Lowercase hex, 32 characters: 64-bit ids are left-padded with zeros. */
  traceId: string;
  /** Lowercase hex, 16 characters for every back end's native ids. */
  spanId: string;
  /**
   * The causal parent within this trace. Absent for a root span, and for a span whose
   * only causal predecessor lives in another trace (then `followsFrom` is set).
   */
  parentSpanId?: string;
  kind: SpanKind;
  /** The process's service name (`reviews.default`, `linkerd-proxy`, `productpage`). */
  service: string;
  /** Operation / span name. */
  name: string;
  /** Unix time in nanoseconds, as a decimal string (it does not fit a JS number). */
  startTimeUnixNano?: string;
  durationMicros?: number;
  /** Emitted by a mesh proxy (Envoy sidecar, gateway or waypoint; Linkerd proxy). */
  isProxy: boolean;
  /** For proxy spans, when it can be told: the inbound (server) or outbound (client) side. */
  proxyDirection?: ProxyDirection;
  /**
   * The parent is causal but not a synchronous caller: a Jaeger FOLLOWS_FROM reference,
   * or an OTLP link standing in for a missing parent. Such a span is a legitimate new
   * branch (async messaging), not a broken propagation.
   */
  followsFrom?: boolean;
  /**
   * Only the attributes the propagation and double-instrumentation analyses need (see
   * `keepAttribute` in the backend's proxySpans.ts), as strings, span and resource
   * attributes together (the span's winning). The instrumentation scope name is kept as
   * `otel.scope.name` whatever the back end called it. What ties a span to a workload:
   * - any span: `k8s.pod.name|uid|ip`, `k8s.namespace.name`, `k8s.container.name`,
   *   `k8s.<deployment|statefulset|daemonset|replicaset|job|cronjob>.name`;
   * - Istio proxies: `node_id`, `istio.canonical_service`, `istio.namespace`, and on
   *   ambient waypoints both ends of the hop, `istio.source_*` / `istio.destination_*`
   *   (`istio.destination_workload`, `istio.source_namespace`…);
   * - Linkerd proxies only: their pod labels `app`, `version`, `app.kubernetes.io/name`,
   *   `app.kubernetes.io/instance`, `linkerd.io/workload-ns`, `linkerd.io/proxy-<kind>`
   *   (`linkerd.io/proxy-deployment`…), and `hostname` (the pod's name).
   */
  attributes: Record<string, string>;
}

export interface NormalizedTrace {
  traceId: string;
  spans: NormalizedSpan[];
}

export interface TracingData {
  /** Every trace found, once each (a trace found for two services is merged). */
  traces: NormalizedTrace[];
  /**
   * Per requested service whose query succeeded: the number of traces found for it
   * (bounded by `maxTracesPerService`). A service whose query failed has no entry (its
   * reason is in `problems`), so 0 always means "queried, nothing in the window".
   * For a files source asked for no services, every service seen in the files.
   */
  perService: Record<string, number>;
  /** Partial failures: one service's query, one trace, one file. */
  problems: string[];
  /** HTTP requests sent (files read, for the files source). */
  requests: number;
  /**
   * The trace service name the source took for Linkerd's proxies (its
   * `linkerdProxyService` option), so analyses tie `linkerd-proxy` spans to workloads
   * the same way. Absent: `linkerd-proxy`.
   */
  linkerdProxyService?: string;
}
