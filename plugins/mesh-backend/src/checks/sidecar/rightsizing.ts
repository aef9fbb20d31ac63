/**
 * `sidecar.rightsizing`: the proxy's requests against what it uses (cAdvisor's
 * `container_memory_working_set_bytes` and the rate of `container_cpu_usage_seconds_total`,
 * each the 95th percentile over the window, per pod).
 *
 * - p95 usage over the request, in any pod: `fail` (the scheduler packed the node for
 *   less than the proxy takes; memory pressure evicts, CPU contention adds latency).
 * - A request over 4× the p95 usage: `warn`, with the suggested request (p95 × 1.3,
 *   rounded up to 10m of CPU or 16Mi of memory).
 * - No request set: `not-applicable` here, sidecar.resources fails it.
 * - Ambient: no sidecar to size (`not-applicable`).
 *
 * Evidence carries per-entity totals the fleet scorecard adds up (`totals`: sidecars,
 * requested and used CPU cores and memory bytes), what ambient would free (the sidecar
 * requests) and what it would save net of a ztunnel on each of their nodes.
 */
import {
  ambientSavings,
  CHECK_DEFINITIONS,
  CheckStatus,
  MeshName,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  PodFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { templatePatch, workloadRef, worstStatus } from '../workload/support';
import { parseQuantity } from './quantity';
import { RESOURCE_ANNOTATIONS } from './resources';

/** A request more than this many times the p95 usage is oversized. */
export const OVERSIZE_FACTOR = 4;
/** The suggested request is the p95 usage times this headroom. */
export const HEADROOM = 1.3;
const CPU_STEP_MILLI = 10;
const MEMORY_STEP_MI = 16;
const MI = 1024 ** 2;

type Resource = 'cpu' | 'memory';
const RESOURCES: Resource[] = ['cpu', 'memory'];

/** The fleet figures of one entity, in a shape the scorecard sums across entities. */
export interface RightsizingTotals {
  /** Running pods with a sidecar proxy. */
  sidecars: number;
  /** Of those, the ones cAdvisor had usage for. */
  measuredSidecars: number;
  /** Sum of the proxies' requests (a proxy with none counts 0). */
  requested: { cpuCores: number; memoryBytes: number };
  /** Sum of the proxies' p95 usage (measured ones). */
  used: { cpuCores: number; memoryBytes: number };
}

interface PodFigures {
  pod: string;
  request: Partial<Record<Resource, number>>;
  usage?: Partial<Record<Resource, number>>;
}

/** The suggested request for a p95 usage: × 1.3, rounded up to a sensible unit. */
export function suggestedRequest(resource: Resource, p95: number): string {
  if (resource === 'cpu') {
    const milli = Math.max(
      CPU_STEP_MILLI,
      Math.ceil((p95 * HEADROOM * 1000) / CPU_STEP_MILLI - 1e-9) *
        CPU_STEP_MILLI,
    );
    return `${milli}m`;
  }
  const mi = Math.max(
    MEMORY_STEP_MI,
    Math.ceil((p95 * HEADROOM) / MI / MEMORY_STEP_MI - 1e-9) * MEMORY_STEP_MI,
  );
  return `${mi}Mi`;
}

/** `0.05 cores` → `50m`, bytes → `48Mi`, for messages. */
export function formatAmount(resource: Resource, value: number): string {
  if (resource === 'cpu') return `${Math.round(value * 1000 * 10) / 10}m`;
  return `${Math.round((value / MI) * 10) / 10}Mi`;
}

const round = (n: number, digits = 6) =>
  Math.round(n * 10 ** digits) / 10 ** digits;

interface Judged {
  w: EntityWorkload;
  ref: string;
  mesh: MeshName;
  status: CheckStatus;
  line: string;
  evidence: Record<string, unknown>;
  fix?: string;
  totals: RightsizingTotals;
  /** `cluster/node` of the nodes its sidecar pods run on (scheduled ones). */
  nodes: string[];
}

function emptyTotals(): RightsizingTotals {
  return {
    sidecars: 0,
    measuredSidecars: 0,
    requested: { cpuCores: 0, memoryBytes: 0 },
    used: { cpuCores: 0, memoryBytes: 0 },
  };
}

function addTotals(a: RightsizingTotals, b: RightsizingTotals) {
  a.sidecars += b.sidecars;
  a.measuredSidecars += b.measuredSidecars;
  a.requested.cpuCores = round(a.requested.cpuCores + b.requested.cpuCores);
  a.requested.memoryBytes += b.requested.memoryBytes;
  a.used.cpuCores = round(a.used.cpuCores + b.used.cpuCores);
  a.used.memoryBytes = Math.round(a.used.memoryBytes + b.used.memoryBytes);
}

function judgeWorkload(
  ctx: EntityContext,
  w: EntityWorkload,
  pods: PodFacts[],
): Judged {
  const ref = workloadRef(w);
  const mesh = pods[0].proxy!.provider;
  const container = pods[0].proxy!.container;
  const metrics = ctx.metricsFor(w);
  const usageRows = metrics?.series.proxyUsage?.[w.workload.namespace] ?? [];
  const figures: PodFigures[] = pods.map(p => {
    const row = usageRows.find(
      r => r.pod === p.name && r.container === p.proxy!.container,
    );
    const request = {
      cpu: parseQuantity(p.proxy!.resources.requests.cpu),
      memory: parseQuantity(p.proxy!.resources.requests.memory),
    };
    return {
      pod: p.name,
      request,
      ...(row ? { usage: { cpu: row.cpuCores, memory: row.memoryBytes } } : {}),
    };
  });
  const totals = emptyTotals();
  totals.sidecars = pods.length;
  for (const f of figures) {
    totals.requested.cpuCores = round(
      totals.requested.cpuCores + (f.request.cpu ?? 0),
    );
    totals.requested.memoryBytes += f.request.memory ?? 0;
    if (f.usage) {
      totals.measuredSidecars += 1;
      totals.used.cpuCores = round(totals.used.cpuCores + (f.usage.cpu ?? 0));
      totals.used.memoryBytes = Math.round(
        totals.used.memoryBytes + (f.usage.memory ?? 0),
      );
    }
  }
  const measured = figures.filter(f => f.usage);
  const nodes = pods.flatMap(p =>
    p.nodeName ? [`${w.cluster}/${p.nodeName}`] : [],
  );
  const base = {
    workload: ref,
    mesh,
    container,
    sidecars: pods.length,
    measuredSidecars: measured.length,
  };
  if (!metrics) {
    const line = `${ref}: no Prometheus answer for cluster ${w.cluster}, so no proxy usage`;
    return {
      w,
      ref,
      mesh,
      status: 'unknown',
      line,
      evidence: { ...base, status: 'unknown', reason: line },
      totals,
      nodes,
    };
  }
  if (measured.length === 0) {
    const others = usageRows.length;
    const line = `${ref}: no cAdvisor series (container_memory_working_set_bytes, container_cpu_usage_seconds_total) for the ${container} containers of its ${
      pods.length
    } pod(s)${
      others
        ? `, though other proxies in namespace ${w.workload.namespace} have them (new pods, or a scrape gap?)`
        : ": is the kubelet's cAdvisor endpoint (/metrics/cadvisor) scraped?"
    }`;
    return {
      w,
      ref,
      mesh,
      status: 'unknown',
      line,
      evidence: { ...base, status: 'unknown', reason: line },
      totals,
      nodes,
    };
  }
  // The request applies to every pod: the busiest proxy sizes it.
  const p95: Partial<Record<Resource, number>> = {};
  for (const r of RESOURCES) {
    const values = measured
      .map(f => f.usage![r])
      .filter((v): v is number => v !== undefined);
    if (values.length) p95[r] = Math.max(...values);
  }
  const findings: Array<{
    resource: Resource;
    verdict: 'over-request' | 'oversized' | 'ok' | 'no-request' | 'no-usage';
    request?: number;
    p95?: number;
    suggested?: string;
    overPods?: string[];
  }> = RESOURCES.map(resource => {
    const requests = figures
      .map(f => f.request[resource])
      .filter((v): v is number => v !== undefined);
    const usage = p95[resource];
    if (requests.length === 0) return { resource, verdict: 'no-request' };
    const request = Math.min(...requests);
    if (usage === undefined) return { resource, verdict: 'no-usage', request };
    const suggested = suggestedRequest(resource, usage);
    const overPods = measured
      .filter(f => {
        const u = f.usage![resource];
        const q = f.request[resource];
        return u !== undefined && q !== undefined && u > q;
      })
      .map(f => f.pod);
    if (overPods.length)
      return {
        resource,
        verdict: 'over-request',
        request,
        p95: usage,
        suggested,
        overPods,
      };
    const largest = Math.max(...requests);
    if (largest > OVERSIZE_FACTOR * usage)
      return {
        resource,
        verdict: 'oversized',
        request: largest,
        p95: usage,
        suggested,
      };
    return { resource, verdict: 'ok', request, p95: usage, suggested };
  });
  const over = findings.filter(f => f.verdict === 'over-request');
  const oversized = findings.filter(f => f.verdict === 'oversized');
  const judgedAny = findings.some(f =>
    ['over-request', 'oversized', 'ok'].includes(f.verdict),
  );
  let status: CheckStatus = 'pass';
  if (over.length) status = 'fail';
  else if (oversized.length) status = 'warn';
  else if (!judgedAny)
    status = findings.every(f => f.verdict === 'no-request')
      ? 'not-applicable'
      : 'unknown';
  const describe = (f: (typeof findings)[number]) =>
    `${f.resource} request ${formatAmount(
      f.resource,
      f.request!,
    )} vs p95 usage ${formatAmount(f.resource, f.p95!)}`;
  let line: string;
  if (status === 'fail')
    line = `${ref}: usage over the request: ${over
      .map(
        f =>
          `${describe(f)} (pods ${f.overPods!.join(', ')}); request ${
            f.suggested
          }`,
      )
      .join('; ')}`;
  else if (status === 'warn')
    line = `${ref}: request over ${OVERSIZE_FACTOR}× the p95 usage: ${oversized
      .map(f => `${describe(f)}, suggested ${f.suggested}`)
      .join('; ')}`;
  else if (status === 'not-applicable')
    line = `${ref}: the ${container} containers set no CPU or memory request, so there is nothing to size against (sidecar.resources fails that); suggested: ${RESOURCES.filter(
      r => p95[r] !== undefined,
    )
      .map(r => `${r} ${suggestedRequest(r, p95[r]!)}`)
      .join(', ')}`;
  else if (status === 'unknown')
    line = `${ref}: cAdvisor has no ${findings
      .filter(f => f.verdict === 'no-usage')
      .map(f => f.resource)
      .join(' or ')} usage for the ${container} containers`;
  else
    line = `${ref}: ${findings
      .filter(f => f.verdict === 'ok')
      .map(describe)
      .join('; ')}`;
  const evidence = {
    ...base,
    status,
    resources: Object.fromEntries(
      findings.map(f => [
        f.resource,
        {
          verdict: f.verdict,
          request: f.request ?? null,
          p95Usage: f.p95 ?? null,
          suggestedRequest: f.suggested ?? null,
          ...(f.overPods ? { podsOverRequest: f.overPods } : {}),
        },
      ]),
    ),
    totals,
  };
  let fix: string | undefined;
  const toChange = status === 'fail' ? over : oversized;
  if (status === 'fail' || status === 'warn') {
    const annotations = Object.fromEntries(
      toChange.map(f => [
        RESOURCE_ANNOTATIONS[mesh][
          f.resource === 'cpu' ? 'cpuRequest' : 'memoryRequest'
        ],
        f.suggested!,
      ]),
    );
    const limitNotes = toChange.flatMap(f => {
      const limit = parseQuantity(pods[0].proxy!.resources.limits[f.resource]);
      const suggested = parseQuantity(f.suggested);
      return limit !== undefined && suggested !== undefined && limit < suggested
        ? [
            `# The ${f.resource} limit (${formatAmount(
              f.resource,
              limit,
            )}) is below the new request: raise ${
              RESOURCE_ANNOTATIONS[mesh][
                f.resource === 'cpu' ? 'cpuLimit' : 'memoryLimit'
              ]
            } too.`,
          ]
        : [];
    });
    fix = [
      `# ${ref} (${mesh}): set the proxy request to its p95 usage × ${HEADROOM} (${toChange
        .map(f => `${f.resource} ${f.suggested}`)
        .join(', ')}); the pods roll.`,
      ...limitNotes,
      templatePatch(w, { annotations }),
    ].join('\n');
  }
  return {
    w,
    ref,
    mesh,
    status,
    line,
    evidence,
    ...(fix ? { fix } : {}),
    totals,
    nodes,
  };
}

const MB = 1e6;

function billLine(t: RightsizingTotals): string {
  return `${t.sidecars} sidecar(s): ${formatAmount(
    'cpu',
    t.requested.cpuCores,
  )} CPU and ${Math.round(
    t.requested.memoryBytes / MB,
  )} MB requested, ${formatAmount('cpu', t.used.cpuCores)} and ${Math.round(
    t.used.memoryBytes / MB,
  )} MB used at p95${
    t.measuredSidecars < t.sidecars ? ` (${t.measuredSidecars} measured)` : ''
  }`;
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const judged: Judged[] = [];
  const ambient: string[] = [];
  const noPods: string[] = [];
  for (const w of ctx.workloads) {
    const meshings = workloadMeshings(w);
    if (meshings.length === 0) continue;
    const pods = w.workload.pods.filter(p => p.proxy);
    if (pods.length === 0) {
      if (meshings.some(m => m.dataPlane === 'ambient'))
        ambient.push(workloadRef(w));
      else noPods.push(workloadRef(w));
      continue;
    }
    judged.push(judgeWorkload(ctx, w, pods));
  }
  const totals = emptyTotals();
  for (const j of judged) addTotals(totals, j.totals);
  const ambientWouldFree = {
    cpuCores: totals.requested.cpuCores,
    memoryBytes: totals.requested.memoryBytes,
    note: 'the sidecars’ requests, freed by moving to Istio ambient (ztunnel is shared per node, about 0.06 vCPU and 12 MB at 1000 req/s)',
  };
  // The ztunnels of these nodes also serve every other pod on them: for one entity the
  // net saving is a lower bound.
  const nodes = new Set(judged.flatMap(j => j.nodes));
  const ambientWouldSave = ambientSavings(
    totals.requested,
    nodes.size > 0 ? nodes.size : null,
  );
  const evidence: Record<string, unknown> = {
    window: ctx.window,
    totals,
    ambientWouldFree,
    ambientWouldSave,
    workloads: judged.map(j => j.evidence),
    ...(ambient.length ? { ambient } : {}),
    ...(noPods.length ? { withoutRunningPods: noPods } : {}),
  };
  if (judged.length === 0) {
    if (ambient.length) {
      return {
        status: 'not-applicable',
        summary:
          'Istio ambient: the pods run no sidecar to size (ztunnel is a per-node DaemonSet, sized by the platform team).',
        evidence,
      };
    }
    if (noPods.length) {
      return {
        status: 'not-applicable',
        summary: `No running sidecar pods to measure: ${noPods.join(', ')}.`,
        evidence,
      };
    }
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no workload runs a sidecar proxy (mesh.enrollment judges enrollment).',
      evidence,
    };
  }
  const status = worstStatus(judged.map(j => j.status));
  const worst = judged.filter(j => j.status === status);
  const lines = worst.map(j => j.line).join('; ');
  const bill = billLine(totals);
  switch (status) {
    case 'fail':
      return {
        status,
        summary: `Proxy usage over its request: ${lines}.`,
        evidence,
        remediation: worst.map(j => j.fix).join('\n\n'),
      };
    case 'warn':
      return {
        status,
        summary: `Proxy oversized: ${lines}.`,
        evidence,
        remediation: worst.map(j => j.fix).join('\n\n'),
      };
    case 'unknown':
      return {
        status,
        summary: `Proxy usage unknown: ${lines}.`,
        evidence,
      };
    case 'not-applicable':
      return {
        status,
        summary: `No proxy request to size against: ${lines}.`,
        evidence,
      };
    default:
      return {
        status,
        summary: `Proxy requests fit their p95 usage (${bill}).`,
        evidence,
      };
  }
}

export const sidecarRightsizingCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['sidecar.rightsizing'],
  requiredKinds: ['Pod'],
  evaluate,
};
