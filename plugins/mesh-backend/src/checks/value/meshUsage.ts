import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  ReporterLatency,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { histogramQuantile, mergeBuckets } from '../../health/histogram';
import {
  DataPlane,
  DATA_PLANE_LABEL,
  dataPlaneOf,
  refText,
  workloadLabel,
} from '../security/common';
import { clusterMeshFacts } from '../workload/support';
import { sourceIndex } from '../../context/traffic';

/** The entity annotation with the end-to-end p99 budget of one hop, in ms. */
export const LATENCY_BUDGET_ANNOTATION = 'servicemesh/latency-budget-p99-ms';
/** Sidecar hops eating more than this share of the budget is a signal. */
const MAX_BUDGET_SHARE = 0.5;
/** Linkerd annotations on a Service or route that configure retries and timeouts. */
const LINKERD_POLICY_ANNOTATION = /^(retry|timeout)\.linkerd\.io\//;

type SignalId = 'just-mtls' | 'latency-budget' | 'proxy-failures';

interface Signal {
  id: SignalId;
  fired: boolean;
  /** False when the signal could not be judged (no data, no budget); `detail` says why. */
  judged: boolean;
  detail: string;
  figures?: Record<string, unknown>;
}

interface Finding {
  workload: string;
  dataPlane: DataPlane;
  signals: Signal[];
}

/** What the mesh does for the workload beyond mTLS, from its typed facts. */
function meshFeatures(ctx: EntityContext, w: EntityWorkload) {
  const authorization: string[] = [];
  const traffic: string[] = [];
  const splitting: string[] = [];
  const { istio, linkerd, services } = w.mesh;
  for (const a of istio.authorizationPolicies) {
    authorization.push(refText(a.policy.ref));
  }
  for (const a of linkerd.authorizationPolicies) {
    authorization.push(refText(a.policy.ref));
  }
  for (const a of linkerd.serverAuthorizations) {
    authorization.push(refText(a.ref));
  }
  const inbound = linkerd.defaultInboundPolicy;
  if (
    dataPlaneOf(w) === 'linkerd' &&
    inbound.policy !== 'all-unauthenticated'
  ) {
    authorization.push(
      `default inbound policy ${inbound.policy} (${inbound.source})`,
    );
  }
  for (const dr of istio.destinationRules) {
    if (dr.hasOutlierDetection || dr.hasConnectionPool) {
      traffic.push(
        `${refText(dr.ref)} (${[
          dr.hasOutlierDetection ? 'outlier detection' : '',
          dr.hasConnectionPool ? 'connection pool' : '',
        ]
          .filter(Boolean)
          .join(', ')})`,
      );
    }
  }
  for (const vs of istio.virtualServices) {
    const routes = vs.routes;
    if (routes.some(r => r.timeout || r.retries || r.hasFault)) {
      traffic.push(`${refText(vs.ref)} (timeouts, retries or faults)`);
    }
    if (
      routes.length > 1 ||
      routes.some(r => r.destinations.length > 1 || r.destinations[0]?.subset)
    ) {
      splitting.push(`${refText(vs.ref)} (routes or subsets)`);
    }
  }
  for (const s of services) {
    if (
      Object.keys(s.annotations ?? {}).some(k =>
        LINKERD_POLICY_ANNOTATION.test(k),
      )
    ) {
      traffic.push(
        `Service ${s.namespace}/${s.name} (retry/timeout annotations)`,
      );
    }
  }
  // Linkerd's HTTPRoutes/GRPCRoutes attached to the workload's Services or Servers.
  const serviceNames = new Set(services.map(s => `${s.namespace}/${s.name}`));
  const serverNames = new Set(
    linkerd.servers.map(s => `${s.ref.namespace}/${s.ref.name}`),
  );
  for (const route of clusterMeshFacts(ctx, w)?.linkerd.routes ?? []) {
    const attached = route.parentRefs.some(
      p =>
        (p.kind === 'Service' &&
          serviceNames.has(`${p.namespace}/${p.name}`)) ||
        (p.kind === 'Server' && serverNames.has(`${p.namespace}/${p.name}`)),
    );
    if (!attached) continue;
    if (
      Object.keys(route.annotations ?? {}).some(k =>
        LINKERD_POLICY_ANNOTATION.test(k),
      )
    ) {
      traffic.push(`${refText(route.ref)} (retry/timeout annotations)`);
    } else if (route.parentRefs.some(p => p.kind === 'Service')) {
      splitting.push(`${refText(route.ref)} (route on the Service)`);
    }
  }
  return { authorization, traffic, splitting };
}

