import {
  KubeObject,
  MeshConfigFacts,
  NamespaceFacts,
  WorkloadFacts,
  WorkloadMeshFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { meshCertificateFacts } from './certificates';
import { autoscalerFacts, controlPlaneFacts } from './controlPlanes';
import {
  istioAuthorizationPolicyFacts,
  resolveAuthorizationPolicies,
} from './istioAuthorization';
import {
  egressNetworkFacts,
  linkerdAuthorizationPolicyFacts,
  linkerdRouteFacts,
  linkerdServerFacts,
  meshTLSAuthenticationFacts,
  networkAuthenticationFacts,
  serverAuthorizationFacts,
} from './linkerdPolicy';
import { inNamespaces } from './inNamespaces';
import { resolveLinkerd } from './linkerdWorkload';
import {
  istioMeshConfig,
  linkerdMeshConfig,
  MeshNamespaces,
} from './meshConfig';
import { pdbFacts } from './pdbs';
import { peerAuthenticationFacts, resolveMtls } from './peerAuthentication';
import { asRecord } from './read';
import { runToEnd } from '../../lib/timeSlices';
import { selectsAnyPod } from './selectors';
import { serviceFacts } from './services';
import { resolveEgress, resolveSidecarScope, sidecarFacts } from './sidecars';
import {
  destinationRuleFacts,
  hostMatches,
  indexByHost,
  serviceEntryFacts,
  serviceHost,
  virtualServiceFacts,
} from './traffic';
import { gatewayFacts, resolveWaypoints } from './waypoints';

export type MeshFactsOptions = MeshNamespaces;

/** Objects parsed per step of buildMeshConfigFactsSteps. */
const OBJECTS_PER_STEP = 200;

/**
 * Parses every object of a kind, skipping (and naming in `problems`) the ones that do
 * not parse: one bad object must not hide the rest of the cluster's config. A step
 * every OBJECTS_PER_STEP objects.
 */
function* parseEach<T>(
  resources: Record<string, KubeObject[]>,
  kindKeys: string[],
  parse: (obj: KubeObject) => T,
  problems: string[],
): Generator<void, T[]> {
  const out: T[] = [];
  let parsed = 0;
  for (const key of kindKeys) {
    const objects = resources[key];
    for (const obj of Array.isArray(objects) ? objects : []) {
      if (++parsed % OBJECTS_PER_STEP === 0) yield;
      try {
        const meta = asRecord(asRecord(obj).metadata);
        if (typeof meta.name !== 'string' || !meta.name) {
          throw new Error('not a Kubernetes object (no metadata.name)');
        }
        out.push(parse(obj));
      } catch (e) {
        const meta = asRecord(asRecord(obj).metadata);
        const where = [meta.namespace, meta.name].filter(Boolean).join('/');
        problems.push(
          `${key} ${where || '(unnamed)'}: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
    }
  }
  return out;
}

/**
 * Parses a cluster's Services, PDBs and mesh resources (by kind key, e.g.
 * `security.istio.io/PeerAuthentication`) into typed facts, once per cluster run.
 * `workloads` gives the control-plane Deployments; without it `controlPlanes` is empty.
 */
export function buildMeshConfigFacts(
  resources: Record<string, KubeObject[]>,
  workloads: WorkloadFacts[] = [],
  options: MeshFactsOptions = {},
): MeshConfigFacts {
  return runToEnd(buildMeshConfigFactsSteps(resources, workloads, options));
}

/**
 * buildMeshConfigFacts step by step (runInSlices): a fleet's Services and policies are
 * thousands of objects, which parsed at once held the event loop for tens of ms.
 */
export function* buildMeshConfigFactsSteps(
  resources: Record<string, KubeObject[]>,
  workloads: WorkloadFacts[] = [],
  options: MeshFactsOptions = {},
): Generator<void, MeshConfigFacts> {
  const problems: string[] = [];
  const each = <T>(keys: string[], parse: (obj: KubeObject) => T) =>
    parseEach(resources, keys, parse, problems);
  const domain = options.clusterDomain;
  const configMaps = yield* each(['ConfigMap'], obj => obj);
  const istioConfig = istioMeshConfig(
    configMaps,
    problems,
    options.istioNamespace,
    domain,
  );
  const linkerdConfig = linkerdMeshConfig(
    configMaps,
    problems,
    options.linkerdNamespace,
  );
  const pdbs = yield* each(['policy/PodDisruptionBudget'], pdbFacts);
  const destinationRules = yield* each(
    ['networking.istio.io/DestinationRule'],
    o => destinationRuleFacts(o, domain),
  );
  const virtualServices = yield* each(
    ['networking.istio.io/VirtualService'],
    o => virtualServiceFacts(o, domain),
  );
  const autoscalers = yield* each(
    ['autoscaling/HorizontalPodAutoscaler'],
    autoscalerFacts,
  );
  const services = yield* each(['Service'], serviceFacts);
  const peerAuthentications = yield* each(
    ['security.istio.io/PeerAuthentication'],
    peerAuthenticationFacts,
  );
  const istioAuthorizationPolicies = yield* each(
    ['security.istio.io/AuthorizationPolicy'],
    istioAuthorizationPolicyFacts,
  );
  const sidecars = yield* each(['networking.istio.io/Sidecar'], sidecarFacts);
  const serviceEntries = yield* each(
    ['networking.istio.io/ServiceEntry'],
    serviceEntryFacts,
  );
  const gateways = yield* each(
    ['gateway.networking.k8s.io/Gateway'],
    gatewayFacts,
  );
  const servers = yield* each(['policy.linkerd.io/Server'], linkerdServerFacts);
  const linkerdAuthorizationPolicies = yield* each(
    ['policy.linkerd.io/AuthorizationPolicy'],
    linkerdAuthorizationPolicyFacts,
  );
  const meshTLSAuthentications = yield* each(
    ['policy.linkerd.io/MeshTLSAuthentication'],
    meshTLSAuthenticationFacts,
  );
  const networkAuthentications = yield* each(
    ['policy.linkerd.io/NetworkAuthentication'],
    networkAuthenticationFacts,
  );
  const serverAuthorizations = yield* each(
    ['policy.linkerd.io/ServerAuthorization'],
    serverAuthorizationFacts,
  );
  const routes = yield* each(
    [
      'policy.linkerd.io/HTTPRoute',
      'gateway.networking.k8s.io/HTTPRoute',
      'gateway.networking.k8s.io/GRPCRoute',
    ],
    linkerdRouteFacts,
  );
  const egressNetworks = yield* each(
    ['policy.linkerd.io/EgressNetwork'],
    egressNetworkFacts,
  );
  const secrets = yield* each(['Secret'], o => o);
  yield;
  return {
    services,
    podDisruptionBudgets: pdbs,
    istio: {
      meshConfig: istioConfig,
      peerAuthentications,
      authorizationPolicies: istioAuthorizationPolicies,
      sidecars,
      destinationRules,
      virtualServices,
      destinationRulesByHost: indexByHost(destinationRules, d => [d.hostFqdn]),
      virtualServicesByHost: indexByHost(virtualServices, v => v.hosts),
      serviceEntries,
      gateways,
    },
    linkerd: {
      meshConfig: linkerdConfig,
      servers,
      authorizationPolicies: linkerdAuthorizationPolicies,
      meshTLSAuthentications,
      networkAuthentications,
      serverAuthorizations,
      routes,
      egressNetworks,
    },
    controlPlanes: controlPlaneFacts(
      Array.isArray(workloads) ? workloads : [],
      pdbs,
      autoscalers,
      linkerdConfig,
    ),
    certificates: meshCertificateFacts(configMaps, secrets),
    problems,
  };
}

let emptyFacts: MeshConfigFacts | undefined;

/** Fills what a snapshot stored before these facts existed lacks, so a join never throws. */
function complete(mesh: MeshConfigFacts): MeshConfigFacts {
  emptyFacts ??= buildMeshConfigFacts({});
  return {
    ...emptyFacts,
    ...mesh,
    istio: { ...emptyFacts.istio, ...mesh.istio },
    linkerd: { ...emptyFacts.linkerd, ...mesh.linkerd },
  };
}

/**
 * The mesh configuration that applies to one workload: what selects its pods (Services,
 * PDBs, policies), what scopes its proxy, and what its traffic is routed by.
 */
export function resolveWorkloadMeshFacts(
  meshFacts: MeshConfigFacts,
  workload: WorkloadFacts,
  namespace: NamespaceFacts | undefined,
): WorkloadMeshFacts {
  const mesh = complete(meshFacts);
  const ns = workload.namespace;
  // Live pods when there are any (they are what runs); the template otherwise.
  const podLabels =
    workload.pods.length > 0
      ? workload.pods.map(p => p.labels)
      : [workload.templateLabels];
  const podAnnotations = [
    workload.templateAnnotations,
    ...workload.pods.map(p => p.annotations),
  ];
  const services = inNamespaces(mesh.services, [ns], s => s.namespace).filter(
    s =>
      Object.keys(s.selector).length > 0 &&
      selectsAnyPod(
        { matchLabels: s.selector, matchExpressions: [] },
        podLabels,
      ),
  );
  const { istio } = mesh;
  const root = istio.meshConfig.rootNamespace;
  const hosts = services.map(s =>
    serviceHost(s, istio.meshConfig.clusterDomain),
  );
  const forHosts = (patterns: string[]) =>
    patterns.some(p => hosts.some(h => hostMatches(p, h)));
  const waypoints = resolveWaypoints(
    ns,
    podLabels,
    services,
    namespace,
    istio.gateways,
  );
  const sidecarScope = resolveSidecarScope(
    inNamespaces(istio.sidecars, [ns, root], s => s.ref.namespace),
    ns,
    podLabels,
    root,
  );
  return {
    services,
    disruptionBudgets: inNamespaces(
      mesh.podDisruptionBudgets,
      [ns],
      p => p.ref.namespace,
    ).filter(
      p => p.selector !== undefined && selectsAnyPod(p.selector, podLabels),
    ),
    istio: {
      mtls: resolveMtls(
        inNamespaces(
          istio.peerAuthentications,
          [ns, root],
          p => p.ref.namespace,
        ),
        ns,
        podLabels,
        root,
      ),
      // Its namespace's, the root namespace's, and (targetRefs stay in their policy's
      // namespace) those of the waypoints that serve it.
      authorizationPolicies: resolveAuthorizationPolicies(
        inNamespaces(
          istio.authorizationPolicies,
          [ns, root, ...waypoints.map(w => w.gateway.namespace)],
          p => p.ref.namespace,
        ),
        ns,
        podLabels,
        root,
        services,
        waypoints,
      ),
      ...(sidecarScope ? { sidecarScope } : {}),
      egress: resolveEgress(sidecarScope, istio.meshConfig),
      destinationRules: istio.destinationRules.filter(d =>
        forHosts([d.hostFqdn]),
      ),
      virtualServices: istio.virtualServices.filter(v => forHosts(v.hosts)),
      waypoints,
    },
    linkerd: resolveLinkerd(
      mesh.linkerd,
      ns,
      podLabels,
      podAnnotations,
      namespace,
    ),
  };
}
