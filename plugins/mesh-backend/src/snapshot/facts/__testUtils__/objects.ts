import {
  kindKey,
  KubeObject,
  PodFacts,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { parseAllDocuments } from 'yaml';

/** Objects from YAML as `kubectl get -o yaml` prints them (`---`-separated). */
export function objects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map(d => d.toJS())
    .filter(Boolean) as KubeObject[];
}

export function object(text: string): KubeObject {
  const [first] = objects(text);
  return first;
}

/** Grouped by kind key, as buildKubernetesFacts hands them to the fact builders. */
export function resources(text: string): Record<string, KubeObject[]> {
  const out: Record<string, KubeObject[]> = {};
  for (const obj of objects(text)) (out[kindKey(obj)] ??= []).push(obj);
  return out;
}

export function pod(
  labels: Record<string, string>,
  overrides: Partial<PodFacts> = {},
): PodFacts {
  return {
    namespace: 'shop',
    name: 'pod',
    labels,
    annotations: {},
    phase: 'Running',
    hostNetwork: false,
    serviceAccountName: 'default',
    containers: [],
    ambient: false,
    ...overrides,
  };
}

/** A Deployment's facts, with its template labels on every pod given. */
export function workload(
  overrides: Partial<WorkloadFacts> = {},
): WorkloadFacts {
  return {
    namespace: 'shop',
    kind: 'Deployment',
    name: 'cart',
    labels: {},
    annotations: {},
    templateLabels: { app: 'cart' },
    templateAnnotations: {},
    replicas: 2,
    objectSeen: true,
    pods: [],
    templateContainers: [],
    hostNetwork: false,
    serviceAccountName: 'cart',
    ...overrides,
  };
}
