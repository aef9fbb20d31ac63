import {
  Reporter,
  ReporterLatency,
  RequestRate,
  ScrapedProxies,
  SourceReportedRequest,
  TcpTraffic,
  WorkloadKey,
  WorkloadSeries,
} from './metrics';
import {
  MetricQuery,
  bucketsOf,
  defineQuery,
  groupBy,
  known,
  normalizeCode,
  protocolOf,
  sel,
  workloadKey,
} from './queries/helpers';
import { CONTROL_PLANE_QUERIES } from './queries/controlPlane';
import { SECURITY_QUERIES } from './queries/security';
import { OVERHEAD_QUERIES } from './queries/overhead';
import { RESOURCE_QUERIES } from './queries/resources';
import { INSTRUMENTATION_QUERIES } from './queries/instrumentation';
import { ROLLOUT_QUERIES } from './queries/rollout';

export type { MetricQuery } from './queries/helpers';

/*
 * The catalog (QUERY_CATALOG below): every metric the snapshot holds is one entry, with
 * the PromQL that fetches it for a whole cluster, aggregated by workload labels so the
 * number of queries never grows with the number of services. Entries that serve one
 * group of checks live in queries/<group>.ts and are spread in here.
 */
export { normalizeCode } from './queries/helpers';

const istioDestination = (l: Record<string, string>) =>
  workloadKey(l.destination_workload_namespace, l.destination_workload);

const istioReporter = (l: Record<string, string>): Reporter =>
  l.reporter === 'waypoint' ? 'waypoint' : 'destination';

/**
 * Linkerd's scrape config turns the pod labels `linkerd.io/proxy-<kind>` into these
 * labels, the top-level owner first.
 */
export const LINKERD_WORKLOAD_LABELS = [
  'cronjob',
  'deployment',
  'statefulset',
  'daemonset',
  'k8s_job',
  'replicaset',
  'replicationcontroller',
] as const;

/**
 * A Job a CronJob started is named `<cronjob>-<scheduled minute>`; Istio names such
 * pods' workload after the CronJob, and so do we for Linkerd's `k8s_job` label.
 */
export function cronJobOf(jobName: string): string | undefined {
  const m = /^(.+)-\d{8,10}$/.exec(jobName);
  return m?.[1];
}

function linkerdWorkload(l: Record<string, string>): WorkloadKey | undefined {
  for (const label of LINKERD_WORKLOAD_LABELS) {
    const name = l[label];
    if (!name) continue;
    return workloadKey(
      l.namespace,
      label === 'k8s_job' ? cronJobOf(name) ?? name : name,
    );
  }
  return undefined;
}

const LINKERD_BY = `namespace, ${LINKERD_WORKLOAD_LABELS.join(', ')}`;

