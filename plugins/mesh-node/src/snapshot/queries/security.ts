/**
 * Security series: who talks to a workload without mTLS, what authorization policies in
 * dry-run or audit would have denied, and what leaves the mesh to unregistered hosts.
 * Metric and label names are those of Istio's `istio_stats.cc`, ztunnel's `metrics.rs`,
 * Envoy's RBAC filter stats (kept by Istio's default `shadow_denied` inclusion suffix)
 * and Linkerd's proxy-metrics reference. Each entry is aggregated by workload (or pod)
 * labels for the whole cluster, never per service, so the query count stays constant.
 */
import { WorkloadKey, WorkloadSeries } from '../metrics';
import { defineQuery, groupBy, known, sel, workloadKey } from './helpers';

/** Inbound traffic a workload received without mTLS, by caller when the labels say. */
export interface PlaintextInbound {
  /** `namespace/workload` of the caller; absent when the proxy had no peer metadata. */
  source?: WorkloadKey;
  /** `destination` (sidecar or ztunnel) or `waypoint`. */
  reporter: 'destination' | 'waypoint';
  /** `requests` (L7, per second) or `connections` (L4 opened, per second). */
  unit: 'requests' | 'connections';
  /** `connection_security_policy` as reported: `none`, or `unknown` from ztunnel. */
  security: string;
  rate: number;
}

/** Requests an authorization policy would have denied, or did deny, per pod. */
export interface AuthzDenials {
  pod: string;
  /** Per second over the window. */
  rate: number;
}

/** Linkerd proxy denials (`inbound_http_authz_deny_total`, `inbound_tcp_authz_deny_total`). */
export interface LinkerdAuthzDenials {
  protocol: 'http' | 'tcp';
  /** The Server the traffic hit (`srv_name`), e.g. `all-unauthenticated` for the default. */
  server?: string;
  rate: number;
}

/** Traffic a workload sent to hosts the mesh does not know. */
export interface EgressPassthrough {
  /** `PassthroughCluster` (let out, ALLOW_ANY) or `BlackHoleCluster` (blocked, REGISTRY_ONLY). */
  cluster: 'PassthroughCluster' | 'BlackHoleCluster';
  /** `destination_service` as the caller's proxy reported it (the host or IP), when known. */
  host?: string;
  unit: 'requests' | 'connections';
  rate: number;
}

const istioDestination = (l: Record<string, string>) =>
  workloadKey(l.destination_workload_namespace, l.destination_workload);

const istioSource = (l: Record<string, string>) =>
  workloadKey(l.source_workload_namespace, l.source_workload);

/** The labels Linkerd's scrape config turns `linkerd.io/proxy-<kind>` into, owner first. */
const LINKERD_WORKLOAD_LABELS = [
  'cronjob',
  'deployment',
  'statefulset',
  'daemonset',
  'k8s_job',
  'replicaset',
  'replicationcontroller',
];

function linkerdWorkload(l: Record<string, string>): WorkloadKey | undefined {
  for (const label of LINKERD_WORKLOAD_LABELS) {
    const name = l[label];
    if (!name) continue;
    const cron = label === 'k8s_job' ? /^(.+)-\d{8,10}$/.exec(name)?.[1] : '';
    return workloadKey(l.namespace, cron || name);
  }
  return undefined;
}

/** Adds up rows of one workload that share every field but `rate`. */
function merge<Row extends { rate: number }>(
  series: WorkloadSeries<Row>,
): WorkloadSeries<Row> {
  const idOf = (row: Row) =>
    JSON.stringify(Object.entries(row).filter(([k]) => k !== 'rate'));
  for (const [key, rows] of Object.entries(series)) {
    const byId = new Map<string, Row>();
    for (const row of rows) {
      const id = idOf(row);
      const same = byId.get(id);
      if (same) same.rate += row.rate;
      else byId.set(id, { ...row });
    }
    series[key] = [...byId.values()];
  }
  return series;
}

