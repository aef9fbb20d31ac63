import { CheckResult, CheckStatus, Readiness, ReadinessLevel } from './types';

/**
 * The status a check is scored on. A check that is `unknown` only because its source
 * failed (`evidence.missingSource`) is scored on its last known status
 * (`evidence.lastKnown`): a monitoring outage is not a readiness regression. Any other
 * `unknown` stays `unknown`.
 */
export function scoredStatus(
  check: Pick<CheckResult, 'status'> & { evidence?: Record<string, unknown> },
): CheckStatus {
  if (check.status !== 'unknown' || !check.evidence?.missingSource)
    return check.status;
  const lastKnown = check.evidence.lastKnown as
    | { status?: CheckStatus }
    | undefined;
  return lastKnown?.status ?? 'unknown';
}

/**
 * Score = share of applicable checks that pass, a warning counting half. `unknown` counts
 * as applicable and not passed: missing data must never raise a score. A check whose
 * source failed counts with its last known status (see `scoredStatus`).
 */
export function computeReadiness(
  checks: Array<
    Pick<CheckResult, 'status'> & { evidence?: Record<string, unknown> }
  >,
  options: { mapped: boolean } = { mapped: true },
): Readiness {
  const statuses = checks.map(scoredStatus);
  const applicableChecks = statuses.filter(s => s !== 'not-applicable');
  const passed = applicableChecks.filter(s => s === 'pass').length;
  const warned = applicableChecks.filter(s => s === 'warn').length;
  const applicable = applicableChecks.length;
  const score =
    applicable === 0
      ? 0
      : Math.round((100 * (passed + warned / 2)) / applicable);
  return {
    score,
    level: options.mapped ? readinessLevel(score) : 'unmapped',
    passed,
    applicable,
  };
}

export function readinessLevel(score: number): ReadinessLevel {
  if (score >= 90) return 'production-ready';
  if (score >= 70) return 'nearly-ready';
  if (score >= 40) return 'in-progress';
  return 'not-ready';
}
