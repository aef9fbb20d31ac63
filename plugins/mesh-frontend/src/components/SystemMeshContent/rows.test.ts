import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { byAttention, levelCounts, shortName, worstRowChecks } from './rows';

describe('worstRowChecks', () => {
  it.each<[string, Record<string, CheckStatus>, string[]]>([
    [
      'nothing to fix',
      { 'mesh.enrollment': 'pass', 'security.mtls': 'not-applicable' },
      [],
    ],
    [
      'a waiver is a decision, not a problem',
      { 'security.mtls': 'waived' },
      [],
    ],
    [
      'fail before warn before unknown',
      {
        'security.egress': 'unknown',
        'workload.protocols': 'warn',
        'operations.runbook': 'fail',
      },
      ['operations.runbook', 'workload.protocols', 'security.egress'],
    ],
    [
      'critical before high before medium within a status',
      {
        'operations.runbook': 'fail',
        'sidecar.resources': 'fail',
        'security.mtls': 'fail',
      },
      ['security.mtls', 'sidecar.resources', 'operations.runbook'],
    ],
    [
      'at most three',
      {
        'security.mtls': 'fail',
        'security.authorization': 'fail',
        'mesh.enrollment': 'fail',
        'observability.metrics': 'fail',
      },
      ['security.mtls', 'security.authorization', 'mesh.enrollment'],
    ],
  ])('%s', (_name, checks, expected) => {
    expect(worstRowChecks({ checks }).map(c => c.id)).toEqual(expected);
  });

  it("titles a built-in check from the catalog and an adopter's by its id", () => {
    const worst = worstRowChecks({
      checks: { 'security.mtls': 'fail', 'acme.backups': 'fail' },
    });
    expect(worst.map(c => [c.id, c.title])).toEqual([
      ['security.mtls', 'mTLS enforced and traffic encrypted'],
      ['acme.backups', 'acme.backups'],
    ]);
  });
});

describe('byAttention', () => {
  const r = (entityRef: string, level: string, score: number) => ({
    entityRef,
    level,
    score,
  });

  it('orders by level, then the lowest score, then the ref', () => {
    const sorted = byAttention([
      r('component:default/ready', 'production-ready', 95),
      r('component:default/almost', 'almost-ready', 70),
      r('component:default/unmapped', 'unmapped', 0),
      r('component:default/new-level', 'brand-new', 50),
      r('component:default/unmeshed', 'not-meshed', 5),
      r('component:default/b', 'not-ready', 40),
      r('component:default/a', 'not-ready', 40),
      r('component:default/worse', 'not-ready', 20),
    ]);
    expect(sorted.map(x => x.entityRef)).toEqual([
      'component:default/worse',
      'component:default/a',
      'component:default/b',
      'component:default/unmeshed',
      'component:default/almost',
      'component:default/unmapped',
      'component:default/new-level',
      'component:default/ready',
    ]);
  });

  it('leaves its input as it was', () => {
    const rows = [r('b', 'production-ready', 1), r('a', 'not-ready', 1)];
    byAttention(rows);
    expect(rows.map(x => x.entityRef)).toEqual(['b', 'a']);
  });
});

describe('levelCounts', () => {
  it.each([
    [
      'shares become whole entities, most ready first, empty levels left out',
      {
        entities: 3,
        levels: { 'not-ready': 2 / 3, 'production-ready': 1 / 3 },
      },
      [
        { level: 'production-ready', count: 1 },
        { level: 'not-ready', count: 2 },
      ],
    ],
    [
      'unknown levels after the known ones',
      { entities: 4, levels: { zeta: 0.25, alpha: 0.25, 'not-meshed': 0.5 } },
      [
        { level: 'not-meshed', count: 2 },
        { level: 'alpha', count: 1 },
        { level: 'zeta', count: 1 },
      ],
    ],
    ['no entities', { entities: 0, levels: {} }, []],
  ])('%s', (_name, rollup, expected) => {
    expect(levelCounts(rollup)).toEqual(expected);
  });
});

describe('shortName', () => {
  it.each([
    ['group:default/team-a', 'team-a'],
    ['group:team-a', 'team-a'],
    ['team-a', 'team-a'],
  ])('%s → %s', (ref, name) => {
    expect(shortName(ref)).toBe(name);
  });
});
