import {
  computeReadiness,
  isMeshed,
  readinessLevel,
  ReadinessOptions,
  ScoredCheck,
  scoredStatus,
} from './readiness';
import { hasMeshMapping } from './annotations';
import {
  CHECK_DEFINITIONS,
  CHECK_IDS,
  CHECKLIST,
  SEVERITY_WEIGHTS,
} from './checks';
import { CheckSeverity, CheckStatus, ReadinessLevel } from './types';

type Check = ScoredCheck;
const c = (
  status: CheckStatus,
  severity: CheckSeverity = 'medium',
  extra: Partial<Check> = {},
): Check => ({ status, severity, ...extra });

describe('computeReadiness: the score', () => {
  it.each<
    [string, Check[], { score: number; passed: number; applicable: number }]
  >([
    [
      'all pass',
      [c('pass'), c('pass')],
      { score: 100, passed: 2, applicable: 2 },
    ],
    // Weights: critical 3, high 2, medium 1.
    [
      'a critical pass outweighs a medium fail',
      [c('pass', 'critical'), c('fail')],
      { score: 75, passed: 1, applicable: 2 },
    ],
    [
      'a high pass against a critical fail',
      [c('pass', 'high'), c('fail', 'critical')],
      { score: 40, passed: 1, applicable: 2 },
    ],
    [
      'a medium pass against a high fail',
      [c('pass'), c('fail', 'high')],
      { score: 33, passed: 1, applicable: 2 },
    ],
    // A warning earns half its weight.
    [
      'warn counts half',
      [c('pass'), c('warn')],
      { score: 75, passed: 1, applicable: 2 },
    ],
    [
      'a critical warn counts half of 3',
      [c('warn', 'critical'), c('fail')],
      { score: 38, passed: 0, applicable: 2 },
    ],
    // Missing data never raises a score.
    [
      'unknown is applicable and never passes',
      [c('pass'), c('unknown', 'critical')],
      { score: 25, passed: 1, applicable: 2 },
    ],
    [
      'not-applicable is left out',
      [c('pass'), c('not-applicable', 'critical')],
      { score: 100, passed: 1, applicable: 1 },
    ],
    [
      'waived is left out',
      [
        c('pass'),
        c('waived', 'critical', {
          evidence: { waived: { status: 'fail', reason: 'r' } },
        }),
      ],
      { score: 100, passed: 1, applicable: 1 },
    ],
    [
      'nothing applicable scores 0',
      [c('not-applicable'), c('waived')],
      { score: 0, passed: 0, applicable: 0 },
    ],
    ['no checks score 0', [], { score: 0, passed: 0, applicable: 0 }],
    // A check without a stamped severity takes its built-in definition's, else medium.
    [
      'built-in severity from the id',
      [
        { id: 'security.mtls', status: 'pass' },
        { id: 'value.mesh-usage', status: 'fail' },
      ],
      { score: 75, passed: 1, applicable: 2 },
    ],
    [
      'an unknown id without severity is medium',
      [{ id: 'acme.custom', status: 'pass' }, { status: 'fail' }],
      { score: 50, passed: 1, applicable: 2 },
    ],
  ])('%s', (_rule, checks, expected) => {
    const r = computeReadiness(checks);
    expect({
      score: r.score,
      passed: r.passed,
      applicable: r.applicable,
    }).toEqual(expected);
  });

  it('uses SEVERITY_WEIGHTS critical 3, high 2, medium 1', () => {
    expect(SEVERITY_WEIGHTS).toEqual({ critical: 3, high: 2, medium: 1 });
  });

  it.each<[string, Record<string, unknown>, CheckStatus]>([
    [
      'source failed, last known pass',
      { missingSource: true, lastKnown: { status: 'pass' } },
      'pass',
    ],
    [
      'source failed, last known warn',
      { missingSource: true, lastKnown: { status: 'warn' } },
      'warn',
    ],
    [
      'source failed, last known fail',
      { missingSource: true, lastKnown: { status: 'fail' } },
      'fail',
    ],
    ['source failed, nothing known', { missingSource: true }, 'unknown'],
    [
      'source failed, last known waived',
      { missingSource: true, lastKnown: { status: 'waived' } },
      'unknown',
    ],
    ['no data in the window', { lastKnown: { status: 'pass' } }, 'unknown'],
  ])('scores an unknown check (%s) as %s', (_why, evidence, expected) => {
    const check = { status: 'unknown' as const, evidence };
    expect(scoredStatus(check)).toBe(expected);
    expect(computeReadiness([{ status: 'pass' }, check]).passed).toBe(
      expected === 'pass' ? 2 : 1,
    );
  });

  it('scores a check that has a status on that status, whatever its evidence says', () => {
    expect(
      scoredStatus({
        status: 'fail',
        evidence: { missingSource: true, lastKnown: { status: 'pass' } },
      }),
    ).toBe('fail');
  });
});

