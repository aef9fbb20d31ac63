import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { buildKubernetesFacts } from '../snapshot/kubernetesFacts';
import {
  buckets,
  deploymentWithPods,
  entity,
  failedSource,
  FETCHED_AT,
  istioProxy,
  metrics,
  namespace,
  NOW,
  snapshot,
  traffic,
  unconfiguredSource,
  reportFor as reportWith,
} from '../__testUtils__/fixtures';
import { buildEntityReport, sourceStatuses } from './buildReport';
import { CheckRegistry } from '../checks/registry';
import { ClusterSnapshot, MetricsData } from '@mesh-readiness/plugin-mesh-node';
import { goldenSignalsCheck } from '../checks/health/goldenSignals';
import { enrollmentCheck } from '../checks/mesh/enrollment';
import { metricsCheck } from '../checks/observability/metrics';

/**
 * These tests are about assembling a report (mapping, sources, staleness, scores), so
 * they run the first three built-in checks; each check has its own table tests.
 */
const ASSEMBLY_CHECKS = [enrollmentCheck, goldenSignalsCheck, metricsCheck];
const reportFor = (...args: Parameters<typeof reportWith>) =>
  reportWith(args[0], args[1], args[2], args[3], args[4] ?? ASSEMBLY_CHECKS);

const ID = 'backstage.io/kubernetes-id';
const check = (report: MeshReport, id: string) =>
  report.checks.find(c => c.id === id)!;

const idLabels = (name: string) => ({
  app: name,
  'backstage.io/kubernetes-id': name,
});