export const QUERY_CATALOG = {
  /**
   * Requests as the server side reported them: the sidecar (`destination`) or, in
   * ambient, the waypoint. Both are kept; one is chosen per workload later, so traffic
   * seen by both is never counted twice.
   */
  istioRequests: defineQuery<WorkloadSeries<RequestRate>>({
    id: 'istioRequests',
    recordingRule: w => `mesh_workload:istio_requests:rate${w}`,
    description: 'Istio inbound requests by workload, protocol and response',
    namespaceLabel: 'destination_workload_namespace',
    promql: (w, m) =>
      `sum by (destination_workload_namespace, destination_workload, reporter, request_protocol, response_code, grpc_response_status, connection_security_policy) (rate(istio_requests_total{${sel(
        'reporter=~"destination|waypoint"',
        m,
      )}}[${w}]))`,
    parse: samples =>
      groupBy(samples, istioDestination, s => ({
        reporter: istioReporter(s.labels),
        protocol: protocolOf(s.labels.request_protocol),
        code: normalizeCode(s.labels.response_code),
        ...(s.labels.grpc_response_status
          ? { grpcStatus: s.labels.grpc_response_status }
          : {}),
        ...(s.labels.connection_security_policy
          ? { security: s.labels.connection_security_policy }
          : {}),
        rate: s.value,
      })),
  }),

  istioLatency: defineQuery<WorkloadSeries<ReporterLatency>>({
    id: 'istioLatency',
    recordingRule: w =>
      `mesh_workload:istio_request_duration_milliseconds_bucket:rate${w}`,
    description: 'Istio inbound request latency buckets by workload',
    namespaceLabel: 'destination_workload_namespace',
    promql: (w, m) =>
      `sum by (destination_workload_namespace, destination_workload, reporter, le) (rate(istio_request_duration_milliseconds_bucket{${sel(
        'reporter=~"destination|waypoint"',
        m,
      )}}[${w}]))`,
    parse: samples => bucketsOf(samples, istioDestination, istioReporter),
  }),

  /**
   * Requests as the calling proxies reported them, edge by edge. They carry the
   * failures a caller's Envoy produced itself, which never reach the destination.
   */
  istioSourceRequests: defineQuery<SourceReportedRequest[]>({
    id: 'istioSourceRequests',
    recordingRule: w => `mesh_edge:istio_requests_source:rate${w}`,
    description:
      'Istio requests reported by the calling proxy, by edge and response flags',
    namespaceLabel: 'source_workload_namespace',
    promql: (w, m) =>
      `sum by (source_workload_namespace, source_workload, destination_workload_namespace, destination_workload, destination_service_namespace, destination_service_name, request_protocol, response_code, grpc_response_status, response_flags) (rate(istio_requests_total{${sel(
        'reporter="source"',
        m,
      )}}[${w}]))`,
    parse: samples =>
      samples.map(s => {
        const l = s.labels;
        const service =
          known(l.destination_service_namespace) &&
          known(l.destination_service_name)
            ? `${l.destination_service_namespace}/${l.destination_service_name}`
            : undefined;
        const row: SourceReportedRequest = {
          protocol: protocolOf(l.request_protocol),
          code: normalizeCode(l.response_code),
          responseFlags: l.response_flags || '-',
          rate: s.value,
        };
        const source = workloadKey(
          l.source_workload_namespace,
          l.source_workload,
        );
        const destination = istioDestination(l);
        if (source) row.source = source;
        if (destination) row.destinationWorkload = destination;
        if (service) row.destinationService = service;
        if (l.grpc_response_status) row.grpcStatus = l.grpc_response_status;
        return row;
      }),
  }),

  /**
   * L4 traffic received, from sidecars and from ztunnel, which in ambient without a
   * waypoint is all the mesh reports.
   */
  istioTcp: defineQuery<WorkloadSeries<TcpTraffic>>({
    id: 'istioTcp',
    recordingRule: w => `mesh_workload:istio_tcp_received:rate${w}`,
    description: 'Istio L4 connections and bytes received by workload',
    namespaceLabel: 'destination_workload_namespace',
    promql: (w, m) => {
      const by =
        'destination_workload_namespace, destination_workload, connection_security_policy';
      const s = sel('reporter="destination"', m);
      return `label_replace(sum by (${by}) (rate(istio_tcp_connections_opened_total{${s}}[${w}])), "mesh_series", "connections", "", "") or label_replace(sum by (${by}) (rate(istio_tcp_received_bytes_total{${s}}[${w}])), "mesh_series", "bytes", "", "")`;
    },
    parse: samples => {
      const out: WorkloadSeries<TcpTraffic> = {};
      for (const s of samples) {
        const key = istioDestination(s.labels);
        if (!key) continue;
        const security = s.labels.connection_security_policy || 'unknown';
        const rows = (out[key] ??= []);
        let row = rows.find(r => r.security === security);
        if (!row) {
          row = {
            security,
            connectionsPerSecond: 0,
            receivedBytesPerSecond: 0,
          };
          rows.push(row);
        }
        if (s.labels.mesh_series === 'bytes')
          row.receivedBytesPerSecond += s.value;
        else row.connectionsPerSecond += s.value;
      }
      return out;
    },
  }),

  /** Linkerd responses, inbound (the server's proxy) and outbound (the caller's). */
  linkerdResponses: defineQuery<WorkloadSeries<RequestRate>>({
    id: 'linkerdResponses',
    recordingRule: w => `mesh_workload:response:rate${w}`,
    description:
      'Linkerd responses by workload, direction, classification and TLS',
    namespaceLabel: 'namespace',
    promql: (w, m) =>
      `sum by (${LINKERD_BY}, direction, classification, status_code, grpc_status_code, tls, no_tls_reason) (rate(response_total{${sel(
        'direction=~"inbound|outbound"',
        m,
      )}}[${w}]))`,
    parse: samples =>
      groupBy(samples, linkerdWorkload, s => {
        const l = s.labels;
        const grpc =
          l.grpc_status_code !== undefined && l.grpc_status_code !== '';
        // Linkerd's classification already folds gRPC and HTTP status into one verdict;
        // a failure with no status at all is a request that got no response.
        const code =
          l.classification === 'failure' && !l.status_code && !grpc
            ? '-'
            : normalizeCode(l.status_code);
        return {
          reporter: l.direction === 'outbound' ? 'outbound' : 'inbound',
          protocol: grpc ? 'grpc' : 'http',
          code,
          ...(grpc ? { grpcStatus: l.grpc_status_code } : {}),
          security:
            l.tls === 'true' ? 'true' : l.no_tls_reason || l.tls || 'unknown',
          rate: s.value,
        } satisfies RequestRate;
      }),
  }),

  linkerdLatency: defineQuery<WorkloadSeries<ReporterLatency>>({
    id: 'linkerdLatency',
    recordingRule: w => `mesh_workload:response_latency_ms_bucket:rate${w}`,
    description: 'Linkerd inbound response latency buckets by workload',
    namespaceLabel: 'namespace',
    promql: (w, m) =>
      `sum by (${LINKERD_BY}, le) (rate(response_latency_ms_bucket{${sel(
        'direction="inbound"',
        m,
      )}}[${w}]))`,
    parse: samples => bucketsOf(samples, linkerdWorkload, () => 'inbound'),
  }),

  /**
   * The proxies Prometheus scrapes at all, by pod: Envoy's `istio_build` gauge and the
   * Linkerd proxy's `proxy_build_info`. A meshed workload with no series here is not
   * scraped, whatever its traffic.
   */
  scrapedProxies: defineQuery<ScrapedProxies>({
    id: 'scrapedProxies',
    recordingRule: () => 'mesh_pod:proxy_build_info:count',
    description: 'Pods whose mesh proxy Prometheus scrapes',
    namespaceLabel: 'namespace',
    promql: (_w, m) =>
      `count by (namespace, pod) (istio_build{${sel(
        'component="proxy"',
        m,
      )}}) or count by (namespace, pod) (proxy_build_info${m ? `{${m}}` : ''})`,
    parse: samples => {
      const out: ScrapedProxies = {};
      for (const s of samples) {
        const { namespace, pod } = s.labels;
        if (namespace && pod) (out[namespace] ??= []).push(pod);
      }
      return out;
    },
  }),
  ...CONTROL_PLANE_QUERIES,
  ...SECURITY_QUERIES,
  ...OVERHEAD_QUERIES,
  ...RESOURCE_QUERIES,
  ...INSTRUMENTATION_QUERIES,
  ...ROLLOUT_QUERIES,
};

