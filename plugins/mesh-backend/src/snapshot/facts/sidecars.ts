/** Istio Sidecar resources: which one scopes a workload's proxy, and its egress mode. */
import {
  EffectiveEgressFacts,
  IstioMeshConfigFacts,
  IstioSidecarFacts,
  KubeObject,
  SidecarScopeFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { oldestFirst } from './order';
import {
  asArray,
  asRecord,
  createdAt,
  portNumber,
  refOf,
  str,
  stringMap,
  strings,
} from './read';
import { matchesLabels } from './selectors';

export function sidecarFacts(obj: KubeObject): IstioSidecarFacts {
  const spec = asRecord(obj.spec);
  const egress = asArray(spec.egress).map(raw => {
    const e = asRecord(raw);
    const port = asRecord(e.port);
    const number = portNumber(port.number);
    const protocol = str(port.protocol);
    const name = str(port.name);
    const captureMode = str(e.captureMode);
    return {
      hosts: strings(e.hosts),
      ...(number
        ? {
            port: {
              number,
              ...(protocol ? { protocol } : {}),
              ...(name ? { name } : {}),
            },
          }
        : {}),
      ...(captureMode ? { captureMode } : {}),
    };
  });
  // Sidecar's own WorkloadSelector says `labels`, not `matchLabels`.
  const selectorLabels = stringMap(asRecord(spec.workloadSelector).labels);
  const selector =
    Object.keys(selectorLabels).length > 0 ? selectorLabels : undefined;
  const outbound = str(asRecord(spec.outboundTrafficPolicy).mode);
  const created = createdAt(obj);
  return {
    ref: refOf(obj),
    ...(selector ? { workloadSelector: selector } : {}),
    egressHosts: [...new Set(egress.flatMap(e => e.hosts))],
    egress,
    ingressCount: asArray(spec.ingress).length,
    ...(outbound ? { outboundTrafficPolicy: outbound } : {}),
    ...(created ? { createdAt: created } : {}),
  };
}

/**
 * The Sidecar whose config the workload's proxy gets: one whose selector matches in
 * its namespace, else the namespace's selector-less one, else the root namespace's.
 * Istio uses a single one per level; the others are reported as conflicts.
 */
export function resolveSidecarScope(
  sidecars: IstioSidecarFacts[],
  namespace: string,
  podLabels: Record<string, string>[],
  rootNamespace: string,
): SidecarScopeFacts | undefined {
  const levels: Array<[SidecarScopeFacts['level'], IstioSidecarFacts[]]> = [
    [
      'workload',
      sidecars.filter(
        s =>
          s.ref.namespace === namespace &&
          s.workloadSelector &&
          podLabels.some(l => matchesLabels(s.workloadSelector!, l)),
      ),
    ],
    [
      'namespace',
      sidecars.filter(
        s => s.ref.namespace === namespace && !s.workloadSelector,
      ),
    ],
    [
      'mesh',
      sidecars.filter(
        s => s.ref.namespace === rootNamespace && !s.workloadSelector,
      ),
    ],
  ];
  for (const [level, candidates] of levels) {
    const [sidecar, ...others] = oldestFirst(candidates);
    if (sidecar) {
      return {
        sidecar,
        level:
          namespace === rootNamespace && level === 'namespace' ? 'mesh' : level,
        conflicts: others.map(s => s.ref),
      };
    }
  }
  return undefined;
}

/** A Sidecar's outboundTrafficPolicy overrides the mesh config's for its workloads. */
export function resolveEgress(
  scope: SidecarScopeFacts | undefined,
  mesh: IstioMeshConfigFacts,
): EffectiveEgressFacts {
  const fromSidecar = scope?.sidecar.outboundTrafficPolicy;
  if (fromSidecar) {
    return {
      mode: fromSidecar,
      level: 'sidecar',
      decidedBy: scope!.sidecar.ref,
    };
  }
  if (mesh.outboundTrafficPolicySource === 'mesh-config') {
    return {
      mode: mesh.outboundTrafficPolicy,
      level: 'mesh',
      ...(mesh.source ? { decidedBy: mesh.source } : {}),
    };
  }
  return { mode: mesh.outboundTrafficPolicy, level: 'default' };
}
