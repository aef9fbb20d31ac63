import { HistoryPoint } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckSettings,
  ClusterSnapshot,
  EntityRollout,
  EntityWorkload,
  RolloutHistoryBaseline,
} from '@mesh-readiness/plugin-mesh-node';
import { podMeshing } from './meshing';

const DAY_MS = 24 * 60 * 60 * 1000;
/** `mesh.enrollment` statuses that mean "meshed" in a history point. */
const MESHED = new Set(['pass', 'warn']);
/** Statuses that mean "not meshed"; `unknown` (a failed source) says neither. */
const UNMESHED = new Set(['fail', 'not-applicable']);

/**
 * The run's time: the latest `fetchedAt` of the snapshots, so the context stays a pure
 * function of what was collected (never the clock).
 */
export function runTimeOf(snapshots: ClusterSnapshot[]): string | undefined {
  const times = snapshots
    .flatMap(s => [s.kubernetes, s.prometheus, s.tracing])
    .map(o => o?.fetchedAt)
    .filter((t): t is string => Boolean(t) && !Number.isNaN(Date.parse(t!)));
  return times.length === 0
    ? undefined
    : times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/** One workload's rollout window, told from its pods and its object. */
export interface WorkloadRollout {
  meshedSince?: string;
  source: 'pods' | 'unknown';
  inComparisonWindow: boolean;
  /** How the decision was made, for evidence. */
  reason: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * When a workload was meshed, judged from its live pods. Pods are replaced on every
 * rollout, so a young pod does not prove a young mesh; the decision is conservative:
 * - the oldest live meshed pod is older than the window: meshed at least that long ago,
 *   outside the window (proved);
 * - all meshed pods are younger than the window: inside the window only when the
 *   workload object itself was created before the window (it existed, unmeshed or not,
 *   before these pods). A workload created inside the window was meshed from birth and
 *   has no unmeshed past to compare with: outside. No creation time on the object
 *   (manifests, workloads known only from pods): unknown.
 * A workload rolled out inside the window for another reason also looks freshly meshed;
 * the check guards against that with the mesh's own view at the baseline, and history
 * settles it once a run has seen the workload unmeshed.
 */
export function workloadRollout(
  w: EntityWorkload,
  runTime: string | undefined,
  comparisonDays: number,
): WorkloadRollout {
  const meshed = w.workload.pods.filter(p => podMeshing(p));
  if (meshed.length === 0) {
    return {
      source: 'unknown',
      inComparisonWindow: false,
      reason: 'no live meshed pod',
    };
  }
  const created = meshed
    .map(p => (p.createdAt ? Date.parse(p.createdAt) : Number.NaN))
    .filter(t => !Number.isNaN(t));
  if (!runTime || created.length === 0) {
    return {
      source: 'unknown',
      inComparisonWindow: false,
      reason: runTime
        ? 'the meshed pods carry no creation time'
        : 'the run has no fetch time',
    };
  }
  const oldest = Math.min(...created);
  const windowStart = Date.parse(runTime) - comparisonDays * DAY_MS;
  if (oldest <= windowStart) {
    return {
      meshedSince: iso(oldest),
      source: 'pods',
      inComparisonWindow: false,
      reason: `a meshed pod was created ${iso(
        oldest,
      )}, before the ${comparisonDays}-day window`,
    };
  }
  const objectCreated = w.workload.createdAt
    ? Date.parse(w.workload.createdAt)
    : Number.NaN;
  if (Number.isNaN(objectCreated)) {
    return {
      source: 'unknown',
      inComparisonWindow: false,
      reason: `the meshed pods are younger than the ${comparisonDays}-day window, and the ${w.workload.kind} object has no creation time to tell whether it ran unmeshed before`,
    };
  }
  if (objectCreated > windowStart) {
    return {
      meshedSince: iso(oldest),
      source: 'pods',
      inComparisonWindow: false,
      reason: `the ${w.workload.kind} itself was created ${iso(
        objectCreated,
      )}, inside the window: meshed from the start, with no unmeshed past to compare`,
    };
  }
  return {
    meshedSince: iso(oldest),
    source: 'pods',
    inComparisonWindow: true,
    reason: `the ${w.workload.kind} exists since ${iso(
      objectCreated,
    )} and its oldest meshed pod since ${iso(oldest)}`,
  };
}

/**
 * When the entity was meshed, from its daily history points (`mesh.enrollment`): the
 * first meshed day after the last unmeshed one. When every point is meshed, the history
 * only says "meshed on or before its first day": that proves an old mesh when the first
 * day is before the window, and nothing otherwise (undefined: ask the pods).
 */
export function historyMeshedSince(
  points: HistoryPoint[],
  runTime: string,
  comparisonDays: number,
): { meshedSince: string; provedStart: boolean } | undefined {
  const sorted = [...points]
    .filter(p => {
      const s = p.statuses?.['mesh.enrollment'];
      return MESHED.has(s) || UNMESHED.has(s);
    })
    .sort((a, b) => a.day.localeCompare(b.day));
  if (sorted.length === 0) return undefined;
  const isMeshed = (p: HistoryPoint) =>
    MESHED.has(p.statuses['mesh.enrollment']);
  let lastUnmeshed = -1;
  sorted.forEach((p, i) => {
    if (!isMeshed(p)) lastUnmeshed = i;
  });
  const firstMeshed = sorted.slice(lastUnmeshed + 1)[0];
  if (lastUnmeshed >= 0) {
    // Meshed after the last unmeshed point: on the first meshed day, or (not recorded
    // yet) on the run's own day.
    const day = firstMeshed ? firstMeshed.day : runTime.slice(0, 10);
    return { meshedSince: `${day}T00:00:00.000Z`, provedStart: true };
  }
  const first = `${sorted[0].day}T00:00:00.000Z`;
  const windowStart = Date.parse(runTime) - comparisonDays * DAY_MS;
  return Date.parse(first) <= windowStart
    ? { meshedSince: first, provedStart: false }
    : undefined;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/**
 * The entity's traffic before it was meshed, from its daily history points: the
 * `comparisonDays` days before the mesh date that were recorded unmeshed and carry the
 * day's figures. Those figures are the mesh's view of an unmeshed workload, i.e. what
 * its meshed callers' proxies reported, so they exist only when some callers were
 * meshed first. A day recorded meshed is left out (young pods after a redeploy are not
 * a new mesh), as is a day recorded before figures were kept.
 */
export function historyBaseline(
  points: HistoryPoint[] | undefined,
  meshedSince: string,
  comparisonDays: number,
): RolloutHistoryBaseline {
  const meshDay = meshedSince.slice(0, 10);
  const firstDay = new Date(
    Date.parse(`${meshDay}T00:00:00Z`) - comparisonDays * DAY_MS,
  )
    .toISOString()
    .slice(0, 10);
  const before = (points ?? []).filter(
    p => p.day < meshDay && p.day >= firstDay,
  );
  if (before.length === 0) {
    return {
      available: false,
      reason: `no stored history in the ${comparisonDays} days before the mesh date (${meshDay})`,
    };
  }
  const unmeshed = before.filter(
    p => !MESHED.has(p.statuses?.['mesh.enrollment']),
  );
  if (unmeshed.length === 0) {
    return {
      available: false,
      reason: `the stored history before ${meshDay} already records the entity meshed, so it is no unmeshed baseline`,
    };
  }
  const days = unmeshed
    .filter(
      p =>
        typeof p.health?.requestsPerSecond === 'number' &&
        Number.isFinite(p.health.requestsPerSecond),
    )
    .sort((a, b) => a.day.localeCompare(b.day));
  if (days.length === 0) {
    return {
      available: false,
      reason: `the stored history before ${meshDay} has no request figures: while unmeshed, no meshed caller reported requests into it`,
    };
  }
  const rps = days.map(p => p.health!.requestsPerSecond!);
  const weighted = days.filter(
    p =>
      typeof p.health!.successRate === 'number' &&
      p.health!.requestsPerSecond! > 0,
  );
  const weight = weighted.reduce((s, p) => s + p.health!.requestsPerSecond!, 0);
  const p99s = days
    .map(p => p.health!.latencyMs?.p99)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return {
    available: true,
    days: days.map(p => p.day),
    requestsPerSecond: round(rps.reduce((s, v) => s + v, 0) / rps.length, 3),
    successRate:
      weight > 0
        ? round(
            weighted.reduce(
              (s, p) =>
                s + p.health!.successRate! * p.health!.requestsPerSecond!,
              0,
            ) / weight,
            5,
          )
        : null,
    p99Ms: p99s.length > 0 ? round(median(p99s), 1) : null,
  };
}

/**
 * The entity's rollout window (`ctx.rollout`): from stored history when it tells the
 * mesh date, else from the workloads' pods (see `workloadRollout`). Inside the window it
 * carries the history's unmeshed baseline (`historyBaseline`). Pure: the run's time
 * comes from the snapshots.
 */
export function computeRollout(
  workloads: EntityWorkload[],
  snapshots: ClusterSnapshot[],
  settings: CheckSettings['rollout'],
  history?: HistoryPoint[],
): EntityRollout {
  const runTime = runTimeOf(snapshots);
  const days = settings.comparisonDays;
  const windowOf = (meshedSince: string) => {
    const ends = Date.parse(meshedSince) + days * DAY_MS;
    return {
      inComparisonWindow: runTime !== undefined && Date.parse(runTime) < ends,
      windowEndsAt: iso(ends),
    };
  };
  const fromHistory =
    runTime && history?.length
      ? historyMeshedSince(history, runTime, days)
      : undefined;
  const withBaseline = (r: EntityRollout): EntityRollout =>
    r.inComparisonWindow && r.meshedSince
      ? {
          ...r,
          historyBaseline: historyBaseline(history, r.meshedSince, days),
        }
      : r;
  if (fromHistory) {
    return withBaseline({
      meshedSince: fromHistory.meshedSince,
      source: 'history',
      ...windowOf(fromHistory.meshedSince),
    });
  }
  const each = workloads.map(w => workloadRollout(w, runTime, days));
  const inWindow = each.filter(r => r.inComparisonWindow && r.meshedSince);
  // The entity is in its window when one of its workloads is; its date is the latest
  // such mesh date. Otherwise the earliest known one says how long it has been meshed.
  const dated =
    inWindow.length > 0 ? inWindow : each.filter(r => r.meshedSince);
  if (dated.length === 0) {
    return { source: 'unknown', inComparisonWindow: false };
  }
  const times = dated.map(r => Date.parse(r.meshedSince!));
  const meshedSince = iso(
    inWindow.length > 0 ? Math.max(...times) : Math.min(...times),
  );
  return withBaseline({
    meshedSince,
    source: 'pods',
    inComparisonWindow: inWindow.length > 0,
    windowEndsAt: windowOf(meshedSince).windowEndsAt,
  });
}
