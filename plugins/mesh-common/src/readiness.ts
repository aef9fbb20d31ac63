import { CheckResult, Readiness, ReadinessLevel } from './types';

/**
 * Score = share of applicable checks that pass, a warning counting half. `unknown` counts
 * as applicable and not passed: missing data must never raise a score.
 */
export function computeReadiness(
  checks: Pick<CheckResult, 'status'>[],
  options: { mapped: boolean } = { mapped: true },
): Readiness {
  const applicableChecks = checks.filter(c => c.status !== 'not-applicable');
  const passed = applicableChecks.filter(c => c.status === 'pass').length;
  const warned = applicableChecks.filter(c => c.status === 'warn').length;
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
