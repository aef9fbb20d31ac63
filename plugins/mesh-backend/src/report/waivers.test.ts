import { Entity } from '@backstage/catalog-model';
import {
  CheckResult,
  computeReadiness,
  Waiver,
} from '@mesh-readiness/plugin-mesh-common';
import { applyWaivers, waiversByEntity } from './waivers';

const NOW = new Date('2025-06-15T12:00:00Z');

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
  spec: {},
});

const check = (
  id: string,
  status: CheckResult['status'],
  severity: CheckResult['severity'] = 'high',
): CheckResult => ({
  id,
  title: id,
  category: 'security',
  status,
  summary: `${id} says ${status}`,
  evidence: { objects: ['x'] },
  severity,
});

const CHECKS = [
  check('security.egress', 'fail'),
  check('security.mtls', 'pass', 'critical'),
  check('upgrade.proxy-version', 'warn'),
];

const statuses = (checks: CheckResult[]) =>
  Object.fromEntries(checks.map(c => [c.id, c.status]));

describe('applyWaivers', () => {
  it.each<
    [
      string,
      Record<string, string>,
      Record<string, string>,
      Array<{ annotation: string; message: string }>,
    ]
  >([
    ['no annotation: nothing changes', {}, { 'security.egress': 'fail' }, []],
    [
      'one id with a reason',
      {
        'servicemesh/waive': 'security.egress',
        'servicemesh/waive-reason': 'egress goes through the proxy fleet',
      },
      { 'security.egress': 'waived', 'security.mtls': 'pass' },
      [],
    ],
    [
      'several ids, spaces and duplicates',
      {
        'servicemesh/waive':
          ' security.egress , upgrade.proxy-version,security.egress,',
        'servicemesh/waive-reason': 'migrating',
      },
      {
        'security.egress': 'waived',
        'upgrade.proxy-version': 'waived',
        'security.mtls': 'pass',
      },
      [],
    ],
    [
      'until today still applies (the date is the last day)',
      {
        'servicemesh/waive': 'security.egress',
        'servicemesh/waive-reason': 'migrating',
        'servicemesh/waive-until': '2025-06-15',
      },
      { 'security.egress': 'waived' },
      [],
    ],
    [
      'expired: the check counts again, and the report says so',
      {
        'servicemesh/waive': 'security.egress',
        'servicemesh/waive-reason': 'migrating',
        'servicemesh/waive-until': '2025-06-14',
      },
      { 'security.egress': 'fail' },
      [
        {
          annotation: 'servicemesh/waive-until',
          message:
            'The waiver of security.egress expired on 2025-06-14; the checks count again.',
        },
      ],
    ],
    [
      'an unknown id is reported; the known ones are waived',
      {
        'servicemesh/waive': 'security.egres,security.egress',
        'servicemesh/waive-reason': 'migrating',
      },
      { 'security.egress': 'waived' },
      [
        {
          annotation: 'servicemesh/waive',
          message:
            "'security.egres' is not the id of a check (GET /v1/checks lists them), so it waives nothing.",
        },
      ],
    ],
    [
      'no reason: refused, visibly',
      { 'servicemesh/waive': 'security.egress' },
      { 'security.egress': 'fail' },
      [
        {
          annotation: 'servicemesh/waive-reason',
          message: expect.stringContaining(
            'The waiver of security.egress has no reason',
          ),
        },
      ],
    ],
    [
      'a blank reason is no reason',
      {
        'servicemesh/waive': 'security.egress',
        'servicemesh/waive-reason': '   ',
      },
      { 'security.egress': 'fail' },
      [
        {
          annotation: 'servicemesh/waive-reason',
          message: expect.stringContaining('is not applied'),
        },
      ],
    ],
    ...['next week', '2025-6-1', '2025-02-30', '2025-13-01'].map(
      until =>
        [
          `a malformed date (${until}) is refused`,
          {
            'servicemesh/waive': 'security.egress',
            'servicemesh/waive-reason': 'migrating',
            'servicemesh/waive-until': until,
          },
          { 'security.egress': 'fail' },
          [
            {
              annotation: 'servicemesh/waive-until',
              message: `'${until}' is not a date as YYYY-MM-DD, so the waiver of security.egress is not applied.`,
            },
          ],
        ] as [
          string,
          Record<string, string>,
          Record<string, string>,
          Array<{ annotation: string; message: string }>,
        ],
    ),
  ])('%s', (_rule, annotations, expected, problems) => {
    const result = applyWaivers(entity(annotations), CHECKS, NOW);
    expect(statuses(result.checks)).toMatchObject(expected);
    expect(result.problems).toEqual(problems);
  });

  it('keeps the real status, reason and date in the evidence, and says so in the summary', () => {
    const [egress] = applyWaivers(
      entity({
        'servicemesh/waive': 'security.egress',
        'servicemesh/waive-reason': 'egress goes through the proxy fleet',
        'servicemesh/waive-until': '2025-12-31',
      }),
      CHECKS,
      NOW,
    ).checks;
    expect(egress).toMatchObject({
      status: 'waived',
      evidence: {
        objects: ['x'],
        waived: {
          status: 'fail',
          reason: 'egress goes through the proxy fleet',
          until: '2025-12-31',
          origin: 'annotation',
        },
      },
    });
    expect(egress.summary).toBe(
      'Waived until 2025-12-31: egress goes through the proxy fleet. Without the waiver: fail: security.egress says fail',
    );
  });

  it('marks the checks of an expired waiver in their evidence', () => {
    const [egress] = applyWaivers(
      entity({
        'servicemesh/waive': 'security.egress',
        'servicemesh/waive-reason': 'migrating',
        'servicemesh/waive-until': '2020-01-01',
      }),
      CHECKS,
      NOW,
    ).checks;
    expect(egress.evidence.waiverExpired).toEqual({
      reason: 'migrating',
      until: '2020-01-01',
      origin: 'annotation',
    });
  });

  it('takes a waived check out of the score, never counting it as passed', () => {
    const waived = applyWaivers(
      entity({
        'servicemesh/waive': 'security.egress,security.mtls',
        'servicemesh/waive-reason': 'migrating',
      }),
      CHECKS,
      NOW,
    ).checks;
    const readiness = computeReadiness(waived, { meshed: true });
    // Only the warning is left: half its weight.
    expect(readiness).toMatchObject({ score: 50, passed: 0, applicable: 1 });
  });
});

