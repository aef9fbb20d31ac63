/** The shape of a query catalog entry and the parsing helpers the entries share. */
import {
  LatencyBucket,
  Reporter,
  ReporterLatency,
  RequestProtocol,
  VectorSample,
  WorkloadKey,
  WorkloadSeries,
} from '../metrics';

/**
 * One entry of the declarative query catalog (`QUERY_CATALOG`): the PromQL that fetches
 * a metric for a whole cluster and the parser that turns the answer into a typed field
 * of `MetricsData.series`. Adding a metric check means one entry plus the check's own
 * file. Metric and label names are
 * those of Istio's `istio_stats.cc`, ztunnel's `metrics.rs` and Linkerd's proxy-metrics
 * reference.
 */
export interface MetricQuery<T> {
  /** The field of `MetricsData.series` the answer lands in. */
  id: string;
  description: string;
  /**
   * The label that holds the namespace the series belongs to. The runner shards a
   * query by it (`<label>=~"ns1|ns2"`), and a recording rule keeps it.
   */
  namespaceLabel: string;
  /**
   * The PromQL, aggregated by workload labels. `matchers` are extra label matchers to
   * put in every selector (a namespace shard), or the empty string.
   */
  promql(window: string, matchers: string): string;
  /**
   * The name of the recording rule that precomputes `promql(window, '')`, which the
   * runner reads instead when Prometheus has it. The name carries the window, so a rule
   * recorded for another window is never taken for this one. A changed `promql` means
   * a changed rule: regenerate docs/prometheus/recording-rules.yaml (run the
   * recordingRules test with MESH_WRITE_RULES=1).
   */
  recordingRule?(window: string): string;
  /** Samples of every shard together, into the typed field. */
  parse(samples: VectorSample[]): T;
}

export function defineQuery<T>(query: MetricQuery<T>): MetricQuery<T> {
  return query;
}

/** `a="b"` plus extra matchers, for a selector's braces. */
export function sel(base: string, matchers: string): string {
  return matchers ? `${base},${matchers}` : base;
}

export function groupBy<Row>(
  samples: VectorSample[],
  keyOf: (labels: Record<string, string>) => WorkloadKey | undefined,
  rowOf: (sample: VectorSample) => Row | undefined,
): WorkloadSeries<Row> {
  const out: WorkloadSeries<Row> = {};
  for (const s of samples) {
    const key = keyOf(s.labels);
    const row = key === undefined ? undefined : rowOf(s);
    if (key === undefined || row === undefined) continue;
    (out[key] ??= []).push(row);
  }
  return out;
}

export const known = (v: string | undefined) =>
  v && v !== 'unknown' ? v : undefined;

export function workloadKey(
  namespace: string | undefined,
  name: string | undefined,
): WorkloadKey | undefined {
  const ns = known(namespace);
  const wl = known(name);
  return ns && wl ? `${ns}/${wl}` : undefined;
}

/** Istio's and Envoy's ways of saying "no response": reset, timeout, no upstream. */
export function normalizeCode(code: string | undefined): string {
  return !code || code === '0' || code === '-' ? '-' : code;
}

export function protocolOf(value: string | undefined): RequestProtocol {
  return value === 'grpc' || value === 'tcp' ? value : 'http';
}

export function bucketsOf(
  samples: VectorSample[],
  keyOf: (labels: Record<string, string>) => WorkloadKey | undefined,
  reporterOf: (labels: Record<string, string>) => Reporter,
): WorkloadSeries<ReporterLatency> {
  const out: WorkloadSeries<ReporterLatency> = {};
  for (const s of samples) {
    const key = keyOf(s.labels);
    const le =
      s.labels.le === '+Inf' ? Infinity : Number(s.labels.le ?? Number.NaN);
    if (!key || Number.isNaN(le)) continue;
    const reporter = reporterOf(s.labels);
    const rows = (out[key] ??= []);
    let row = rows.find(r => r.reporter === reporter);
    if (!row) {
      row = { reporter, buckets: [] };
      rows.push(row);
    }
    const bucket: LatencyBucket | undefined = row.buckets.find(
      b => b.le === le,
    );
    if (bucket) bucket.rate += s.value;
    else row.buckets.push({ le, rate: s.value });
  }
  return out;
}
