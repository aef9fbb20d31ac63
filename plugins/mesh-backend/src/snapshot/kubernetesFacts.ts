import {
  ContainerFacts,
  cronJobOf,
  kindKey,
  KubeObject,
  KubernetesFacts,
  NamespaceFacts,
  PodFacts,
  ProxyInfo,
  ResourceRequirements,
  UnavailableResource,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { runToEnd } from '../lib/timeSlices';
import { buildMeshConfigFactsSteps } from './facts';
import { createdAt } from './facts/read';

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
  resources?: unknown;
  ports?: unknown;
  securityContext?: unknown;
}

interface PodSpecLike {
  containers?: unknown;
  initContainers?: unknown;
  hostNetwork?: unknown;
  serviceAccountName?: unknown;
  securityContext?: unknown;
  nodeName?: unknown;
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

function quantity(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value;
  return typeof value === 'number' ? String(value) : undefined;
}

function cpuMemory(value: unknown): { cpu?: string; memory?: string } {
  const r = asRecord(value);
  const out: { cpu?: string; memory?: string } = {};
  const cpu = quantity(r.cpu);
  const memory = quantity(r.memory);
  if (cpu) out.cpu = cpu;
  if (memory) out.memory = memory;
  return out;
}

function resourcesOf(c: ContainerLike): ResourceRequirements {
  const r = asRecord(c.resources);
  return { requests: cpuMemory(r.requests), limits: cpuMemory(r.limits) };
}

function runAsUserOf(securityContext: unknown): number | undefined {
  const uid = asRecord(securityContext).runAsUser;
  return typeof uid === 'number' && Number.isInteger(uid) ? uid : undefined;
}

function containerFacts(
  c: ContainerLike,
  podRunAsUser?: number,
): ContainerFacts {
  const ports = Array.isArray(c.ports) ? c.ports : [];
  const runAsUser = runAsUserOf(c.securityContext) ?? podRunAsUser;
  return {
    name: typeof c.name === 'string' ? c.name : '',
    ...(typeof c.image === 'string' ? { image: c.image } : {}),
    resources: resourcesOf(c),
    ports: ports.flatMap(p => {
      const port = asRecord(p);
      if (typeof port.containerPort !== 'number') return [];
      return [
        {
          ...(typeof port.name === 'string' ? { name: port.name } : {}),
          containerPort: port.containerPort,
          protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
        },
      ];
    }),
    ...(runAsUser !== undefined ? { runAsUser } : {}),
  };
}

/** The application containers of a pod spec: every regular container but the proxy. */
function appContainers(spec: PodSpecLike): ContainerFacts[] {
  return containers(spec.containers)
    .filter(c => !(typeof c.name === 'string' && PROXY_CONTAINERS[c.name]))
    .map(c => containerFacts(c, runAsUserOf(spec.securityContext)));
}

function serviceAccountOf(spec: PodSpecLike): string {
  return typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
    ? spec.serviceAccountName
    : 'default';
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
      resources: resourcesOf(c),
    };
  }
  return undefined;
}

/**
 * The `Ready` condition: a Running pod can still fail its readiness probe and get no
 * traffic. Undefined when the status lists no conditions (a manifest without status).
 */
function podReady(obj: KubeObject): boolean | undefined {
  const conditions = asRecord(obj.status).conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.some(c => {
    const cond = asRecord(c);
    return cond.type === 'Ready' && cond.status === 'True';
  });
}

/**
 * `status.readyReplicas` of a workload that carried a status. The API omits zero
 * counts, so a status without the field means none is ready.
 */
function readyReplicas(obj: KubeObject): number | undefined {
  const status = obj.status;
  if (!status || typeof status !== 'object') return undefined;
  const rec = asRecord(status);
  if (Object.keys(rec).length === 0) return undefined;
  return typeof rec.readyReplicas === 'number' ? rec.readyReplicas : 0;
}

function podFacts(obj: KubeObject): PodFacts {
  const spec = asRecord(obj.spec) as PodSpecLike;
  const created = createdAt(obj);
  const annotations = obj.metadata.annotations ?? {};
  const ready = podReady(obj);
  return {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    labels: obj.metadata.labels ?? {},
    annotations,
    phase:
      typeof asRecord(obj.status).phase === 'string'
        ? (asRecord(obj.status).phase as string)
        : undefined,
    ...(ready !== undefined ? { ready } : {}),
    hostNetwork: spec.hostNetwork === true,
    serviceAccountName: serviceAccountOf(spec),
    containers: appContainers(spec),
    proxy: findProxy(spec, annotations),
    ambient: annotations['ambient.istio.io/redirection'] === 'enabled',
    ...(created ? { createdAt: created } : {}),
    ...(typeof spec.nodeName === 'string' && spec.nodeName
      ? { nodeName: spec.nodeName }
      : {}),
  };
}

/** Deployments and StatefulSets default to one replica; other kinds have no count. */
function desiredReplicas(kind: string, replicas: unknown): number | undefined {
  if (kind !== 'Deployment' && kind !== 'StatefulSet') return undefined;
  return typeof replicas === 'number' ? replicas : 1;
}

/** Completed and evicted pods run no proxy and never will again. */
function isDead(obj: KubeObject): boolean {
  const phase = asRecord(obj.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The labels both sets carry with the same value. */
function commonLabels(
  a: Record<string, string>,
  b: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => b[k] === v));
}

function controllerOf(obj: KubeObject) {
  const refs = obj.metadata.ownerReferences ?? [];
  return refs.find(r => r.controller) ?? refs[0];
}

