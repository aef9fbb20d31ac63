import {
  CHECK_DEFINITIONS,
  CheckResult,
  CheckStatus,
  MeshReport,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import {
  checkFactName,
  checkPasses,
  meshFacts,
  meshFactSchema,
  needsReport,
  parseFullRef,
} from './facts';

function row(overrides: Partial<ScorecardRow> = {}): ScorecardRow {
  return {
    entityRef: 'component:default/checkout',
    kind: 'Component',
    title: '',
    owner: 'group:default/team-shop',
    system: '',
    domain: '',
    namespaces: ['shop'],
    clusters: ['demo'],
    provider: 'istio',
    dataPlane: 'sidecar',
    score: 93,
    level: 'production-ready',
    coverage: null,
    stale: false,
    generatedAt: '2026-11-30T08:00:00.000Z',
    checks: {},
    ...overrides,
  };
}

function check(
  id: string,
  status: CheckStatus,
  evidence: Record<string, unknown>,
): CheckResult {
  return { id, title: id, category: 'x', status, summary: '', evidence };
}

function report(checks: CheckResult[]): MeshReport {
  return { checks } as MeshReport;
}

describe('checkFactName', () => {
  it.each([
    ['security.mtls', 'meshCheck_security_mtls'],
    ['control-plane.ha', 'meshCheck_control_plane_ha'],
    [
      'observability.trace-propagation',
      'meshCheck_observability_trace_propagation',
    ],
    ['acme.Custom--check.v2', 'meshCheck_acme_Custom_check_v2'],
  ])('%s → %s', (id, name) => {
    expect(checkFactName(id)).toBe(name);
  });

  it('gives every built-in check its own identifier-safe name', () => {
    const names = Object.keys(CHECK_DEFINITIONS).map(checkFactName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
  });
});

describe('checkPasses', () => {
  it.each<[CheckStatus, boolean]>([
    ['pass', true],
    ['not-applicable', true],
    ['warn', false],
    ['fail', false],
    ['unknown', false],
    ['waived', false],
  ])('%s → %s', (status, passes) => {
    expect(checkPasses(status)).toBe(passes);
  });
});

describe('meshFactSchema', () => {
  it('declares every fact meshFacts publishes, with its type', () => {
    const schema = meshFactSchema();
    const allChecks = Object.fromEntries(
      Object.keys(CHECK_DEFINITIONS).map(id => [id, 'pass' as const]),
    );
    const facts = meshFacts(
      row({ checks: allChecks }),
      report([
        check('observability.trace-propagation', 'pass', {
          propagationRatio: 1,
        }),
        check('observability.double-instrumentation', 'pass', {
          appSeries: 0,
        }),
      ]),
    );
    expect(Object.keys(facts).sort()).toEqual(Object.keys(schema).sort());
    const fits: Record<string, (v: unknown) => boolean> = {
      boolean: v => typeof v === 'boolean',
      string: v => typeof v === 'string',
      integer: v => Number.isInteger(v),
      float: v => typeof v === 'number',
    };
    const misfits = Object.entries(facts).filter(
      ([name, value]) => !fits[schema[name].type](value),
    );
    expect(misfits).toEqual([]);
  });

  it('names the check and its meaning in the description', () => {
    expect(meshFactSchema(['security.mtls'])).toMatchObject({
      meshCheck_security_mtls: {
        type: 'boolean',
        description: expect.stringMatching(/security\.mtls \(.+\) passes/),
      },
    });
  });
});

describe('meshFacts', () => {
  it.each<[string, Partial<ScorecardRow>, Record<string, unknown>]>([
    [
      'a production-ready entity',
      { score: 93, level: 'production-ready', stale: false },
      {
        meshScore: 93,
        meshLevel: 'production-ready',
        meshProductionReady: true,
      },
    ],
    [
      'an almost-ready entity',
      { score: 75, level: 'almost-ready', stale: false },
      { meshScore: 75, meshLevel: 'almost-ready', meshProductionReady: false },
    ],
    [
      'a stale not-ready entity',
      { score: 40, level: 'not-ready', stale: true },
      {
        meshScore: 40,
        meshLevel: 'not-ready',
        meshProductionReady: false,
        meshReportStale: true,
      },
    ],
    [
      'an entity outside the mesh',
      { score: 0, level: 'not-meshed' },
      { meshScore: 0, meshLevel: 'not-meshed', meshProductionReady: false },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(meshFacts(row(overrides), undefined)).toMatchObject({
      meshReportStale: false,
      ...expected,
    });
  });

  it('publishes one boolean per listed check, and none for a check the row lacks', () => {
    const facts = meshFacts(
      row({
        checks: {
          'security.mtls': 'pass',
          'security.authorization': 'fail',
          'security.egress': 'waived',
          'workload.stateful': 'not-applicable',
          'acme.custom': 'pass',
        },
      }),
      undefined,
      [
        'security.mtls',
        'security.authorization',
        'security.egress',
        'workload.stateful',
        'upgrade.proxy-version',
      ],
    );
    expect(facts).toMatchObject({
      meshCheck_security_mtls: true,
      meshCheck_security_authorization: false,
      meshCheck_security_egress: false,
      meshCheck_workload_stateful: true,
    });
    expect(facts).not.toHaveProperty('meshCheck_upgrade_proxy_version');
    // Not in the schema's list: tech-insights would reject a rule on it anyway.
    expect(facts).not.toHaveProperty('meshCheck_acme_custom');
  });

  it.each<[string, MeshReport | undefined, unknown, unknown]>([
    [
      'figures from the evidence',
      report([
        check('observability.trace-propagation', 'fail', {
          propagationRatio: 0.8649,
        }),
        check('observability.double-instrumentation', 'warn', {
          appSeries: 42,
        }),
      ]),
      0.8649,
      42,
    ],
    [
      'a waived check keeps its evidence',
      report([
        check('observability.trace-propagation', 'waived', {
          propagationRatio: 0.5,
          waived: { status: 'fail', reason: 'r' },
        }),
      ]),
      0.5,
      null,
    ],
    [
      'no ratio judged',
      report([
        check('observability.trace-propagation', 'unknown', {
          propagationRatio: null,
        }),
      ]),
      null,
      null,
    ],
    [
      'not a number',
      report([
        check('observability.double-instrumentation', 'pass', {
          appSeries: '42',
        }),
      ]),
      null,
      null,
    ],
    ['no report read', undefined, null, null],
  ])('%s', (_name, r, ratio, series) => {
    expect(meshFacts(row(), r)).toMatchObject({
      meshPropagationRatio: ratio,
      meshDoubleInstrumentedSeries: series,
    });
  });
});

describe('needsReport', () => {
  it.each<[Record<string, CheckStatus>, boolean]>([
    [{}, false],
    [{ 'security.mtls': 'fail' }, false],
    [
      {
        'observability.trace-propagation': 'not-applicable',
        'observability.double-instrumentation': 'not-applicable',
      },
      false,
    ],
    [{ 'observability.trace-propagation': 'unknown' }, true],
    [{ 'observability.trace-propagation': 'pass' }, true],
    [{ 'observability.double-instrumentation': 'waived' }, true],
  ])('%j → %s', (checks, needed) => {
    expect(needsReport(row({ checks }))).toBe(needed);
  });
});

describe('parseFullRef', () => {
  it.each([
    [
      'component:default/checkout',
      { kind: 'component', namespace: 'default', name: 'checkout' },
    ],
    [
      'system:shop/payments',
      { kind: 'system', namespace: 'shop', name: 'payments' },
    ],
    ['component:checkout', undefined],
    ['checkout', undefined],
    ['component:a/b/c', undefined],
  ])('%s', (ref, parts) => {
    expect(parseFullRef(ref)).toEqual(parts);
  });
});
