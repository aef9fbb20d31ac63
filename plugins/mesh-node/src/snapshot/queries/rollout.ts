/**
 * Rollout series: the application's own HTTP server metrics now and at the same time a
 * fixed number of days earlier, for the `rollout.comparison` check (the checklist's
 * "mesh it, compare meshed vs unmeshed metrics for a week").
 *
 * Why the app's metrics and an `offset`: before a workload was meshed, the mesh has no
 * view of it, but the app's own middleware counted the same requests both before and
 * after. `offset 7d` reads the same window at the same hour of the same weekday a week
 * earlier, so daily and weekly traffic shapes cancel out. One offset serves the whole
 * cluster (the query count must not grow with the number of services): the check uses
 * the baseline only for workloads meshed after it (`ROLLOUT_BASELINE_OFFSET_DAYS` ago or
 * less), which is every workload inside the default 7-day comparison window.
 *
 * App metric names are those of the reference's catalog that carry a latency histogram
 * in seconds: Micrometer `http_server_requests_seconds_*` (buckets only when
 * percentiles-histogram is on; the request and error rates come from `_count` anyway),
 * OTel stable / ASP.NET Core `http_server_request_duration_seconds_*`, and
 * prom-client / express-prom-bundle / FastAPI / prometheus-net / Go
 * `http_request_duration_seconds_*`. The old OTel `http_server_duration_milliseconds`
 * is left out (its unit differs). The status label differs by library (`status`,
 * `http_response_status_code`, `status_code`, `code`); a 5xx in any of them counts.
 *
 * App series carry `namespace` and `pod` (the kubernetes-pods scrape job), not the
 * workload, and the pods of a week ago are gone: the workload name is recovered from the
 * pod name in PromQL (`<deployment>-<template hash>-<suffix>`, `<daemonset>-<suffix>`,
 * `<statefulset>-<ordinal>`), so the answer is one row per workload and period.
 */
import { WorkloadSeries } from '../metrics';
import { defineQuery, sel, workloadKey } from './helpers';

/** How many days back the baseline of `rolloutAppHttp` is read (`offset 7d`). */
export const ROLLOUT_BASELINE_OFFSET_DAYS = 7;
/** The same, as Prometheus prints it back in a rule's expression. */
const OFFSET = '1w';

/** The app's own HTTP server figures for one period. */
export interface AppHttpFigures {
  /** `now`: the run's window; `baseline`: the same window `ROLLOUT_BASELINE_OFFSET_DAYS` earlier. */
  period: 'now' | 'baseline';
  requestsPerSecond?: number;
  /** 5xx responses per second. */
  errorsPerSecond?: number;
  /** p99 latency in milliseconds, when the app exposes histogram buckets. */
  p99Ms?: number;
  /**
   * Requests the mesh's own server-side proxies reported in that period (baseline
   * only): present means the workload was already meshed then.
   */
  meshRequestsPerSecond?: number;
}

const APP_HISTOGRAMS = [
  'http_server_requests_seconds',
  'http_server_request_duration_seconds',
  'http_request_duration_seconds',
];
const names = (suffix: string) =>
  APP_HISTOGRAMS.map(n => `${n}_${suffix}`).join('|');
const STATUS_LABELS = [
  'status',
  'http_response_status_code',
  'status_code',
  'code',
];
const PROBES = '/metrics|/health.*|/actuator.*|/ready.*|/live.*';
/**
 * The matchers of an app series: scrapes and probes are not traffic. Sorted by label
 * name, as Prometheus prints a rule's expression back (the rule is read only when the
 * two are the same).
 */
function appMatchers(name: string, extra?: string): string {
  return [
    `__name__=~"${name}"`,
    ...['handler', 'http_route', 'uri'].map(l => `${l}!~"${PROBES}"`),
    ...(extra ? [extra] : []),
  ]
    .sort((a, b) => a.split(/[!=]/)[0].localeCompare(b.split(/[!=]/)[0]))
    .join(',');
}