function justMtls(
  ctx: EntityContext,
  w: EntityWorkload,
  dataPlane: DataPlane,
): Signal {
  if (dataPlane === 'istio-ambient' && w.mesh.istio.waypoints.length === 0) {
    return {
      id: 'just-mtls',
      fired: false,
      judged: true,
      detail:
        'ambient without a waypoint: ztunnel already is the low-cost, mTLS-only landing',
    };
  }
  const f = meshFeatures(ctx, w);
  const used = [...f.authorization, ...f.traffic, ...f.splitting];
  return {
    id: 'just-mtls',
    fired: used.length === 0,
    judged: true,
    detail:
      used.length === 0
        ? 'no authorization policy, no traffic policy (retries, timeouts, routes, outlier detection) and no traffic splitting: the mesh gives this workload mTLS only'
        : `the mesh does more than mTLS: ${used.join(', ')}`,
    figures: f,
  };
}

const p99Of = (rows: ReporterLatency[] | undefined, reporters: string[]) => {
  const buckets = (rows ?? [])
    .filter(r => reporters.includes(r.reporter))
    .map(r => r.buckets);
  return buckets.length ? histogramQuantile(0.99, mergeBuckets(buckets)) : null;
};

function latencyBudget(
  ctx: EntityContext,
  w: EntityWorkload,
  dataPlane: DataPlane,
): Signal {
  const raw = ctx.entity.metadata.annotations?.[LATENCY_BUDGET_ANNOTATION];
  const budget = raw === undefined ? Number.NaN : Number(raw);
  const skip = (detail: string): Signal => ({
    id: 'latency-budget',
    fired: false,
    judged: false,
    detail,
  });
  if (raw === undefined) {
    return skip(`no ${LATENCY_BUDGET_ANNOTATION} annotation: not judged`);
  }
  if (!(budget > 0)) {
    return skip(
      `${LATENCY_BUDGET_ANNOTATION}="${raw}" is not a positive number of ms: not judged`,
    );
  }
  if (dataPlane === 'istio-ambient') {
    return skip('ambient has no sidecar hop: not judged');
  }
  const series = ctx.metricsFor(w)?.series;
  const key = workloadKey(w);
  const caller =
    dataPlane === 'linkerd'
      ? p99Of(series?.linkerdOutboundLatency?.[key], ['outbound'])
      : p99Of(series?.istioSourceLatency?.[key], ['source']);
  const server =
    dataPlane === 'linkerd'
      ? p99Of(series?.linkerdLatency?.[key], ['inbound'])
      : p99Of(series?.istioLatency?.[key], ['destination']);
  if (caller === null || server === null) {
    return skip(
      'no caller-side and server-side latency for the workload in the window: not judged',
    );
  }
  const overheadMs = Math.max(0, caller - server);
  const share = overheadMs / budget;
  const figures = {
    callerP99Ms: Number(caller.toFixed(1)),
    serverP99Ms: Number(server.toFixed(1)),
    overheadMs: Number(overheadMs.toFixed(1)),
    budgetMs: budget,
    budgetSharePercent: Number((share * 100).toFixed(1)),
  };
  return {
    id: 'latency-budget',
    fired: share > MAX_BUDGET_SHARE,
    judged: true,
    detail: `sidecar hops add ${figures.overheadMs} ms at p99 (caller ${
      figures.callerP99Ms
    } ms vs server ${figures.serverP99Ms} ms), ${
      figures.budgetSharePercent
    }% of the ${budget} ms budget (signal above ${MAX_BUDGET_SHARE * 100}%)`,
    figures,
  };
}

