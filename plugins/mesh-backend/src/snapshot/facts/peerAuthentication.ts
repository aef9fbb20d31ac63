import {
  EffectiveMtlsFacts,
  IstioMtlsMode,
  KubeObject,
  MtlsLevel,
  NamespacedRef,
  PeerAuthenticationFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { oldestFirst } from './order';
import {
  asRecord,
  createdAt,
  istioSelector,
  malformed,
  portNumber,
  refOf,
} from './read';
import { matchesLabels } from './selectors';

const MODES = new Set(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);

function modeOf(value: unknown, where: string): IstioMtlsMode {
  const mode = asRecord(value).mode;
  if (mode === undefined || mode === null) return 'UNSET';
  if (typeof mode !== 'string' || !MODES.has(mode)) {
    return malformed(`${where} mode '${String(mode)}' is unknown`);
  }
  return mode as IstioMtlsMode;
}

/** A security.istio.io PeerAuthentication (v1 or v1beta1: same spec). */
export function peerAuthenticationFacts(
  obj: KubeObject,
): PeerAuthenticationFacts {
  const spec = asRecord(obj.spec);
  const portLevelMtls = Object.entries(asRecord(spec.portLevelMtls)).map(
    ([key, value]) => {
      const port = portNumber(key);
      if (port === undefined)
        malformed(`portLevelMtls key '${key}' is not a port`);
      return { port, mode: modeOf(value, `portLevelMtls ${key}`) };
    },
  );
  const selector = istioSelector(spec.selector);
  const created = createdAt(obj);
  return {
    ref: refOf(obj),
    ...(selector ? { selector } : {}),
    mode: modeOf(spec.mtls, 'mtls'),
    portLevelMtls,
    ...(created ? { createdAt: created } : {}),
  };
}

/**
 * The mTLS mode a workload's proxy (or ztunnel) enforces on inbound traffic: mesh
 * (root namespace, no selector) → namespace (no selector) → workload (selector), the
 * narrowest level that does not say UNSET deciding; then the workload-level policy's
 * port overrides, whose UNSET inherits the workload's mode.
 */
export function resolveMtls(
  policies: PeerAuthenticationFacts[],
  namespace: string,
  podLabels: Record<string, string>[],
  rootNamespace: string,
): EffectiveMtlsFacts {
  const levels: Array<[MtlsLevel, PeerAuthenticationFacts[]]> = [
    [
      'mesh',
      policies.filter(p => p.ref.namespace === rootNamespace && !p.selector),
    ],
    [
      'namespace',
      namespace === rootNamespace
        ? []
        : policies.filter(p => p.ref.namespace === namespace && !p.selector),
    ],
    [
      'workload',
      policies.filter(
        p =>
          p.ref.namespace === namespace &&
          p.selector &&
          podLabels.some(l => matchesLabels(p.selector!, l)),
      ),
    ],
  ];
  const chain: EffectiveMtlsFacts['chain'] = [];
  const ignored: NamespacedRef[] = [];
  let workloadPolicy: PeerAuthenticationFacts | undefined;
  let effective: Pick<EffectiveMtlsFacts, 'mode' | 'level' | 'decidedBy'> = {
    mode: 'PERMISSIVE',
    level: 'default',
  };
  for (const [level, candidates] of levels) {
    const [chosen, ...losers] = oldestFirst(candidates);
    ignored.push(...losers.map(p => p.ref));
    if (!chosen) continue;
    chain.push({ level, ref: chosen.ref, mode: chosen.mode });
    if (level === 'workload') workloadPolicy = chosen;
    if (chosen.mode !== 'UNSET') {
      effective = { mode: chosen.mode, level, decidedBy: chosen.ref };
    }
  }
  const ports = (workloadPolicy?.portLevelMtls ?? []).map(p =>
    p.mode === 'UNSET'
      ? { port: p.port, ...effective }
      : {
          port: p.port,
          mode: p.mode,
          level: 'port' as const,
          decidedBy: workloadPolicy!.ref,
        },
  );
  return { ...effective, chain, ignored, ports };
}
