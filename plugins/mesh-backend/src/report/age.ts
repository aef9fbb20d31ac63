import { MeshReport } from '@mesh-readiness/plugin-mesh-common';

function describeAge(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} second(s)`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minute(s)`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hour(s)` : `${Math.round(hours / 24)} day(s)`;
}

/**
 * Marks a stored report stale when it is older than `staleAfterMs`, whatever its sources
 * said when it was made: after a restart, or when collection stopped, an old report must
 * not read as current. Applied when the report is read, so it needs no run to happen.
 */
export function markIfOld(
  report: MeshReport,
  now: Date,
  staleAfterMs: number,
): MeshReport {
  const age = now.getTime() - Date.parse(report.generatedAt);
  if (!(age > staleAfterMs)) return report;
  const reason = `the report is ${describeAge(age)} old, past the ${describeAge(
    staleAfterMs,
  )} after which reports count as stale (mesh.staleAfter): collection has not run since`;
  return {
    ...report,
    stale: true,
    staleReason: report.staleReason
      ? `${reason}; ${report.staleReason}`
      : reason,
  };
}
