import {
  CHECK_DEFINITIONS,
  CheckResult,
} from '@mesh-readiness/plugin-mesh-common';
import {
  contextFor,
  deploymentWithPods,
  failedSource,
  metrics,
  namespace,
  snapshot,
  traffic,
  unconfiguredSource,
} from '../__testUtils__/fixtures';
import { MeshCheck } from '@mesh-readiness/plugin-mesh-node';
import { BUILTIN_CHECKS } from './index';
import { enrollmentCheck } from './mesh/enrollment';
import { CheckRegistry, missingSource } from './registry';

const registry = new CheckRegistry();
const runChecks = registry.run.bind(registry);

const ISTIO_NS = namespace('shop', {
  labels: { 'istio-injection': 'enabled' },
});
const healthyCheckout = () => [
  ISTIO_NS,
  ...deploymentWithPods('checkout', 'shop', { pods: 2, meshedPods: 2 }),
];
const goodMetrics = () =>
  metrics({ 'shop/checkout': traffic({ requestsPerSecond: 10 }) });

const byId = (results: CheckResult[]) =>
  Object.fromEntries(results.map(r => [r.id, r]));

describe('check registry', () => {
  it('registers each check under its stable id with the shared definition', () => {
    expect(BUILTIN_CHECKS.map(c => c.definition.id)).toEqual([
      'mesh.enrollment',
      'rollout.comparison',
      'mesh.config-validation',
      'health.golden-signals',
      'latency.sidecar-overhead',
      'workload.stateful',
      'workload.protocols',
      'sidecar.resources',
      'sidecar.rightsizing',
      'sidecar.config-scope',
      'security.mtls',
      'security.authorization',
      'security.egress',
      'upgrade.proxy-version',
      'upgrade.disruption-budget',
      'control-plane.ha',
      'control-plane.certificates',
      'observability.metrics',
      'observability.trace-propagation',
      'observability.double-instrumentation',
      'value.mesh-usage',
      'operations.runbook',
      'operations.on-call',
    ]);
    for (const check of BUILTIN_CHECKS) {
      expect(check.definition).toBe(
        CHECK_DEFINITIONS[
          check.definition.id as keyof typeof CHECK_DEFINITIONS
        ],
      );
    }
    expect(registry.definitions()).toEqual(
      BUILTIN_CHECKS.map(c => c.definition),
    );
  });

  it('adds custom checks after the built-in ones and refuses a duplicate id', () => {
    const custom: MeshCheck = {
      definition: {
        id: 'acme.owner-on-call',
        title: 'Owner has an on-call rota',
        category: 'operations',
        checklistLine: 'On-call trained on proxy debugging',
        sources: ['catalog'],
      },
      evaluate: ctx => ({
        status: 'pass',
        summary: `${ctx.entityRef} has a rota`,
        evidence: {},
      }),
    };
    const withCustom = new CheckRegistry([custom]);
    expect(withCustom.definitions().map(d => d.id)).toEqual([
      ...BUILTIN_CHECKS.map(c => c.definition.id),
      'acme.owner-on-call',
    ]);
    const results = byId(
      withCustom.run(
        contextFor([
          snapshot('prod', healthyCheckout(), { metrics: goodMetrics() }),
        ]),
      ),
    );
    expect(results['acme.owner-on-call']).toMatchObject({
      status: 'pass',
      summary: 'component:default/checkout has a rota',
      category: 'operations',
    });
    expect(
      () =>
        new CheckRegistry([
          { ...custom, definition: enrollmentCheck.definition },
        ]),
    ).toThrow("Two mesh checks have the id 'mesh.enrollment'");
  });

  it('answers every check unknown with the same reason, with overrides', () => {
    const results = registry.unknownResults('No clusters are configured.', {
      'mesh.enrollment': {
        status: 'unknown',
        summary: 'special',
        evidence: { x: 1 },
        remediation: 'do it',
      },
    });
    expect(results).toEqual(
      BUILTIN_CHECKS.map(({ definition: d }) =>
        d.id === 'mesh.enrollment'
          ? {
              id: d.id,
              title: d.title,
              category: 'mesh',
              status: 'unknown',
              summary: 'special',
              evidence: { x: 1 },
              remediation: 'do it',
              severity: 'critical',
              checklistItem: 'rollout',
            }
          : {
              id: d.id,
              title: d.title,
              category: d.category,
              status: 'unknown',
              summary: 'No clusters are configured.',
              evidence: {},
              severity: d.severity,
              checklistItem: d.checklistItem,
            },
      ),
    );
  });

  describe('severities', () => {
    const custom = (severity?: 'critical' | 'high' | 'medium'): MeshCheck => ({
      definition: {
        id: 'acme.rota',
        title: 'Rota',
        category: 'operations',
        checklistLine: 'On-call trained on proxy debugging',
        sources: ['catalog'],
        ...(severity ? { severity } : {}),
      },
      evaluate: () => ({ status: 'pass', summary: 'ok', evidence: {} }),
    });
    const ctx = () =>
      contextFor([
        snapshot('prod', healthyCheckout(), { metrics: goodMetrics() }),
      ]);
    const severityOf = (r: CheckRegistry, id: string) => ({
      result: byId(r.run(ctx()))[id].severity,
      definition: r.definitions().find(d => d.id === id)!.severity,
    });

    it.each<
      [
        string,
        MeshCheck,
        Record<string, 'critical' | 'high' | 'medium'>,
        string,
        string,
      ]
    >([
      [
        'a built-in check: its definition',
        enrollmentCheck,
        {},
        'mesh.enrollment',
        'critical',
      ],
      [
        'a custom check that declares one',
        custom('high'),
        {},
        'acme.rota',
        'high',
      ],
      [
        'a custom check that declares none: medium',
        custom(),
        {},
        'acme.rota',
        'medium',
      ],
      [
        'config overrides a built-in',
        enrollmentCheck,
        { 'mesh.enrollment': 'medium' },
        'mesh.enrollment',
        'medium',
      ],
      [
        'config overrides a custom one',
        custom('high'),
        { 'acme.rota': 'critical' },
        'acme.rota',
        'critical',
      ],
    ])('%s', (_why, check, severities, id, expected) => {
      const r = new CheckRegistry(
        check === enrollmentCheck ? [] : [check],
        [enrollmentCheck],
        { severities },
      );
      // The result carries it, so a stored report scores without the registry.
      expect(severityOf(r, id)).toEqual({
        result: expected,
        definition: expected,
      });
    });

    it('fails startup on a severity for a check that does not exist', () => {
      expect(
        () =>
          new CheckRegistry([], [enrollmentCheck], {
            severities: { 'mesh.enrolment': 'high' },
          }),
      ).toThrow(
        'Invalid mesh configuration: mesh.severities.mesh.enrolment: no check has this id',
      );
    });
  });

  describe('runChecks', () => {
    it('runs every check when every source answered', () => {
      const results = byId(
        runChecks(
          contextFor([
            snapshot('prod', healthyCheckout(), { metrics: goodMetrics() }),
          ]),
        ),
      );
      expect(results['mesh.enrollment'].status).toBe('pass');
      expect(results['health.golden-signals'].status).toBe('pass');
      expect(results['health.golden-signals'].title).toBe(
        'Healthy through the mesh (golden signals)',
      );
      expect(results['health.golden-signals'].category).toBe('health');
    });

    it.each([
      {
        what: 'a failed Prometheus',
        prometheus: failedSource('connect ECONNREFUSED 127.0.0.1:9090'),
        reason:
          "The prometheus source of cluster 'prod' failed: connect ECONNREFUSED 127.0.0.1:9090",
      },
      {
        what: 'a failed Prometheus with no error text',
        prometheus: { ok: false, data: undefined },
        reason: "The prometheus source of cluster 'prod' failed: unknown error",
      },
      {
        what: 'no Prometheus configured',
        prometheus: unconfiguredSource,
        reason:
          "No Prometheus is configured for cluster 'prod' (mesh.clusters[].prometheus).",
      },
    ])(
      'answers the Prometheus checks unknown, never pass, with $what',
      ({ prometheus, reason }) => {
        // The previous metrics would have passed; a failed source must not.
        const results = byId(
          runChecks(
            contextFor([
              snapshot('prod', healthyCheckout(), {
                metrics: goodMetrics(),
                prometheus,
              }),
            ]),
          ),
        );
        expect(results['health.golden-signals']).toMatchObject({
          status: 'unknown',
          summary: reason,
          evidence: { missingSource: 'prometheus' },
        });
        // Kubernetes answered, so the enrollment check still runs.
        expect(results['mesh.enrollment'].status).toBe('pass');
      },
    );

    it('answers the Kubernetes checks unknown when a Kubernetes source failed', () => {
      const ctx = contextFor([
        snapshot('prod', healthyCheckout(), { metrics: goodMetrics() }),
        snapshot('dr', [], {
          kubernetes: failedSource(
            'cannot read manifests directory /x: ENOENT',
          ),
        }),
      ]);
      const results = byId(runChecks(ctx));
      // The failed cluster might hold more of the entity's workloads: never pass on half the data.
      expect(results['mesh.enrollment']).toMatchObject({
        status: 'unknown',
        summary:
          "The kubernetes source of cluster 'dr' failed: cannot read manifests directory /x: ENOENT",
        evidence: { missingSource: 'kubernetes' },
      });
    });

    it('ignores a failed Prometheus of a cluster the entity does not run in', () => {
      const ctx = contextFor([
        snapshot('prod', healthyCheckout(), { metrics: goodMetrics() }),
        snapshot('dr', [], { prometheus: failedSource('timeout') }),
      ]);
      expect(byId(runChecks(ctx))['health.golden-signals'].status).toBe('pass');
    });

    it('turns a check that throws into unknown with the error', () => {
      const spy = jest
        .spyOn(enrollmentCheck, 'evaluate')
        .mockImplementation(() => {
          throw new Error('kaboom');
        });
      try {
        const results = byId(
          runChecks(
            contextFor([
              snapshot('prod', healthyCheckout(), { metrics: goodMetrics() }),
            ]),
          ),
        );
        expect(results['mesh.enrollment']).toMatchObject({
          status: 'unknown',
          summary: 'The check failed to evaluate: kaboom',
        });
        expect(results['health.golden-signals'].status).toBe('pass');
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('missingSource', () => {
    it('is undefined when the sources answered', () => {
      const ctx = contextFor([snapshot('prod', healthyCheckout())]);
      expect(missingSource(['kubernetes', 'prometheus'], ctx)).toBeUndefined();
    });

    it('ignores the catalog, which is not a collected source', () => {
      const ctx = contextFor([snapshot('prod', healthyCheckout())]);
      expect(missingSource(['catalog'], ctx)).toBeUndefined();
    });

    it('names a missing tracing back end for checks that need traces', () => {
      const ctx = contextFor([snapshot('prod', healthyCheckout())]);
      expect(missingSource(['tracing'], ctx)).toBe(
        "No tracing back end is configured for cluster 'prod' (mesh.clusters[].tracing).",
      );
      ctx.snapshots[0] = {
        ...ctx.snapshots[0],
        tracing: {
          name: 'tracing',
          configured: true,
          ok: false,
          fetchedAt: '2026-03-01T10:00:00.000Z',
          error: 'Jaeger at http://jaeger:16686 is unreachable: ECONNREFUSED',
        },
      };
      expect(missingSource(['tracing'], ctx)).toBe(
        "The tracing source of cluster 'prod' failed: Jaeger at http://jaeger:16686 is unreachable: ECONNREFUSED",
      );
    });

    it('names an unconfigured Kubernetes source', () => {
      const ctx = contextFor([snapshot('prod', healthyCheckout())]);
      ctx.snapshots.push(
        snapshot('edge', [], { kubernetes: unconfiguredSource }),
      );
      expect(missingSource(['kubernetes'], ctx)).toBe(
        "No Kubernetes source is configured for cluster 'edge' (mesh.clusters[].kubernetes).",
      );
    });
  });
});
