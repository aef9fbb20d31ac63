/** Parsers for Linkerd's policy.linkerd.io kinds (the CRDs of Linkerd's `linkerd-crds` chart). */
import {
  EgressNetworkFacts,
  KubeObject,
  LinkerdAuthorizationPolicyFacts,
  LinkerdRouteFacts,
  LinkerdServerFacts,
  MeshTLSAuthenticationFacts,
  NetworkAuthenticationFacts,
  ServerAuthorizationFacts,
} from '@mesh-readiness/plugin-mesh-node';
import {
  asArray,
  asRecord,
  malformed,
  namespaceOf,
  networks,
  portNumber,
  refOf,
  str,
  strings,
  targetRef,
} from './read';
import { labelSelector } from './selectors';

/** A Server (v1beta1..v1beta3). `externalWorkloadSelector` Servers select no pod. */
export function linkerdServerFacts(obj: KubeObject): LinkerdServerFacts {
  const spec = asRecord(obj.spec);
  const hasPods = spec.podSelector !== undefined && spec.podSelector !== null;
  if (!hasPods && !spec.externalWorkloadSelector) {
    malformed('neither podSelector nor externalWorkloadSelector');
  }
  const port = portNumber(spec.port) ?? str(spec.port);
  if (port === undefined) malformed('port is missing');
  return {
    ref: refOf(obj),
    labels: obj.metadata.labels ?? {},
    ...(hasPods ? { podSelector: labelSelector(spec.podSelector) } : {}),
    port,
    proxyProtocol: str(spec.proxyProtocol) ?? 'unknown',
    accessPolicy: str(spec.accessPolicy) ?? 'deny',
  };
}

export function linkerdAuthorizationPolicyFacts(
  obj: KubeObject,
): LinkerdAuthorizationPolicyFacts {
  const spec = asRecord(obj.spec);
  const ns = namespaceOf(obj);
  return {
    ref: refOf(obj),
    targetRef:
      targetRef(spec.targetRef, ns) ?? malformed('targetRef is missing'),
    requiredAuthenticationRefs: asArray(spec.requiredAuthenticationRefs).map(
      r =>
        targetRef(r, ns) ??
        malformed('authentication ref without kind or name'),
    ),
  };
}

export function meshTLSAuthenticationFacts(
  obj: KubeObject,
): MeshTLSAuthenticationFacts {
  const spec = asRecord(obj.spec);
  const ns = namespaceOf(obj);
  const identities = strings(spec.identities);
  const identityRefs = asArray(spec.identityRefs).map(
    r => targetRef(r, ns) ?? malformed('identityRef without kind or name'),
  );
  if (identities.length === 0 && identityRefs.length === 0) {
    malformed('neither identities nor identityRefs');
  }
  return { ref: refOf(obj), identities, identityRefs };
}

export function networkAuthenticationFacts(
  obj: KubeObject,
): NetworkAuthenticationFacts {
  return { ref: refOf(obj), networks: networks(asRecord(obj.spec).networks) };
}

/** The legacy ServerAuthorization (policy.linkerd.io/v1beta1). */
export function serverAuthorizationFacts(
  obj: KubeObject,
): ServerAuthorizationFacts {
  const spec = asRecord(obj.spec);
  const server = asRecord(spec.server);
  const client = asRecord(spec.client);
  const meshTLS = asRecord(client.meshTLS);
  const name = str(server.name);
  const hasSelector = server.selector !== undefined && server.selector !== null;
  if (!name && !hasSelector) malformed('server has neither name nor selector');
  const ns = namespaceOf(obj);
  return {
    ref: refOf(obj),
    server: {
      ...(name ? { name } : {}),
      ...(hasSelector ? { selector: labelSelector(server.selector) } : {}),
    },
    unauthenticated: client.unauthenticated === true,
    unauthenticatedTLS: meshTLS.unauthenticatedTLS === true,
    identities: strings(meshTLS.identities),
    serviceAccounts: asArray(meshTLS.serviceAccounts).flatMap(sa => {
      const saName = str(asRecord(sa).name);
      return saName
        ? [{ name: saName, namespace: str(asRecord(sa).namespace) ?? ns }]
        : [];
    }),
    networks: networks(client.networks),
  };
}

/**
 * The `Upgrade` header value a Gateway API route rule requires (`matches[].headers[]`,
 * names case-insensitive), or `*` when it names the header without a value.
 */
function upgradeHeaderOf(rules: unknown): string | undefined {
  for (const rule of asArray(rules)) {
    for (const match of asArray(asRecord(rule).matches)) {
      const header = asArray(asRecord(match).headers)
        .map(asRecord)
        .find(h => str(h.name)?.toLowerCase() === 'upgrade');
      if (header) return str(header.value) ?? '*';
    }
  }
  return undefined;
}

/** HTTPRoute / GRPCRoute (either API group): the parents, and an `Upgrade` match. */
export function linkerdRouteFacts(obj: KubeObject): LinkerdRouteFacts {
  const ns = namespaceOf(obj);
  const upgrade = upgradeHeaderOf(asRecord(obj.spec).rules);
  return {
    ref: refOf(obj),
    parentRefs: asArray(asRecord(obj.spec).parentRefs).flatMap(r => {
      // Gateway API defaults an omitted parent to a Gateway.
      const ref = targetRef(
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', ...asRecord(r) },
        ns,
      );
      return ref ? [ref] : [];
    }),
    ...(Object.keys(obj.metadata.annotations ?? {}).length > 0
      ? { annotations: obj.metadata.annotations! }
      : {}),
    ...(upgrade !== undefined ? { upgradeHeader: upgrade } : {}),
  };
}

export function egressNetworkFacts(obj: KubeObject): EgressNetworkFacts {
  const spec = asRecord(obj.spec);
  return {
    ref: refOf(obj),
    trafficPolicy:
      str(spec.trafficPolicy) ?? malformed('trafficPolicy is missing'),
    networks: networks(spec.networks),
  };
}
