/**
 * What the mesh plugin lists from a cluster: one cluster-wide list call per kind (paged),
 * never a call per entity; and one GET by name, of Linkerd's issuer Secret (Secrets are
 * never listed). Kinds from the mesh CRDs are optional: a 404 means the CRD is
 * not installed, so that feature is absent rather than broken. Sources:
 * the Istio, Linkerd and Gateway API CRD charts.
 */
import { LINKERD_ISSUER_SECRET } from './issuerSecret';

export interface ResourceSpec {
  kind: string;
  group: string;
  /** API versions to try, preferred first (older clusters serve only older ones). */
  versions: string[];
  plural: string;
  /** Lists only this namespace (e.g. the control plane's ConfigMaps). */
  namespace?: string;
  /**
   * GETs only the object of this name in `namespace`, never a list: for a kind (Secret)
   * whose other objects the plugin must not read. RBAC can grant it by `resourceNames`.
   */
  name?: string;
  /** May be missing from the server (a CRD not installed): a 404 is absence, not an error. */
  optional: boolean;
  /**
   * Needs an opt-in grant: a 403 leaves it unread (in `unavailable`, with the reason,
   * for the checks to say) without making the whole source partial.
   */
  bestEffort?: boolean;
}

const core = (
  kind: string,
  plural: string,
  namespace?: string,
): ResourceSpec => ({
  kind,
  group: '',
  versions: ['v1'],
  plural,
  namespace,
  optional: false,
});

export function meshResources(
  options: {
    istioNamespace?: string;
    linkerdNamespace?: string;
  } = {},
): ResourceSpec[] {
  const istioNs = options.istioNamespace ?? 'istio-system';
  const linkerdNs = options.linkerdNamespace ?? 'linkerd';
  return [
    core('Namespace', 'namespaces'),
    core('Pod', 'pods'),
    core('Service', 'services'),
    // The mesh config lives in ConfigMaps of the control plane's namespace only.
    core('ConfigMap', 'configmaps', istioNs),
    core('ConfigMap', 'configmaps', linkerdNs),
    // Linkerd's issuer certificate (its expiry): that one Secret, by name, reduced to
    // the certificate by the source. Absent without Linkerd; unread without the grant.
    {
      ...core('Secret', 'secrets', linkerdNs),
      name: LINKERD_ISSUER_SECRET,
      optional: true,
      bestEffort: true,
    },
    {
      kind: 'Deployment',
      group: 'apps',
      versions: ['v1'],
      plural: 'deployments',
      optional: false,
    },
    {
      kind: 'StatefulSet',
      group: 'apps',
      versions: ['v1'],
      plural: 'statefulsets',
      optional: false,
    },
    {
      kind: 'DaemonSet',
      group: 'apps',
      versions: ['v1'],
      plural: 'daemonsets',
      optional: false,
    },
    {
      kind: 'ReplicaSet',
      group: 'apps',
      versions: ['v1'],
      plural: 'replicasets',
      optional: false,
    },
    // Jobs and CronJobs name the workload of a CronJob's pods (Pod → Job → CronJob). They
    // only refine names (without them the Job name gives the CronJob's), so a server
    // that does not serve them is no error; a 403 is still reported.
    {
      kind: 'Job',
      group: 'batch',
      versions: ['v1'],
      plural: 'jobs',
      optional: false,
    },
    {
      kind: 'CronJob',
      group: 'batch',
      // batch/v1 since Kubernetes 1.21; v1beta1 until 1.25.
      versions: ['v1', 'v1beta1'],
      plural: 'cronjobs',
      optional: false,
    },
    {
      kind: 'PodDisruptionBudget',
      group: 'policy',
      versions: ['v1'],
      plural: 'poddisruptionbudgets',
      optional: false,
    },
    {
      kind: 'PeerAuthentication',
      group: 'security.istio.io',
      versions: ['v1', 'v1beta1'],
      plural: 'peerauthentications',
      optional: true,
    },
    {
      kind: 'AuthorizationPolicy',
      group: 'security.istio.io',
      versions: ['v1', 'v1beta1'],
      plural: 'authorizationpolicies',
      optional: true,
    },
    {
      kind: 'Sidecar',
      group: 'networking.istio.io',
      versions: ['v1', 'v1beta1', 'v1alpha3'],
      plural: 'sidecars',
      optional: true,
    },
    {
      kind: 'DestinationRule',
      group: 'networking.istio.io',
      versions: ['v1', 'v1beta1', 'v1alpha3'],
      plural: 'destinationrules',
      optional: true,
    },
    {
      kind: 'VirtualService',
      group: 'networking.istio.io',
      versions: ['v1', 'v1beta1', 'v1alpha3'],
      plural: 'virtualservices',
      optional: true,
    },
    {
      kind: 'ServiceEntry',
      group: 'networking.istio.io',
      versions: ['v1', 'v1beta1', 'v1alpha3'],
      plural: 'serviceentries',
      optional: true,
    },
    {
      kind: 'Server',
      group: 'policy.linkerd.io',
      versions: ['v1beta3', 'v1beta2', 'v1beta1'],
      plural: 'servers',
      optional: true,
    },
    {
      kind: 'AuthorizationPolicy',
      group: 'policy.linkerd.io',
      versions: ['v1alpha1'],
      plural: 'authorizationpolicies',
      optional: true,
    },
    {
      kind: 'MeshTLSAuthentication',
      group: 'policy.linkerd.io',
      versions: ['v1alpha1'],
      plural: 'meshtlsauthentications',
      optional: true,
    },
    {
      kind: 'NetworkAuthentication',
      group: 'policy.linkerd.io',
      versions: ['v1alpha1'],
      plural: 'networkauthentications',
      optional: true,
    },
    {
      kind: 'ServerAuthorization',
      group: 'policy.linkerd.io',
      versions: ['v1beta1'],
      plural: 'serverauthorizations',
      optional: true,
    },
    {
      kind: 'HTTPRoute',
      group: 'policy.linkerd.io',
      versions: ['v1beta3', 'v1beta2', 'v1beta1'],
      plural: 'httproutes',
      optional: true,
    },
    {
      kind: 'EgressNetwork',
      group: 'policy.linkerd.io',
      versions: ['v1alpha1'],
      plural: 'egressnetworks',
      optional: true,
    },
    {
      kind: 'Gateway',
      group: 'gateway.networking.k8s.io',
      versions: ['v1', 'v1beta1'],
      plural: 'gateways',
      optional: true,
    },
    {
      kind: 'HTTPRoute',
      group: 'gateway.networking.k8s.io',
      versions: ['v1', 'v1beta1'],
      plural: 'httproutes',
      optional: true,
    },
    {
      kind: 'GRPCRoute',
      group: 'gateway.networking.k8s.io',
      versions: ['v1', 'v1alpha2'],
      plural: 'grpcroutes',
      optional: true,
    },
    {
      // istiod's autoscaler: the control-plane check reads its min/max replicas.
      kind: 'HorizontalPodAutoscaler',
      group: 'autoscaling',
      versions: ['v2'],
      plural: 'horizontalpodautoscalers',
      optional: true,
    },
  ];
}

/** `pods`, `deployments.apps`, `peerauthentications.security.istio.io`: kubectl's name. */
export function resourceName(
  spec: Pick<ResourceSpec, 'plural' | 'group'>,
): string {
  return spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
}
