import { CheckResult } from '@mesh-readiness/plugin-mesh-common';
import { worstChecks } from './worstChecks';

function check(
  id: string,
  status: CheckResult['status'],
  severity?: CheckResult['severity'],
): CheckResult {
  return {
    id,
    title: id,
    category: id.split('.')[0],
    status,
    summary: `${id} is ${status}`,
    evidence: {},
    ...(severity ? { severity } : {}),
  };
}

describe('worstChecks', () => {
  it('puts fail before warn before unknown, whatever the severity', () => {
    const result = worstChecks([
      check('a.unknown', 'unknown', 'critical'),
      check('b.warn', 'warn', 'critical'),
      check('c.fail', 'fail', 'medium'),
    ]);
    expect(result.map(c => c.id)).toEqual(['c.fail', 'b.warn', 'a.unknown']);
  });

  it('orders one status by severity, then by the report order', () => {
    const result = worstChecks(
      [
        check('m1', 'fail', 'medium'),
        check('h1', 'fail', 'high'),
        check('c1', 'fail', 'critical'),
        check('h2', 'fail', 'high'),
      ],
      4,
    );
    expect(result.map(c => c.id)).toEqual(['c1', 'h1', 'h2', 'm1']);
  });

  it("falls back to the check definition's severity", () => {
    // security.mtls is critical, sidecar.rightsizing is not
    const result = worstChecks([
      check('sidecar.rightsizing', 'fail'),
      check('security.mtls', 'fail'),
    ]);
    expect(result.map(c => c.id)).toEqual([
      'security.mtls',
      'sidecar.rightsizing',
    ]);
  });

  it('never lists waived, passing or not-applicable checks', () => {
    const result = worstChecks([
      check('w', 'waived', 'critical'),
      check('p', 'pass', 'critical'),
      check('n', 'not-applicable', 'critical'),
      check('u', 'unknown', 'medium'),
    ]);
    expect(result.map(c => c.id)).toEqual(['u']);
    expect(worstChecks([check('w', 'waived', 'critical')])).toEqual([]);
  });

  it('keeps at most three', () => {
    const result = worstChecks([
      check('a', 'warn'),
      check('b', 'fail'),
      check('c', 'unknown'),
      check('d', 'fail'),
    ]);
    expect(result.map(c => c.id)).toEqual(['b', 'd', 'a']);
  });
});
