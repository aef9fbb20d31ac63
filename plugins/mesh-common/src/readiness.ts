import {
  CHECK_DEFINITIONS,
  CHECKLIST,
  DEFAULT_SEVERITY,
  SEVERITY_WEIGHTS,
} from './checks';
import {
  ChecklistItemId,
  CheckResult,
  CheckSeverity,
  CheckStatus,
  Coverage,
  CoverageLine,
  Readiness,
  ReadinessLevel,
  WorkloadSummary,
} from './types';

/** What scoring reads of a check; the id finds a built-in check's severity and line. */
export type ScoredCheck = Pick<CheckResult, 'status'> &
  Partial<Pick<CheckResult, 'id' | 'severity' | 'checklistItem'>> & {
    evidence?: Record<string, unknown>;
  };

export interface ReadinessOptions {
  /** False for an entity without mapping annotations: its level is `unmapped`. */
  mapped?: boolean;
  /**
   * Whether a pod of the entity's workloads runs a proxy or is in ambient (`isMeshed`).
   * False makes the level `not-meshed`; leave it out when the pods are not known (the
   * Kubernetes source failed), so the level comes from the checks.
   */
  meshed?: boolean;
}

/**
 * The status a check is scored on. A check that is `unknown` only because its source
 * failed (`evidence.missingSource`) is scored on its last known status
 * (`evidence.lastKnown`): a monitoring outage is not a readiness regression. Any other
 * `unknown` stays `unknown`, and `waived` stays `waived` (out of the score).
 */
export function scoredStatus(
  check: Pick<CheckResult, 'status'> & { evidence?: Record<string, unknown> },
): CheckStatus {
  if (check.status !== 'unknown' || !check.evidence?.missingSource)
    return check.status;
  const lastKnown = check.evidence.lastKnown as
    | { status?: CheckStatus }
    | undefined;
  // A waiver is a decision about a status, not a status the check had.
  if (!lastKnown?.status || lastKnown.status === 'waived') return 'unknown';
  return lastKnown.status;
}

/** The check's severity: as the report stamped it, else its built-in definition's. */
export function severityOf(check: ScoredCheck): CheckSeverity {
  return (
    check.severity ??
    (check.id
      ? CHECK_DEFINITIONS[check.id as keyof typeof CHECK_DEFINITIONS]?.severity
      : undefined) ??
    DEFAULT_SEVERITY
  );
}

function checklistItemOf(check: ScoredCheck): ChecklistItemId | undefined {
  return (
    check.checklistItem ??
    (check.id
      ? CHECK_DEFINITIONS[check.id as keyof typeof CHECK_DEFINITIONS]
          ?.checklistItem
      : undefined)
  );
}

/** True when a pod of the workloads runs a proxy or is enrolled in ambient. */
export function isMeshed(workloads: Pick<WorkloadSummary, 'meshedPods'>[]) {
  return workloads.some(w => w.meshedPods > 0);
}

/** What the level rules read, once the checks are scored. */
export interface LevelFacts {
  score: number;
  mapped: boolean;
  meshed?: boolean;
  /** A counted (not waived) check scored `fail`. */
  anyFail: boolean;
  criticalFail: boolean;
  /** A critical check scored `unknown`: missing data, with no last known status. */
  criticalUnknown: boolean;
}

export function readinessLevel(facts: LevelFacts): ReadinessLevel {
  if (!facts.mapped) return 'unmapped';
  if (facts.meshed === false) return 'not-meshed';
  if (facts.score >= 90 && !facts.anyFail && !facts.criticalUnknown)
    return 'production-ready';
  if (facts.score >= 70 && !facts.criticalFail) return 'almost-ready';
  return 'not-ready';
}

const VERDICTS: CheckStatus[] = ['pass', 'warn', 'fail'];

/**
 * Which checklist lines have a verdict. A line is covered when one of its checks is
 * pass, warn or fail (an attested check's answer is such a verdict; a source outage
 * counts its last known one); lines whose every check is `not-applicable` leave `total`.
 */
export function checklistCoverage(checks: ScoredCheck[]): Coverage {
  const lines: CoverageLine[] = CHECKLIST.map(item => {
    const mine = checks.filter(c => checklistItemOf(c) === item.id);
    const statuses = mine.map(scoredStatus);
    let state: CoverageLine['state'] = 'uncovered';
    if (statuses.some(s => VERDICTS.includes(s))) state = 'covered';
    else if (statuses.length > 0 && statuses.every(s => s === 'not-applicable'))
      state = 'not-applicable';
    return {
      id: item.id,
      text: item.text,
      state,
      checks: mine.flatMap(c => (c.id ? [c.id] : [])),
    };
  });
  return {
    covered: lines.filter(l => l.state === 'covered').length,
    total: lines.filter(l => l.state !== 'not-applicable').length,
    lines,
  };
}

/**
 * Score = severity-weighted share of the applicable checks that pass (weights in
 * `SEVERITY_WEIGHTS`), a warning earning half its weight. `unknown` is applicable and
 * never passes: missing data must never raise a score. A check whose source failed
 * counts with its last known status (`scoredStatus`), for the level rules too: an
 * outage is not a regression. `not-applicable` and `waived` checks are left out of the
 * score and of the level rules alike. `passed` and `applicable` count checks, unweighted.
 */
export function computeReadiness(
  checks: ScoredCheck[],
  options: ReadinessOptions = {},
): Readiness {
  const counted = checks
    .map(c => ({ status: scoredStatus(c), severity: severityOf(c) }))
    .filter(c => c.status !== 'not-applicable' && c.status !== 'waived');
  let earned = 0;
  let possible = 0;
  for (const c of counted) {
    const weight = SEVERITY_WEIGHTS[c.severity];
    possible += weight;
    if (c.status === 'pass') earned += weight;
    if (c.status === 'warn') earned += weight / 2;
  }
  const score = possible === 0 ? 0 : Math.round((100 * earned) / possible);
  const critical = counted.filter(c => c.severity === 'critical');
  return {
    score,
    level: readinessLevel({
      score,
      mapped: options.mapped ?? true,
      meshed: options.meshed,
      anyFail: counted.some(c => c.status === 'fail'),
      criticalFail: critical.some(c => c.status === 'fail'),
      criticalUnknown: critical.some(c => c.status === 'unknown'),
    }),
    passed: counted.filter(c => c.status === 'pass').length,
    applicable: counted.length,
    coverage: checklistCoverage(checks),
  };
}
