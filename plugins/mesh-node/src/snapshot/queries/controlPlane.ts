/**
 * Control-plane series: istiod's config push latency, the mesh certificates' expiry,
 * and the version each Istio proxy reports (`istio_build`, for the version skew check).
 * Metric names are those of istiod (`pilot/pkg/xds/monitoring.go`,
 * `security/pkg/server/ca/monitoring.go`), of the Istio proxy (`istio_stats.cc`) and of
 * the Linkerd proxy (proxy-metrics reference). Each is aggregated by namespace (and pod),
 * never by service, so the query count stays constant.
 */
import { LatencyBucket } from '../metrics';
import { defineQuery, sel } from './helpers';

/** A metric selector; no braces at all when there is no matcher, as Prometheus prints it. */
const vector = (name: string, matchers: string) =>
  matchers ? `${name}{${matchers}}` : name;

/** Which certificate an expiry series is about. */
export type MeshCertificateKind =
  /** istiod's CA root (`citadel_server_root_cert_expiry_timestamp`). */
  | 'istio-root'
  /** istiod's CA signing chain (`citadel_server_cert_chain_expiry_timestamp`). */
  | 'istio-chain'
  /** The certificates Linkerd proxies hold (`identity_cert_expiration_timestamp_seconds`). */
  | 'linkerd-identity';

export interface CertificateExpirySeries {
  cert: MeshCertificateKind;
  /** The namespace of the pods that export it (`''` when the series has none). */
  namespace: string;
  /** Unix seconds of the soonest expiry among those pods. */
  expiresAt: number;
}

/** istiod config push latency buckets, keyed `namespace/pod` of each istiod pod. */
export type PodHistograms = Record<string, LatencyBucket[]>;

/**
 * The Istio version each proxy reports (`istio_build{component="proxy"}` label `tag`),
 * by namespace, then pod: what the proxy runs even when its image is pinned by digest.
 */
export type ProxyBuildTags = Record<string, Record<string, string[]>>;

const CERT_METRICS: Array<[MeshCertificateKind, string]> = [
  ['istio-root', 'citadel_server_root_cert_expiry_timestamp'],
  ['istio-chain', 'citadel_server_cert_chain_expiry_timestamp'],
  ['linkerd-identity', 'identity_cert_expiration_timestamp_seconds'],
];

export const CONTROL_PLANE_QUERIES = {
  /**
   * `pilot_proxy_convergence_time` (seconds from a config change to the proxy holding
   * all of it), per istiod pod: a revision's pods are told apart by name.
   */
  pilotConvergence: defineQuery<PodHistograms>({
    id: 'pilotConvergence',
    recordingRule: w => `mesh_pod:pilot_proxy_convergence_time_bucket:rate${w}`,
    description: 'istiod config push latency buckets by istiod pod',
    namespaceLabel: 'namespace',
    promql: (w, m) =>
      `sum by (namespace, pod, le) (rate(${vector(
        'pilot_proxy_convergence_time_bucket',
        m,
      )}[${w}]))`,
    parse: samples => {
      const out: PodHistograms = {};
      for (const s of samples) {
        const le =
          s.labels.le === '+Inf' ? Infinity : Number(s.labels.le ?? Number.NaN);
        if (Number.isNaN(le)) continue;
        const key = `${s.labels.namespace ?? ''}/${s.labels.pod ?? ''}`;
        const rows = (out[key] ??= []);
        const bucket = rows.find(b => b.le === le);
        if (bucket) bucket.rate += s.value;
        else rows.push({ le, rate: s.value });
      }
      return out;
    },
  }),

  /**
   * The version every Istio proxy (sidecar, gateway, waypoint) reports, per pod: one
   * fleet-wide query, read when an image tag names no version.
   */
  istioProxyBuild: defineQuery<ProxyBuildTags>({
    id: 'istioProxyBuild',
    recordingRule: () => 'mesh_pod:istio_build_proxy:count',
    description: 'Istio proxy versions (istio_build tag) by pod',
    namespaceLabel: 'namespace',
    promql: (_w, m) =>
      `count by (namespace, pod, tag) (istio_build{${sel(
        'component="proxy"',
        m,
      )}})`,
    parse: samples => {
      const out: ProxyBuildTags = {};
      for (const s of samples) {
        const { namespace, pod, tag } = s.labels;
        if (!namespace || !pod || !tag || tag === 'unknown') continue;
        const tags = ((out[namespace] ??= {})[pod] ??= []);
        if (!tags.includes(tag)) tags.push(tag);
      }
      return out;
    },
  }),

  /** The soonest expiry of each mesh certificate kind, by namespace of the exporting pods. */
  meshCertificateExpiry: defineQuery<CertificateExpirySeries[]>({
    id: 'meshCertificateExpiry',
    recordingRule: () => 'mesh_namespace:mesh_certificate_expiry_timestamp:min',
    description: 'Mesh CA and proxy certificate expiry timestamps by namespace',
    namespaceLabel: 'namespace',
    promql: (_w, m) =>
      CERT_METRICS.map(
        ([cert, metric]) =>
          `label_replace(min by (namespace) (${vector(
            metric,
            m,
          )}), "mesh_cert", "${cert}", "", "")`,
      ).join(' or '),
    parse: samples =>
      samples.flatMap(s => {
        const cert = CERT_METRICS.find(
          ([kind]) => kind === s.labels.mesh_cert,
        )?.[0];
        return cert && Number.isFinite(s.value)
          ? [{ cert, namespace: s.labels.namespace ?? '', expiresAt: s.value }]
          : [];
      }),
  }),
};
