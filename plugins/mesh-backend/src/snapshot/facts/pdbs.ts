import {
  KubeObject,
  PodDisruptionBudgetFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { asRecord, intOrPercent, malformed, num, refOf, str } from './read';
import { labelSelector } from './selectors';

/**
 * A policy/v1 PodDisruptionBudget. The status counts are kept because a budget that
 * is right on paper can still allow no disruption today (all replicas unhealthy).
 */
export function pdbFacts(obj: KubeObject): PodDisruptionBudgetFacts {
  const spec = asRecord(obj.spec);
  const status = asRecord(obj.status);
  const minAvailable = intOrPercent(spec.minAvailable);
  const maxUnavailable = intOrPercent(spec.maxUnavailable);
  if (spec.minAvailable !== undefined && minAvailable === undefined) {
    malformed(
      `minAvailable '${String(
        spec.minAvailable,
      )}' is not a count or percentage`,
    );
  }
  if (spec.maxUnavailable !== undefined && maxUnavailable === undefined) {
    malformed(
      `maxUnavailable '${String(
        spec.maxUnavailable,
      )}' is not a count or percentage`,
    );
  }
  const hasSelector = spec.selector !== undefined && spec.selector !== null;
  const policy = str(spec.unhealthyPodEvictionPolicy);
  const counts = {
    disruptionsAllowed: num(status.disruptionsAllowed),
    currentHealthy: num(status.currentHealthy),
    desiredHealthy: num(status.desiredHealthy),
    expectedPods: num(status.expectedPods),
  };
  return {
    ref: refOf(obj),
    ...(hasSelector ? { selector: labelSelector(spec.selector) } : {}),
    ...(minAvailable !== undefined ? { minAvailable } : {}),
    ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
    ...(policy ? { unhealthyPodEvictionPolicy: policy } : {}),
    ...Object.fromEntries(
      Object.entries(counts).filter(([, v]) => v !== undefined),
    ),
  };
}
