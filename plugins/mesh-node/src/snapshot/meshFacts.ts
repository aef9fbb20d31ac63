/**
 * Typed mesh configuration facts, built once per cluster run from the raw objects by
 * the fact builders (plugins/mesh-backend/src/snapshot/facts/), so a check never parses
 * a CRD itself.
 *
 * Values are kept as the object wrote them (`"50%"` stays a string, an absent field
 * stays absent) unless the field says it applies a default: a check that reports "your
 * PDB says minAvailable: 50%" must be able to quote it.
 */
import { MeshName } from '@mesh-readiness/plugin-mesh-common';
import { ContainerFacts, ResourceRequirements } from './workloads';

/** An object named by kind, namespace and name, for evidence. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  /**
   * The API group, set for mesh CRDs: Istio and Linkerd both have an
   * `AuthorizationPolicy`, and evidence must say which one.
   */
  group?: string;
}

/** A reference to a namespaced object (every mesh policy is namespaced). */
export interface NamespacedRef extends ObjectRef {
  namespace: string;
}

export interface ServicePortFacts {
  name?: string;
  port: number;
  /** Number or named container port; absent means the same as `port`. */
  targetPort?: number | string;
  /** `TCP` (default), `UDP` or `SCTP`. */
  protocol: string;
  appProtocol?: string;
}

export interface ServiceFacts {
  namespace: string;
  name: string;
  /** Empty for a Service without a selector (endpoints managed elsewhere). */
  selector: Record<string, string>;
  ports: ServicePortFacts[];
  /** `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`. */
  type: string;
  labels: Record<string, string>;
  /**
   * Set when the Service has annotations (Linkerd reads `config.linkerd.io/opaque-ports`
   * and `retry.linkerd.io/*` from them); absent otherwise and in older snapshots.
   */
  annotations?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------
// Shared shapes

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Empty for `Exists` and `DoesNotExist`. */
  values: string[];
}

/**
 * A Kubernetes `LabelSelector`. Both parts empty selects every pod of the namespace
 * (PDB policy/v1, Linkerd Server); where the kind gives an absent selector another
 * meaning, the field holding it is optional and says so.
 */