describe('computeReadiness: the level', () => {
  const passes = (n: number, severity: CheckSeverity = 'medium') =>
    Array.from({ length: n }, () => c('pass', severity));
  const outage = (status: CheckStatus) =>
    c('unknown', 'critical', {
      evidence: { missingSource: 'prometheus', lastKnown: { status } },
    });
  it.each<[string, Check[], ReadinessOptions, ReadinessLevel]>([
    ['unmapped whatever the checks', passes(3), { mapped: false }, 'unmapped'],
    [
      'unmapped before not-meshed',
      passes(3),
      { mapped: false, meshed: false },
      'unmapped',
    ],
    [
      'not-meshed: no pod runs a proxy or is ambient',
      passes(3),
      { meshed: false },
      'not-meshed',
    ],
    [
      'meshed unknown (Kubernetes failed): from the checks',
      passes(3),
      {},
      'production-ready',
    ],
    [
      'production-ready: 100, nothing failing',
      passes(3),
      { meshed: true },
      'production-ready',
    ],
    [
      'production-ready at exactly 90',
      [...passes(8), c('warn'), c('warn')],
      { meshed: true },
      'production-ready',
    ],
    [
      'not production-ready with any fail, even at ≥ 90',
      [...passes(20), c('fail')],
      { meshed: true },
      'almost-ready',
    ],
    [
      'not production-ready with a critical unknown',
      [...passes(30), c('unknown', 'critical')],
      { meshed: true },
      'almost-ready',
    ],
    [
      'a high unknown does not block production-ready at ≥ 90',
      [...passes(30), c('unknown', 'high')],
      { meshed: true },
      'production-ready',
    ],
    [
      'a critical unknown from an outage counts its last known pass',
      [...passes(3), outage('pass')],
      { meshed: true },
      'production-ready',
    ],
    [
      'an outage without a last known status is a critical unknown',
      [...passes(30), outage('unknown')],
      { meshed: true },
      'almost-ready',
    ],
    [
      'a waived critical fail does not block',
      [...passes(3), c('waived', 'critical')],
      { meshed: true },
      'production-ready',
    ],
    [
      'almost-ready at 89',
      [...passes(7), c('warn'), c('warn'), c('warn')],
      { meshed: true },
      'almost-ready',
    ],
    [
      'almost-ready at exactly 70',
      [...passes(6), c('warn'), c('warn'), c('fail', 'high')],
      { meshed: true },
      'almost-ready',
    ],
    [
      'not-ready below 70',
      [...passes(2), c('fail')],
      { meshed: true },
      'not-ready',
    ],
    [
      'not-ready with a critical fail, even at ≥ 70',
      [...passes(30), c('fail', 'critical')],
      { meshed: true },
      'not-ready',
    ],
    [
      'not-ready with a critical fail carried from an outage',
      [...passes(30), outage('fail')],
      { meshed: true },
      'not-ready',
    ],
    [
      'not-ready when nothing is applicable',
      [c('not-applicable')],
      { meshed: true },
      'not-ready',
    ],
  ])('%s', (_rule, checks, options, level) => {
    expect(computeReadiness(checks, options).level).toBe(level);
  });

  it('takes its score rules from the facts alone', () => {
    const facts = {
      mapped: true,
      anyFail: false,
      criticalFail: false,
      criticalUnknown: false,
    };
    expect(readinessLevel({ ...facts, score: 90 })).toBe('production-ready');
    expect(readinessLevel({ ...facts, score: 89 })).toBe('almost-ready');
    expect(readinessLevel({ ...facts, score: 70 })).toBe('almost-ready');
    expect(readinessLevel({ ...facts, score: 69 })).toBe('not-ready');
  });

  it.each([
    [[{ meshedPods: 0 }, { meshedPods: 0 }], false],
    [[{ meshedPods: 0 }, { meshedPods: 1 }], true],
    [[], false],
  ])('isMeshed(%j) is %s', (workloads, meshed) => {
    expect(isMeshed(workloads)).toBe(meshed);
  });
});

