import { CHECKLIST, CheckResult } from '@mesh-readiness/plugin-mesh-common';
import { coverageRows } from './coverage';

const check = (
  id: string,
  status: CheckResult['status'],
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  id,
  title: id,
  category: id.split('.')[0],
  status,
  summary: '',
  evidence: {},
  ...extra,
});

const verdictOf = (checks: CheckResult[], line: string) =>
  coverageRows(checks).find(r => r.id === line)!.verdict;

describe('coverageRows', () => {
  it('gives the twelve lines in the checklist order, none measured without checks', () => {
    const rows = coverageRows([]);
    expect(rows.map(r => r.id)).toEqual(CHECKLIST.map(l => l.id));
    expect(rows.map(r => r.text)).toEqual(CHECKLIST.map(l => l.text));
    expect(new Set(rows.map(r => r.verdict))).toEqual(
      new Set(['not-measured']),
    );
  });

  it.each<[string, CheckResult[], string]>([
    // security.mtls and security.authorization both serve "authorization"
    [
      'the worst verdict wins',
      [check('security.mtls', 'pass'), check('security.authorization', 'fail')],
      'fail',
    ],
    [
      'a warning over a pass',
      [check('security.mtls', 'warn'), check('security.authorization', 'pass')],
      'warn',
    ],
    [
      'a verdict over an unknown',
      [
        check('security.mtls', 'unknown'),
        check('security.authorization', 'pass'),
      ],
      'pass',
    ],
    [
      'only unknown: not measured',
      [check('security.mtls', 'unknown')],
      'not-measured',
    ],
    [
      'waived without a verdict',
      [
        check('security.mtls', 'waived'),
        check('security.authorization', 'unknown'),
      ],
      'waived',
    ],
    [
      'a verdict over a waiver',
      [
        check('security.mtls', 'waived'),
        check('security.authorization', 'fail'),
      ],
      'fail',
    ],
    [
      'all not applicable',
      [
        check('security.mtls', 'not-applicable'),
        check('security.authorization', 'not-applicable'),
      ],
      'not-applicable',
    ],
    [
      'not applicable and unknown: not measured',
      [
        check('security.mtls', 'not-applicable'),
        check('security.authorization', 'unknown'),
      ],
      'not-measured',
    ],
  ])('%s', (_what, checks, verdict) => {
    expect(verdictOf(checks, 'authorization')).toBe(verdict);
  });

  it("places an adopter's check by its checklistItem, and one without none", () => {
    const rows = coverageRows([
      check('acme.egress-gateway', 'fail', { checklistItem: 'egress' }),
      check('acme.other', 'fail'),
    ]);
    expect(rows.find(r => r.id === 'egress')!.verdict).toBe('fail');
    expect(rows.flatMap(r => r.checks.map(c => c.id))).toEqual([
      'acme.egress-gateway',
    ]);
  });

  it('carries the attestation of the line, a valid one before a lapsed one', () => {
    const lapsed = {
      attestedBy: 'user:default/old',
      attestedAt: '2025-01-01T00:00:00Z',
      expiresAt: '2025-06-01T00:00:00Z',
      note: 'old',
    };
    const valid = {
      attestedBy: 'user:default/ana',
      attestedAt: '2026-01-02T00:00:00Z',
      expiresAt: '2099-01-01T00:00:00Z',
      note: 'new',
    };
    const rows = coverageRows([
      // both serve "upgrade-runbook"
      check('upgrade.disruption-budget', 'pass'),
      check('operations.runbook', 'fail', { evidence: { expired: lapsed } }),
      // certificates: the rotation drill, valid
      check('control-plane.certificates', 'pass', {
        evidence: { rotationTested: valid },
      }),
    ]);
    const runbook = rows.find(r => r.id === 'upgrade-runbook')!;
    expect(runbook.verdict).toBe('fail');
    expect(runbook.attestation).toMatchObject({
      checkId: 'operations.runbook',
      by: 'user:default/old',
      expired: true,
    });
    expect(rows.find(r => r.id === 'cert-rotation')!.attestation).toMatchObject(
      {
        checkId: 'control-plane.certificates',
        by: 'user:default/ana',
        note: 'new',
        expired: false,
      },
    );
    expect(rows.find(r => r.id === 'metrics')!.attestation).toBeUndefined();
  });
});
