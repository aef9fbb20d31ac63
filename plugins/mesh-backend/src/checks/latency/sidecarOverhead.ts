/**
 * `latency.sidecar-overhead`: what the proxy hops add to the calls into the service,
 * against its p99 latency budget (entity annotation `servicemesh/latency-budget-p99-ms`).
 *
 * The overhead is the p99 the callers' proxies see minus the p99 the service's own proxy
 * sees (Istio `reporter="source"` vs `destination`, or the waypoint in ambient; Linkerd
 * outbound vs inbound): the client proxy, the network and the server proxy's share. Over
 * a third of the budget is `warn` (the checklist: "the sidecar adds 1-3 ms per hop. If
 * your service has a P99 budget of 5 ms, that hurts"), over the whole budget `fail`.
 * Without a budget the overhead is reported and passes.
 */
import {
  ANNOTATION_LATENCY_BUDGET_P99,
  CHECK_DEFINITIONS,
  CheckStatus,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
} from '@mesh-readiness/plugin-mesh-node';
import { templatePatch, workloadRef, worstStatus } from '../workload/support';
import { parseQuantity } from '../sidecar/quantity';
import {
  LatencyBudget,
  MIN_REQUESTS_FOR_P99,
  OverheadMeasure,
  latencyBudget,
  measureOverhead,
  overheadMeshing,
} from './overhead';

/** Overhead above this share of the budget is `warn`; above the whole budget, `fail`. */
export const WARN_BUDGET_SHARE = 1 / 3;

const HOW_TO_SET_BUDGET = `Set the service's p99 budget in milliseconds on its catalog entity: metadata.annotations: { ${ANNOTATION_LATENCY_BUDGET_P99}: "50" }`;

interface Judged {
  w: EntityWorkload;
  ref: string;
  status: CheckStatus;
  measure: OverheadMeasure;
  /** One line, for summaries. */
  line: string;
}

function statusOf(m: OverheadMeasure, budget: LatencyBudget): CheckStatus {
  switch (m.kind) {
    case 'ambient-l4':
    case 'no-callers':
      return 'not-applicable';
    case 'no-metrics':
    case 'no-server':
    case 'too-few':
      return 'unknown';
    default:
      break;
  }
  if (budget.kind !== 'set') return 'pass';
  if (m.overheadMs > budget.ms) return 'fail';
  if (m.overheadMs > budget.ms * WARN_BUDGET_SHARE) return 'warn';
  return 'pass';
}

function lineOf(
  ctx: EntityContext,
  ref: string,
  m: OverheadMeasure,
  budget: LatencyBudget,
): string {
  const mesh = `${m.meshing.provider} ${m.meshing.dataPlane}`;
  switch (m.kind) {
    case 'ambient-l4':
      return `${ref}: Istio ambient without a waypoint, ztunnel reports no request latency (L4 only)`;
    case 'no-metrics':
      return `${ref}: no Prometheus answer for cluster ${ref.split('/')[0]}`;
    case 'no-callers':
      return `${ref}: no calling proxy reported calls into it in the ${ctx.window} window (callers outside the mesh, or no traffic), so there is no client-side hop to measure`;
    case 'no-server':
      return `${ref}: callers reported ${m.callerRequests} requests in ${ctx.window} but its own ${mesh} proxy reported no latency: is that proxy scraped?`;
    case 'too-few':
      return `${ref}: too little traffic for a p99 (callers ${m.callerRequests}, own proxy ${m.serverRequests} requests in ${ctx.window}; ${MIN_REQUESTS_FOR_P99} needed on each side)`;
    default:
      break;
  }
  const figures = `callers see p99 ${m.callerP99Ms} ms, its own proxy ${m.serverP99Ms} ms`;
  if (budget.kind !== 'set')
    return `${ref}: proxy hops add ${m.overheadMs} ms at p99 (${figures})`;
  const share = Math.round((m.overheadMs / budget.ms) * 100);
  return `${ref}: proxy hops add ${m.overheadMs} ms at p99, ${share}% of the ${budget.ms} ms budget (${figures})`;
}

function evidenceOf(j: Judged): Record<string, unknown> {
  const { measure: m } = j;
  const base = {
    workload: j.ref,
    dataPlane: `${m.meshing.provider} ${m.meshing.dataPlane}`,
    status: j.status,
  };
  switch (m.kind) {
    case 'measured':
      return {
        ...base,
        callerP99Ms: m.callerP99Ms,
        serverP99Ms: m.serverP99Ms,
        overheadMs: m.overheadMs,
        callerRequests: m.callerRequests,
        serverRequests: m.serverRequests,
        callerView:
          m.meshing.provider === 'linkerd'
            ? 'outbound (calling proxies)'
            : 'reporter="source" (calling proxies)',
        serverView: m.serverReporter,
      };
    case 'too-few':
      return {
        ...base,
        callerRequests: m.callerRequests,
        serverRequests: m.serverRequests,
        minRequests: MIN_REQUESTS_FOR_P99,
        reason: j.line,
      };
    default:
      return { ...base, reason: j.line };
  }
}

