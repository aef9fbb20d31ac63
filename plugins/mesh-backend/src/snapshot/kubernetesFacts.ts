import { KubeObject, UnavailableResource } from '../sources/kubernetes/types';
import {
  KubernetesFacts,
  NamespaceFacts,
  PodFacts,
  ProxyInfo,
  WorkloadFacts,
} from './types';

const PROXY_CONTAINERS: Record<string, ProxyInfo['provider']> = {
  'istio-proxy': 'istio',
  'linkerd-proxy': 'linkerd',
};

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
]);

interface ContainerLike {
  name?: unknown;
  image?: unknown;
  restartPolicy?: unknown;
}

interface PodSpecLike {
  containers?: unknown;
  initContainers?: unknown;
  hostNetwork?: unknown;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value))) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function containers(value: unknown): ContainerLike[] {
  return Array.isArray(value)
    ? value.filter(c => c && typeof c === 'object')
    : [];
}

/** The image tag, or undefined when the image is pinned by digest or untagged. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image || image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

/**
 * Finds the mesh proxy in a pod spec: a regular container, or a native sidecar (an init
 * container with `restartPolicy: Always`), as both Istio and Linkerd can render it.
 */
export function findProxy(
  spec: PodSpecLike,
  annotations: Record<string, string>,
): ProxyInfo | undefined {
  const candidates: Array<{ c: ContainerLike; native: boolean }> = [
    ...containers(spec.containers).map(c => ({ c, native: false })),
    ...containers(spec.initContainers)
      .filter(c => c.restartPolicy === 'Always')
      .map(c => ({ c, native: true })),
  ];
  for (const { c, native } of candidates) {
    const provider =
      typeof c.name === 'string' ? PROXY_CONTAINERS[c.name] : undefined;
    if (!provider) continue;
    const image = typeof c.image === 'string' ? c.image : undefined;
    const version =
      provider === 'linkerd'
        ? annotations['linkerd.io/proxy-version'] || imageTag(image)
        : imageTag(image);
    return {
      provider,
      container: c.name as string,
      nativeSidecar: native,
      image,
      version,
    };
  }
  return undefined;
}

function podFacts(obj: KubeObject): PodFacts {
  const spec = asRecord(obj.spec) as PodSpecLike;
  const annotations = obj.metadata.annotations ?? {};
  return {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    labels: obj.metadata.labels ?? {},
    annotations,
    phase:
      typeof asRecord(obj.status).phase === 'string'
        ? (asRecord(obj.status).phase as string)
        : undefined,
    hostNetwork: spec.hostNetwork === true,
    proxy: findProxy(spec, annotations),
    ambient: annotations['ambient.istio.io/redirection'] === 'enabled',
  };
}

/** Deployments and StatefulSets default to one replica; other kinds have no count. */
function desiredReplicas(kind: string, replicas: unknown): number | undefined {
  if (kind !== 'Deployment' && kind !== 'StatefulSet') return undefined;
  return typeof replicas === 'number' ? replicas : 1;
}

function controllerOf(obj: KubeObject) {
  const refs = obj.metadata.ownerReferences ?? [];
  return refs.find(r => r.controller) ?? refs[0];
}

/**
 * Indexes a cluster's objects: namespaces, and workloads with their pods. Pods are tied
 * to their top-level workload through owner references (Pod → ReplicaSet → Deployment,
 * Pod → Job → CronJob); when the intermediate object was not collected, the
 * `pod-template-hash` label recovers the Deployment's name.
 */
