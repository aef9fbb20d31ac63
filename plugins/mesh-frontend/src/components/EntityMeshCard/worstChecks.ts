import {
  CheckResult,
  CheckSeverity,
  CheckStatus,
  severityOf,
} from '@mesh-readiness/plugin-mesh-common';

/** The statuses that need attention, worst first. Anything else never makes the list. */
const STATUS_RANK: Partial<Record<CheckStatus, number>> = {
  fail: 0,
  warn: 1,
  unknown: 2,
};

const SEVERITY_RANK: Record<CheckSeverity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
};

/**
 * The checks that most need attention: `fail` before `warn` before `unknown`; within a
 * status, critical before high before medium (the severity the report stamped, else the
 * check definition's); then the report's order. Passing, not-applicable and waived checks
 * are never among them: a waiver is a decision, not a problem to fix.
 */
export function worstChecks(
  checks: CheckResult[],
  count: number = 3,
): CheckResult[] {
  return checks
    .map((check, index) => ({
      check,
      index,
      status: STATUS_RANK[check.status],
      severity: SEVERITY_RANK[severityOf(check)] ?? SEVERITY_RANK.medium,
    }))
    .filter((c): c is typeof c & { status: number } => c.status !== undefined)
    .sort(
      (a, b) =>
        a.status - b.status || a.severity - b.severity || a.index - b.index,
    )
    .slice(0, count)
    .map(c => c.check);
}
