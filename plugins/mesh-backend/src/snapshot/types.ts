import { KubeObject, UnavailableResource } from '../sources/kubernetes/types';
import { MetricsData } from '../sources/prometheus/PrometheusSource';
import { TracingData } from '../sources/tracing/types';

export interface ProxyInfo {
  provider: 'istio' | 'linkerd';
  /** `istio-proxy` or `linkerd-proxy`. */
  container: string;
  /** Rendered as an init container with `restartPolicy: Always`. */
  nativeSidecar: boolean;
  image?: string;
  version?: string;
}

export interface PodFacts {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  phase?: string;
  hostNetwork: boolean;
  /** The sidecar proxy, when the pod has one. */
  proxy?: ProxyInfo;
  /** Captured by Istio ambient (ztunnel redirection). */
  ambient: boolean;
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
  /** False when only pods were seen and the workload was inferred from their owners. */
  objectSeen: boolean;
  pods: PodFacts[];
  /** A proxy already in the pod template (manifests rendered with `istioctl kube-inject` or `linkerd inject --manual`). */
  templateProxy?: ProxyInfo;
  hostNetwork: boolean;
}

export interface NamespaceFacts {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface KubernetesFacts {
  namespaces: Record<string, NamespaceFacts>;
  workloads: WorkloadFacts[];
  /** Every other object, by kind key (`Service`, `security.istio.io/PeerAuthentication`). */
  resources: Record<string, KubeObject[]>;
  /** Kinds that could not be listed; the checks that need them are `unknown`. */
  unavailable: UnavailableResource[];
  /** Optional kinds whose CRD is not installed. */
  absent: string[];
  objectCount: number;
}

/** What one source gave in one run. */
export interface SourceOutcome<T> {
  name: 'kubernetes' | 'prometheus' | 'tracing';
  /** False when the cluster's config does not name this source at all. */
  configured: boolean;
  ok: boolean;
  /** Why the source failed, or the parts of its input it had to skip. */
  error?: string;
  fetchedAt: string;
  /**
   * Set when the source failed and `data` is what it last gave, at this time. Checks
   * still treat the source as failed; the data serves only to show what was known.
   */
  lastGoodAt?: string;
  data?: T;
}

/** Everything known about one cluster in one run. Plain data, built once per run. */
export interface ClusterSnapshot {
  cluster: string;
  kubernetes: SourceOutcome<KubernetesFacts>;
  prometheus: SourceOutcome<MetricsData>;
  /** Sampled traces; absent in snapshots stored before tracing was collected. */
  tracing?: SourceOutcome<TracingData>;
  /** Milliseconds each source took in the run that made this snapshot. */
  timings?: Record<string, number>;
}
