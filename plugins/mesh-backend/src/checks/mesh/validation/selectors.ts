/**
 * Istio policies whose selector matches no workload (IST0127 / KIA0004): they apply to
 * nothing, usually because a label was renamed. Only the workload's own namespace is
 * judged, so the finding reaches the team that owns the object; in the Istio root
 * namespace a selector matches pods of every namespace.
 */
import { ObjectRef } from '@mesh-readiness/plugin-mesh-node';
import {
  Finding,
  kubectlKind,
  matchesLabels,
  podLabelsOf,
  refText,
  RuleInput,
} from './types';

interface Selecting {
  ref: ObjectRef;
  selector: Record<string, string>;
  field: string;
}

export function selectorRules(input: RuleInput): Finding[] {
  const { w, facts } = input;
  const ns = w.workload.namespace;
  const { istio } = facts.mesh;
  const root = istio.meshConfig.rootNamespace;
  const withSelector: Selecting[] = [
    ...istio.peerAuthentications.map(p => ({
      ref: p.ref,
      selector: p.selector ?? {},
      field: 'spec.selector.matchLabels',
    })),
    ...istio.authorizationPolicies.map(p => ({
      ref: p.ref,
      selector: p.selector ?? {},
      field: 'spec.selector.matchLabels',
    })),
    ...istio.sidecars.map(s => ({
      ref: s.ref,
      selector: s.workloadSelector ?? {},
      field: 'spec.workloadSelector.labels',
    })),
    ...istio.destinationRules.map(d => ({
      ref: d.ref,
      selector: d.workloadSelector ?? {},
      field: 'spec.workloadSelector.matchLabels',
    })),
  ].filter(s => s.ref.namespace === ns && Object.keys(s.selector).length > 0);
  if (withSelector.length === 0) return [];
  const candidates = facts.workloads
    .filter(other => ns === root || other.namespace === ns)
    .flatMap(podLabelsOf);
  return withSelector
    .filter(s => !candidates.some(labels => matchesLabels(s.selector, labels)))
    .map(s => {
      const selector = Object.entries(s.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return {
        code: 'IST0127/KIA0004',
        level: 'warning' as const,
        object: s.ref,
        message: `${refText(
          s.ref,
        )}: selector ${selector} matches no workload in ${
          ns === root ? 'the mesh' : `namespace ${ns}`
        }, so it applies to nothing.`,
        fix: [
          `# No pod carries ${selector}. Compare with the labels the pods carry:`,
          `kubectl get pods -n ${ns} --show-labels`,
          `kubectl edit ${kubectlKind(s.ref)} ${s.ref.name} -n ${
            s.ref.namespace
          }   # ${s.field}`,
        ].join('\n'),
        details: { selector: s.selector },
      };
    });
}
