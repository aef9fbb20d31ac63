/**
 * Small builders for unit tests: Kubernetes objects as `kubectl get -o yaml` returns
 * them, cluster snapshots, traffic and entity contexts. Each builder takes only what a
 * test varies, so a test reads as the facts it is about.
 */
import { Entity } from '@backstage/catalog-model';
import {
  ClusterSnapshot,
  EntityContext,
  KubeObject,
  KubernetesFacts,
  LatencyBucket,
  MeshCheck,
  MetricQuery,
  MetricSeries,
  MetricsData,
  QUERY_CATALOG,
  RequestRate,
  SourceOutcome,
  TracingData,
} from '@mesh-readiness/plugin-mesh-node';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { CheckRegistry } from '../checks/registry';
import { buildEntityContext, ContextOptions } from '../context/entityContext';
import { buildEntityReport } from '../report/buildReport';
import { resolveEntityMapping } from '../mapping/entityMapping';
import { buildKubernetesFacts } from '../snapshot/kubernetesFacts';

export const FETCHED_AT = '2026-03-01T10:00:00.000Z';
export const NOW = new Date('2026-03-01T10:00:05.000Z');

type StringMap = Record<string, string>;

export interface ContainerSpec {
  name: string;
  image?: string;
  restartPolicy?: string;
  [key: string]: unknown;
}

export function container(
  name: string,
  image = `ghcr.io/example/${name}:1.0.0`,
): ContainerSpec {
  return { name, image };
}

/** The `istio-proxy` container as the injector renders it. */
export function istioProxy(
  version = '1.27.1',
  options: { native?: boolean; image?: string } = {},
): ContainerSpec {
  return {
    name: 'istio-proxy',
    image: options.image ?? `docker.io/istio/proxyv2:${version}`,
    ...(options.native ? { restartPolicy: 'Always' } : {}),
  };
}

/** The `linkerd-proxy` container as the injector renders it. */
export function linkerdProxy(
  version = 'edge-25.9.1',
  options: { native?: boolean; image?: string } = {},
): ContainerSpec {
  return {
    name: 'linkerd-proxy',
    image: options.image ?? `cr.l5d.io/linkerd/proxy:${version}`,
    ...(options.native ? { restartPolicy: 'Always' } : {}),
  };
}

export interface PodSpecOptions {
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  hostNetwork?: boolean;
}

function podSpec(name: string, o: PodSpecOptions) {
  return {
    containers: o.containers ?? [container(name)],
    ...(o.initContainers ? { initContainers: o.initContainers } : {}),
    ...(o.hostNetwork ? { hostNetwork: true } : {}),
  };
}

export function namespace(
  name: string,
  options: { labels?: StringMap; annotations?: StringMap } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'kubernetes.io/metadata.name': name, ...options.labels },
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
  };
}

export interface OwnerRef {
  kind: string;
  name: string;
  controller?: boolean;
}

export interface PodOptions extends PodSpecOptions {
  labels?: StringMap;
  annotations?: StringMap;
  owner?: OwnerRef;
  phase?: string;
  /** Adds the status conditions a scheduled pod reports, Ready as given. */
  ready?: boolean;
}

export function pod(name: string, ns: string, o: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: o.labels ?? {},
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.owner
        ? {
            ownerReferences: [
              {
                apiVersion:
                  o.owner.kind === 'ReplicaSet' ? 'apps/v1' : 'batch/v1',
                kind: o.owner.kind,
                name: o.owner.name,
                uid: `uid-${o.owner.name}`,
                controller: o.owner.controller ?? true,
              },
            ],
          }
        : {}),
    },
    spec: podSpec(name, o),
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ready !== undefined
        ? {
            conditions: [
              { type: 'PodScheduled', status: 'True' },
              { type: 'Initialized', status: 'True' },
              { type: 'ContainersReady', status: o.ready ? 'True' : 'False' },
              { type: 'Ready', status: o.ready ? 'True' : 'False' },
            ].map(c => ({
              ...c,
              lastProbeTime: null,
              lastTransitionTime: '2026-03-01T09:00:00Z',
            })),
          }
        : {}),
    },
  };
}

