/**
 * What every rule family of `mesh.config-validation` reads and returns. A rule is a
 * pure function of one workload and the facts of the clusters it was looked up in.
 */
import {
  EntityWorkload,
  KubernetesFacts,
  MetricsData,
  ObjectRef,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { podMeshing } from '../../../context/meshing';

export type FindingLevel = 'warning' | 'error';

/** One finding, in the manner of `istioctl analyze` and Kiali's validations. */
export interface Finding {
  /** `IST0173/KIA0203`: the istioctl analyze and Kiali codes for the same problem. */
  code: string;
  level: FindingLevel;
  /** The object at fault. */
  object: ObjectRef;
  message: string;
  /** The fix, filled in for the objects at fault (YAML or commands). */
  fix: string;
  /** `cluster/namespace/kind/name` of the workload it was found for. */
  workload?: string;
  /** Figures behind the finding (observed traffic, the labels compared, …). */
  details?: Record<string, unknown>;
}

export interface RuleInput {
  w: EntityWorkload;
  /** The facts of the workload's own cluster. */
  facts: KubernetesFacts;
  /**
   * The facts of every cluster the entity was looked up in: a host may be served by
   * another cluster of a multi-cluster mesh, so hosts are looked up in all of them.
   */
  clusters: KubernetesFacts[];
  /** The workload's cluster metrics, when that cluster has a working Prometheus. */
  metrics?: MetricsData;
}

export type Rule = (input: RuleInput) => Finding[];

/** The label sets of a workload's pods: the live ones, or its template when none runs. */
export function podLabelsOf(w: WorkloadFacts): Record<string, string>[] {
  return w.pods.length > 0 ? w.pods.map(p => p.labels) : [w.templateLabels];
}

/** Every label set of the workloads in a namespace of a cluster, with their workload. */
export function namespacePods(
  facts: KubernetesFacts,
  namespace: string,
): { workload: WorkloadFacts; labels: Record<string, string> }[] {
  return facts.workloads
    .filter(w => w.namespace === namespace)
    .flatMap(w => podLabelsOf(w).map(labels => ({ workload: w, labels })));
}

/** Every pair of `matchLabels` is in `labels` (an empty selector matches). */
export function matchesLabels(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export const refText = (ref: ObjectRef): string =>
  `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

export const workloadText = (w: EntityWorkload): string =>
  `${w.cluster}/${w.workload.namespace}/${w.workload.kind}/${w.workload.name}`;

/** True when a pod of the workload runs Istio's sidecar (or the template renders one). */
export function hasIstioSidecar(w: EntityWorkload): boolean {
  if (w.workload.pods.length > 0)
    return w.workload.pods.some(p => p.proxy?.provider === 'istio');
  if (w.workload.templateProxy?.provider === 'istio') return true;
  return (
    w.injection.intent?.provider === 'istio' &&
    w.injection.intent.dataPlane === 'sidecar'
  );
}

/** True when the workload is (or will be) Istio-meshed, sidecar or ambient. */
export function isIstio(w: EntityWorkload): boolean {
  if (w.workload.pods.length > 0)
    return w.workload.pods.some(p => podMeshing(p)?.provider === 'istio');
  return (
    w.workload.templateProxy?.provider === 'istio' ||
    w.injection.intent?.provider === 'istio'
  );
}

export function isLinkerd(w: EntityWorkload): boolean {
  if (w.workload.pods.length > 0)
    return w.workload.pods.some(p => p.proxy?.provider === 'linkerd');
  return (
    w.workload.templateProxy?.provider === 'linkerd' ||
    w.injection.intent?.provider === 'linkerd'
  );
}

/** `kubectl` form of an object's kind: `destinationrule.networking.istio.io`. */
export function kubectlKind(ref: ObjectRef): string {
  return ref.group
    ? `${ref.kind.toLowerCase()}.${ref.group}`
    : ref.kind.toLowerCase();
}
