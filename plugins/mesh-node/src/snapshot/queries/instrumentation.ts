/**
 * Application HTTP server series: what an app's own HTTP middleware exports (Micrometer,
 * OpenTelemetry, prom-client, prometheus-net, the Python and Ruby exporters…), counted by
 * namespace, pod and metric name for the whole cluster in one query. The
 * double-instrumentation check joins them to a meshed workload's pods. Names come from
 * the app-metric catalog of reference/tracing-and-double-instrumentation.md (§3).
 */
import { defineQuery, sel } from './helpers';

/** One app HTTP metric name on one pod: how many series Prometheus holds for it. */
export interface AppHttpSeries {
  pod: string;
  /** The metric name, e.g. `http_server_requests_seconds_bucket`. */
  metric: string;
  /** Series (label sets) of that name on the pod, each a head series in Prometheus. */
  series: number;
}

/**
 * The app HTTP server metric families, as Prometheus names them (anchored regex
 * alternatives): the list, plus the duration histograms of the same libraries
 * (starlette, FastAPI's `highr`, actix/axum `<prefix>_http_requests_duration_seconds`).
 */
export const APP_HTTP_METRIC_PATTERNS = [
  // Spring Boot / Micrometer `http.server.requests` (_count, _sum, _max, _bucket)
  'http_server_requests_seconds_.+',
  // OpenTelemetry semconv (stable) and ASP.NET Core 8+
  'http_server_request_duration_seconds_.+',
  // OpenTelemetry semconv before v1.22 (`_milliseconds_` or no unit suffix)
  'http_server_duration_.+',
  // prom-client (express-prom-bundle), FastAPI instrumentator, prometheus-net, Go middleware
  'http_request_duration_seconds_.+',
  'http_request_duration_highr_seconds_.+',
  'http_requests_total',
  // prometheus-net
  'http_requests_received_total',
  // Ruby prometheus-client Rack collector
  'http_server_requests_total',
  // Python exporters
  'flask_http_request_.+',
  'django_http_requests_.+',
  'starlette_requests_.+',
  'starlette_request_duration_seconds_.+',
  // `<prefix>_http_requests_total` (actix-web-prom, axum-prometheus…)
  '.+_http_requests_total',
  '.+_http_requests_duration_seconds_.+',
];

/** Never the app's: Prometheus's own scrape handler, the mesh proxies, the ingress. */
export const EXCLUDED_METRIC_PATTERNS = [
  'promhttp_.+',
  'istio_.+',
  'envoy_.+',
  'nginx_ingress_.+',
];

/** Route labels the libraries above use (Micrometer `uri`, OTel `http_route`, …). */
export const ROUTE_LABELS = [
  'route',
  'uri',
  'path',
  'handler',
  'http_route',
  'endpoint',
];

/**
 * Routes that are not the app's traffic: the metrics endpoint itself and the health,
 * readiness and management endpoints the kubelet or Prometheus call.
 */
export const HEALTH_ROUTES =
  '.*/(metrics|prometheus|health|healthz|livez|readyz|ready|live|liveness|readiness|ping|actuator)(/.*)?';

/** Label aliases of the classic `kubernetes-pods` annotation scrape job. */
const NAMESPACE_ALIAS = 'kubernetes_namespace';
const POD_ALIAS = 'kubernetes_pod_name';

function appSelector(matchers: string): string {
  const base = [
    `__name__=~"${APP_HTTP_METRIC_PATTERNS.join('|')}"`,
    `__name__!~"${EXCLUDED_METRIC_PATTERNS.join('|')}"`,
    'job!~".*linkerd-proxy.*"',
    ...ROUTE_LABELS.map(l => `${l}!~"${HEALTH_ROUTES}"`),
  ]
    // In the order Prometheus prints them, so a recording rule's expression reads back
    // as the catalog's.
    .sort()
    .join(',');
  return `{${sel(base, matchers)}}`;
}

export const INSTRUMENTATION_QUERIES = {
  /**
   * App HTTP server series by namespace, pod and metric name. The metric name is copied
   * into `app_metric` (a recording rule replaces `__name__`), and the
   * `kubernetes_namespace` / `kubernetes_pod_name` labels of the annotation scrape job
   * stand in for `namespace` / `pod`. A namespace shard matches `namespace`, so series
   * that only carry the aliases all fall in the last shard: still counted once.
   */
  appHttpSeries: defineQuery<Record<string, AppHttpSeries[]>>({
    id: 'appHttpSeries',
    recordingRule: () => 'mesh_pod:app_http_server_series:count',
    description:
      'Application HTTP server metric series (not the mesh’s) by namespace, pod and metric name',
    namespaceLabel: 'namespace',
    promql: (_w, m) =>
      `count by (namespace, pod, app_metric) (label_replace(label_replace(label_replace(${appSelector(
        m,
      )}, "app_metric", "$1", "__name__", "(.+)"), "namespace", "$1", "${NAMESPACE_ALIAS}", "(.+)"), "pod", "$1", "${POD_ALIAS}", "(.+)"))`,
    parse: samples => {
      const out: Record<string, AppHttpSeries[]> = {};
      for (const s of samples) {
        const l = s.labels;
        const namespace = l.namespace || l[NAMESPACE_ALIAS];
        const pod = l.pod || l[POD_ALIAS];
        const metric = l.app_metric || l.__name__;
        if (!namespace || !pod || !metric || !Number.isFinite(s.value)) {
          continue;
        }
        const rows = (out[namespace] ??= []);
        const same = rows.find(r => r.pod === pod && r.metric === metric);
        if (same) same.series += s.value;
        else rows.push({ pod, metric, series: s.value });
      }
      return out;
    },
  }),
};