export interface WorkloadOptions extends PodSpecOptions {
  labels?: StringMap;
  annotations?: StringMap;
  templateLabels?: StringMap;
  templateAnnotations?: StringMap;
  replicas?: number;
  /** The object's `status`, as the controller writes it. */
  status?: Record<string, unknown>;
}

function template(name: string, o: WorkloadOptions) {
  return {
    metadata: {
      labels: o.templateLabels ?? { app: name },
      ...(o.templateAnnotations ? { annotations: o.templateAnnotations } : {}),
    },
    spec: podSpec(name, o),
  };
}

function workloadObject(
  apiVersion: string,
  kind: string,
  name: string,
  ns: string,
  o: WorkloadOptions,
  spec: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: ns,
      labels: o.labels ?? { app: name },
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec,
    ...(o.status ? { status: o.status } : {}),
  };
}

export function deployment(
  name: string,
  ns: string,
  o: WorkloadOptions = {},
): KubeObject {
  return workloadObject('apps/v1', 'Deployment', name, ns, o, {
    ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
    selector: { matchLabels: o.templateLabels ?? { app: name } },
    template: template(name, o),
  });
}

export function statefulSet(
  name: string,
  ns: string,
  o: WorkloadOptions = {},
): KubeObject {
  return workloadObject('apps/v1', 'StatefulSet', name, ns, o, {
    ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
    serviceName: name,
    selector: { matchLabels: o.templateLabels ?? { app: name } },
    template: template(name, o),
  });
}

export function daemonSet(
  name: string,
  ns: string,
  o: WorkloadOptions = {},
): KubeObject {
  return workloadObject('apps/v1', 'DaemonSet', name, ns, o, {
    selector: { matchLabels: o.templateLabels ?? { app: name } },
    template: template(name, o),
  });
}

export function cronJob(
  name: string,
  ns: string,
  o: WorkloadOptions = {},
): KubeObject {
  return workloadObject('batch/v1', 'CronJob', name, ns, o, {
    schedule: '*/5 * * * *',
    jobTemplate: { spec: { template: template(name, o) } },
  });
}

export function job(
  name: string,
  ns: string,
  o: WorkloadOptions & { owner?: OwnerRef } = {},
): KubeObject {
  const obj = workloadObject('batch/v1', 'Job', name, ns, o, {
    template: template(name, o),
  });
  if (o.owner) {
    obj.metadata.ownerReferences = [
      {
        apiVersion: 'batch/v1',
        kind: o.owner.kind,
        name: o.owner.name,
        controller: true,
      },
    ];
  }
  return obj;
}

export function replicaSet(
  name: string,
  ns: string,
  owner?: OwnerRef,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ns,
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: owner.kind,
                name: owner.name,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {},
  };
}

export interface AppOptions extends WorkloadOptions {
  /** Number of running pods. */
  pods?: number;
  /** How many of the pods carry the proxy; the rest run without one. Defaults to none. */
  meshedPods?: number;
  /** The proxy container of meshed pods. */
  proxy?: ContainerSpec;
  /** Put the proxy in `initContainers` (native sidecar); `proxy` must then be native. */
  nativeProxy?: boolean;
  /** Annotations of every pod (for example `ambient.istio.io/redirection`). */
  podAnnotations?: StringMap;
  /** Leave the ReplicaSet out, as a manifests dir of only Deployments and Pods would. */
  withoutReplicaSet?: boolean;
  hash?: string;
}

/**
 * A Deployment with its ReplicaSet and running pods, owner references set the way the
 * Deployment controller sets them.
 */