function proxyFailures(
  ctx: EntityContext,
  w: EntityWorkload,
  dataPlane: DataPlane,
): Signal {
  const metrics = ctx.metricsFor(w);
  const series = metrics?.series;
  const key = workloadKey(w);
  let proxy = 0;
  let app = 0;
  const flags = new Map<string, number>();
  if (dataPlane === 'linkerd') {
    // Linkerd: a failure with no HTTP status is the proxy's (connection refused, reset,
    // timeout); a 5xx with a status came from the app.
    for (const r of series?.linkerdResponses?.[key] ?? []) {
      if (r.reporter !== 'inbound') continue;
      if (r.code === '-') proxy += r.rate;
      else if (/^5/.test(r.code)) app += r.rate;
    }
  } else {
    // Istio: the callers' reports carry Envoy's response flags, also for requests the
    // caller's Envoy failed itself (no destination workload, only the Service).
    const services = new Set(
      w.mesh.services.map(s => `${s.namespace}/${s.name}`),
    );
    const index = metrics && sourceIndex(metrics);
    const ours = index
      ? [
          ...(index.byDestinationWorkload.get(key) ?? []),
          ...[...services].flatMap(
            s => index.byDestinationService.get(s) ?? [],
          ),
        ]
      : [];
    for (const r of ours) {
      const failed = /^5/.test(r.code) || r.code === '-';
      if (!failed) continue;
      if (r.responseFlags && r.responseFlags !== '-') {
        proxy += r.rate;
        flags.set(r.responseFlags, (flags.get(r.responseFlags) ?? 0) + r.rate);
      } else if (/^5/.test(r.code)) {
        app += r.rate;
      }
    }
  }
  if (!series) {
    return {
      id: 'proxy-failures',
      fired: false,
      judged: false,
      detail: 'no Prometheus series for the workload: not judged',
    };
  }
  const figures = {
    proxyFailuresPerSecond: Number(proxy.toFixed(3)),
    appFailuresPerSecond: Number(app.toFixed(3)),
    ...(flags.size
      ? {
          responseFlags: Object.fromEntries(
            [...flags].map(([f, r]) => [f, Number(r.toFixed(3))]),
          ),
        }
      : {}),
  };
  const what =
    dataPlane === 'linkerd'
      ? 'proxy errors (no response)'
      : `5xx with an Envoy response flag${
          flags.size ? ` (${[...flags.keys()].join(', ')})` : ''
        }`;
  return {
    id: 'proxy-failures',
    fired: proxy > 0 && proxy > app,
    judged: true,
    detail: `${figures.proxyFailuresPerSecond}/s ${what} vs ${
      figures.appFailuresPerSecond
    }/s app 5xx${dataPlane === 'linkerd' ? '' : " (flag '-')"}`,
    figures,
  };
}