describe('buildEntityReport', () => {
  describe('an entity without mapping annotations', () => {
    const report = reportFor(
      entity('docs-site', { 'backstage.io/techdocs-ref': 'dir:.' }),
      [snapshot('prod', [])],
      '5m',
      NOW,
    );

    it('answers with provider none and readiness unmapped', () => {
      expect(report.entityRef).toBe('component:default/docs-site');
      expect(report.generatedAt).toBe(NOW.toISOString());
      expect(report.stale).toBe(false);
      expect(report.mesh).toEqual({ provider: 'none', dataPlane: 'none' });
      expect(report.workloads).toEqual([]);
      expect(report.readiness).toMatchObject({
        score: 0,
        level: 'unmapped',
        passed: 0,
        applicable: 3,
      });
      expect(report.health.status).toBe('unknown');
      expect(report.health.reason).toContain(
        'no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation',
      );
    });

    it('explains in mesh.enrollment how to add the annotation', () => {
      const enrollment = check(report, 'mesh.enrollment');
      expect(enrollment.status).toBe('unknown');
      expect(enrollment.summary).toContain(
        'The entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation',
      );
      expect(enrollment.remediation).toContain(
        'backstage.io/kubernetes-id: docs-site',
      );
      expect(enrollment.remediation).toContain(
        "backstage.io/kubernetes-label-selector: 'app=docs-site'",
      );
      expect(enrollment.remediation).toContain('catalog-info.yaml');
      expect(enrollment.evidence).toEqual({
        annotations: ['backstage.io/techdocs-ref'],
      });
    });

    it('answers every other check unknown with the reason', () => {
      const golden = check(report, 'health.golden-signals');
      expect(golden.status).toBe('unknown');
      expect(golden.summary).toMatch(
        /^Not judged: The entity has no backstage\.io\/kubernetes-id/,
      );
      expect(golden.remediation).toBeUndefined();
    });
  });

  it.each<{
    why: string;
    annotations: Record<string, string>;
    summary: string;
  }>([
    {
      why: 'an unbalanced label selector',
      annotations: { 'backstage.io/kubernetes-label-selector': 'env in (prod' },
      summary:
        'The annotation backstage.io/kubernetes-label-selector is invalid: unbalanced parentheses. It was not used.',
    },
    {
      why: 'a kubernetes-id that is not a label value',
      annotations: { [ID]: 'Checkout Service' },
      summary:
        "The annotation backstage.io/kubernetes-id is invalid: label value 'Checkout Service' is not valid",
    },
    {
      why: 'an invalid namespace',
      annotations: {
        [ID]: 'checkout',
        'backstage.io/kubernetes-namespace': 'Shop',
      },
      summary:
        "The annotation backstage.io/kubernetes-namespace is invalid: 'Shop' is not a valid namespace name",
    },
  ])(
    'explains an invalid annotation ($why) and does not use it',
    ({ annotations, summary }) => {
      const report = reportFor(
        entity('checkout', annotations),
        // A workload the entity would match if the annotation were used half-way.
        [
          snapshot(
            'prod',
            deploymentWithPods('checkout', 'shop', {
              pods: 1,
              templateLabels: idLabels('checkout'),
            }),
          ),
        ],
        '5m',
        NOW,
      );
      const enrollment = check(report, 'mesh.enrollment');
      expect(enrollment.status).toBe('unknown');
      expect(enrollment.summary).toContain(summary);
      expect(enrollment.evidence).toMatchObject({
        annotation: Object.keys(annotations).pop(),
      });
      expect(enrollment.remediation).toContain(
        'backstage.io/kubernetes-id: checkout',
      );
      expect(report.workloads).toEqual([]);
      expect(report.mesh.provider).toBe('none');
      expect(report.readiness.level).toBe('unmapped');
    },
  );

  describe('a mapped entity with no matching workloads', () => {
    it.each<{
      why: string;
      annotations: Record<string, string>;
      snapshots: ClusterSnapshot[];
      reason: string;
    }>([
      {
        why: 'nothing carries the label',
        annotations: { [ID]: 'checkout' },
        snapshots: [
          snapshot('prod', deploymentWithPods('cart', 'shop', { pods: 1 })),
        ],
        reason:
          "Nothing to judge: no workloads in 'prod' match backstage.io/kubernetes-id=checkout.",
      },
      {
        why: 'the workload is in another namespace',
        annotations: {
          [ID]: 'checkout',
          'backstage.io/kubernetes-namespace': 'shop',
        },
        snapshots: [
          snapshot(
            'prod',
            deploymentWithPods('checkout', 'staging', {
              pods: 1,
              templateLabels: idLabels('checkout'),
            }),
          ),
        ],
        reason:
          "Nothing to judge: no workloads in 'prod' match backstage.io/kubernetes-id=checkout in namespace shop.",
      },
      {
        why: 'the selector matches nothing in two clusters',
        annotations: {
          'backstage.io/kubernetes-label-selector':
            'app in (checkout,checkout-v2)',
        },
        snapshots: [snapshot('prod', []), snapshot('dr', [])],
        reason:
          "Nothing to judge: no workloads in 'prod', 'dr' match app in (checkout,checkout-v2).",
      },
      {
        why: 'the cluster annotation names no configured cluster',
        annotations: {
          [ID]: 'checkout',
          'backstage.io/kubernetes-cluster': 'eu',
        },
        snapshots: [snapshot('prod', [])],
        reason: 'Nothing to judge: no configured cluster is named eu.',
      },
      {
        why: 'no clusters are configured',
        annotations: { [ID]: 'checkout' },
        snapshots: [],
        reason: 'Nothing to judge: no clusters are configured (mesh.clusters).',
      },
    ])(
      'answers unknown with a reason naming the selector when $why',
      ({ annotations, snapshots, reason }) => {
        const report = reportFor(
          entity('checkout', annotations),
          snapshots,
          '5m',
          NOW,
        );
        expect(report.checks.map(c => [c.id, c.status, c.summary])).toEqual([
          ['mesh.enrollment', 'unknown', reason],
          ['health.golden-signals', 'unknown', reason],
          ['observability.metrics', 'unknown', reason],
        ]);
        expect(report.mesh).toEqual({ provider: 'none', dataPlane: 'none' });
        expect(report.health).toMatchObject({ status: 'unknown', reason });
        // Mapped but unknown: applicable, not passed, never a good score.
        expect(report.readiness).toMatchObject({
          score: 0,
          level: 'not-ready',
          passed: 0,
          applicable: 3,
        });
      },
    );

    it('says the Kubernetes source failed rather than that nothing matched', () => {
      const report = reportFor(
        entity('checkout', { [ID]: 'checkout' }),
        [
          snapshot('prod', [], {
            kubernetes: failedSource(
              'cannot read manifests directory /srv/k8s: ENOENT',
            ),
          }),
        ],
        '5m',
        NOW,
      );
      const reason =
        "The kubernetes source of cluster 'prod' failed: cannot read manifests directory /srv/k8s: ENOENT";
      expect(check(report, 'mesh.enrollment')).toMatchObject({
        status: 'unknown',
        summary: reason,
        evidence: { missingSource: 'kubernetes' },
      });
      expect(report.mesh.provider).toBe('unknown');
      expect(report.sources).toEqual([
        {
          name: 'kubernetes',
          cluster: 'prod',
          ok: false,
          error: 'cannot read manifests directory /srv/k8s: ENOENT',
          fetchedAt: FETCHED_AT,
        },
        {
          name: 'prometheus',
          cluster: 'prod',
          ok: true,
          fetchedAt: FETCHED_AT,
        },
      ]);
    });
  });

  describe('the happy path: a meshed, healthy Deployment', () => {
    // A ClusterSnapshot built by hand from objects and metrics.
    const objects = [
      namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
      ...deploymentWithPods('checkout', 'shop', {
        pods: 3,
        meshedPods: 3,
        proxy: istioProxy('1.27.1'),
        templateLabels: idLabels('checkout'),
      }),
      ...deploymentWithPods('cart', 'shop', { pods: 1, meshedPods: 1 }),
    ];
    const metricsData: MetricsData = metrics({
      'shop/checkout': traffic({
        requestsPerSecond: 24,
        serverErrorsPerSecond: 0,
        clientErrorsPerSecond: 0.24,
        latencyBuckets: buckets(
          [10, 6],
          [25, 12],
          [50, 20],
          [100, 23.76],
          [250, 24],
          [Infinity, 24],
        ),
      }),
      'shop/cart': traffic({
        requestsPerSecond: 1000,
        serverErrorsPerSecond: 900,
      }),
    });
    const prod: ClusterSnapshot = {
      cluster: 'prod',
      kubernetes: {
        name: 'kubernetes',
        configured: true,
        ok: true,
        fetchedAt: FETCHED_AT,
        data: buildKubernetesFacts(objects),
      },
      prometheus: {
        name: 'prometheus',
        configured: true,
        ok: true,
        fetchedAt: FETCHED_AT,
        data: metricsData,
      },
      tracing: {
        name: 'tracing',
        configured: false,
        ok: false,
        fetchedAt: FETCHED_AT,
      },
    };
    const report = reportFor(
      entity('checkout', { [ID]: 'checkout' }),
      [prod],
      '5m',
      NOW,
    );

    it('describes the entity, its mesh and its workloads', () => {
      expect(report.entityRef).toBe('component:default/checkout');
      expect(report.generatedAt).toBe(NOW.toISOString());
      expect(report.stale).toBe(false);
      expect(report.mesh).toEqual({ provider: 'istio', dataPlane: 'sidecar' });
      expect(report.workloads).toEqual([
        {
          cluster: 'prod',
          namespace: 'shop',
          kind: 'Deployment',
          name: 'checkout',
          pods: 3,
          meshedPods: 3,
          proxyVersions: ['1.27.1'],
          dataPlane: 'sidecar',
          provider: 'istio',
        },
      ]);
    });

    it("reports only this entity's golden signals", () => {
      expect(report.health).toEqual({
        status: 'healthy',
        requestsPerSecond: 24,
        successRate: 1,
        // p50: rank 12 is the le=25 bound; p95: rank 22.8 in (50,100]: 50 + 50 × 2.8/3.76;
        // p99: rank 23.76 is the le=100 bound.
        latencyMs: { p50: 25, p95: 87.23, p99: 100 },
        errorRates: { clientErrors: 0.01, serverErrors: 0 },
        window: '5m',
        ratios: [
          {
            direction: 'inbound',
            protocol: 'http',
            code: '5XX',
            ratio: 0,
            status: 'healthy',
          },
          {
            direction: 'inbound',
            protocol: 'http',
            code: '4XX',
            ratio: 0.01,
            status: 'healthy',
          },
          {
            direction: 'inbound',
            protocol: 'http',
            code: '-',
            ratio: 0,
            status: 'healthy',
          },
        ],
        reason:
          'every error ratio is within the tolerances (5XX http, 4XX http, ^[1-9]$|^1[0-6]$ grpc, - http|grpc)',
      });
    });

    it('passes every check and is production-ready', () => {
      expect(report.checks.map(c => [c.id, c.status])).toEqual([
        ['mesh.enrollment', 'pass'],
        ['health.golden-signals', 'pass'],
        ['observability.metrics', 'pass'],
      ]);
      expect(check(report, 'mesh.enrollment').summary).toBe(
        'All 3 pods are meshed (istio sidecar).',
      );
      expect(check(report, 'health.golden-signals').summary).toBe(
        'Healthy: 24 req/s, 100% success, p99 100 ms over 5m.',
      );
      expect(report.readiness).toMatchObject({
        score: 100,
        level: 'production-ready',
        passed: 3,
        applicable: 3,
      });
    });

    it('lists the sources of the run', () => {
      expect(report.sources).toEqual([
        {
          name: 'kubernetes',
          cluster: 'prod',
          ok: true,
          fetchedAt: FETCHED_AT,
        },
        {
          name: 'prometheus',
          cluster: 'prod',
          ok: true,
          fetchedAt: FETCHED_AT,
        },
      ]);
    });

    it('is the same report for the same snapshots', () => {
      expect(
        reportFor(entity('checkout', { [ID]: 'checkout' }), [prod], '5m', NOW),
      ).toEqual(report);
    });
  });

  it('lists each proxy version once, sorted, and counts meshed pods', () => {
    const objects = [
      namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
      ...deploymentWithPods('checkout', 'shop', {
        pods: 2,
        meshedPods: 2,
        proxy: istioProxy('1.27.1'),
        templateLabels: idLabels('checkout'),
      }),
      // The previous ReplicaSet of the same Deployment, mid-rollout.
      ...deploymentWithPods('checkout', 'shop', {
        hash: 'aaaa1111',
        pods: 3,
        meshedPods: 2,
        proxy: istioProxy('1.26.4'),
        templateLabels: idLabels('checkout'),
      }).filter(o => o.kind !== 'Deployment'),
    ];
    const report = reportFor(
      entity('checkout', { [ID]: 'checkout' }),
      [snapshot('prod', objects)],
      '5m',
      NOW,
    );
    expect(report.workloads).toHaveLength(1);
    expect(report.workloads[0]).toMatchObject({
      pods: 5,
      meshedPods: 4,
      proxyVersions: ['1.26.4', '1.27.1'],
    });
    expect(check(report, 'mesh.enrollment').status).toBe('warn');
  });

  it('reports an ambient workload through its waypoint', () => {
    const objects = [
      namespace('inventory', {
        labels: { 'istio.io/dataplane-mode': 'ambient' },
      }),
      ...deploymentWithPods('inventory', 'inventory', {
        pods: 2,
        podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
        templateLabels: { 'app.kubernetes.io/name': 'inventory' },
      }),
    ];
    const report = reportFor(
      entity('inventory', {
        'backstage.io/kubernetes-label-selector':
          'app.kubernetes.io/name=inventory',
        'backstage.io/kubernetes-namespace': 'inventory',
      }),
      [
        snapshot('prod', objects, {
          metrics: metrics({
            'inventory/inventory': traffic({
              reporter: 'waypoint',
              requestsPerSecond: 11,
              clientErrorsPerSecond: 1.43,
            }),
          }),
        }),
      ],
      '5m',
      NOW,
    );
    expect(report.mesh).toEqual({ provider: 'istio', dataPlane: 'ambient' });
    expect(report.workloads[0]).toMatchObject({
      pods: 2,
      meshedPods: 2,
      proxyVersions: [],
      dataPlane: 'ambient',
    });
    expect(report.health.status).toBe('degraded');
    expect(check(report, 'health.golden-signals').status).toBe('warn');
    expect(check(report, 'mesh.enrollment').summary).toBe(
      'All 2 pods are meshed (istio ambient).',
    );
  });

  it('says an unmeshed workload has no mesh health, rather than calling it idle', () => {
    const report = reportFor(
      entity('legacy-billing', { [ID]: 'legacy-billing' }),
      [
        snapshot('prod', [
          namespace('billing'),
          ...deploymentWithPods('legacy-billing', 'billing', {
            pods: 2,
            templateLabels: idLabels('legacy-billing'),
          }),
        ]),
      ],
      '5m',
      NOW,
    );
    expect(report.mesh).toEqual({ provider: 'none', dataPlane: 'none' });
    expect(report.health).toMatchObject({
      status: 'unknown',
      reason: 'not meshed: no proxy reports this service’s traffic',
    });
    expect(check(report, 'mesh.enrollment').status).toBe('fail');
    expect(check(report, 'mesh.enrollment').remediation).toContain(
      'kubectl rollout restart deployment/legacy-billing -n billing',
    );
    expect(check(report, 'health.golden-signals').status).toBe('unknown');
    // No pod runs a proxy: not-meshed, whatever the score.
    expect(report.readiness).toMatchObject({
      score: 0,
      level: 'not-meshed',
      passed: 0,
      applicable: 2,
    });
  });

  it.each([
    {
      what: 'not configured',
      prometheus: unconfiguredSource,
      reason:
        "No Prometheus is configured for cluster 'prod' (mesh.clusters[].prometheus).",
      sources: ['kubernetes'],
    },
    {
      what: 'failed',
      prometheus: failedSource('HTTP 503 from http://127.0.0.1:9090'),
      reason:
        "The prometheus source of cluster 'prod' failed: HTTP 503 from http://127.0.0.1:9090",
      sources: ['kubernetes', 'prometheus'],
    },
  ])(
    'gives unknown health with the reason when Prometheus is $what',
    ({ prometheus, reason, sources }) => {
      const objects = [
        namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
        ...deploymentWithPods('checkout', 'shop', {
          pods: 1,
          meshedPods: 1,
          templateLabels: idLabels('checkout'),
        }),
      ];
      const report = reportFor(
        entity('checkout', { [ID]: 'checkout' }),
        [snapshot('prod', objects, { prometheus })],
        '5m',
        NOW,
      );
      expect(report.health).toMatchObject({
        status: 'unknown',
        requestsPerSecond: null,
        reason,
      });
      expect(check(report, 'health.golden-signals')).toMatchObject({
        status: 'unknown',
        summary: reason,
      });
      expect(check(report, 'mesh.enrollment').status).toBe('pass');
      expect(report.sources.map(s => s.name)).toEqual(sources);
      // observability.metrics needs Prometheus too: unknown, applicable, not passed.
      expect(check(report, 'observability.metrics').status).toBe('unknown');
      expect(report.readiness).toMatchObject({
        score: 33,
        level: 'not-ready',
        passed: 1,
        applicable: 3,
      });
    },
  );

  it('reads only the clusters the cluster annotation names', () => {
    const objects = (ns: string) => [
      namespace(ns, { labels: { 'istio-injection': 'enabled' } }),
      ...deploymentWithPods('checkout', ns, {
        pods: 1,
        meshedPods: 1,
        templateLabels: idLabels('checkout'),
      }),
    ];
    const report = reportFor(
      entity('checkout', {
        [ID]: 'checkout',
        'backstage.io/kubernetes-cluster': 'eu',
      }),
      [
        snapshot('eu', objects('shop'), {
          metrics: metrics({ 'shop/checkout': traffic() }),
        }),
        snapshot('us', objects('shop'), {
          kubernetes: failedSource('timeout'),
        }),
      ],
      '5m',
      NOW,
    );
    expect(report.workloads.map(w => w.cluster)).toEqual(['eu']);
    expect(report.sources.map(s => s.cluster)).toEqual(['eu', 'eu']);
    // The failed 'us' cluster is not the entity's, so it does not make its checks unknown.
    expect(check(report, 'mesh.enrollment').status).toBe('pass');
  });
});

