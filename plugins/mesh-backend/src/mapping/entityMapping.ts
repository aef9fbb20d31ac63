import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_CLUSTER,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@mesh-readiness/plugin-mesh-common';
import { CLUSTER_NAME } from '../config';
import {
  formatSelector,
  labelValueError,
  matchesSelector,
  parseLabelSelector,
  Requirement,
} from './labelSelector';
import {
  ClusterSnapshot,
  KubernetesFacts,
  NamespaceFacts,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type EntityMapping =
  | { kind: 'unmapped' }
  | { kind: 'invalid'; annotation: string; value: string; error: string }
  | {
      kind: 'mapped';
      /** The annotation the selector came from. */
      via: string;
      selector: Requirement[];
      selectorText: string;
      /** Restricts matching to these namespaces, when set. */
      namespaces?: string[];
      /** Restricts matching to these clusters, when set. */
      clusters?: string[];
    };

function listAnnotation(
  raw: string,
  what: 'namespace' | 'cluster',
): { values: string[] } | { error: string } {
  const values = raw.split(',').map(v => v.trim());
  // Namespaces are DNS labels; cluster names follow the config's rule, which allows '.'.
  const pattern = what === 'cluster' ? CLUSTER_NAME : DNS_LABEL;
  const bad = values.find(
    v => v.length === 0 || v.length > 63 || !pattern.test(v),
  );
  if (bad !== undefined) {
    return {
      error: `'${bad}' is not a valid ${what} name (lowercase letters, digits and '-'${
        what === 'cluster' ? ", '.'" : ''
      }, at most 63 characters)`,
    };
  }
  return { values: [...new Set(values)] };
}

/**
 * Reads the Kubernetes plugin's annotations and validates every value before it is
 * used; an invalid value yields an explanation, never a partial match.
 * `kubernetes-label-selector` takes precedence over `kubernetes-id`, as in the
 * Kubernetes plugin.
 */
export function resolveEntityMapping(entity: Entity): EntityMapping {
  const annotations = entity.metadata.annotations ?? {};
  const selectorRaw = annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR];
  const idRaw = annotations[ANNOTATION_KUBERNETES_ID];
  let via: string;
  let selector: Requirement[];
  if (selectorRaw !== undefined && selectorRaw.trim() !== '') {
    via = ANNOTATION_KUBERNETES_LABEL_SELECTOR;
    try {
      selector = parseLabelSelector(selectorRaw);
    } catch (e) {
      return {
        kind: 'invalid',
        annotation: via,
        value: selectorRaw,
        error: (e as Error).message,
      };
    }
  } else if (idRaw !== undefined && idRaw.trim() !== '') {
    via = ANNOTATION_KUBERNETES_ID;
    const id = idRaw.trim();
    const error = labelValueError(id);
    if (error) return { kind: 'invalid', annotation: via, value: idRaw, error };
    selector = [{ key: ANNOTATION_KUBERNETES_ID, op: 'in', values: [id] }];
  } else {
    return { kind: 'unmapped' };
  }

  const mapping: EntityMapping = {
    kind: 'mapped',
    via,
    selector,
    selectorText: formatSelector(selector),
  };
  const nsRaw = annotations[ANNOTATION_KUBERNETES_NAMESPACE];
  if (nsRaw !== undefined) {
    const parsed = listAnnotation(nsRaw, 'namespace');
    if ('error' in parsed) {
      return {
        kind: 'invalid',
        annotation: ANNOTATION_KUBERNETES_NAMESPACE,
        value: nsRaw,
        error: parsed.error,
      };
    }
    mapping.namespaces = parsed.values;
  }
  const clusterRaw = annotations[ANNOTATION_KUBERNETES_CLUSTER];
  if (clusterRaw !== undefined) {
    const parsed = listAnnotation(clusterRaw, 'cluster');
    if ('error' in parsed) {
      return {
        kind: 'invalid',
        annotation: ANNOTATION_KUBERNETES_CLUSTER,
        value: clusterRaw,
        error: parsed.error,
      };
    }
    mapping.clusters = parsed.values;
  }
  return mapping;
}

export interface MatchedWorkload {
  cluster: string;
  workload: WorkloadFacts;
  namespace?: NamespaceFacts;
}

/** The workloads a mapped entity owns, across the given cluster snapshots. */
export function matchWorkloads(
  mapping: Extract<EntityMapping, { kind: 'mapped' }>,
  snapshots: ClusterSnapshot[],
): MatchedWorkload[] {
  const out: MatchedWorkload[] = [];
  // An equality requirement narrows the candidates through the label index; the full
  // selector is still applied to each candidate.
  const equality = mapping.selector.find(
    (r): r is Extract<Requirement, { values: string[] }> =>
      r.op === 'in' && 'values' in r && r.values.length === 1,
  );
  for (const snapshot of snapshots) {
    if (mapping.clusters && !mapping.clusters.includes(snapshot.cluster))
      continue;
    const facts = snapshot.kubernetes.data;
    if (!facts) continue;
    const candidates = equality
      ? labelIndex(facts).get(`${equality.key}=${equality.values[0]}`) ?? []
      : facts.workloads;
    for (const workload of candidates) {
      if (
        mapping.namespaces &&
        !mapping.namespaces.includes(workload.namespace)
      )
        continue;
      // Each label set must satisfy the whole selector on its own. Pod labels are not
      // read: a label added to one pod (or pod-template-hash) must not widen the match.
      const matches =
        matchesSelector(mapping.selector, workload.labels) ||
        matchesSelector(mapping.selector, workload.templateLabels);
      if (matches) {
        out.push({
          cluster: snapshot.cluster,
          workload,
          namespace: facts.namespaces[workload.namespace],
        });
      }
    }
  }
  return out;
}

const indexes = new WeakMap<KubernetesFacts, Map<string, WorkloadFacts[]>>();

/**
 * Workloads by `key=value` of any label on the workload or its pod template (the label
 * sets `matchWorkloads` judges; never pod labels), built once per snapshot, so mapping a
 * fleet of entities is not entities × workloads.
 */
function labelIndex(facts: KubernetesFacts): Map<string, WorkloadFacts[]> {
  let index = indexes.get(facts);
  if (index) return index;
  index = new Map();
  for (const workload of facts.workloads) {
    const keys = new Set<string>();
    for (const labels of [workload.labels, workload.templateLabels]) {
      for (const [k, v] of Object.entries(labels)) keys.add(`${k}=${v}`);
    }
    for (const key of keys) {
      const list = index.get(key);
      if (list) list.push(workload);
      else index.set(key, [workload]);
    }
  }
  indexes.set(facts, index);
  return index;
}
