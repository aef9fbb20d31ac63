import {
  CHECK_IDS,
  computeReadiness,
  isMeshed,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';

const checkOf = (report: MeshReport, id: string) =>
  report.checks.find(c => c.id === id);

/**
 * Joins a fresh report with the entity's previous one. When every source answered, the
 * fresh report stands. When one failed, its checks stay `unknown` (a failed source never
 * passes), but what the previous report knew is kept beside them: the last known
 * status of each such check, the last good golden signals and workloads, and the time
 * of the last good run. The report is marked stale with the reason, and scored on those
 * last known statuses: a monitoring outage is not a readiness regression.
 */
export function carryForward(
  fresh: MeshReport,
  previous: MeshReport | undefined,
): MeshReport {
  // A partial source (some kinds could not be listed) counts as failed when a check had
  // to be left unknown for it: the report then rests on incomplete data.
  const gated = (source: string) =>
    fresh.checks.some(c => c.evidence.missingSource === source);
  const failed = fresh.sources.filter(
    s => !s.ok || (s.partial && gated(s.name)),
  );
  if (failed.length === 0) {
    return { ...fresh, stale: false, lastGoodAt: fresh.generatedAt };
  }
  const staleReason = failed
    .map(
      s =>
        `${s.name} source of cluster '${s.cluster}' failed: ${
          s.error ?? 'unknown error'
        }`,
    )
    .join('; ');
  if (!previous) {
    return { ...fresh, stale: true, staleReason };
  }

  const previousChecks = new Map(previous.checks.map(c => [c.id, c]));
  const checks = fresh.checks.map(check => {
    const before = previousChecks.get(check.id);
    if (!check.evidence.missingSource || !before) return check;
    const lastKnown =
      (before.evidence.lastKnown as Record<string, unknown> | undefined) ??
      (before.status !== 'unknown'
        ? {
            status: before.status,
            summary: before.summary,
            at: previous.generatedAt,
          }
        : undefined);
    return lastKnown
      ? { ...check, evidence: { ...check.evidence, lastKnown } }
      : check;
  });

  const kubernetesFailed = failed.some(s => s.name === 'kubernetes');
  const metricsFailed = failed.some(s => s.name === 'prometheus');
  // Without pods (or without workloads) the fresh counts are not the cluster's.
  const workloads =
    kubernetesFailed &&
    (fresh.workloads.length === 0 ||
      checkOf(fresh, CHECK_IDS.enrollment)?.evidence.missingSource)
      ? previous.workloads
      : fresh.workloads;
  return {
    ...fresh,
    stale: true,
    staleReason,
    lastGoodAt: previous.lastGoodAt,
    checks,
    // Checks whose source failed count with their last known status, and the entity is
    // meshed as far as the last known pods say.
    readiness: computeReadiness(checks, {
      mapped: fresh.readiness.level !== 'unmapped',
      meshed: workloads.length > 0 ? isMeshed(workloads) : undefined,
    }),
    mesh:
      kubernetesFailed && fresh.mesh.provider === 'unknown'
        ? previous.mesh
        : fresh.mesh,
    workloads,
    // The links go with the workloads they open.
    ...(workloads === fresh.workloads ? {} : { links: previous.links }),
    // Health needs both sources: the traffic, and the workloads it is joined to.
    health:
      (metricsFailed || kubernetesFailed) &&
      fresh.health.status === 'unknown' &&
      previous.health.status !== 'unknown'
        ? {
            ...previous.health,
            reason: `last good figures from ${
              previous.lastGoodAt ?? previous.generatedAt
            }; ${staleReason}`,
          }
        : fresh.health,
  };
}
