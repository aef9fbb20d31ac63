import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  ROLLOUT_BASELINE_OFFSET_DAYS,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { runTimeOf, workloadRollout } from '../../context/rollout';
import {
  DataPlane,
  dataPlaneOf,
  workloadLabel,
  worst,
} from '../security/common';
import {
  appFigures,
  Figures,
  historyFigures,
  judgeFigures,
  meshFigures,
  round,
} from './rolloutFigures';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Finding {
  workload: string;
  dataPlane?: DataPlane;
  /**
   * What was compared: the app's own HTTP metrics now and a week earlier, or the
   * mesh's view now against the stored history from before the mesh date.
   */
  basis: 'app-metrics' | 'mesh-vs-history';
  /** The workloads the finding judges (one, or every one without app metrics). */
  covers: string[];
  status: 'pass' | 'warn' | 'unknown';
  reason: string;
  before?: Figures;
  after?: Figures;
  /** Stored history days the `before` figures come from. */
  historyDays?: string[];
  p99IncreasePercent?: number;
  errorRateIncreasePoints?: number;
  regressions?: string[];
  /** No app metrics on one side: the stored history may stand in. */
  noAppMetrics?: boolean;
}

function compare(
  ctx: EntityContext,
  w: EntityWorkload,
  dataPlane: DataPlane,
  meshedSince: string | undefined,
  runTime: string | undefined,
): Finding {
  const label = workloadLabel(w);
  const base = {
    workload: label,
    dataPlane,
    basis: 'app-metrics' as const,
    covers: [label],
  };
  const metrics = ctx.metricsFor(w);
  if (!metrics) {
    return {
      ...base,
      status: 'unknown',
      reason: `no working Prometheus in cluster ${w.cluster} to compare with`,
    };
  }
  const baselineAt =
    runTime && Date.parse(runTime) - ROLLOUT_BASELINE_OFFSET_DAYS * DAY_MS;
  if (meshedSince && baselineAt && Date.parse(meshedSince) <= baselineAt) {
    return {
      ...base,
      status: 'unknown',
      reason: `meshed since ${meshedSince}, before the ${ROLLOUT_BASELINE_OFFSET_DAYS}-day baseline: both sides of the comparison are meshed`,
    };
  }
  const rows = metrics.series.rolloutAppHttp?.[workloadKey(w)] ?? [];
  const baselineRow = rows.find(r => r.period === 'baseline');
  if ((baselineRow?.meshRequestsPerSecond ?? 0) > 0) {
    return {
      ...base,
      status: 'unknown',
      reason: `the mesh already reported ${round(
        baselineRow!.meshRequestsPerSecond!,
        3,
      )} req/s into it ${ROLLOUT_BASELINE_OFFSET_DAYS} days ago, so the baseline is not unmeshed (young pods after a redeploy, not a new mesh)`,
    };
  }
  const before = appFigures(baselineRow);
  const after = appFigures(rows.find(r => r.period === 'now'));
  if (!before || !after) {
    return {
      ...base,
      status: 'unknown',
      noAppMetrics: true,
      reason: `no application HTTP server metrics (Micrometer, OpenTelemetry, prom-client…) ${
        before ? 'now' : `${ROLLOUT_BASELINE_OFFSET_DAYS} days ago`
      } to compare before and after meshing`,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    };
  }
  return { ...base, ...judgeFigures(before, after, ctx.settings.rollout) };
}

/**
 * Where the app has no metrics of its own: the mesh's golden signals now against the
 * entity's stored history before the mesh date. Entity-wide, as history is kept.
 */
function compareWithHistory(ctx: EntityContext, covers: string[]): Finding {
  const base = {
    workload: covers.join(', '),
    basis: 'mesh-vs-history' as const,
    covers,
  };
  const baseline = ctx.rollout.historyBaseline;
  if (!baseline?.available) {
    return {
      ...base,
      status: 'unknown',
      reason: baseline?.reason ?? 'no stored history to compare with',
    };
  }
  const history = { historyDays: baseline.days };
  const before = historyFigures(baseline);
  if (!before) {
    return {
      ...base,
      ...history,
      status: 'unknown',
      reason: `the stored history of ${baseline.days.join(
        ', ',
      )} shows no requests into it before the mesh`,
    };
  }
  const after = meshFigures(ctx.health);
  if (!after) {
    return {
      ...base,
      ...history,
      before,
      status: 'unknown',
      reason: `the mesh reports no requests into it now (${
        ctx.health.reason ?? `health ${ctx.health.status}`
      })`,
    };
  }
  const judged = judgeFigures(before, after, ctx.settings.rollout);
  return {
    ...base,
    ...history,
    ...judged,
    reason:
      judged.status === 'pass'
        ? judged.reason.replace(
            /^in line: /,
            `in line: the mesh's view now vs the stored history of ${
              baseline.days[0]
            }…${baseline.days[baseline.days.length - 1]}, `,
          )
        : `${judged.reason} (the mesh's view now vs the stored history before the mesh)`,
  };
}

