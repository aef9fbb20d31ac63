/**
 * Latency of the calls into each workload as the callers' proxies saw them, for the
 * per-hop overhead (`latency.sidecar-overhead`): the caller's view minus the server's own
 * view (`istioLatency`, `linkerdLatency`) is what the proxies and the network add.
 * Istio: `istio_request_duration_milliseconds_bucket{reporter="source"}` by destination
 * workload (`istio_stats.cc` labels). Linkerd: the outbound `response_latency_ms_bucket`
 * by its `dst_*` labels (Linkerd's proxy-metrics reference). Each entry is aggregated by
 * the destination's labels for the whole cluster, so the query count stays constant.
 */
import { WorkloadKey, WorkloadSeries, ReporterLatency } from '../metrics';
import { bucketsOf, defineQuery, sel, workloadKey } from './helpers';

const istioDestination = (l: Record<string, string>) =>
  workloadKey(l.destination_workload_namespace, l.destination_workload);

/**
 * The outbound `dst_*` labels Linkerd's destination service sets, the top-level owner
 * first. There is no `dst_cronjob`: a CronJob's Job maps back by its name.
 */
export const LINKERD_DST_WORKLOAD_LABELS = [
  'dst_deployment',
  'dst_statefulset',
  'dst_daemonset',
  'dst_k8s_job',
  'dst_replicaset',
  'dst_replicationcontroller',
] as const;

function linkerdDestination(
  l: Record<string, string>,
): WorkloadKey | undefined {
  for (const label of LINKERD_DST_WORKLOAD_LABELS) {
    const name = l[label];
    if (!name) continue;
    const cron =
      label === 'dst_k8s_job' ? /^(.+)-\d{8,10}$/.exec(name)?.[1] : '';
    return workloadKey(l.dst_namespace, cron || name);
  }
  return undefined;
}

export const OVERHEAD_QUERIES = {
  /** The callers' sidecars and gateways (`reporter="source"`), by destination workload. */
  istioSourceLatency: defineQuery<WorkloadSeries<ReporterLatency>>({
    id: 'istioSourceLatency',
    recordingRule: w =>
      `mesh_workload:istio_request_duration_milliseconds_bucket_source:rate${w}`,
    description:
      'Istio request latency buckets reported by the calling proxies, by destination workload',
    namespaceLabel: 'destination_workload_namespace',
    promql: (w, m) =>
      `sum by (destination_workload_namespace, destination_workload, le) (rate(istio_request_duration_milliseconds_bucket{${sel(
        'reporter="source"',
        m,
      )}}[${w}]))`,
    parse: samples => bucketsOf(samples, istioDestination, () => 'source'),
  }),

  /** The callers' Linkerd proxies (`direction="outbound"`), by destination workload. */
  linkerdOutboundLatency: defineQuery<WorkloadSeries<ReporterLatency>>({
    id: 'linkerdOutboundLatency',
    recordingRule: w =>
      `mesh_workload:response_latency_ms_bucket_outbound:rate${w}`,
    description:
      'Linkerd response latency buckets reported by the calling proxies, by destination workload',
    namespaceLabel: 'dst_namespace',
    promql: (w, m) =>
      `sum by (dst_namespace, ${LINKERD_DST_WORKLOAD_LABELS.join(
        ', ',
      )}, le) (rate(response_latency_ms_bucket{${sel(
        'direction="outbound"',
        m,
      )}}[${w}]))`,
    parse: samples => bucketsOf(samples, linkerdDestination, () => 'outbound'),
  }),
};
