/**
 * Builders for the mesh security objects the security checks read, in the shape
 * `kubectl get -o yaml` prints them.
 */
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import { stringify } from 'yaml';

type StringMap = Record<string, string>;

export function peerAuthentication(
  name: string,
  ns: string,
  mode: string | undefined,
  o: { selector?: StringMap; ports?: Record<number, string> } = {},
): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: {
      name,
      namespace: ns,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      ...(o.selector ? { selector: { matchLabels: o.selector } } : {}),
      ...(mode ? { mtls: { mode } } : {}),
      ...(o.ports
        ? {
            portLevelMtls: Object.fromEntries(
              Object.entries(o.ports).map(([p, m]) => [p, { mode: m }]),
            ),
          }
        : {}),
    },
  };
}

export interface IstioAuthzOptions {
  selector?: StringMap;
  action?: string;
  dryRun?: boolean;
  rules?: unknown[];
  targetRefs?: { kind: string; name: string; group?: string }[];
}

export function istioAuthorizationPolicy(
  name: string,
  ns: string,
  o: IstioAuthzOptions = {},
): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: {
      name,
      namespace: ns,
      ...(o.dryRun ? { annotations: { 'istio.io/dry-run': 'true' } } : {}),
    },
    spec: {
      ...(o.selector ? { selector: { matchLabels: o.selector } } : {}),
      ...(o.targetRefs
        ? {
            targetRefs: o.targetRefs.map(t => ({
              group: t.group ?? '',
              kind: t.kind,
              name: t.name,
            })),
          }
        : {}),
      ...(o.action ? { action: o.action } : {}),
      ...(o.rules ? { rules: o.rules } : {}),
    },
  };
}

/** A rule allowing the given principals. */
export const fromPrincipals = (...principals: string[]) => ({
  from: [{ source: { principals } }],
});

export function sidecarResource(
  name: string,
  ns: string,
  o: { outboundTrafficPolicy?: string; selector?: StringMap } = {},
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: ns },
    spec: {
      ...(o.selector ? { workloadSelector: { labels: o.selector } } : {}),
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      ...(o.outboundTrafficPolicy
        ? { outboundTrafficPolicy: { mode: o.outboundTrafficPolicy } }
        : {}),
    },
  };
}

/** istiod's `istio` ConfigMap with the given mesh config. */
export function istioMeshConfig(mesh: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio', namespace: 'istio-system' },
    data: { mesh: stringify(mesh) },
  } as KubeObject;
}

/** An ambient waypoint Gateway. */
export function waypoint(name: string, ns: string): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace: ns,
      labels: { 'istio.io/waypoint-for': 'service' },
    },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  };
}

export function linkerdServer(
  name: string,
  ns: string,
  selector: StringMap,
  port: number | string,
  accessPolicy?: string,
): KubeObject {
  return {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name, namespace: ns },
    spec: {
      podSelector: { matchLabels: selector },
      port,
      ...(accessPolicy ? { accessPolicy } : {}),
    },
  };
}

export function linkerdAuthorizationPolicy(
  name: string,
  ns: string,
  server: string,
  auth: { kind: string; name: string }[],
): KubeObject {
  return {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace: ns },
    spec: {
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: server },
      requiredAuthenticationRefs: auth.map(a => ({
        group: a.kind === 'ServiceAccount' ? '' : 'policy.linkerd.io',
        ...a,
      })),
    },
  };
}

export function meshTLSAuthentication(
  name: string,
  ns: string,
  identities: string[],
): KubeObject {
  return {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'MeshTLSAuthentication',
    metadata: { name, namespace: ns },
    spec: { identities },
  };
}

export function networkAuthentication(name: string, ns: string): KubeObject {
  return {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'NetworkAuthentication',
    metadata: { name, namespace: ns },
    spec: { networks: [{ cidr: '0.0.0.0/0' }] },
  };
}

export function egressNetwork(
  name: string,
  ns: string,
  trafficPolicy: string,
): KubeObject {
  return {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'EgressNetwork',
    metadata: { name, namespace: ns },
    spec: { trafficPolicy },
  };
}