const apiWaiver = (o: Partial<Waiver> = {}): Waiver => ({
  id: '00000000-0000-4000-8000-000000000001',
  entityRef: 'component:default/checkout',
  checkId: 'security.egress',
  reason: 'egress gateway lands next sprint',
  createdBy: 'user:default/alice',
  createdAt: '2025-06-01T09:00:00.000Z',
  ...o,
});

describe('applyWaivers with waivers made through the API', () => {
  const ANNOTATED = {
    'servicemesh/waive': 'security.egress',
    'servicemesh/waive-reason': 'reviewed: egress goes through the proxy fleet',
  };

  it.each<[string, Record<string, string>, Waiver[], Record<string, unknown>]>([
    [
      'an API waiver without an end applies, with who and when',
      {},
      [apiWaiver()],
      {
        status: 'waived',
        summary:
          'Waived by user:default/alice: egress gateway lands next sprint. Without the waiver: fail: security.egress says fail',
        evidence: {
          objects: ['x'],
          waived: {
            status: 'fail',
            reason: 'egress gateway lands next sprint',
            by: 'user:default/alice',
            at: '2025-06-01T09:00:00.000Z',
            origin: 'api',
          },
        },
      },
    ],
    [
      'until today still applies',
      {},
      [apiWaiver({ until: '2025-06-15' })],
      {
        status: 'waived',
        evidence: expect.objectContaining({
          waived: expect.objectContaining({
            until: '2025-06-15',
            origin: 'api',
          }),
        }),
      },
    ],
    [
      'expired: the check counts again and says whose waiver lapsed',
      {},
      [apiWaiver({ until: '2025-06-14' })],
      {
        status: 'fail',
        summary: 'security.egress says fail',
        evidence: {
          objects: ['x'],
          waiverExpired: {
            reason: 'egress gateway lands next sprint',
            until: '2025-06-14',
            by: 'user:default/alice',
            origin: 'api',
          },
        },
      },
    ],
    [
      'the annotation wins over an API waiver of the same check',
      ANNOTATED,
      [apiWaiver({ until: '2025-12-31' })],
      {
        status: 'waived',
        evidence: expect.objectContaining({
          waived: {
            status: 'fail',
            reason: 'reviewed: egress goes through the proxy fleet',
            origin: 'annotation',
          },
        }),
      },
    ],
    [
      'an expired annotation leaves the check to the API waiver',
      { ...ANNOTATED, 'servicemesh/waive-until': '2025-01-31' },
      [apiWaiver()],
      {
        status: 'waived',
        evidence: expect.objectContaining({
          waived: expect.objectContaining({ origin: 'api' }),
          waiverExpired: expect.objectContaining({ origin: 'annotation' }),
        }),
      },
    ],
    [
      'of two in force, the newest applies',
      {},
      [
        apiWaiver({ id: 'old', reason: 'older' }),
        apiWaiver({
          id: 'new',
          reason: 'newer',
          createdAt: '2025-06-10T00:00:00.000Z',
          until: '2025-07-01',
        }),
      ],
      {
        status: 'waived',
        evidence: expect.objectContaining({
          waived: expect.objectContaining({ reason: 'newer' }),
        }),
      },
    ],
    [
      'a newer expired one does not hide an older one in force',
      {},
      [
        apiWaiver({ id: 'old', reason: 'open-ended' }),
        apiWaiver({
          id: 'new',
          reason: 'lapsed',
          createdAt: '2025-06-10T00:00:00.000Z',
          until: '2025-06-11',
        }),
      ],
      {
        status: 'waived',
        evidence: expect.objectContaining({
          waived: expect.objectContaining({ reason: 'open-ended' }),
        }),
      },
    ],
  ])('%s', (_rule, annotations, waivers, expected) => {
    const { checks } = applyWaivers(entity(annotations), CHECKS, NOW, waivers);
    expect(checks[0]).toMatchObject(expected);
    // The other checks are untouched.
    expect(checks.slice(1)).toEqual(CHECKS.slice(1));
  });

  it('waives only the checks named, and takes them out of the score', () => {
    const { checks } = applyWaivers(entity({}), CHECKS, NOW, [
      apiWaiver({ checkId: 'upgrade.proxy-version' }),
      apiWaiver({ id: 'x', checkId: 'no.such-check' }),
    ]);
    expect(statuses(checks)).toEqual({
      'security.egress': 'fail',
      'security.mtls': 'pass',
      'upgrade.proxy-version': 'waived',
    });
    expect(computeReadiness(checks, { meshed: true })).toMatchObject({
      applicable: 2,
      passed: 1,
    });
  });

  it('groups a run’s waivers by entity, whatever the case of the ref', () => {
    const a = apiWaiver({ id: 'a', entityRef: 'Component:default/Checkout' });
    const b = apiWaiver({ id: 'b' });
    const c = apiWaiver({ id: 'c', entityRef: 'component:default/cart' });
    expect(waiversByEntity([a, b, c])).toEqual(
      new Map([
        ['component:default/checkout', [a, b]],
        ['component:default/cart', [c]],
      ]),
    );
  });
});
