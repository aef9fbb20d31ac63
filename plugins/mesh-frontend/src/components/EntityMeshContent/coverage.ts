import {
  CHECKLIST,
  CheckResult,
  ChecklistItemId,
} from '@mesh-readiness/plugin-mesh-common';
import {
  AttestationInfo,
  attestationOf,
  checklistItemOf,
} from './checkDetails';

/** A line's verdict: the worst measured status of its checks, or why there is none. */
export type LineVerdict =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'waived'
  | 'not-applicable'
  | 'not-measured';

export interface CoverageRow {
  id: ChecklistItemId;
  text: string;
  verdict: LineVerdict;
  /** The checks serving the line, in the report's order. */
  checks: CheckResult[];
  /** A person's word on the line, valid ones before lapsed ones. */
  attestation?: AttestationInfo & { checkId: string };
}

const WORST_FIRST = ['fail', 'warn', 'pass'] as const;

function verdictOf(checks: CheckResult[]): LineVerdict {
  for (const status of WORST_FIRST) {
    if (checks.some(c => c.status === status)) return status;
  }
  if (checks.some(c => c.status === 'waived')) return 'waived';
  if (checks.length > 0 && checks.every(c => c.status === 'not-applicable')) {
    return 'not-applicable';
  }
  // Only unknown checks, or no check serves the line in this report.
  return 'not-measured';
}

/** The checklist's twelve lines, in its order, each with what the report says of it. */
export function coverageRows(checks: CheckResult[]): CoverageRow[] {
  return CHECKLIST.map(line => {
    const mine = checks.filter(c => checklistItemOf(c) === line.id);
    const attested = mine
      .map(c => ({ check: c, attestation: attestationOf(c) }))
      .filter(a => a.attestation)
      .sort(
        (a, b) =>
          Number(a.attestation!.expired) - Number(b.attestation!.expired),
      )[0];
    return {
      id: line.id,
      text: line.text,
      verdict: verdictOf(mine),
      checks: mine,
      ...(attested
        ? {
            attestation: {
              ...attested.attestation!,
              checkId: attested.check.id,
            },
          }
        : {}),
    };
  });
}