describe('sourceStatuses', () => {
  it('lists configured sources only, with their errors; skipped input is partial, never plain ok', () => {
    expect(
      sourceStatuses([
        snapshot('a', [], { prometheus: unconfiguredSource }),
        snapshot('b', [], {
          kubernetes: {
            error: '1 part(s) of manifests directory /x skipped: f.yaml:3: …',
          },
        }),
      ]),
    ).toEqual([
      { name: 'kubernetes', cluster: 'a', ok: true, fetchedAt: FETCHED_AT },
      {
        name: 'kubernetes',
        cluster: 'b',
        ok: true,
        partial: true,
        error: '1 part(s) of manifests directory /x skipped: f.yaml:3: …',
        fetchedAt: FETCHED_AT,
      },
      { name: 'prometheus', cluster: 'b', ok: true, fetchedAt: FETCHED_AT },
    ]);
  });
});

describe('waivers, severities and coverage in a report', () => {
  const legacy = (annotations: Record<string, string>) =>
    reportFor(
      entity('legacy-billing', { [ID]: 'legacy-billing', ...annotations }),
      [
        snapshot('prod', [
          namespace('billing'),
          ...deploymentWithPods('legacy-billing', 'billing', {
            pods: 2,
            templateLabels: idLabels('legacy-billing'),
          }),
        ]),
      ],
      '5m',
      NOW,
    );

  it('shows a waived check as waived, names unknown ids, and stays not-meshed', () => {
    const report = legacy({
      'servicemesh/waive': 'mesh.enrollment,mesh.enrolment',
      'servicemesh/waive-reason': 'retired next quarter',
    });
    expect(check(report, 'mesh.enrollment')).toMatchObject({
      status: 'waived',
      severity: 'critical',
      evidence: {
        waived: { status: 'fail', reason: 'retired next quarter' },
      },
    });
    expect(report.problems).toEqual([
      {
        annotation: 'servicemesh/waive',
        message: expect.stringContaining("'mesh.enrolment' is not the id"),
      },
    ]);
    expect(report.readiness.level).toBe('not-meshed');
  });

  it('refuses a waiver without a reason, visibly', () => {
    const report = legacy({ 'servicemesh/waive': 'mesh.enrollment' });
    expect(check(report, 'mesh.enrollment').status).toBe('fail');
    expect(report.problems?.map(p => p.annotation)).toEqual([
      'servicemesh/waive-reason',
    ]);
  });

  it('has no problems without waiver annotations, and counts coverage', () => {
    const report = legacy({});
    expect(report.problems).toBeUndefined();
    // mesh.enrollment fails: the rollout line has a verdict; the metrics line is unknown.
    expect(report.readiness.coverage).toMatchObject({ covered: 1, total: 12 });
    expect(
      report.readiness.coverage?.lines.find(l => l.id === 'rollout'),
    ).toMatchObject({ state: 'covered', checks: ['mesh.enrollment'] });
  });
});