/**
 * Indexes a cluster's objects: namespaces, and workloads with their live pods. Pods are
 * tied to their top-level workload through owner references (Pod → ReplicaSet →
 * Deployment, Pod → Job → CronJob); when the intermediate object was not collected, the
 * `pod-template-hash` label recovers the Deployment's name and the Job's name its
 * CronJob's. Succeeded and Failed pods are left out, but their workload still exists.
 */
export function buildKubernetesFacts(
  objects: KubeObject[],
  listing: KubernetesListing = {},
): KubernetesFacts {
  return runToEnd(kubernetesFactsSteps(objects, listing));
}

type KubernetesListing = {
  unavailable?: UnavailableResource[];
  absent?: string[];
};

/** Objects indexed between two points where the building may pause. */
const OBJECTS_PER_STEP = 100;

/**
 * buildKubernetesFacts in steps: it yields every OBJECTS_PER_STEP objects, so that the
 * collector can let reads in between (a fleet of 1,000 services is tens of ms of work).
 * Pure all the same: whoever drives it decides when to go on.
 */
export function* kubernetesFactsSteps(
  objects: KubeObject[],
  listing: KubernetesListing = {},
): Generator<void, KubernetesFacts> {
  const namespaces: Record<string, NamespaceFacts> = {};
  const resources: Record<string, KubeObject[]> = {};
  const workloads = new Map<string, WorkloadFacts>();
  const owners = new Map<string, { kind: string; name: string }>();
  const seenJobs = new Set<string>();
  const pods: KubeObject[] = [];
  const keyOf = (ns: string, kind: string, name: string) =>
    `${ns}/${kind}/${name}`;

  for (const [i, obj] of objects.entries()) {
    if (i % OBJECTS_PER_STEP === 0) yield;
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
      const key = keyOf(ns, obj.kind, obj.metadata.name);
      if (owner) owners.set(key, owner);
      if (obj.kind === 'Job') seenJobs.add(key);
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
    const created = createdAt(obj);
    const ready =
      obj.kind === 'Deployment' || obj.kind === 'StatefulSet'
        ? readyReplicas(obj)
        : undefined;
    workloads.set(keyOf(ns, obj.kind, obj.metadata.name), {
      namespace: ns,
      kind: obj.kind,
      name: obj.metadata.name,
      labels: obj.metadata.labels ?? {},
      annotations: obj.metadata.annotations ?? {},
      templateLabels: stringMap(templateMeta.labels),
      templateAnnotations,
      replicas: desiredReplicas(obj.kind, spec.replicas),
      ...(ready !== undefined ? { readyReplicas: ready } : {}),
      objectSeen: true,
      pods: [],
      templateProxy: findProxy(templateSpec, templateAnnotations),
      templateContainers: appContainers(templateSpec),
      hostNetwork: templateSpec.hostNetwork === true,
      serviceAccountName: serviceAccountOf(templateSpec),
      ...(created ? { createdAt: created } : {}),
    });
  }

  // Live pods first, so a workload inferred from its pods takes its template from a
  // live one when there is one.
  const inferred = new Set<WorkloadFacts>();
  const ordered = [...pods.filter(p => !isDead(p)), ...pods.filter(isDead)];
  for (const [i, obj] of ordered.entries()) {
    if (i % OBJECTS_PER_STEP === 0) yield;
    const pod = podFacts(obj);
    const live = !isDead(obj);
    const owner = resolveOwner(obj, pod, owners, seenJobs);
    const key = keyOf(pod.namespace, owner.kind, owner.name);
    let workload = workloads.get(key);
    if (workload && inferred.has(workload) && live) {
      // Without the object, the template is what every live pod carries: a label added
      // by hand to one pod is not part of it.
      workload.templateLabels = commonLabels(
        workload.templateLabels,
        pod.labels,
      );
    }
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
        templateContainers: pod.containers,
        hostNetwork: pod.hostNetwork,
        serviceAccountName: pod.serviceAccountName,
      };
      workloads.set(key, workload);
      if (owner.kind !== 'Pod') inferred.add(workload);
    }
    if (live) workload.pods.push(pod);
  }

  yield;
  const mesh = yield* buildMeshConfigFactsSteps(resources, [
    ...workloads.values(),
  ]);
  return {
    namespaces,
    workloads: [...workloads.values()],
    mesh,
    unavailable: listing.unavailable ?? [],
    absent: listing.absent ?? [],
    objectCount: objects.length,
  };
}

function resolveOwner(
  obj: KubeObject,
  pod: PodFacts,
  owners: Map<string, { kind: string; name: string }>,
  seenJobs: Set<string>,
): { kind: string; name: string } {
  const ref = controllerOf(obj);
  if (!ref) return { kind: 'Pod', name: pod.name };
  if (ref.kind === 'ReplicaSet' || ref.kind === 'Job') {
    const key = `${pod.namespace}/${ref.kind}/${ref.name}`;
    const parent = owners.get(key);
    if (parent) return parent;
    const hash = pod.labels['pod-template-hash'];
    if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) {
      return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
    }
    // An uncollected Job's pods belong to the CronJob its name points to, as Istio
    // names them; a collected Job without an owner is a workload of its own.
    const cronJob =
      ref.kind === 'Job' && !seenJobs.has(key) && cronJobOf(ref.name);
    if (cronJob) return { kind: 'CronJob', name: cronJob };
  }
  return { kind: ref.kind, name: ref.name };
}