export function deploymentWithPods(
  name: string,
  ns: string,
  o: AppOptions = {},
): KubeObject[] {
  const hash = o.hash ?? '6b7f9c8d5';
  const rsName = `${name}-${hash}`;
  const count = o.pods ?? 1;
  const meshed = o.meshedPods ?? 0;
  const labels = o.templateLabels ?? { app: name };
  const pods = Array.from({ length: count }, (_, i) => {
    const withProxy = i < meshed;
    const proxy = o.proxy ?? istioProxy();
    return pod(`${rsName}-p${i}`, ns, {
      labels: { ...labels, 'pod-template-hash': hash },
      annotations: o.podAnnotations,
      owner: { kind: 'ReplicaSet', name: rsName },
      hostNetwork: o.hostNetwork,
      containers: [
        container(name),
        ...(withProxy && !o.nativeProxy ? [proxy] : []),
      ],
      ...(withProxy && o.nativeProxy ? { initContainers: [proxy] } : {}),
    });
  });
  return [
    deployment(name, ns, { ...o, replicas: o.replicas ?? count }),
    ...(o.withoutReplicaSet
      ? []
      : [replicaSet(rsName, ns, { kind: 'Deployment', name })]),
    ...pods,
  ];
}

/** A core/v1 Service selecting pods by `selector`, with one HTTP port. */
export function service(
  name: string,
  ns: string,
  selector: StringMap,
  ports: Array<Record<string, unknown>> = [
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
  ],
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { type: 'ClusterIP', selector, ports },
  };
}

/** A StatefulSet and its ordinal pods. */
export function statefulSetWithPods(
  name: string,
  ns: string,
  o: AppOptions = {},
): KubeObject[] {
  const count = o.pods ?? 1;
  const meshed = o.meshedPods ?? 0;
  const labels = o.templateLabels ?? { app: name };
  return [
    statefulSet(name, ns, { ...o, replicas: o.replicas ?? count }),
    ...Array.from({ length: count }, (_, i) =>
      pod(`${name}-${i}`, ns, {
        labels: {
          ...labels,
          'statefulset.kubernetes.io/pod-name': `${name}-${i}`,
        },
        annotations: o.podAnnotations,
        owner: { kind: 'StatefulSet', name },
        containers: [
          container(name),
          ...(i < meshed ? [o.proxy ?? istioProxy()] : []),
        ],
      }),
    ),
  ];
}

export function entity(name: string, annotations: StringMap = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-shop' },
  };
}

/**
 * Inbound traffic of one workload in the old summary form: a test says how many
 * requests, 5xx and 4xx per second, and `metrics()` turns it into the catalog's series.
 */
export interface TrafficSpec {
  provider: 'istio' | 'linkerd';
  /** `destination` (Istio sidecar), `waypoint` (Istio ambient L7) or `inbound` (Linkerd). */
  reporter: 'destination' | 'waypoint' | 'inbound';
  requestsPerSecond: number;
  serverErrorsPerSecond: number;
  clientErrorsPerSecond: number;
  latencyBuckets: LatencyBucket[];
}

export function traffic(o: Partial<TrafficSpec> = {}): TrafficSpec {
  return {
    provider: 'istio',
    reporter: 'destination',
    requestsPerSecond: 10,
    serverErrorsPerSecond: 0,
    clientErrorsPerSecond: 0,
    latencyBuckets: [
      { le: 10, rate: 5 },
      { le: 50, rate: 9 },
      { le: 100, rate: 10 },
      { le: Infinity, rate: 10 },
    ],
    ...o,
  };
}

/** Cumulative buckets from `[le, rate]` pairs; `+Inf` is written as Infinity. */
export function buckets(...pairs: Array<[number, number]>): LatencyBucket[] {
  return pairs.map(([le, rate]) => ({ le, rate }));
}

/** Every catalog entry with no series, as a Prometheus with no mesh traffic answers. */
export function emptySeries(): MetricSeries {
  const out = {} as Record<string, unknown>;
  for (const [id, entry] of Object.entries(QUERY_CATALOG)) {
    out[id] = (entry as MetricQuery<unknown>).parse([]);
  }
  return out as MetricSeries;
}