function rollback(w: EntityWorkload, dataPlane: DataPlane): string {
  const { namespace, name, kind } = w.workload;
  const restart = `kubectl rollout restart ${kind.toLowerCase()}/${name} -n ${namespace}`;
  switch (dataPlane) {
    case 'linkerd':
      return `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type merge -p '{"spec":{"template":{"metadata":{"annotations":{"linkerd.io/inject":"disabled"}}}}}'`;
    case 'istio-ambient':
      return `kubectl label pods -n ${namespace} -l ${Object.entries(
        w.workload.templateLabels,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(',')} istio.io/dataplane-mode=none --overwrite`;
    default:
      return `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type merge -p '{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"false"}}}}}'\n${restart}`;
  }
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const meshed = ctx.workloads
    .map(w => ({ w, dataPlane: dataPlaneOf(w) }))
    .filter((x): x is { w: EntityWorkload; dataPlane: DataPlane } =>
      Boolean(x.dataPlane),
    );
  if (meshed.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: there is no meshed rollout to compare (mesh.enrollment judges enrolment).',
      evidence: { workloads: ctx.workloads.map(workloadLabel) },
    };
  }
  const { rollout } = ctx;
  const days = ctx.settings.rollout.comparisonDays;
  const runTime = runTimeOf(ctx.snapshots);
  const windowEvidence = {
    meshedSince: rollout.meshedSince ?? null,
    meshedSinceSource: rollout.source,
    comparisonDays: days,
    windowEndsAt: rollout.windowEndsAt ?? null,
    baselineOffsetDays: ROLLOUT_BASELINE_OFFSET_DAYS,
  };
  if (!rollout.inComparisonWindow) {
    if (rollout.source === 'unknown') {
      const reasons = meshed.map(({ w }) => ({
        workload: workloadLabel(w),
        reason: workloadRollout(w, runTime, days).reason,
      }));
      return {
        status: 'unknown',
        summary: `When the workloads were meshed is not known (no stored history says it; ${reasons[0].reason}), so the ${days}-day comparison window cannot be placed.`,
        evidence: { ...windowEvidence, workloads: reasons },
      };
    }
    return {
      status: 'not-applicable',
      summary: `Meshed since ${rollout.meshedSince?.slice(0, 10)} (from ${
        rollout.source
      }): outside the ${days}-day meshed-vs-unmeshed comparison window${
        rollout.windowEndsAt
          ? `, which ended ${rollout.windowEndsAt.slice(0, 10)}`
          : ''
      }.`,
      evidence: windowEvidence,
    };
  }
  // With a date from the pods only the workloads that are themselves in the window are
  // compared; a history date is the entity's, for all its workloads.
  const judged = meshed.filter(
    ({ w }) =>
      rollout.source !== 'pods' ||
      workloadRollout(w, runTime, days).inComparisonWindow,
  );
  const fromApps = judged.map(({ w, dataPlane }) =>
    compare(
      ctx,
      w,
      dataPlane,
      rollout.source === 'pods'
        ? workloadRollout(w, runTime, days).meshedSince
        : rollout.meshedSince,
      runTime,
    ),
  );
  // Workloads whose app exports no HTTP metrics: the stored history stands in, once for
  // all of them; without it they stay unknown, with both reasons.
  const noApp = fromApps.filter(f => f.noAppMetrics);
  const fromHistory =
    noApp.length > 0
      ? compareWithHistory(
          ctx,
          noApp.map(f => f.workload),
        )
      : undefined;
  const findings: Finding[] = fromApps
    .filter(f => !f.noAppMetrics || fromHistory?.status === 'unknown')
    .map(({ noAppMetrics, ...f }) =>
      noAppMetrics
        ? {
            ...f,
            reason: `${f.reason}; nor can the mesh's view stand in: ${
              fromHistory!.reason
            }`,
          }
        : f,
    );
  if (fromHistory && fromHistory.status !== 'unknown')
    findings.push(fromHistory);
  const status = worst(findings.map(f => f.status));
  const evidence = {
    ...windowEvidence,
    bounds: {
      maxP99IncreasePercent: ctx.settings.rollout.maxP99IncreasePercent,
      maxErrorRateIncreasePoints:
        ctx.settings.rollout.maxErrorRateIncreasePoints,
    },
    workloads: findings,
  };
  const since = rollout.meshedSince?.slice(0, 10);
  if (status === 'warn') {
    const bad = findings.filter(f => f.status === 'warn');
    return {
      status,
      summary: `Stop and investigate: meshed since ${since}, ${bad
        .map(f => `${f.workload} regressed (${f.reason})`)
        .join('; ')}.`,
      evidence,
      remediation: [
        `Stop the rollout (mesh no more workloads) and investigate before the window ends (${rollout.windowEndsAt?.slice(
          0,
          10,
        )}): compare the app's own p99 and 5xx with the mesh's view (istioctl proxy-config / linkerd viz stat), look at retries, timeouts and protocol detection on the ports.`,
        'If the regression is the mesh, take the workload out while you investigate:',
        ...judged
          .filter(({ w }) => bad.some(f => f.covers.includes(workloadLabel(w))))
          .map(({ w, dataPlane }) => rollback(w, dataPlane)),
      ].join('\n'),
    };
  }
  if (status === 'unknown') {
    const unknown = findings.filter(f => f.status === 'unknown');
    return {
      status,
      summary: `Inside the ${days}-day comparison window (meshed since ${since}) but nothing to compare: ${unknown[0].reason}.`,
      evidence,
    };
  }
  const beforeText = findings.every(f => f.basis === 'app-metrics')
    ? `${ROLLOUT_BASELINE_OFFSET_DAYS} days before`
    : 'before the mesh';
  return {
    status: 'pass',
    summary: `Inside the ${days}-day comparison window (meshed since ${since}), numbers in line with ${beforeText}: ${findings
      .map(f => f.reason.replace(/^in line: /, ''))
      .join('; ')}.`,
    evidence,
  };
}

export const rolloutComparisonCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['rollout.comparison'],
  requiredKinds: ['Pod'],
  evaluate,
};