export type QueryCatalog = typeof QUERY_CATALOG;

/** A recording rule that precomputes one catalog entry. */
export interface CatalogRecordingRule {
  /** The catalog entry it answers. */
  id: string;
  record: string;
  expr: string;
}

/** The recording rules that precompute the catalog at `window`, in catalog order. */
export function catalogRecordingRules(
  window = '5m',
  catalog: Record<string, MetricQuery<unknown>> = QUERY_CATALOG,
): CatalogRecordingRule[] {
  return Object.entries(catalog).flatMap(([id, entry]) =>
    entry.recordingRule
      ? [
          {
            id,
            record: entry.recordingRule(window),
            expr: entry.promql(window, ''),
          },
        ]
      : [],
  );
}

/**
 * A Prometheus rule file holding the catalog's recording rules for `window`; what
 * docs/prometheus/recording-rules.yaml is generated from.
 */
export function catalogRecordingRulesYaml(
  window = '5m',
  catalog: Record<string, MetricQuery<unknown>> = QUERY_CATALOG,
): string {
  const lines = [
    `# Recording rules for the mesh plugin's query catalog, window ${window}.`,
    '# Generated from QUERY_CATALOG (plugins/mesh-node/src/snapshot/queryCatalog.ts):',
    "# do not edit; the plugin reads a rule only when its expression is the catalog's.",
    '# Load it with `rule_files:`; the global evaluation_interval (1m by default) should',
    '# stay well under the window.',
    'groups:',
    `  - name: mesh-readiness-${window}`,
    '    rules:',
  ];
  for (const rule of catalogRecordingRules(window, catalog)) {
    // A literal block scalar needs no escaping of PromQL's quotes and backslashes.
    lines.push(
      `      - record: ${rule.record}`,
      '        expr: |-',
      `          ${rule.expr}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export type MetricId = keyof QueryCatalog;

/** The typed answer of every catalog entry, as the snapshot holds it. */
export type MetricSeries = {
  [K in MetricId]: ReturnType<QueryCatalog[K]['parse']>;
};

export interface MetricsData {
  /** The PromQL range the rates cover, e.g. `5m`. */
  window: string;
  series: MetricSeries;
  /** Parts of the answer that were ignored (NaN samples, warnings). */
  problems: string[];
  /** Requests sent to Prometheus. */
  queries: number;
  /** Catalog entries answered from recording rules rather than raw series. */
  recordingRules?: string[];
}
