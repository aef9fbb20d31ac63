/**
 * The fixed set of PromQL queries of one collection. Each is aggregated `by` workload
 * labels over the whole cluster, so the number of queries does not grow with the number
 * of entities. Metric and label names: ../shared/reference/mesh-signals.md §1 and §2.
 */
export interface MeshQueries {
  istioRequests: string;
  istioLatencyBuckets: string;
  linkerdResponses: string;
  linkerdLatencyBuckets: string;
}

/** Linkerd's scrape config turns `linkerd.io/proxy-<kind>` pod labels into these. */
export const LINKERD_WORKLOAD_LABELS = [
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'k8s_job',
] as const;

export function buildMeshQueries(window: string): MeshQueries {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(window)) {
    throw new Error(`invalid PromQL window '${window}'`);
  }
  // sidecars report as `destination`, ambient waypoints as `waypoint`; both are kept and
  // one is chosen per workload, so traffic seen by both is never counted twice.
  const istioSel = `reporter=~"destination|waypoint"`;
  const istioBy =
    'destination_workload_namespace, destination_workload, reporter';
  const linkerdBy = `namespace, ${LINKERD_WORKLOAD_LABELS.join(', ')}`;
  return {
    istioRequests: `sum by (${istioBy}, response_code, grpc_response_status) (rate(istio_requests_total{${istioSel}}[${window}]))`,
    istioLatencyBuckets: `sum by (${istioBy}, le) (rate(istio_request_duration_milliseconds_bucket{${istioSel}}[${window}]))`,
    linkerdResponses: `sum by (${linkerdBy}, classification, status_code) (rate(response_total{direction="inbound"}[${window}]))`,
    linkerdLatencyBuckets: `sum by (${linkerdBy}, le) (rate(response_latency_ms_bucket{direction="inbound"}[${window}]))`,
  };
}
