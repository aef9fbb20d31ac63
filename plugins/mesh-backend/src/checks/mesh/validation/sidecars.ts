/**
 * Several Sidecar resources at the level that applies to the workload: Istio uses one of
 * them, and which one is not defined (IST0110 for workload selectors, IST0111 for
 * selector-less ones in one namespace).
 */
import { Finding, hasIstioSidecar, refText, RuleInput } from './types';

export function sidecarRules(input: RuleInput): Finding[] {
  const { w } = input;
  const scope = w.mesh.istio.sidecarScope;
  if (!scope || scope.conflicts.length === 0 || !hasIstioSidecar(w)) return [];
  const all = [scope.sidecar.ref, ...scope.conflicts];
  const names = all.map(refText).join(', ');
  const bySelector = scope.level === 'workload';
  return [
    {
      code: bySelector ? 'IST0110' : 'IST0111',
      level: 'error',
      object: scope.sidecar.ref,
      message: bySelector
        ? `${all.length} Sidecar resources select ${w.workload.kind} ${w.workload.namespace}/${w.workload.name} (${names}): Istio applies only one, and which one is undefined.`
        : `${all.length} Sidecar resources without a workload selector in namespace ${scope.sidecar.ref.namespace} (${names}): Istio applies only one, and which one is undefined.`,
      fix: [
        `# Merge their egress and ingress into one Sidecar and delete the others, e.g. keep ${refText(
          scope.sidecar.ref,
        )}:`,
        ...scope.conflicts.map(
          c =>
            `kubectl delete sidecar.networking.istio.io ${c.name} -n ${c.namespace}`,
        ),
      ].join('\n'),
      details: { level: scope.level, sidecars: all.map(refText) },
    },
  ];
}