/** Adds a `workload` label recovered from the pod name; the most specific form wins. */
function withWorkload(vector: string): string {
  const patterns = [
    '(.+)-[0-9]+', // StatefulSet ordinal
    '(.+)-[a-z0-9]{5}', // DaemonSet (or bare ReplicaSet) suffix
    '(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}', // Deployment: template hash + suffix
  ];
  return patterns.reduce(
    (inner, p) => `label_replace(${inner}, "workload", "$1", "pod", "${p}")`,
    vector,
  );
}

function tagged(vector: string, period: string, signal: string): string {
  return `label_replace(label_replace(${vector}, "period", "${period}", "", ""), "signal", "${signal}", "", "")`;
}

function appHttpPromql(w: string, m: string): string {
  const parts: string[] = [];
  for (const [period, off] of [
    ['now', ''],
    ['baseline', ` offset ${OFFSET}`],
  ]) {
    const range = `[${w}]${off}`;
    const counts = (extra?: string) =>
      `rate({${sel(appMatchers(names('count'), extra), m)}}${range})`;
    const byWorkload = (v: string, by = '') =>
      `sum by (namespace, workload${by}) (${withWorkload(v)})`;
    parts.push(
      tagged(byWorkload(counts()), period, 'rps'),
      tagged(
        byWorkload(STATUS_LABELS.map(l => counts(`${l}=~"5.."`)).join(' or ')),
        period,
        'errors',
      ),
      tagged(
        `histogram_quantile(0.99, ${byWorkload(
          `rate({${sel(appMatchers(names('bucket')), m)}}${range})`,
          ', le',
        )})`,
        period,
        'p99',
      ),
    );
  }
  // Whether the mesh already saw the workload at the baseline: then the baseline is not
  // unmeshed, whatever the pods' ages say. Server-side reports only (Istio sidecar
  // `destination`, Linkerd `inbound`), relabelled to `namespace`/`workload`.
  const before = `[${w}] offset ${OFFSET}`;
  const istio = `label_replace(label_replace(sum by (destination_workload_namespace, destination_workload) (rate(istio_requests_total{${sel(
    'reporter="destination"',
    m,
  )}}${before})), "namespace", "$1", "destination_workload_namespace", "(.+)"), "workload", "$1", "destination_workload", "(.+)")`;
  const linkerd = ['deployment', 'statefulset', 'daemonset'].reduce(
    (inner, l) => `label_replace(${inner}, "workload", "$1", "${l}", "(.+)")`,
    `sum by (namespace, deployment, statefulset, daemonset) (rate(response_total{${sel(
      'direction="inbound"',
      m,
    )}}${before}))`,
  );
  parts.push(tagged(`(${istio} or ${linkerd})`, 'baseline', 'mesh_rps'));
  return parts.join(' or ');
}

export const ROLLOUT_QUERIES = {
  /**
   * The app's own HTTP server request rate, 5xx rate and p99, per workload, in the
   * run's window and in the same window `ROLLOUT_BASELINE_OFFSET_DAYS` days earlier.
   */
  rolloutAppHttp: defineQuery<WorkloadSeries<AppHttpFigures>>({
    id: 'rolloutAppHttp',
    recordingRule: w =>
      `mesh_workload:app_http_rollout:rate${w}_offset${OFFSET}`,
    description:
      "The app's own HTTP server metrics by workload, now and a week earlier",
    namespaceLabel: 'namespace',
    promql: appHttpPromql,
    parse: samples => {
      const out: WorkloadSeries<AppHttpFigures> = {};
      for (const s of samples) {
        const key = workloadKey(s.labels.namespace, s.labels.workload);
        if (!key || !Number.isFinite(s.value)) continue;
        const period = s.labels.period === 'baseline' ? 'baseline' : 'now';
        const rows = (out[key] ??= []);
        let row = rows.find(r => r.period === period);
        if (!row) {
          row = { period };
          rows.push(row);
        }
        if (s.labels.signal === 'rps') row.requestsPerSecond = s.value;
        else if (s.labels.signal === 'errors') row.errorsPerSecond = s.value;
        else if (s.labels.signal === 'p99') row.p99Ms = s.value * 1000;
        else if (s.labels.signal === 'mesh_rps')
          row.meshRequestsPerSecond =
            (row.meshRequestsPerSecond ?? 0) + s.value;
      }
      return out;
    },
  }),
};