export function buildKubernetesFacts(
  objects: KubeObject[],
  listing: { unavailable?: UnavailableResource[]; absent?: string[] } = {},
): KubernetesFacts {
  const namespaces: Record<string, NamespaceFacts> = {};
  const resources: Record<string, KubeObject[]> = {};
  const workloads = new Map<string, WorkloadFacts>();
  const owners = new Map<string, { kind: string; name: string }>();
  const pods: KubeObject[] = [];
  const keyOf = (ns: string, kind: string, name: string) =>
    `${ns}/${kind}/${name}`;

  for (const obj of objects) {
    const ns = obj.metadata.namespace ?? 'default';
    if (obj.kind === 'Namespace') {
      namespaces[obj.metadata.name] = {
        name: obj.metadata.name,
        labels: obj.metadata.labels ?? {},
        annotations: obj.metadata.annotations ?? {},
      };
    } else if (obj.kind === 'Pod') {
      pods.push(obj);
    } else if (obj.kind === 'ReplicaSet' || obj.kind === 'Job') {
      const owner = controllerOf(obj);
      if (owner) owners.set(keyOf(ns, obj.kind, obj.metadata.name), owner);
      if (obj.kind === 'Job' && !owner) addWorkload(obj);
    } else if (WORKLOAD_KINDS.has(obj.kind)) {
      addWorkload(obj);
    } else {
      (resources[kindKey(obj)] ??= []).push(obj);
    }
  }

  function addWorkload(obj: KubeObject) {
    const ns = obj.metadata.namespace ?? 'default';
    const spec = asRecord(obj.spec);
    // CronJob nests the pod template one level deeper.
    const template = asRecord(
      obj.kind === 'CronJob'
        ? asRecord(asRecord(spec.jobTemplate).spec).template
        : spec.template,
    );
    const templateMeta = asRecord(template.metadata);
    const templateSpec = asRecord(template.spec) as PodSpecLike;
    const templateAnnotations = stringMap(templateMeta.annotations);
    workloads.set(keyOf(ns, obj.kind, obj.metadata.name), {
      namespace: ns,
      kind: obj.kind,
      name: obj.metadata.name,
      labels: obj.metadata.labels ?? {},
      annotations: obj.metadata.annotations ?? {},
      templateLabels: stringMap(templateMeta.labels),
      templateAnnotations,
      replicas: desiredReplicas(obj.kind, spec.replicas),
      objectSeen: true,
      pods: [],
      templateProxy: findProxy(templateSpec, templateAnnotations),
      hostNetwork: templateSpec.hostNetwork === true,
    });
  }

  for (const obj of pods) {
    const pod = podFacts(obj);
    const owner = resolveOwner(obj, pod, owners);
    const key = keyOf(pod.namespace, owner.kind, owner.name);
    let workload = workloads.get(key);
    if (!workload) {
      workload = {
        namespace: pod.namespace,
        kind: owner.kind,
        name: owner.name,
        labels: owner.kind === 'Pod' ? pod.labels : {},
        annotations: owner.kind === 'Pod' ? pod.annotations : {},
        templateLabels: pod.labels,
        templateAnnotations: pod.annotations,
        objectSeen: owner.kind === 'Pod',
        pods: [],
        hostNetwork: pod.hostNetwork,
      };
      workloads.set(key, workload);
    }
    workload.pods.push(pod);
  }

  return {
    namespaces,
    workloads: [...workloads.values()],
    resources,
    unavailable: listing.unavailable ?? [],
    absent: listing.absent ?? [],
    objectCount: objects.length,
  };
}

/** `Service`, `policy/PodDisruptionBudget`, `security.istio.io/AuthorizationPolicy`. */
export function kindKey(obj: { apiVersion: string; kind: string }): string {
  const slash = obj.apiVersion.indexOf('/');
  return slash > 0 ? `${obj.apiVersion.slice(0, slash)}/${obj.kind}` : obj.kind;
}

function resolveOwner(
  obj: KubeObject,
  pod: PodFacts,
  owners: Map<string, { kind: string; name: string }>,
): { kind: string; name: string } {
  const ref = controllerOf(obj);
  if (!ref) return { kind: 'Pod', name: pod.name };
  if (ref.kind === 'ReplicaSet' || ref.kind === 'Job') {
    const parent = owners.get(`${pod.namespace}/${ref.kind}/${ref.name}`);
    if (parent) return parent;
    const hash = pod.labels['pod-template-hash'];
    if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) {
      return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
    }
  }
  return { kind: ref.kind, name: ref.name };
}