export const SECURITY_QUERIES = {
  /**
   * Inbound traffic not over mutual TLS, by caller: server-side reports only
   * (`reporter="destination"` from sidecars and ztunnel, `waypoint` in ambient), since a
   * caller's own report always says `unknown`.
   */
  istioPlaintextInbound: defineQuery<WorkloadSeries<PlaintextInbound>>({
    id: 'istioPlaintextInbound',
    recordingRule: w => `mesh_edge:istio_plaintext_inbound:rate${w}`,
    description:
      'Istio inbound requests and connections not over mTLS, by caller and workload',
    namespaceLabel: 'destination_workload_namespace',
    promql: (w, m) => {
      const by =
        'destination_workload_namespace, destination_workload, source_workload_namespace, source_workload, reporter, connection_security_policy';
      const l7 = sel(
        'connection_security_policy=~"none|unknown",reporter=~"destination|waypoint"',
        m,
      );
      const l4 = sel(
        'connection_security_policy=~"none|unknown",reporter="destination"',
        m,
      );
      return `label_replace(sum by (${by}) (rate(istio_requests_total{${l7}}[${w}])), "mesh_series", "requests", "", "") or label_replace(sum by (${by}) (rate(istio_tcp_connections_opened_total{${l4}}[${w}])), "mesh_series", "connections", "", "")`;
    },
    parse: samples =>
      merge(
        groupBy(samples, istioDestination, (s): PlaintextInbound => {
          const l = s.labels;
          const source = istioSource(l);
          return {
            ...(source ? { source } : {}),
            reporter: l.reporter === 'waypoint' ? 'waypoint' : 'destination',
            unit: l.mesh_series === 'connections' ? 'connections' : 'requests',
            security: l.connection_security_policy || 'unknown',
            rate: s.value,
          };
        }),
      ),
  }),

  /**
   * Envoy RBAC shadow denials: requests a dry-run AuthorizationPolicy would have denied
   * (`http.<prefix>.rbac.istio_dry_run_{allow,deny}_shadow_denied`, and the plain
   * `rbac.shadow_denied`). The HTTP connection manager's prefix may stay in the name or
   * become a label, so the name is matched by pattern. Envoy stats carry no workload
   * labels: they are kept by pod, which the check maps to its workload.
   */
  istioShadowDenials: defineQuery<Record<string, AuthzDenials[]>>({
    id: 'istioShadowDenials',
    recordingRule: w => `mesh_pod:envoy_rbac_shadow_denied:rate${w}`,
    description:
      'Envoy RBAC shadow (dry-run) denials per pod: what dry-run policies would deny',
    namespaceLabel: 'namespace',
    promql: (w, m) =>
      `sum by (namespace, pod) (rate({${sel(
        '__name__=~"envoy_.*rbac_.*shadow_denied"',
        m,
      )}}[${w}]))`,
    parse: samples => {
      const out: Record<string, AuthzDenials[]> = {};
      for (const s of samples) {
        const { namespace, pod } = s.labels;
        if (!namespace || !pod || !Number.isFinite(s.value)) continue;
        (out[namespace] ??= []).push({ pod, rate: s.value });
      }
      return out;
    },
  }),

  /** Linkerd's authorization denials, by workload and Server: what audit mode would deny. */
  linkerdAuthzDenials: defineQuery<WorkloadSeries<LinkerdAuthzDenials>>({
    id: 'linkerdAuthzDenials',
    recordingRule: w => `mesh_workload:inbound_authz_deny:rate${w}`,
    description:
      'Linkerd inbound HTTP and TCP authorization denials by workload and Server',
    namespaceLabel: 'namespace',
    promql: (w, m) => {
      const by = `namespace, ${LINKERD_WORKLOAD_LABELS.join(', ')}, srv_name`;
      const vec = (name: string) => (m ? `${name}{${m}}` : name);
      return `label_replace(sum by (${by}) (rate(${vec(
        'inbound_http_authz_deny_total',
      )}[${w}])), "mesh_series", "http", "", "") or label_replace(sum by (${by}) (rate(${vec(
        'inbound_tcp_authz_deny_total',
      )}[${w}])), "mesh_series", "tcp", "", "")`;
    },
    parse: samples =>
      merge(
        groupBy(samples, linkerdWorkload, (s): LinkerdAuthzDenials => {
          const server = known(s.labels.srv_name);
          return {
            protocol: s.labels.mesh_series === 'tcp' ? 'tcp' : 'http',
            ...(server ? { server } : {}),
            rate: s.value,
          };
        }),
      ),
  }),

  /**
   * Traffic to hosts outside the mesh registry, as the calling proxy reported it:
   * `PassthroughCluster` (let out under ALLOW_ANY) and `BlackHoleCluster` (blocked by
   * REGISTRY_ONLY), keyed by the calling workload.
   */
  istioEgressPassthrough: defineQuery<WorkloadSeries<EgressPassthrough>>({
    id: 'istioEgressPassthrough',
    recordingRule: w => `mesh_workload:istio_egress_passthrough:rate${w}`,
    description:
      'Istio traffic to unregistered hosts (PassthroughCluster, BlackHoleCluster) by calling workload',
    namespaceLabel: 'source_workload_namespace',
    promql: (w, m) => {
      const by =
        'source_workload_namespace, source_workload, destination_service_name, destination_service';
      const s = sel(
        'destination_service_name=~"PassthroughCluster|BlackHoleCluster",reporter="source"',
        m,
      );
      return `label_replace(sum by (${by}) (rate(istio_requests_total{${s}}[${w}])), "mesh_series", "requests", "", "") or label_replace(sum by (${by}) (rate(istio_tcp_connections_opened_total{${s}}[${w}])), "mesh_series", "connections", "", "")`;
    },
    parse: samples =>
      merge(
        groupBy(samples, istioSource, (s): EgressPassthrough => {
          const l = s.labels;
          const host = known(l.destination_service);
          return {
            cluster:
              l.destination_service_name === 'BlackHoleCluster'
                ? 'BlackHoleCluster'
                : 'PassthroughCluster',
            ...(host && host !== l.destination_service_name ? { host } : {}),
            unit: l.mesh_series === 'connections' ? 'connections' : 'requests',
            rate: s.value,
          };
        }),
      ),
  }),
};