function specRows(t: TrafficSpec): RequestRate[] {
  const reporter = t.reporter;
  const ok =
    t.requestsPerSecond - t.serverErrorsPerSecond - t.clientErrorsPerSecond;
  const rows: RequestRate[] = [
    { reporter, protocol: 'http', code: '200', rate: ok },
  ];
  if (t.serverErrorsPerSecond > 0)
    rows.push({
      reporter,
      protocol: 'http',
      code: '503',
      rate: t.serverErrorsPerSecond,
    });
  if (t.clientErrorsPerSecond > 0)
    rows.push({
      reporter,
      protocol: 'http',
      code: '404',
      rate: t.clientErrorsPerSecond,
    });
  return rows;
}

/**
 * Metrics data for a snapshot: per-workload traffic specs (keyed `namespace/name`)
 * turned into the catalog's series, plus any series given as they are.
 */
export function metrics(
  workloads: Record<string, TrafficSpec> = {},
  window = '5m',
  extra: Partial<MetricSeries> = {},
): MetricsData {
  const series = emptySeries();
  for (const [key, t] of Object.entries(workloads)) {
    const latency = { reporter: t.reporter, buckets: t.latencyBuckets };
    if (t.provider === 'linkerd') {
      series.linkerdResponses[key] = specRows(t);
      series.linkerdLatency[key] = [latency];
    } else {
      (series.istioRequests[key] ??= []).push(...specRows(t));
      (series.istioLatency[key] ??= []).push(latency);
    }
  }
  return {
    window,
    series: { ...series, ...extra },
    problems: [],
    queries: Object.keys(QUERY_CATALOG).length,
  };
}

export interface SnapshotOptions {
  /** Metrics of a healthy Prometheus; omit `prometheus` to have one with no traffic. */
  metrics?: MetricsData;
  /** Replaces the Kubernetes outcome (for a failed or unconfigured source). */
  kubernetes?: Partial<SourceOutcome<KubernetesFacts>>;
  /** Replaces the Prometheus outcome (for a failed or unconfigured source). */
  prometheus?: Partial<SourceOutcome<MetricsData>>;
  /** Replaces the tracing outcome (unconfigured by default). */
  tracing?: Partial<SourceOutcome<TracingData>>;
}

/** A cluster snapshot built from objects with the real snapshot builder. */
export function snapshot(
  cluster: string,
  objects: KubeObject[],
  o: SnapshotOptions = {},
): ClusterSnapshot {
  return {
    cluster,
    kubernetes: {
      name: 'kubernetes',
      configured: true,
      ok: true,
      fetchedAt: FETCHED_AT,
      data: buildKubernetesFacts(objects),
      ...o.kubernetes,
    },
    prometheus: {
      name: 'prometheus',
      configured: true,
      ok: true,
      fetchedAt: FETCHED_AT,
      data: o.metrics ?? metrics(),
      ...o.prometheus,
    },
    tracing: {
      name: 'tracing',
      configured: false,
      ok: false,
      fetchedAt: FETCHED_AT,
      ...o.tracing,
    },
  };
}

export const failedSource = (error: string) => ({
  ok: false,
  error,
  data: undefined,
});
export const unconfiguredSource = {
  configured: false,
  ok: false,
  data: undefined,
};

/**
 * The context a check sees for an entity, built by the same join a collection run
 * uses (context/).
 */
export function contextFor(
  snapshots: ClusterSnapshot[],
  annotations: StringMap = {
    'backstage.io/kubernetes-label-selector': 'app=checkout',
  },
  window = '5m',
  options: Partial<ContextOptions> = {},
): EntityContext {
  const e = entity('checkout', annotations);
  const mapping = resolveEntityMapping(e);
  if (mapping.kind !== 'mapped') {
    throw new Error(`test entity is not mapped: ${JSON.stringify(mapping)}`);
  }
  return buildEntityContext(e, mapping, snapshots, { window, ...options });
}

/** One entity's report with the built-in checks, as a collection run builds it. */
export function reportFor(
  e: Entity,
  snapshots: ClusterSnapshot[],
  window = '5m',
  now?: Date,
  /** The checks to run instead of every built-in one. */
  checks?: MeshCheck[],
): MeshReport {
  return buildEntityReport(
    new CheckRegistry([], checks),
    e,
    snapshots,
    { window },
    now,
  );
}
