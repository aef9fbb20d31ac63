import {
  AppliedLinkerdAuthorizationPolicy,
  DefaultInboundPolicyFacts,
  MeshConfigFacts,
  NamespaceFacts,
  PolicyTargetRef,
  WorkloadMeshFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { matchesLabelSelector, selectsAnyPod } from './selectors';
import { inNamespaces } from './inNamespaces';

const DEFAULT_INBOUND = 'config.linkerd.io/default-inbound-policy';

/** The pod's annotation wins over the namespace's, which wins over the install's. */
export function defaultInboundPolicy(
  podAnnotations: Record<string, string>[],
  ns: NamespaceFacts | undefined,
  linkerd: MeshConfigFacts['linkerd']['meshConfig'],
): DefaultInboundPolicyFacts {
  const fromPod = podAnnotations.find(a => a[DEFAULT_INBOUND])?.[
    DEFAULT_INBOUND
  ];
  if (fromPod) return { policy: fromPod, source: 'workload' };
  const fromNs = ns?.annotations[DEFAULT_INBOUND];
  if (fromNs) return { policy: fromNs, source: 'namespace' };
  return {
    policy: linkerd.defaultInboundPolicy,
    source: linkerd.defaultInboundPolicySource,
  };
}

const same = (
  ref: { kind: string; namespace?: string; name: string },
  kind: string,
  ns: string,
  name: string,
) => ref.kind === kind && ref.namespace === ns && ref.name === name;

/**
 * Linkerd's policy for one workload: the Servers selecting its pods, the policies that
 * target those Servers directly, through a route whose parent they are, or through
 * the namespace, and the legacy ServerAuthorizations naming or selecting them.
 */
export function resolveLinkerd(
  linkerd: MeshConfigFacts['linkerd'],
  namespace: string,
  podLabels: Record<string, string>[],
  podAnnotations: Record<string, string>[],
  ns: NamespaceFacts | undefined,
): WorkloadMeshFacts['linkerd'] {
  const servers = inNamespaces(
    linkerd.servers,
    [namespace],
    s => s.ref.namespace,
  ).filter(s => s.podSelector && selectsAnyPod(s.podSelector, podLabels));
  const serverNames = servers.map(s => s.ref.name);
  const routeServers = (ref: PolicyTargetRef): string[] => {
    const route = linkerd.routes.find(r =>
      same(r.ref, ref.kind, ref.namespace, ref.name),
    );
    return (route?.parentRefs ?? [])
      .filter(p => p.kind === 'Server' && p.namespace === namespace)
      .map(p => p.name)
      .filter(name => serverNames.includes(name));
  };
  const covered = (target: PolicyTargetRef): string[] => {
    if (target.namespace !== namespace) return [];
    if (target.kind === 'Server') {
      return serverNames.includes(target.name) ? [target.name] : [];
    }
    if (target.kind === 'Namespace') {
      return target.name === namespace ? serverNames : [];
    }
    if (target.kind === 'HTTPRoute' || target.kind === 'GRPCRoute') {
      return routeServers(target);
    }
    return [];
  };
  // Only a policy whose target is in this namespace can cover its Servers.
  const authorizationPolicies = inNamespaces(
    linkerd.authorizationPolicies,
    [namespace],
    p => p.targetRef.namespace,
  ).flatMap((policy): AppliedLinkerdAuthorizationPolicy[] => {
    const covers = covered(policy.targetRef);
    if (covers.length === 0) return [];
    const applied: AppliedLinkerdAuthorizationPolicy = {
      policy,
      servers: [...new Set(covers)],
      meshTLSAuthentications: [],
      networkAuthentications: [],
      missingAuthentications: [],
    };
    for (const ref of policy.requiredAuthenticationRefs) {
      if (ref.kind === 'MeshTLSAuthentication') {
        const found = linkerd.meshTLSAuthentications.find(a =>
          same(a.ref, ref.kind, ref.namespace, ref.name),
        );
        if (found) applied.meshTLSAuthentications.push(found);
        else applied.missingAuthentications.push(ref);
      } else if (ref.kind === 'NetworkAuthentication') {
        const found = linkerd.networkAuthentications.find(a =>
          same(a.ref, ref.kind, ref.namespace, ref.name),
        );
        if (found) applied.networkAuthentications.push(found);
        else applied.missingAuthentications.push(ref);
      }
    }
    return [applied];
  });
  const serverAuthorizations = inNamespaces(
    linkerd.serverAuthorizations,
    [namespace],
    a => a.ref.namespace,
  ).filter(
    a =>
      (a.server.name !== undefined && serverNames.includes(a.server.name)) ||
      (a.server.selector !== undefined &&
        servers.some(s => matchesLabelSelector(a.server.selector!, s.labels))),
  );
  return {
    servers,
    authorizationPolicies,
    serverAuthorizations,
    defaultInboundPolicy: defaultInboundPolicy(
      podAnnotations,
      ns,
      linkerd.meshConfig,
    ),
    egressNetworks: linkerd.egressNetworks.filter(
      e =>
        e.ref.namespace === namespace ||
        e.ref.namespace === linkerd.meshConfig.globalEgressNamespace,
    ),
  };
}
