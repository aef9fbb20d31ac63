import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  AppHttpFigures,
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

const DAY_MS = 24 * 60 * 60 * 1000;

interface Figures {
  requestsPerSecond: number;
  /** 5xx share of the requests, in percent. */
  errorRatePercent: number;
  p99Ms?: number;
}

interface Finding {
  workload: string;
  dataPlane: DataPlane;
  status: 'pass' | 'warn' | 'unknown';
  reason: string;
  before?: Figures;
  after?: Figures;
  p99IncreasePercent?: number;
  errorRateIncreasePoints?: number;
  regressions?: string[];
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

function figures(row: AppHttpFigures | undefined): Figures | undefined {
  if (!row?.requestsPerSecond || row.requestsPerSecond <= 0) return undefined;
  return {
    requestsPerSecond: round(row.requestsPerSecond, 3),
    errorRatePercent: round(
      ((row.errorsPerSecond ?? 0) / row.requestsPerSecond) * 100,
    ),
    ...(row.p99Ms !== undefined && Number.isFinite(row.p99Ms)
      ? { p99Ms: round(row.p99Ms, 1) }
      : {}),
  };
}

function compare(
  ctx: EntityContext,
  w: EntityWorkload,
  dataPlane: DataPlane,
  meshedSince: string | undefined,
  runTime: string | undefined,
): Finding {
  const base = { workload: workloadLabel(w), dataPlane };
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
  const before = figures(baselineRow);
  const after = figures(rows.find(r => r.period === 'now'));
  if (!before || !after) {
    return {
      ...base,
      status: 'unknown',
      reason: `no application HTTP server metrics (Micrometer, OpenTelemetry, prom-client…) ${
        before ? 'now' : `${ROLLOUT_BASELINE_OFFSET_DAYS} days ago`
      } to compare before and after meshing; the stored history keeps statuses, not figures, so there is no unmeshed baseline`,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    };
  }
  const { maxP99IncreasePercent, maxErrorRateIncreasePoints } =
    ctx.settings.rollout;
  const errorRateIncreasePoints = round(
    after.errorRatePercent - before.errorRatePercent,
  );
  const p99IncreasePercent =
    before.p99Ms && after.p99Ms !== undefined
      ? round(((after.p99Ms - before.p99Ms) / before.p99Ms) * 100, 1)
      : undefined;
  const regressions: string[] = [];
  if (p99IncreasePercent !== undefined) {
    if (p99IncreasePercent > maxP99IncreasePercent) {
      regressions.push(
        `p99 ${before.p99Ms} ms → ${after.p99Ms} ms (+${p99IncreasePercent}%, bound ${maxP99IncreasePercent}%)`,
      );
    }
  }
  if (errorRateIncreasePoints > maxErrorRateIncreasePoints) {
    regressions.push(
      `5xx rate ${before.errorRatePercent}% → ${after.errorRatePercent}% (+${errorRateIncreasePoints} points, bound ${maxErrorRateIncreasePoints})`,
    );
  }
  const figuresText = `p99 ${before.p99Ms ?? 'n/a'} → ${
    after.p99Ms ?? 'n/a'
  } ms, 5xx ${before.errorRatePercent}% → ${after.errorRatePercent}%, ${
    before.requestsPerSecond
  } → ${after.requestsPerSecond} req/s`;
  return {
    ...base,
    status: regressions.length > 0 ? 'warn' : 'pass',
    reason:
      regressions.length > 0
        ? regressions.join('; ')
        : `in line: ${figuresText}${
            p99IncreasePercent === undefined
              ? ' (no latency histogram: judged on the error rate)'
              : ''
          }`,
    before,
    after,
    errorRateIncreasePoints,
    ...(p99IncreasePercent !== undefined ? { p99IncreasePercent } : {}),
    ...(regressions.length > 0 ? { regressions } : {}),
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
  const findings = judged.map(({ w, dataPlane }) =>
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
          .filter(({ w }) => bad.some(f => f.workload === workloadLabel(w)))
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
  return {
    status: 'pass',
    summary: `Inside the ${days}-day comparison window (meshed since ${since}), numbers in line with ${ROLLOUT_BASELINE_OFFSET_DAYS} days before: ${findings
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
