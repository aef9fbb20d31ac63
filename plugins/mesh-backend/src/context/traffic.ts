import {
  EntityTraffic,
  EntityWorkload,
  LatencyBucket,
  MetricsData,
  RequestRate,
  SourceReportedRequest,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { mergeBuckets } from '../health/histogram';

/**
 * A cluster's source-reported edges (`istioSourceRequests`) by the keys checks look
 * them up by. Checks run once per entity: scanning the whole cluster's rows each time
 * would make a run quadratic in the fleet's size.
 */
export interface SourceIndex {
  byDestinationWorkload: Map<string, SourceReportedRequest[]>;
  /** Only the requests whose caller's proxy could not name a destination workload. */
  byDestinationService: Map<string, SourceReportedRequest[]>;
  /** Every request by its destination Service, named workload or not. */
  byService: Map<string, SourceReportedRequest[]>;
  bySource: Map<string, SourceReportedRequest[]>;
}

const indexes = new WeakMap<MetricsData, SourceIndex>();

function push<T>(map: Map<string, T[]>, key: string | undefined, value: T) {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The source-reported edges of a cluster, indexed once per snapshot, not per entity. */
export function sourceIndex(metrics: MetricsData): SourceIndex {
  let index = indexes.get(metrics);
  if (index) return index;
  index = {
    byDestinationWorkload: new Map(),
    byDestinationService: new Map(),
    byService: new Map(),
    bySource: new Map(),
  };
  for (const row of metrics.series.istioSourceRequests ?? []) {
    if (row.destinationWorkload)
      push(index.byDestinationWorkload, row.destinationWorkload, row);
    else push(index.byDestinationService, row.destinationService, row);
    push(index.byService, row.destinationService, row);
    push(index.bySource, row.source, row);
  }
  indexes.set(metrics, index);
  return index;
}

/** Istio's sidecar report when there is one; a waypoint's stands in for ambient pods. */
function preferSidecar<T extends { reporter: string }>(rows: T[]): T[] {
  const sidecar = rows.filter(r => r.reporter === 'destination');
  return sidecar.length > 0
    ? sidecar
    : rows.filter(r => r.reporter === 'waypoint');
}

/**
 * Joins the metric series of every cluster to the entity's workloads: what they
 * received (own proxies, and callers' proxies through workload or Service), what they
 * sent, their latency and their L4 traffic.
 */
export function joinTraffic(
  workloads: EntityWorkload[],
  metricsFor: (w: EntityWorkload) => MetricsData | undefined,
): EntityTraffic {
  const inbound: RequestRate[] = [];
  const outbound: RequestRate[] = [];
  const sourceReported = new Set<SourceReportedRequest>();
  const histograms: LatencyBucket[][] = [];
  const tcp: EntityTraffic['tcp'] = [];
  const withSeries: string[] = [];
  for (const w of workloads) {
    const metrics = metricsFor(w);
    if (!metrics) continue;
    const key = workloadKey(w);
    const { series } = metrics;
    const istio = series.istioRequests?.[key] ?? [];
    const linkerd = series.linkerdResponses?.[key] ?? [];
    const l4 = series.istioTcp?.[key] ?? [];
    if (istio.length + linkerd.length + l4.length > 0)
      withSeries.push(`${w.cluster}/${key}`);
    inbound.push(
      ...preferSidecar(istio),
      ...linkerd.filter(r => r.reporter === 'inbound'),
    );
    outbound.push(...linkerd.filter(r => r.reporter === 'outbound'));
    tcp.push(...l4);

    const latency = [
      ...preferSidecar(series.istioLatency?.[key] ?? []),
      ...(series.linkerdLatency?.[key] ?? []),
    ];
    histograms.push(...latency.map(l => l.buckets));

    const index = sourceIndex(metrics);
    for (const row of index.byDestinationWorkload.get(key) ?? [])
      sourceReported.add(row);
    for (const service of w.mesh.services) {
      for (const row of index.byDestinationService.get(
        `${service.namespace}/${service.name}`,
      ) ?? [])
        sourceReported.add(row);
    }
    for (const row of index.bySource.get(key) ?? []) {
      outbound.push({
        reporter: 'source',
        protocol: row.protocol,
        code: row.code,
        ...(row.grpcStatus ? { grpcStatus: row.grpcStatus } : {}),
        rate: row.rate,
      });
    }
  }
  return {
    inbound,
    sourceReported: [...sourceReported],
    outbound,
    latency: histograms.length > 0 ? mergeBuckets(histograms) : [],
    tcp,
    withSeries,
  };
}
