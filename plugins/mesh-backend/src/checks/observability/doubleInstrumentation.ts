import {
  CHECK_DEFINITIONS,
  CheckStatus,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  MetricsData,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { PodMeshing, workloadMeshings } from '../../context/meshing';
import { DoubleTracedHop, findDoubleTracing } from './doubleTracing';

/**
 * Prometheus head memory per series: "as of Prometheus 2.20 a good rule of thumb should
 * be around 3kB per series in the head" (Robust Perception, in
 * reference/tracing-and-double-instrumentation.md §6).
 */
export const BYTES_PER_HEAD_SERIES = 3000;
/** Example traces of double-traced hops kept in the evidence. */
const MAX_EXAMPLES = 5;

// `waived` is a report's decision over a check, never a check's own verdict.
type Verdict = Exclude<CheckStatus, 'waived'>;

interface DoubleTracingFinding {
  checked: boolean;
  /** Why it was not checked. */
  reason?: string;
  inboundHops?: number;
  doubledHops?: number;
  appServices?: string[];
  instrumentation?: string[];
  examples?: Array<{ traceId: string; link?: string }>;
}

interface WorkloadFinding {
  workload: string;
  dataPlane: string;
  status: Verdict;
  reason?: string;
  /** Mesh L7 series rows for the workload (server side: sidecar, waypoint, Linkerd inbound). */
  meshL7Series: number;
  /** App HTTP server series on the workload's pods. */
  appSeries: number;
  estimatedBytes: number;
  /** Series per app metric name. */
  metrics: Record<string, number>;
  /** Pods that export app HTTP metrics. */
  pods: string[];
  doubleInstrumented: boolean;
  doubleTracing: DoubleTracingFinding;
  /** Remediation parts for this workload. */
  fix?: string;
}

const RANK: Record<Verdict, number> = {
  'not-applicable': 0,
  pass: 1,
  unknown: 2,
  warn: 3,
  fail: 4,
};

function workloadRef(w: EntityWorkload): string {
  return `${w.cluster}/${
    w.workload.namespace
  }/${w.workload.kind.toLowerCase()}/${w.workload.name}`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex for the workload's pods, present and future, for relabelling. */
function podRegex(w: EntityWorkload): string {
  const name = escapeRegex(w.workload.name);
  switch (w.workload.kind) {
    case 'Deployment':
      return `${name}-[a-z0-9]+-[a-z0-9]+`;
    case 'StatefulSet':
      return `${name}-[0-9]+`;
    case 'Pod':
      return name;
    default:
      return `${name}-[a-z0-9]+`;
  }
}

/** `http_server_requests_seconds_count` → `http_server_requests_seconds_*`, for messages. */
function families(metrics: string[]): string[] {
  const out = new Set<string>();
  for (const m of metrics) {
    out.add(m.replace(/_(bucket|count|sum|max|created)$/, '_*'));
  }
  return [...out].sort();
}

/** The library the names point at, for the remediation. */
function middlewareOf(metrics: string[]): string {
  const has = (re: RegExp) => metrics.some(m => re.test(m));
  if (has(/^http_server_requests_seconds_/))
    return 'Spring Boot / Micrometer `http.server.requests` (management.observations.enable.http.server.requests=false, or a MeterFilter denying it)';
  if (has(/^http_server_(request_)?duration_/))
    return 'the OpenTelemetry HTTP server metrics (drop the `http.server.request.duration` / `http.server.duration` instrument with an SDK View, or stop exporting that meter)';
  if (has(/^(flask|django|starlette)_/))
    return 'the Python exporter middleware (prometheus_flask_exporter, django-prometheus, starlette_exporter)';
  if (has(/^http_requests_received_total$/))
    return 'prometheus-net `UseHttpMetrics()`';
  if (has(/^http_server_requests_total$/))
    return 'the Rack `Prometheus::Middleware::Collector`';
  return 'the HTTP metrics middleware (prom-client/express-prom-bundle, prometheus-fastapi-instrumentator, client_golang middleware, actix/axum-prometheus…)';
}

function meshL7Query(w: EntityWorkload, meshing: PodMeshing): string {
  const { namespace, name, kind } = w.workload;
  if (meshing.provider === 'linkerd') {
    return `response_total{direction="inbound",namespace="${namespace}",${kind.toLowerCase()}="${name}"}`;
  }
  return `istio_requests_total{reporter=~"destination|waypoint",destination_workload_namespace="${namespace}",destination_workload="${name}"}`;
}

function metricsFix(
  w: EntityWorkload,
  meshing: PodMeshing,
  f: WorkloadFinding,
): string {
  const names = Object.keys(f.metrics).sort();
  const regex = `(${names.map(escapeRegex).join('|')});${escapeRegex(
    w.workload.namespace,
  )};${podRegex(w)}`;
  const appTraces =
    f.doubleTracing.checked && (f.doubleTracing.doubledHops ?? 0) > 0;
  return [
    `Either remove ${middlewareOf(names)} from ${
      w.workload.name
    }: the mesh already records every request it serves (${meshL7Query(
      w,
      meshing,
    )}).`,
    `Or drop the series at scrape time, in the scrape job that collects ${
      w.workload.name
    }'s metrics${
      meshing.provider === 'istio' && meshing.dataPlane === 'sidecar'
        ? ' (with Istio metrics merging, the job scraping the pods on :15020)'
        : ''
    }:`,
    'metric_relabel_configs:',
    '  - source_labels: [__name__, namespace, pod]',
    '    separator: ;',
    `    regex: '${regex}'`,
    '    action: drop',
    `(a ServiceMonitor/PodMonitor takes the same rule under metricRelabelings, as sourceLabels/separator/regex/action; with the kubernetes-pods job's labels use kubernetes_namespace and kubernetes_pod_name).`,
    appTraces
      ? `${w.workload.name} also keeps its own tracing: if you use exemplars to jump from its latency histogram to traces, keep only that histogram (with exemplars enabled, Prometheus --enable-feature=exemplar-storage) and drop the rest; in-process spans stay useful either way.`
      : 'If the app keeps its own tracing and you use exemplars to link its latency histogram to traces, keep only that histogram and drop the rest.',
  ].join('\n');
}

function tracingFix(
  w: EntityWorkload,
  meshing: PodMeshing,
  f: WorkloadFinding,
): string {
  const { namespace, name, templateLabels } = w.workload;
  const [key, value] = Object.entries(templateLabels)[0] ?? ['app', name];
  const meshSide =
    meshing.provider === 'linkerd'
      ? `or stop the proxy tracing these pods: remove the config.linkerd.io/trace-collector annotation from ${name}'s pod template (kubectl rollout restart ${w.workload.kind.toLowerCase()}/${name} -n ${namespace})`
      : [
          "or stop the mesh's spans for this workload and keep the app's:",
          'apiVersion: telemetry.istio.io/v1',
          'kind: Telemetry',
          'metadata:',
          `  name: ${name}-no-proxy-spans`,
          `  namespace: ${namespace}`,
          'spec:',
          ...(meshing.dataPlane === 'ambient'
            ? [
                '  targetRefs:',
                '    - { group: "", kind: Service, name: <the service of this workload> }',
              ]
            : ['  selector:', `    matchLabels: { ${key}: ${value} }`]),
          '  tracing:',
          '    - disableSpanReporting: true',
        ].join('\n');
  const services = (f.doubleTracing.appServices ?? []).join(', ');
  return [
    `Double tracing: each request into ${name} is traced by the proxy and again by the app (${services}).`,
    "Keep the app's in-process spans and its propagation (traceparent, tracestate), but turn off its HTTP server span instrumentation (OpenTelemetry Java agent: OTEL_INSTRUMENTATION_<framework>_ENABLED=false for the server library; other SDKs: remove the HTTP server instrumentation package),",
    meshSide,
  ].join('\n');
}

function doubleTracingOf(
  ctx: EntityContext,
  w: EntityWorkload,
): { finding: DoubleTracingFinding; hops: DoubleTracedHop[] } {
  const tracing = ctx.tracingFor(w);
  if (!tracing) {
    return {
      finding: {
        checked: false,
        reason: `no tracing back end for cluster ${w.cluster}`,
      },
      hops: [],
    };
  }
  const { inboundHops, doubled } = findDoubleTracing(tracing, w);
  const template = ctx.settings.links.tracing;
  const traceIds = [...new Set(doubled.map(d => d.traceId))].slice(
    0,
    MAX_EXAMPLES,
  );
  return {
    finding: {
      checked: true,
      inboundHops,
      doubledHops: new Set(doubled.map(d => `${d.traceId}/${d.proxySpanId}`))
        .size,
      appServices: [...new Set(doubled.map(d => d.appService))].sort(),
      instrumentation: [
        ...new Set(doubled.flatMap(d => (d.scope ? [d.scope] : []))),
      ].sort(),
      examples: traceIds.map(traceId => ({
        traceId,
        ...(template ? { link: template.replace('{traceId}', traceId) } : {}),
      })),
    },
    hops: doubled,
  };
}

function meshL7Rows(metrics: MetricsData, w: EntityWorkload) {
  const key = workloadKey(w);
  const { series } = metrics;
  return [
    ...(series.istioRequests[key] ?? []),
    ...(series.linkerdResponses[key] ?? []).filter(
      r => r.reporter === 'inbound',
    ),
  ];
}

function judge(
  ctx: EntityContext,
  w: EntityWorkload,
): WorkloadFinding | undefined {
  const meshings = workloadMeshings(w);
  if (meshings.length === 0) return undefined;
  const meshing = meshings[0];
  const base: WorkloadFinding = {
    workload: workloadRef(w),
    dataPlane: `${meshing.provider} ${meshing.dataPlane}`,
    status: 'pass',
    meshL7Series: 0,
    appSeries: 0,
    estimatedBytes: 0,
    metrics: {},
    pods: [],
    doubleInstrumented: false,
    doubleTracing: { checked: false },
  };
  const metrics = ctx.metricsFor(w);
  if (!metrics) {
    return {
      ...base,
      status: 'unknown',
      reason: `no Prometheus answer for cluster ${w.cluster}`,
      doubleTracing: { checked: false, reason: 'not judged without metrics' },
    };
  }
  const meshRows = meshL7Rows(metrics, w);
  const ambientOnly = meshings.every(m => m.dataPlane === 'ambient');
  if (
    ambientOnly &&
    w.mesh.istio.waypoints.length === 0 &&
    !meshRows.some(r => r.reporter === 'waypoint')
  ) {
    return {
      ...base,
      status: 'not-applicable',
      reason:
        'ambient without a waypoint: the mesh records no L7 metrics or spans for it, so the app’s HTTP metrics are the only ones',
    };
  }
  const podNames = new Set(w.workload.pods.map(p => p.name));
  const appRows = (
    metrics.series.appHttpSeries[w.workload.namespace] ?? []
  ).filter(r => podNames.has(r.pod));
  const byMetric: Record<string, number> = {};
  for (const r of appRows)
    byMetric[r.metric] = (byMetric[r.metric] ?? 0) + r.series;
  const appSeries = appRows.reduce((sum, r) => sum + r.series, 0);
  const doubleInstrumented = meshRows.length > 0 && appSeries > 0;
  const { finding: doubleTracing } = doubleTracingOf(ctx, w);
  const finding: WorkloadFinding = {
    ...base,
    meshL7Series: meshRows.length,
    appSeries: doubleInstrumented ? appSeries : 0,
    estimatedBytes: doubleInstrumented ? appSeries * BYTES_PER_HEAD_SERIES : 0,
    metrics: byMetric,
    pods: [...new Set(appRows.map(r => r.pod))].sort(),
    doubleInstrumented,
    doubleTracing,
  };
  if (appSeries > 0 && meshRows.length === 0) {
    finding.reason = `${appSeries} app HTTP series but no mesh L7 series for it in the window: nothing is counted twice now`;
  }
  const fixes: string[] = [];
  const expected = doubleInstrumented && ctx.rollout.inComparisonWindow;
  if (doubleInstrumented && !expected)
    fixes.push(metricsFix(w, meshing, finding));
  if ((doubleTracing.doubledHops ?? 0) > 0)
    fixes.push(tracingFix(w, meshing, finding));
  if (fixes.length > 0) {
    finding.status = 'warn';
    finding.fix = fixes.join('\n\n');
  }
  return finding;
}

function windowEnd(ctx: EntityContext): string {
  const end = ctx.rollout.windowEndsAt;
  return end ? end.slice(0, 10) : 'the rollout comparison window ends';
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const findings = ctx.workloads
    .map(w => judge(ctx, w))
    .filter((f): f is WorkloadFinding => Boolean(f));
  const appSeries = findings.reduce((sum, f) => sum + f.appSeries, 0);
  const totals = {
    appSeries,
    estimatedBytes: appSeries * BYTES_PER_HEAD_SERIES,
    bytesPerSeries: BYTES_PER_HEAD_SERIES,
  };
  if (findings.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no workload has a proxy or ambient capture, so nothing is instrumented twice (mesh.enrollment judges enrollment).',
      evidence: { ...totals, workloads: [] },
    };
  }
  const evidence = {
    ...totals,
    ...(ctx.rollout.inComparisonWindow
      ? { rolloutWindowEndsAt: ctx.rollout.windowEndsAt ?? null }
      : {}),
    workloads: findings.map(({ fix, ...f }) => f),
  };
  const judged = findings.filter(f => f.status !== 'not-applicable');
  if (judged.length === 0) {
    return {
      status: 'not-applicable',
      summary: `Not applicable: ${findings[0].reason}.`,
      evidence,
    };
  }
  const status = judged.reduce<Verdict>(
    (a, f) => (RANK[f.status] > RANK[a] ? f.status : a),
    'pass',
  );
  const doubled = judged.filter(f => f.doubleInstrumented);
  const traced = judged.filter(f => (f.doubleTracing.doubledHops ?? 0) > 0);
  const names = (fs: WorkloadFinding[]) =>
    families(fs.flatMap(f => Object.keys(f.metrics))).join(', ');
  const tracingText = traced
    .map(
      f =>
        `${f.doubleTracing.doubledHops} of ${
          f.doubleTracing.inboundHops
        } sampled requests into ${
          f.workload.split('/')[3]
        } traced twice (proxy span, then an app server span: ${f.doubleTracing.appServices?.join(
          ', ',
        )})`,
    )
    .join('; ');
  if (status === 'unknown') {
    const unknown = judged.filter(f => f.status === 'unknown');
    return {
      status,
      summary: `Cannot tell whether the app's HTTP metrics duplicate the mesh's: ${unknown
        .map(f => `${f.workload} (${f.reason})`)
        .join(', ')}.`,
      evidence,
    };
  }
  if (status === 'warn') {
    const parts: string[] = [];
    const flagged = doubled.filter(
      f => f.status === 'warn' && !ctx.rollout.inComparisonWindow,
    );
    if (flagged.length > 0) {
      const series = flagged.reduce((s, f) => s + f.appSeries, 0);
      parts.push(
        `${series} app HTTP series (≈${formatBytes(
          series * BYTES_PER_HEAD_SERIES,
        )} of Prometheus memory) duplicate the mesh's L7 metrics on ${flagged
          .map(f => f.workload)
          .join(', ')}: ${names(flagged)}`,
      );
    }
    if (traced.length > 0) parts.push(`double tracing: ${tracingText}`);
    return {
      status,
      summary: `${parts.join('; ')}.`,
      evidence,
      remediation: findings
        .filter(f => f.fix)
        .map(f => `${f.workload}:\n${f.fix}`)
        .join('\n\n'),
    };
  }
  // pass
  if (doubled.length > 0 && ctx.rollout.inComparisonWindow) {
    return {
      status: 'pass',
      summary: `Inside the rollout comparison window the app's HTTP metrics (${names(
        doubled,
      )}, ${appSeries} series ≈${formatBytes(
        totals.estimatedBytes,
      )}) are expected next to the mesh's: remove the app's HTTP metrics after ${windowEnd(
        ctx,
      )}.`,
      evidence,
    };
  }
  const unchecked = judged.filter(f => !f.doubleTracing.checked);
  const note =
    unchecked.length > 0
      ? ` (double tracing not checked: ${unchecked[0].doubleTracing.reason})`
      : '';
  const idle = judged.find(f => f.reason);
  return {
    status: 'pass',
    summary: idle
      ? `No double instrumentation: ${idle.reason}${note}.`
      : `No app HTTP server metrics next to the mesh's L7 metrics, and no double tracing${note}.`,
    evidence,
  };
}

export const doubleInstrumentationCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['observability.double-instrumentation'],
  requiredKinds: ['Pod'],
  evaluate,
};