describe('inputs beyond the context: API waivers and links out', () => {
  const e = entity('legacy-billing', { [ID]: 'legacy-billing' });
  const snapshots = [
    snapshot('prod', [
      namespace('billing'),
      ...deploymentWithPods('legacy-billing', 'billing', {
        pods: 2,
        templateLabels: idLabels('legacy-billing'),
      }),
    ]),
  ];
  const build = (inputs: Parameters<typeof buildEntityReport>[5]) =>
    buildEntityReport(
      new CheckRegistry([], ASSEMBLY_CHECKS),
      e,
      snapshots,
      { window: '5m' },
      NOW,
      inputs,
    );

  it('applies the entity’s API waivers, marked as made through the API, and scores without them', () => {
    const without = build({});
    const report = build({
      waivers: [
        {
          id: '00000000-0000-4000-8000-000000000001',
          entityRef: 'component:default/legacy-billing',
          checkId: 'mesh.enrollment',
          reason: 'retired next quarter',
          createdBy: 'user:default/alice',
          createdAt: '2025-01-01T00:00:00.000Z',
        },
      ],
    });
    expect(check(without, 'mesh.enrollment').status).toBe('fail');
    expect(check(report, 'mesh.enrollment')).toMatchObject({
      status: 'waived',
      evidence: {
        waived: {
          status: 'fail',
          reason: 'retired next quarter',
          by: 'user:default/alice',
          origin: 'api',
        },
      },
    });
    expect(report.readiness.applicable).toBe(without.readiness.applicable - 1);
  });

  it('links each workload to the configured tools, and has no links without templates', () => {
    expect(build({}).links).toBeUndefined();
    expect(
      build({
        links: {
          grafana:
            'https://grafana.example.com/d/w?var-ns={namespace}&var-w={workload}&var-c={cluster}',
        },
      }).links,
    ).toEqual([
      {
        tool: 'grafana',
        title: 'Grafana: legacy-billing (billing)',
        url: 'https://grafana.example.com/d/w?var-ns=billing&var-w=legacy-billing&var-c=prod',
        cluster: 'prod',
        namespace: 'billing',
        workload: 'legacy-billing',
      },
    ]);
  });
});