describe('computeReadiness: coverage', () => {
  const all = (status: CheckStatus) =>
    Object.values(CHECK_IDS).map(id => ({ id, status }));
  const line = (r: ReturnType<typeof computeReadiness>, id: string) =>
    r.coverage!.lines.find(l => l.id === id)!;

  it('has the twelve lines of the checklist, each served by a check', () => {
    const r = computeReadiness(all('pass'));
    expect(r.coverage!.lines).toHaveLength(12);
    expect(r.coverage).toMatchObject({ covered: 12, total: 12 });
    for (const l of r.coverage!.lines)
      expect(l.checks.length).toBeGreaterThan(0);
  });

  it.each<[string, CheckStatus, { covered: number; total: number }]>([
    ['a fail is a verdict', 'fail', { covered: 12, total: 12 }],
    ['a warn is a verdict', 'warn', { covered: 12, total: 12 }],
    ['unknown is no verdict', 'unknown', { covered: 0, total: 12 }],
    ['waived is no verdict', 'waived', { covered: 0, total: 12 }],
    [
      'lines whose checks all do not apply leave the total',
      'not-applicable',
      { covered: 0, total: 0 },
    ],
  ])('%s', (_rule, status, expected) => {
    expect(computeReadiness(all(status)).coverage).toMatchObject(expected);
  });

  it('covers a line when one of its checks has a verdict, the others unknown', () => {
    const checks = all('unknown').map(ch =>
      ch.id === CHECK_IDS.goldenSignals
        ? { ...ch, status: 'pass' as const }
        : ch,
    );
    const r = computeReadiness(checks);
    expect(line(r, 'metrics').state).toBe('covered');
    expect(line(r, 'egress').state).toBe('uncovered');
    expect(r.coverage).toMatchObject({ covered: 1, total: 12 });
  });

  it('counts an outage by its last known verdict', () => {
    const r = computeReadiness([
      {
        id: CHECK_IDS.egress,
        status: 'unknown',
        evidence: {
          missingSource: 'kubernetes',
          lastKnown: { status: 'fail' },
        },
      },
    ]);
    expect(line(r, 'egress').state).toBe('covered');
  });

  it('leaves a line uncovered when no check serves it, and honours a stamped line', () => {
    const r = computeReadiness([
      { id: 'acme.custom', status: 'pass', checklistItem: 'mesh-how-to' },
    ]);
    expect(line(r, 'mesh-how-to')).toMatchObject({
      state: 'covered',
      checks: ['acme.custom'],
    });
    expect(line(r, 'rollout')).toMatchObject({
      state: 'uncovered',
      checks: [],
    });
    expect(r.coverage).toMatchObject({ covered: 1, total: 12 });
  });
});

describe('hasMeshMapping', () => {
  it.each([
    [{ 'backstage.io/kubernetes-id': 'checkout' }, true],
    [{ 'backstage.io/kubernetes-label-selector': 'app=checkout' }, true],
    [{ 'backstage.io/kubernetes-id': '  ' }, false],
    [{ 'backstage.io/kubernetes-namespace': 'shop' }, false],
    [undefined, false],
  ])('%j → %s', (annotations, expected) => {
    expect(hasMeshMapping({ metadata: { annotations } })).toBe(expected);
  });
});

describe('check catalog', () => {
  it('defines every stable id once, each tied to a checklist line', () => {
    const ids = Object.values(CHECK_IDS);
    expect(new Set(ids).size).toBe(23);
    for (const id of ids) {
      expect(CHECK_DEFINITIONS[id].id).toBe(id);
      expect(CHECK_DEFINITIONS[id].checklistLine.length).toBeGreaterThan(20);
      expect(CHECKLIST.map(l => l.id)).toContain(
        CHECK_DEFINITIONS[id].checklistItem,
      );
    }
  });

  it('gives every check the severity issue 10 lists', () => {
    const bySeverity = (severity: CheckSeverity) =>
      Object.values(CHECK_DEFINITIONS)
        .filter(d => d.severity === severity)
        .map(d => d.id)
        .sort();
    expect(bySeverity('critical')).toEqual(
      [
        'mesh.enrollment',
        'health.golden-signals',
        'security.mtls',
        'security.authorization',
        'control-plane.certificates',
        'observability.metrics',
      ].sort(),
    );
    expect(bySeverity('high')).toEqual(
      [
        'security.egress',
        'workload.stateful',
        'sidecar.resources',
        'upgrade.proxy-version',
        'upgrade.disruption-budget',
        'control-plane.ha',
        'observability.trace-propagation',
        'mesh.config-validation',
      ].sort(),
    );
    expect(bySeverity('medium')).toHaveLength(23 - 14);
  });
});
