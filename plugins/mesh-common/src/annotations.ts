/** Annotations of the Kubernetes plugin, reused so that adopters annotate once. */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';
export const ANNOTATION_KUBERNETES_CLUSTER = 'backstage.io/kubernetes-cluster';

/** This plugin's own annotations. */
export const ANNOTATION_LATENCY_BUDGET_P99 =
  'servicemesh/latency-budget-p99-ms';
/** Check ids to waive, comma-separated; needs a reason, may have an end date. */
export const ANNOTATION_WAIVE = 'servicemesh/waive';
export const ANNOTATION_WAIVE_REASON = 'servicemesh/waive-reason';
/** `YYYY-MM-DD`: the last day the waiver applies. */
export const ANNOTATION_WAIVE_UNTIL = 'servicemesh/waive-until';

/** The annotations that map an entity to workloads; one of them is required. */
export const MAPPING_ANNOTATIONS = [
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
] as const;

/** True when the entity carries an annotation that maps it to workloads. */
export function hasMeshMapping(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return MAPPING_ANNOTATIONS.some(a => Boolean(annotations[a]?.trim()));
}