function remediationFor(
  ctx: EntityContext,
  j: Judged,
  budgetMs: number,
): string {
  const m = j.measure as Extract<OverheadMeasure, { kind: 'measured' }>;
  const { namespace, name } = j.w.workload;
  const linkerd = m.meshing.provider === 'linkerd';
  const ambient = m.meshing.dataPlane === 'ambient';
  const running = j.w.workload.pods.find(p => p.proxy)?.proxy;
  const cpuNow = parseQuantity(running?.resources.requests.cpu);
  const cpu = `${Math.max(
    200,
    Math.ceil(((cpuNow ?? 0) * 2 * 1000) / 50) * 50,
  )}m`;
  const perCaller = linkerd
    ? `histogram_quantile(0.99, sum by (le, namespace, deployment) (rate(response_latency_ms_bucket{direction="outbound",dst_namespace="${namespace}",dst_deployment="${name}"}[${ctx.window}])))`
    : `histogram_quantile(0.99, sum by (le, source_workload_namespace, source_workload) (rate(istio_request_duration_milliseconds_bucket{reporter="source",destination_workload_namespace="${namespace}",destination_workload="${name}"}[${ctx.window}])))`;
  const lines = [
    `# ${j.ref}: the proxy hops add ${m.overheadMs} ms at p99 against a ${budgetMs} ms budget.`,
    '# 1. Find the callers whose hop is slow (PromQL, p99 per caller):',
    `#    ${perCaller}`,
  ];
  if (ambient) {
    lines.push(
      '# 2. The waypoint is the L7 hop: give it more replicas and CPU, or take the latency-critical Service off it:',
      ...j.w.mesh.istio.waypoints.map(
        wp =>
          `kubectl scale deployment ${wp.gateway.name} -n ${wp.gateway.namespace} --replicas=2`,
      ),
      `kubectl label service <service> -n ${namespace} istio.io/use-waypoint=none --overwrite`,
    );
  } else {
    const annotation = linkerd
      ? 'config.linkerd.io/proxy-cpu-request'
      : 'sidecar.istio.io/proxyCPU';
    lines.push(
      `# 2. A CPU-starved proxy queues requests: give it more CPU (then check sidecar.rightsizing)${
        linkerd ? '' : ', and scope its configuration with a Sidecar resource'
      }:`,
      templatePatch(j.w, { annotations: { [annotation]: cpu } }),
      linkerd
        ? `# 3. For a path that cannot afford the hops, take its port out of the proxy (config.linkerd.io/skip-inbound-ports: "<port>"), losing mTLS and metrics on it.`
        : `# 3. For a path that cannot afford the hops, move the namespace to ambient (ztunnel adds about 0.2 ms at p99), or take the port out of the sidecar (traffic.sidecar.istio.io/excludeInboundPorts: "<port>"), losing mTLS and metrics on it.`,
    );
  }
  lines.push(
    `# Or, if the budget was set too tight, change ${ANNOTATION_LATENCY_BUDGET_P99} on the catalog entity.`,
  );
  return lines.join('\n');
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const meshed = ctx.workloads
    .map(w => ({ w, meshing: overheadMeshing(w) }))
    .filter(x => x.meshing !== undefined);
  if (meshed.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no workload runs a proxy or is captured by ambient (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.map(workloadRef) },
    };
  }
  const budget = latencyBudget(ctx);
  const judged: Judged[] = meshed.map(({ w, meshing }) => {
    const measure = measureOverhead(ctx, w, meshing!);
    const ref = workloadRef(w);
    return {
      w,
      ref,
      measure,
      status: statusOf(measure, budget),
      line: lineOf(ctx, ref, measure, budget),
    };
  });
  const budgetEvidence =
    budget.kind === 'set'
      ? { budgetMs: budget.ms, warnAboveMs: budget.ms * WARN_BUDGET_SHARE }
      : { budgetMs: null, howToSetBudget: HOW_TO_SET_BUDGET };
  const evidence: Record<string, unknown> = {
    ...budgetEvidence,
    window: ctx.window,
    workloads: judged.map(evidenceOf),
  };
  if (judged.every(j => j.measure.kind === 'ambient-l4')) {
    return {
      status: 'not-applicable',
      summary:
        'Istio ambient without a waypoint: ztunnel reports no request latency (L4 only), so there is no per-hop L7 overhead to measure.',
      evidence,
    };
  }
  if (budget.kind === 'invalid') {
    return {
      status: 'unknown',
      summary: `Latency budget unreadable: ${budget.reason} (write e.g. "50").`,
      evidence: { ...evidence, budgetMs: null, budgetAnnotation: budget.value },
    };
  }
  const status = worstStatus(judged.map(j => j.status));
  const worst = judged.filter(j => j.status === status);
  const measured = judged
    .filter(j => j.measure.kind === 'measured')
    .sort(
      (a, b) =>
        (b.measure as { overheadMs: number }).overheadMs -
        (a.measure as { overheadMs: number }).overheadMs,
    );
  if (status === 'not-applicable') {
    return {
      status,
      summary: `Nothing to measure: ${worst.map(j => j.line).join('; ')}.`,
      evidence,
    };
  }
  if (status === 'unknown') {
    return {
      status,
      summary: `Proxy hop overhead not measurable: ${worst
        .map(j => j.line)
        .join('; ')}.`,
      evidence,
    };
  }
  if (status === 'pass') {
    const top = measured[0];
    if (budget.kind !== 'set') {
      return {
        status,
        summary: `${top.line}; no latency budget to judge it against: set ${ANNOTATION_LATENCY_BUDGET_P99} on the entity.`,
        evidence,
      };
    }
    return {
      status,
      summary: `Proxy hops stay within a third of the ${budget.ms} ms p99 budget: ${top.line}.`,
      evidence,
    };
  }
  const budgetMs = (budget as { ms: number }).ms;
  return {
    status,
    summary:
      status === 'fail'
        ? `Proxy hops exceed the p99 latency budget: ${worst
            .map(j => j.line)
            .join('; ')}.`
        : `Proxy hops take over a third of the p99 latency budget: ${worst
            .map(j => j.line)
            .join('; ')}.`,
    evidence,
    remediation: worst.map(j => remediationFor(ctx, j, budgetMs)).join('\n\n'),
  };
}

export const sidecarOverheadCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['latency.sidecar-overhead'],
  requiredKinds: ['Pod'],
  evaluate,
};