function remediation(
  w: EntityWorkload,
  dataPlane: DataPlane,
  fired: Signal[],
): string {
  const { namespace, name } = w.workload;
  const labels = Object.entries(w.workload.templateLabels)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  const out: string[] = [`${workloadLabel(w)}:`];
  for (const s of fired) {
    if (s.id === 'just-mtls') {
      out.push(
        `The mesh gives ${namespace}/${name} mTLS only. Either use what you pay for (an AuthorizationPolicy, retries/timeouts), or land on something cheaper:`,
        "- NetworkPolicies for who may call it, plus cert-manager (or the app's own TLS) for encryption:",
        [
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          `  name: ${name}-ingress`,
          `  namespace: ${namespace}`,
          'spec:',
          `  podSelector: { matchLabels: { ${labels} } }`,
          '  policyTypes: [Ingress]',
          '  ingress:',
          '    - from:',
          '        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: <caller-namespace> } }',
        ].join('\n'),
        dataPlane === 'linkerd'
          ? '- or keep Linkerd: its proxies are already light; add a Server and AuthorizationPolicy to use its identity.'
          : `- or Istio ambient, mTLS from ztunnel without sidecars: kubectl label namespace ${namespace} istio.io/dataplane-mode=ambient istio-injection- && kubectl rollout restart ${w.workload.kind.toLowerCase()}/${name} -n ${namespace}`,
      );
    } else if (s.id === 'latency-budget') {
      out.push(
        `Sidecar hops eat more than half of the ${LATENCY_BUDGET_ANNOTATION} budget (${s.detail}). Cut hops (ambient without a waypoint, or no mesh on this hot path), scope the proxy's config with a Sidecar resource, or raise the budget if it is wrong.`,
      );
    } else {
      out.push(
        dataPlane === 'linkerd'
          ? `The Linkerd proxies fail more requests than the app (${s.detail}). Look at them: linkerd viz stat deploy/${name} -n ${namespace}; linkerd diagnostics proxy-metrics -n ${namespace} deploy/${name} | grep errors`
          : `Envoy fails more requests than the app (${s.detail}). UH/NR: no healthy endpoint or no route (DestinationRule subsets, outlier detection); UF/URX/UC/DC: connections failing or reset (keep-alive, connection pool, ports' protocols). Look at: istioctl proxy-config endpoints deploy/${name} -n ${namespace}; istioctl analyze -n ${namespace}`,
      );
    }
  }
  return out.join('\n');
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const findings: Finding[] = [];
  for (const w of ctx.workloads) {
    const dataPlane = dataPlaneOf(w);
    if (!dataPlane) continue;
    findings.push({
      workload: workloadLabel(w),
      dataPlane,
      signals: [
        justMtls(ctx, w, dataPlane),
        latencyBudget(ctx, w, dataPlane),
        proxyFailures(ctx, w, dataPlane),
      ],
    });
  }
  if (findings.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: there is no mesh cost to weigh (mesh.enrollment judges enrolment).',
      evidence: { workloads: ctx.workloads.map(workloadLabel) },
    };
  }
  const evidence = {
    workloads: findings.map(f => ({
      workload: f.workload,
      dataPlane: DATA_PLANE_LABEL[f.dataPlane],
      fired: f.signals.filter(s => s.fired).map(s => s.id),
      notFired: f.signals.filter(s => !s.fired && s.judged).map(s => s.id),
      notJudged: f.signals.filter(s => !s.judged).map(s => s.id),
      signals: f.signals,
    })),
  };
  const firing = findings.filter(f => f.signals.some(s => s.fired));
  if (firing.length === 0) {
    return {
      status: 'pass',
      summary: `No "pull the plug" signal: the mesh does more than mTLS, its hops fit the budget and it fails fewer requests than the app${
        findings.some(f => f.signals.some(s => !s.judged))
          ? ' (some signals not judged, see evidence)'
          : ''
      }.`,
      evidence,
    };
  }
  const lines = firing.flatMap(f =>
    f.signals
      .filter(s => s.fired)
      .map(s => `${f.workload}: ${s.id} (${s.detail})`),
  );
  return {
    status: 'warn',
    summary: `The mesh may not earn its cost: ${lines.join('; ')}.`,
    evidence,
    remediation: firing
      .map(f => {
        const w = ctx.workloads.find(x => workloadLabel(x) === f.workload)!;
        return remediation(
          w,
          f.dataPlane,
          f.signals.filter(s => s.fired),
        );
      })
      .join('\n\n'),
  };
}

export const meshUsageCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['value.mesh-usage'],
  requiredKinds: ['Pod', 'Service'],
  evaluate,
};
