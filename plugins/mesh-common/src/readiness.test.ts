import { computeReadiness, readinessLevel, scoredStatus } from './readiness';
import { hasMeshMapping } from './annotations';
import { CHECK_DEFINITIONS, CHECK_IDS } from './checks';
import { CheckStatus } from './types';

describe('computeReadiness', () => {
  it.each<
    [
      CheckStatus[],
      { score: number; passed: number; applicable: number; level: string },
    ]
  >([
    [
      ['pass', 'pass'],
      { score: 100, passed: 2, applicable: 2, level: 'production-ready' },
    ],
    [
      ['pass', 'warn'],
      { score: 75, passed: 1, applicable: 2, level: 'nearly-ready' },
    ],
    [
      ['pass', 'fail'],
      { score: 50, passed: 1, applicable: 2, level: 'in-progress' },
    ],
    // Missing data never raises a score: unknown counts as applicable and not passed.
    [
      ['pass', 'unknown'],
      { score: 50, passed: 1, applicable: 2, level: 'in-progress' },
    ],
    [
      ['pass', 'not-applicable'],
      { score: 100, passed: 1, applicable: 1, level: 'production-ready' },
    ],
    [
      ['fail', 'warn', 'unknown'],
      { score: 17, passed: 0, applicable: 3, level: 'not-ready' },
    ],
    [
      ['not-applicable'],
      { score: 0, passed: 0, applicable: 0, level: 'not-ready' },
    ],
    [[], { score: 0, passed: 0, applicable: 0, level: 'not-ready' }],
  ])('%j scores %j', (statuses, expected) => {
    expect(computeReadiness(statuses.map(status => ({ status })))).toEqual(
      expected,
    );
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
    ['source failed, nothing known', { missingSource: true }, 'unknown'],
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

  it('marks unmapped entities as such whatever their checks say', () => {
    expect(
      computeReadiness([{ status: 'unknown' }], { mapped: false }).level,
    ).toBe('unmapped');
  });

  it.each([
    [100, 'production-ready'],
    [90, 'production-ready'],
    [89, 'nearly-ready'],
    [70, 'nearly-ready'],
    [69, 'in-progress'],
    [40, 'in-progress'],
    [39, 'not-ready'],
    [0, 'not-ready'],
  ])('level of %d is %s', (score, level) => {
    expect(readinessLevel(score)).toBe(level);
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
    }
  });
});