export interface LabelSelectorFacts {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

/** A PDB's `minAvailable`/`maxUnavailable`: a count (`1`) or a percentage (`"50%"`). */
export type IntOrPercent = number | string;

/** A CIDR with its holes, as Linkerd's network-based policies write it. */
export interface NetworkFacts {
  cidr: string;
  except: string[];
}

/** A policy's `targetRef` or an authentication ref, namespace filled from the policy's own. */
export interface PolicyTargetRef {
  /** `''` for the core group (Service, Namespace, ServiceAccount). */
  group: string;
  kind: string;
  name: string;
  namespace: string;
}

// ---------------------------------------------------------------------------------------
// Disruption budgets

export interface PodDisruptionBudgetFacts {
  ref: NamespacedRef;
  /**
   * Absent when the PDB has no selector, which in policy/v1 selects no pod at all; an
   * empty selector selects every pod of the namespace.
   */
  selector?: LabelSelectorFacts;
  minAvailable?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  /** `IfHealthyBudget` (the API default) or `AlwaysAllow`, when written. */
  unhealthyPodEvictionPolicy?: string;
  /** From status, when the API server reported it: 0 means a drain blocks right now. */
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
}

// ---------------------------------------------------------------------------------------
// Istio security

/** `mtls.mode` as written; UNSET (also when `mtls` is absent) inherits the parent level. */
export type IstioMtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthenticationFacts {
  ref: NamespacedRef;
  /**
   * `selector.matchLabels`; absent (or empty) makes the policy namespace-wide, or
   * mesh-wide when it sits in the Istio root namespace.
   */
  selector?: Record<string, string>;
  mode: IstioMtlsMode;
  /**
   * `portLevelMtls`, keyed by the workload's (container) port. Istio honours it only on
   * a policy with a selector; it is kept either way so a check can flag the dead config.
   */
  portLevelMtls: { port: number; mode: IstioMtlsMode }[];
  /** Istio picks the oldest of two policies at the same level; this breaks the tie. */
  createdAt?: string;
}

/** Istio's default action is ALLOW. */
export type IstioAuthorizationAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/**
 * One rule of an AuthorizationPolicy, flattened: the lists are the union over the
 * rule's `from` sources and `to` operations, which is enough to tell "who may call
 * what" apart from "anyone may call anything".
 */
export interface AuthorizationRuleSummary {
  principals: string[];
  notPrincipals: string[];
  requestPrincipals: string[];
  namespaces: string[];
  notNamespaces: string[];
  ipBlocks: string[];
  methods: string[];
  notMethods: string[];
  paths: string[];
  notPaths: string[];
  ports: string[];
  hosts: string[];
  /** Number of `when` conditions, and their keys (`request.auth.claims[iss]`, …). */
  conditions: number;
  conditionKeys: string[];
  /** No `from`, `to` or `when` at all: the rule matches every request. */
  matchesAnyRequest: boolean;
}

export interface IstioAuthorizationPolicyFacts {
  ref: NamespacedRef;
  action: IstioAuthorizationAction;
  /** `provider.name`, for CUSTOM (ext-authz) policies. */
  provider?: string;
  /** Annotation `istio.io/dry-run: "true"`: evaluated and logged, never enforced. */
  dryRun: boolean;
  /** `selector.matchLabels`; absent (or empty) means namespace-wide (or mesh-wide in the root namespace). */
  selector?: Record<string, string>;
  /** `targetRef` and `targetRefs` together: how a policy binds to an ambient waypoint. */
  targetRefs: PolicyTargetRef[];
  rules: AuthorizationRuleSummary[];
  /** An ALLOW policy with no rules matches nothing, so it denies every request. */
  denyAll: boolean;
}

/** Why an AuthorizationPolicy applies to a workload. */
export type AuthorizationPolicyScope =
  | 'mesh' // root namespace, no selector
  | 'mesh-selector' // root namespace, selector matches the pods in any namespace
  | 'namespace' // the workload's namespace, no selector
  | 'workload' // the workload's namespace, selector matches the pods
  | 'service' // targetRef to a Service that selects the workload (enforced by its waypoint)
  | 'waypoint'; // targetRef to the waypoint Gateway the workload uses

export interface AppliedAuthorizationPolicy {
  policy: IstioAuthorizationPolicyFacts;
  scope: AuthorizationPolicyScope;
}

/** Where an effective mTLS mode came from, from the broadest level to the narrowest. */
export type MtlsLevel = 'default' | 'mesh' | 'namespace' | 'workload' | 'port';

export interface EffectiveMtlsFacts {
  /** Never UNSET: when every level says UNSET, Istio's default (PERMISSIVE) applies. */
  mode: Exclude<IstioMtlsMode, 'UNSET'>;
  level: MtlsLevel;
  /** The PeerAuthentication that set `mode`; absent for Istio's default. */
  decidedBy?: NamespacedRef;
  /** The policy chosen at each level (mesh first), including those that said UNSET. */
  chain: { level: MtlsLevel; ref: NamespacedRef; mode: IstioMtlsMode }[];
  /** Policies at the same level that lost to an older one: Istio ignores them. */
  ignored: NamespacedRef[];
  /** Port-level overrides from the workload-level policy, each already resolved. */
  ports: {
    port: number;
    mode: Exclude<IstioMtlsMode, 'UNSET'>;
    level: MtlsLevel;
    decidedBy?: NamespacedRef;
  }[];
}

/** An ambient waypoint the workload's traffic goes through (`istio.io/use-waypoint`). */
export interface WaypointUseFacts {
  gateway: NamespacedRef;
  /** Which object's label named it: the pod, one of its Services, or the namespace. */
  via: 'pod' | 'service' | 'namespace';
  /** The Service whose label named it, for `via: service`. */
  service?: string;
  /** False when no such Gateway was collected (a dangling label). */
  gatewayFound: boolean;
}

export interface GatewayFacts {
  ref: NamespacedRef;
  gatewayClassName?: string;
  /** Label `istio.io/waypoint-for`: `service`, `workload`, `all` or `none`, on waypoints. */
  waypointFor?: string;
  labels: Record<string, string>;
}

// ---------------------------------------------------------------------------------------
// Linkerd policy

export interface LinkerdServerFacts {
  ref: NamespacedRef;
  labels: Record<string, string>;
  /** Absent for a Server with `externalWorkloadSelector`, which selects no pod. */
  podSelector?: LabelSelectorFacts;
  /** A container port number or name. */
  port: number | string;
  /** `unknown` (default), `HTTP/1`, `HTTP/2`, `gRPC`, `opaque`, `TLS`. */
  proxyProtocol: string;
  /** What happens to traffic no AuthorizationPolicy allows; `deny` by default. */
  accessPolicy: string;
}

export interface LinkerdAuthorizationPolicyFacts {
  ref: NamespacedRef;
  /** Kind `Server`, `HTTPRoute`, `GRPCRoute` or `Namespace`. */
  targetRef: PolicyTargetRef;
  /** Kind `MeshTLSAuthentication`, `NetworkAuthentication` or `ServiceAccount`. */
  requiredAuthenticationRefs: PolicyTargetRef[];
}

export interface MeshTLSAuthenticationFacts {
  ref: NamespacedRef;
  /** Proxy identities; `*` means any meshed client. */
  identities: string[];
  /** `ServiceAccount` or `Namespace` refs. */
  identityRefs: PolicyTargetRef[];
}

export interface NetworkAuthenticationFacts {
  ref: NamespacedRef;
  networks: NetworkFacts[];
}

/** The pre-2.12 policy kind, still served and still honoured by the proxies. */
export interface ServerAuthorizationFacts {
  ref: NamespacedRef;
  /** The Server it authorizes, by name or by a selector over Servers' labels. */
  server: { name?: string; selector?: LabelSelectorFacts };
  /** Any client, even plaintext, is allowed. */
  unauthenticated: boolean;
  /** TLS clients without a mesh identity are allowed. */
  unauthenticatedTLS: boolean;
  identities: string[];
  serviceAccounts: { name: string; namespace: string }[];
  networks: NetworkFacts[];
}

/**
 * The parents tie a route-targeted policy to a Server (or a Service); the rest is kept
 * only where a check reads it.
 */
export interface LinkerdRouteFacts {
  ref: NamespacedRef;
  parentRefs: PolicyTargetRef[];
  /**
   * The value a rule's match requires of the `Upgrade` header (`websocket`), as written;
   * `*` when any value does. Absent when no rule matches on it.
   */
  upgradeHeader?: string;
  /** Set when the route has annotations (`retry.linkerd.io/*`, `timeout.linkerd.io/*`). */
  annotations?: Record<string, string>;
}

export interface EgressNetworkFacts {
  ref: NamespacedRef;
  /** `Allow` or `Deny`: what happens to egress no route matches. */
  trafficPolicy: string;
  /** Empty means every network outside the cluster's. */
  networks: NetworkFacts[];
}

/** `config.linkerd.io/default-inbound-policy`, and where the value came from. */
export interface DefaultInboundPolicyFacts {
  /** `all-unauthenticated`, `all-authenticated`, `cluster-unauthenticated`, `cluster-authenticated`, `deny`, `audit`. */
  policy: string;
  /** `workload` and `namespace` are annotations; `cluster` is linkerd-config; `default` is Linkerd's built-in. */
  source: 'workload' | 'namespace' | 'cluster' | 'default';
}

/** A Linkerd AuthorizationPolicy that applies to a workload, with its authentications resolved. */
export interface AppliedLinkerdAuthorizationPolicy {
  policy: LinkerdAuthorizationPolicyFacts;
  /** The workload's Servers it covers (a Namespace target covers all of them). */
  servers: string[];
  meshTLSAuthentications: MeshTLSAuthenticationFacts[];
  networkAuthentications: NetworkAuthenticationFacts[];
  /** Required authentication refs that name no collected object. */
  missingAuthentications: PolicyTargetRef[];
}

// ---------------------------------------------------------------------------------------
// Istio traffic

/** `ALLOW_ANY` is Istio's default: unknown hosts pass through, egress is open. */
export type OutboundTrafficMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

export interface IstioSidecarFacts {
  ref: NamespacedRef;
  /**
   * `workloadSelector.labels` (Sidecar's own selector shape, not `matchLabels`). Absent:
   * the namespace's default Sidecar (or the mesh's, in the root namespace).
   */
  workloadSelector?: Record<string, string>;
  /** `egress[].hosts` in `namespace/dnsName` form, flattened: what config is pushed. */
  egressHosts: string[];
  egress: {
    hosts: string[];
    port?: { number: number; protocol?: string; name?: string };
    captureMode?: string;
  }[];
  ingressCount: number;
  /** `outboundTrafficPolicy.mode`, when the Sidecar overrides the mesh's. */
  outboundTrafficPolicy?: string;
  createdAt?: string;
}

export interface DestinationRuleSubsetFacts {
  name: string;
  labels: Record<string, string>;
  tlsMode?: string;
}

export interface DestinationRuleFacts {
  ref: NamespacedRef;
  /** `spec.host` as written. */
  host: string;
  /** Short names resolved against the rule's namespace: `name.ns.svc.cluster.local`. */
  hostFqdn: string;
  /** Empty means Istio's default (exported to every namespace). */
  exportTo: string[];
  workloadSelector?: Record<string, string>;
  subsets: DestinationRuleSubsetFacts[];
  /** `trafficPolicy.tls.mode`: `DISABLE`, `SIMPLE`, `MUTUAL`, `ISTIO_MUTUAL`. */
  tlsMode?: string;
  portLevelTls: { port: number; mode: string }[];
  hasOutlierDetection: boolean;
  hasConnectionPool: boolean;
}

export interface RouteDestinationFacts {
  /** Resolved like DestinationRule hosts. */
  host: string;
  subset?: string;
  port?: number;
  weight?: number;
}

export interface VirtualServiceRouteFacts {
  protocol: 'http' | 'tcp' | 'tls';
  name?: string;
  destinations: RouteDestinationFacts[];
  /** HTTP only; absent means no timeout (Istio's default). */
  timeout?: string;
  /** HTTP only, as written; absent means Istio's default retry policy applies. */
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  /** HTTP only: fault injection (delay or abort) is configured on the route. */
  hasFault: boolean;
  /**
   * HTTP only: the value a `match` requires of the `upgrade` header (`websocket`), as
   * written (exact, prefix or regex); `*` when any value does. Such a route carries
   * protocol upgrades: long-lived connections.
   */
  upgradeHeader?: string;
}

export interface VirtualServiceFacts {
  ref: NamespacedRef;
  /** Resolved like DestinationRule hosts. */
  hosts: string[];
  /** `mesh` (or absent) means the sidecars; other entries are Gateways. */
  gateways: string[];
  exportTo: string[];
  routes: VirtualServiceRouteFacts[];
}

export interface ServiceEntryFacts {
  ref: NamespacedRef;
  hosts: string[];
  /** `MESH_EXTERNAL` (default) or `MESH_INTERNAL`. */
  location: string;
  /** `NONE` (default), `STATIC`, `DNS`, `DNS_ROUND_ROBIN`. */
  resolution: string;
  ports: { number: number; protocol?: string; name?: string }[];
  exportTo: string[];
}

/** The Sidecar resource whose config a workload's proxy receives. */
export interface SidecarScopeFacts {
  sidecar: IstioSidecarFacts;
  /** A selector match in the namespace, the namespace's default, or the root namespace's. */
  level: 'workload' | 'namespace' | 'mesh';
  /** Other Sidecars at that level that also apply: Istio uses one (IST0110/IST0111). */
  conflicts: NamespacedRef[];
}

export interface EffectiveEgressFacts {
  mode: OutboundTrafficMode | string;
  /** `sidecar`: the Sidecar in scope overrides; `mesh`: the mesh config; `default`: Istio's. */
  level: 'sidecar' | 'mesh' | 'default';
  decidedBy?: ObjectRef;
}

// ---------------------------------------------------------------------------------------
// Mesh-wide configuration and control planes

export interface IstioMeshConfigFacts {
  /** The `istio` ConfigMap read (key `mesh`); absent when none was collected. */
  source?: NamespacedRef;
  /** Where mesh-wide policies live; the ConfigMap's namespace when the config names none. */
  rootNamespace: string;
  /** The DNS suffix short hosts were resolved with (`cluster.local`). */
  clusterDomain: string;
  outboundTrafficPolicy: OutboundTrafficMode | string;
  /** Where `outboundTrafficPolicy` came from. */
  outboundTrafficPolicySource: 'mesh-config' | 'default';
  trustDomain?: string;
}

export interface LinkerdMeshConfigFacts {
  /** The `linkerd-config` ConfigMap read (key `values`); absent when none was collected. */
  source?: NamespacedRef;
  controlPlaneNamespace: string;
  /** The cluster-wide default inbound policy (`all-unauthenticated` when unknown). */
  defaultInboundPolicy: string;
  defaultInboundPolicySource: 'cluster' | 'default';
  /** `linkerdVersion` from the install values. */
  version?: string;
  /** Where cluster-wide EgressNetworks live (`linkerd-egress` by default). */
  globalEgressNamespace: string;
}

export interface ControlPlaneFacts {
  mesh: MeshName;
  /** `istiod`, `istiod-canary`, `linkerd-destination`, … */
  name: string;
  namespace: string;
  /** `istio.io/rev` label of istiod. */
  revision?: string;
  /** Image tag of the main container (undefined when pinned by digest), else a version label. */
  version?: string;
  /** Desired replicas from the Deployment (1 when it omits them). */
  replicas?: number;
  /** Live pods seen, and those with phase Running. */
  pods: number;
  runningPods: number;
  /**
   * Live pods whose `Ready` condition is `True` (a pod that reports no conditions counts
   * by its phase). Absent when no pod reported conditions.
   */
  readyPods?: number;
  /** The Deployment's `status.readyReplicas`, when its status was collected. */
  readyReplicas?: number;
  /** The main container's requests and limits (`discovery`, `destination`, …). */
  resources: ResourceRequirements;
  containers: ContainerFacts[];
  /** A HorizontalPodAutoscaler targeting the Deployment, when collected. */
  autoscaler?: {
    ref: NamespacedRef;
    minReplicas?: number;
    maxReplicas?: number;
  };
  /** PDBs selecting its pods. */
  disruptionBudgets: NamespacedRef[];
  /** Names of its live pods, to tie per-pod control-plane metrics to it. */
  podNames?: string[];
}

/** Cluster-wide mesh configuration, parsed from Services, PDBs and the mesh CRDs. */
export interface MeshConfigFacts {
  services: ServiceFacts[];
  podDisruptionBudgets: PodDisruptionBudgetFacts[];
  istio: {
    meshConfig: IstioMeshConfigFacts;
    peerAuthentications: PeerAuthenticationFacts[];
    authorizationPolicies: IstioAuthorizationPolicyFacts[];
    sidecars: IstioSidecarFacts[];
    destinationRules: DestinationRuleFacts[];
    virtualServices: VirtualServiceFacts[];
    /** Keyed by resolved FQDN host; a VirtualService with several hosts is under each. */
    destinationRulesByHost: Record<string, DestinationRuleFacts[]>;
    virtualServicesByHost: Record<string, VirtualServiceFacts[]>;
    serviceEntries: ServiceEntryFacts[];
    /** Gateway API Gateways: waypoints and ingress gateways. */
    gateways: GatewayFacts[];
  };
  linkerd: {
    meshConfig: LinkerdMeshConfigFacts;
    servers: LinkerdServerFacts[];
    authorizationPolicies: LinkerdAuthorizationPolicyFacts[];
    meshTLSAuthentications: MeshTLSAuthenticationFacts[];
    networkAuthentications: NetworkAuthenticationFacts[];
    serverAuthorizations: ServerAuthorizationFacts[];
    /** HTTPRoutes and GRPCRoutes, for their parent Servers only. */
    routes: LinkerdRouteFacts[];
    egressNetworks: EgressNetworkFacts[];
  };
  /** istiod and the Linkerd control-plane Deployments (empty when workloads were not given). */
  controlPlanes: ControlPlaneFacts[];
  /**
   * Mesh CA certificates read from collected ConfigMaps (Linkerd's trust roots, Istio's
   * root cert); absent in snapshots stored before they were read.
   */
  certificates?: MeshCertificateFacts[];
  /** Objects skipped as malformed, as `Kind namespace/name: why`. */
  problems: string[];
}

/** One workload's share of the mesh configuration: what selects it, what applies to it. */
export interface WorkloadMeshFacts {
  /** The Services whose selector matches the workload's pods. */
  services: ServiceFacts[];
  /** PDBs in its namespace whose selector matches its pods. */
  disruptionBudgets: PodDisruptionBudgetFacts[];
  istio: {
    mtls: EffectiveMtlsFacts;
    authorizationPolicies: AppliedAuthorizationPolicy[];
    /** Absent: no Sidecar applies, the proxy gets the whole mesh's config. */
    sidecarScope?: SidecarScopeFacts;
    egress: EffectiveEgressFacts;
    /**
     * Rules and routes whose host (exact or wildcard) is one of the workload's Services,
     * from any namespace: `exportTo` is kept on each for the check to judge visibility.
     */
    destinationRules: DestinationRuleFacts[];
    virtualServices: VirtualServiceFacts[];
    waypoints: WaypointUseFacts[];
  };
  linkerd: {
    servers: LinkerdServerFacts[];
    authorizationPolicies: AppliedLinkerdAuthorizationPolicy[];
    serverAuthorizations: ServerAuthorizationFacts[];
    defaultInboundPolicy: DefaultInboundPolicyFacts;
    /** EgressNetworks of its namespace and of the global egress namespace. */
    egressNetworks: EgressNetworkFacts[];
  };
}

// ---------------------------------------------------------------------------------------
// Mesh certificates

/** A CA certificate of the mesh, parsed by the fact builder (checks never parse X.509). */
export interface MeshCertificateFacts {
  mesh: MeshName;
  /** `trust-anchor` (Linkerd), `issuer` (Linkerd), `root` (Istio's CA root). */
  role: 'trust-anchor' | 'issuer' | 'root';
  /** The object and key it was read from. */
  source: NamespacedRef;
  key: string;
  subject?: string;
  /** ISO time the certificate stops being valid; absent when it did not parse. */
  notAfter?: string;
  /** Why it could not be read, when it could not. */
  problem?: string;
}
