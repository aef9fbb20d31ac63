import {
  KubernetesFacts,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';

const indexes = new WeakMap<KubernetesFacts, Map<string, WorkloadFacts>>();

/**
 * A cluster's workload by `namespace/name`, indexed once per snapshot: checks run per
 * entity, and a search of the whole cluster's workloads each time would make a run
 * quadratic in the fleet's size. Names are unique per kind, so the first of a name wins,
 * as a search in list order would.
 */
export function workloadNamed(
  facts: KubernetesFacts,
  namespace: string,
  name: string,
): WorkloadFacts | undefined {
  let index = indexes.get(facts);
  if (!index) {
    index = new Map();
    for (const w of facts.workloads) {
      const key = `${w.namespace}/${w.name}`;
      if (!index.has(key)) index.set(key, w);
    }
    indexes.set(facts, index);
  }
  return index.get(`${namespace}/${name}`);
}
