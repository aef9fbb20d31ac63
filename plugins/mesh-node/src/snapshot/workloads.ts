import { MeshName } from '@mesh-readiness/plugin-mesh-common';

/** Requests and limits as the pod spec writes them (`100m`, `128Mi`), unparsed. */
export interface ResourceRequirements {
  requests: { cpu?: string; memory?: string };
  limits: { cpu?: string; memory?: string };
}

export interface ContainerFacts {
  name: string;
  image?: string;
  resources: ResourceRequirements;
  /** Container ports: name, number and protocol (`TCP` by default). */
  ports: { name?: string; containerPort: number; protocol: string }[];
  /**
   * The UID the container runs as: its own `securityContext.runAsUser`, else the pod's.
   * Absent when neither sets it (the image's user applies, unknown here).
   */
  runAsUser?: number;
}

export interface ProxyInfo {
  provider: MeshName;
  /** `istio-proxy` or `linkerd-proxy`. */
  container: string;
  /** Rendered as an init container with `restartPolicy: Always`. */
  nativeSidecar: boolean;
  image?: string;
  version?: string;
  /** The proxy container's own requests and limits. */
  resources: ResourceRequirements;
}

export interface PodFacts {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`, when the status was seen. */
  phase?: string;
  /**
   * The pod's `Ready` condition is `True`. Absent when the status lists no conditions
   * at all (a manifest without status), so readiness is not known.
   */
  ready?: boolean;
  hostNetwork: boolean;
  serviceAccountName: string;
  /** The application containers (not the proxy). */
  containers: ContainerFacts[];
  /** The sidecar proxy, when the pod has one. */
  proxy?: ProxyInfo;
  /** Captured by Istio ambient (ztunnel redirection). */
  ambient: boolean;
  /** `metadata.creationTimestamp`, when the object carried it. */
  createdAt?: string;
  /** `spec.nodeName`: the node it was scheduled on, when it has been. */
  nodeName?: string;
}

export interface WorkloadFacts {
  namespace: string;
  /** Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet or Pod. */
  kind: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  templateLabels: Record<string, string>;
  templateAnnotations: Record<string, string>;
  /** Desired replicas, when the workload object was seen. */
  replicas?: number;
  /**
   * `status.readyReplicas` (0 when the status omits it, as the API does for none ready),
   * for a workload object that carried a status; absent otherwise.
   */
  readyReplicas?: number;
  /** False when only pods were seen and the workload was inferred from their owners. */
  objectSeen: boolean;
  /**
   * Live pods: Succeeded and Failed pods (completed, evicted) are left out, since they
   * run no proxy and never will again.
   */
  pods: PodFacts[];
  /** A proxy already in the pod template (manifests rendered with `istioctl kube-inject` or `linkerd inject --manual`). */
  templateProxy?: ProxyInfo;
  /** The template's application containers, for workloads with no pods yet. */
  templateContainers: ContainerFacts[];
  hostNetwork: boolean;
  /** The pod template's service account (`default` when unset). */
  serviceAccountName: string;
  /**
   * The workload object's `metadata.creationTimestamp`, when it was seen and carried
   * one (absent for workloads inferred from their pods).
   */
  createdAt?: string;
}

export interface NamespaceFacts {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** What the mesh's injector or node agent would do with a new pod of a workload. */
export interface InjectionIntent {
  provider: MeshName;
  dataPlane: 'sidecar' | 'ambient';
  /** Human-readable origin, e.g. `namespace label istio-injection=enabled`. */
  via: string;
}

export interface InjectionDecision {
  intent?: InjectionIntent;
  /** Set when the workload or its namespace explicitly opts out of every mesh. */
  optOut?: string;
}
