import {
  IstioMeshConfigFacts,
  KubeObject,
  LinkerdMeshConfigFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { parse } from 'yaml';
import { asRecord, namespaceOf, refOf, str } from './read';

export interface MeshNamespaces {
  /** Where istiod and its `istio` ConfigMap live (`istio-system`). */
  istioNamespace?: string;
  /** Where the Linkerd control plane and `linkerd-config` live (`linkerd`). */
  linkerdNamespace?: string;
  /** The cluster's DNS suffix, for short Istio hosts (`cluster.local`). */
  clusterDomain?: string;
}

/** A ConfigMap value that holds YAML text; a parse error is reported, not thrown. */
function yamlKey(
  cm: KubeObject,
  key: string,
  problems: string[],
): Record<string, unknown> | undefined {
  const text = asRecord(asRecord(cm).data)[key];
  if (typeof text !== 'string') return undefined;
  try {
    return asRecord(parse(text));
  } catch (e) {
    problems.push(
      `ConfigMap ${namespaceOf(cm)}/${
        cm.metadata.name
      }: key '${key}' is not YAML (${(e as Error).message.split('\n')[0]})`,
    );
    return undefined;
  }
}

/**
 * The Istio mesh config: the `istio` ConfigMap of the Istio namespace first, then one
 * in another collected namespace, then a revision's (`istio-<rev>`). istiod defaults
 * the root namespace to its own, and egress to ALLOW_ANY (Istio's mesh config defaults, `pkg/config/mesh`).
 */
export function istioMeshConfig(
  configMaps: KubeObject[],
  problems: string[],
  istioNamespace = 'istio-system',
  clusterDomain = 'cluster.local',
): IstioMeshConfigFacts {
  const withMesh = configMaps.filter(
    cm =>
      (cm.metadata.name === 'istio' || cm.metadata.name.startsWith('istio-')) &&
      typeof asRecord(asRecord(cm).data).mesh === 'string',
  );
  const rank = (cm: KubeObject) =>
    (cm.metadata.name === 'istio' ? 0 : 2) +
    (namespaceOf(cm) === istioNamespace ? 0 : 1);
  const chosen = [...withMesh].sort(
    (a, b) =>
      rank(a) - rank(b) || a.metadata.name.localeCompare(b.metadata.name),
  )[0];
  const mesh = chosen ? yamlKey(chosen, 'mesh', problems) : undefined;
  const mode = str(asRecord(mesh?.outboundTrafficPolicy).mode);
  const trustDomain = str(mesh?.trustDomain);
  return {
    ...(chosen ? { source: refOf(chosen) } : {}),
    rootNamespace:
      str(mesh?.rootNamespace) ??
      (chosen ? namespaceOf(chosen) : istioNamespace),
    clusterDomain,
    outboundTrafficPolicy: mode ?? 'ALLOW_ANY',
    outboundTrafficPolicySource: mode ? 'mesh-config' : 'default',
    ...(trustDomain ? { trustDomain } : {}),
  };
}

/**
 * Linkerd's install values, from `linkerd-config` (key `values`). The default inbound
 * policy moved from `policyController.defaultAllowPolicy` (2.11) to
 * `proxy.defaultInboundPolicy`; both are read.
 */
export function linkerdMeshConfig(
  configMaps: KubeObject[],
  problems: string[],
  linkerdNamespace = 'linkerd',
): LinkerdMeshConfigFacts {
  const candidates = configMaps.filter(
    cm => cm.metadata.name === 'linkerd-config',
  );
  const chosen =
    candidates.find(cm => namespaceOf(cm) === linkerdNamespace) ??
    candidates[0];
  const values = chosen ? yamlKey(chosen, 'values', problems) : undefined;
  const policy =
    str(asRecord(values?.proxy).defaultInboundPolicy) ??
    str(asRecord(values?.policyController).defaultAllowPolicy);
  const version = str(values?.linkerdVersion);
  return {
    ...(chosen ? { source: refOf(chosen) } : {}),
    controlPlaneNamespace: chosen ? namespaceOf(chosen) : linkerdNamespace,
    defaultInboundPolicy: policy ?? 'all-unauthenticated',
    defaultInboundPolicySource: policy ? 'cluster' : 'default',
    ...(version ? { version } : {}),
    globalEgressNamespace:
      str(asRecord(values?.egress).globalEgressNetworkNamespace) ??
      'linkerd-egress',
  };
}
