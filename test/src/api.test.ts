import { mockCredentials } from '@backstage/backend-test-utils';
import {
  MESH_ERROR_CODES,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import path from 'node:path';
import request from 'supertest';
import { startPrometheus } from 'mesh-devtools/prometheus';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import { startMeshBackend, TestBackend } from './backend';
import { denying } from './permissionMocks';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();

async function getReport(backend: TestBackend, name: string) {
  return request(backend.server)
    .get(`/api/mesh/v1/reports/component/default/${name}`)
    .set('Authorization', AUTH());
}

async function refresh(backend: TestBackend, body: object = {}) {
  return request(backend.server)
    .post('/api/mesh/v1/refresh')
    .set('Authorization', AUTH())
    .send(body);
}

/** The demo catalog on the demo manifests alone (no Prometheus), with a fresh store. */
function startManifestsOnly(
  mesh: Record<string, unknown> = {},
  features?: Parameters<typeof startMeshBackend>[0]['features'],
) {
  return startMeshBackend({
    entities: demo.entities,
    mesh: {
      ...mesh,
      clusters: [
        {
          name: 'demo',
          kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
        },
      ],
    },
    features,
  });
}

/** The demo catalog on a real Prometheus and the demo manifests, with a fresh store. */
async function startDemo() {
  const end = Math.floor(Date.now() / 1000);
  const prometheus = await startPrometheus({
    openMetrics: toOpenMetrics(demo.clusters[0].metrics!, {
      start: end - 900,
      end,
      step: 15,
    }),
  });
  const backend = await startMeshBackend({
    entities: demo.entities,
    mesh: {
      clusters: [
        {
          name: 'demo',
          kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
          prometheus: { url: prometheus.url },
        },
      ],
    },
  });
  return { prometheus, backend };
}

/** Starts the demo (startDemo) for the enclosing describe and stops it after. */
function useDemo() {
  const run = {} as Awaited<ReturnType<typeof startDemo>>;
  beforeAll(async () => {
    Object.assign(run, await startDemo());
  }, 120_000);
  afterAll(async () => {
    await run.backend?.stop();
    await run.prometheus?.stop();
  });
  return run;
}

describe('mesh API before any collection of checkout', () => {
  const demoRun = useDemo();
  let backend: TestBackend;
  beforeAll(() => {
    backend = demoRun.backend;
  });

  it('rejects requests without a Backstage principal', async () => {
    const res = await request(backend.server).get(
      '/api/mesh/v1/reports/component/default/checkout',
    );
    expect(res.status).toBe(401);
    const post = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .send({});
    expect(post.status).toBe(401);
  });

  it('answers 404 for an entity the catalog does not have', async () => {
    const res = await getReport(backend, 'no-such-service');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain(
      'No entity component:default/no-such-service in the catalog',
    );
  });

  it('answers 400 for a malformed entity reference', async () => {
    const res = await request(backend.server)
      .get('/api/mesh/v1/reports/component/default/bad%20name')
      .set('Authorization', AUTH());
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
  });

  it('answers 404 with a hint before the first collection', async () => {
    const res = await getReport(backend, 'checkout');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /No mesh report for component:default\/checkout yet.*POST \/v1\/refresh/,
    );
    // Clients match the code, not the text; Backstage's error format is kept.
    expect(res.body.error).toMatchObject({
      name: 'NotFoundError',
      code: MESH_ERROR_CODES.noReportYet,
    });
    // An unknown entity is a plain 404 without that code.
    const unknown = await getReport(backend, 'no-such-service');
    expect(unknown.body.error.code).toBeUndefined();
  });

  it('answers an unmapped entity at once, with how to map it', async () => {
    const res = await getReport(backend, 'docs-site');
    expect(res.status).toBe(200);
    const report: MeshReport = res.body;
    expect(report.mesh.provider).toBe('none');
    expect(report.readiness.level).toBe('unmapped');
    expect(
      report.checks.find(c => c.id === 'mesh.enrollment')?.remediation,
    ).toContain('backstage.io/kubernetes-id: docs-site');
  });

  it('lists the implemented checks with their checklist lines', async () => {
    const res = await request(backend.server)
      .get('/api/mesh/v1/checks')
      .set('Authorization', AUTH());
    expect(res.status).toBe(200);
    expect(res.body.checks.map((c: { id: string }) => c.id)).toEqual([
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
    for (const c of res.body.checks) {
      expect(c.checklistLine.length).toBeGreaterThan(10);
      // Each with the severity it is scored with (definition or mesh.severities).
      expect(['critical', 'high', 'medium']).toContain(c.severity);
    }
  });

  it('validates the refresh body', async () => {
    const bad = await refresh(backend, { entityRef: 'component:' });
    expect(bad.status).toBe(400);
    const extra = await refresh(backend, {
      entityRef: 'component:default/checkout',
      force: true,
    });
    expect(extra.status).toBe(400);
    const missing = await refresh(backend, {
      entityRef: 'component:default/ghost',
    });
    expect(missing.status).toBe(404);
  });

  it.each([
    ['text/plain', '{"entityRef":"component:default/payments"}'],
    [
      'application/x-www-form-urlencoded',
      'entityRef=component%3Adefault%2Fpayments',
    ],
  ])(
    'refuses a %s body rather than widening it to a full collection',
    async (contentType, body) => {
      const res = await request(backend.server)
        .post('/api/mesh/v1/refresh')
        .set('Authorization', AUTH())
        .set('Content-Type', contentType)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('the body must be JSON'),
      });
      // Nothing was collected.
      expect((await getReport(backend, 'checkout')).status).toBe(404);
    },
  );

  it('refreshes one entity on request', async () => {
    const res = await refresh(backend, {
      entityRef: 'component:default/payments',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ clusters: [{ name: 'demo', ok: true }] });
    const report = await getReport(backend, 'payments');
    expect(report.status).toBe(200);
    expect(report.body.health.status).toBe('healthy');
    // Only that entity was collected.
    expect((await getReport(backend, 'checkout')).status).toBe(404);
  });
});

describe('mesh API when Prometheus goes away', () => {
  const demoRun = useDemo();
  let backend: TestBackend;
  beforeAll(() => {
    backend = demoRun.backend;
  });

  it('keeps the last good data, marks the report stale and keeps the day’s good history point when Prometheus goes away', async () => {
    expect((await refresh(backend)).status).toBe(200);
    const good: MeshReport = (await getReport(backend, 'checkout')).body;
    expect(good.stale).toBe(false);
    expect(good.lastGoodAt).toBe(good.generatedAt);
    expect(
      good.checks.find(c => c.id === 'health.golden-signals')?.status,
    ).toBe('pass');
    const goodRps = good.health.requestsPerSecond;
    expect(goodRps).toBeGreaterThan(0);

    await demoRun.prometheus.stop();
    const res = await refresh(backend);
    expect(res.status).toBe(200);
    expect(res.body.clusters[0].ok).toBe(false);
    expect(res.body.clusters[0].error).toContain('is unreachable');

    const stale: MeshReport = (await getReport(backend, 'checkout')).body;
    expect(stale.stale).toBe(true);
    expect(stale.staleReason).toContain(
      "prometheus source of cluster 'demo' failed",
    );
    expect(stale.lastGoodAt).toBe(good.generatedAt);
    const signals = stale.checks.find(c => c.id === 'health.golden-signals')!;
    // A failed source never passes: the check is unknown, with the reason and what was last known.
    expect(signals.status).toBe('unknown');
    expect(signals.summary).toContain('is unreachable');
    expect(signals.evidence.lastKnown).toMatchObject({
      status: 'pass',
      at: good.generatedAt,
    });
    // The last good figures are kept, not wiped.
    expect(stale.health.requestsPerSecond).toBe(goodRps);
    // Kubernetes still answered, so the enrollment check is fresh.
    expect(stale.checks.find(c => c.id === 'mesh.enrollment')?.status).toBe(
      'pass',
    );
    const prom = stale.sources.find(s => s.name === 'prometheus')!;
    expect(prom.ok).toBe(false);
    // A monitoring outage is not a readiness regression: scored on the last known statuses.
    expect(stale.readiness).toEqual(good.readiness);

    // The day's history point is the good run's: a stale report records none.
    const history = await request(backend.server)
      .get('/api/mesh/v1/history/component/default/checkout?days=7')
      .set('Authorization', AUTH());
    expect(history.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(history.body.entityRef).toBe('component:default/checkout');
    expect(history.body.points).toEqual([
      {
        day: today,
        // The last run of the day had Prometheus down: a stale report records no
        // point, so the day keeps the last good run's, not an outage as a regression.
        score: good.readiness.score,
        level: good.readiness.level,
        statuses: Object.fromEntries(good.checks.map(c => [c.id, c.status])),
        // The day's golden signals are the good run's too.
        health: {
          requestsPerSecond: good.health.requestsPerSecond,
          successRate: good.health.successRate,
          latencyMs: good.health.latencyMs,
        },
      },
    ]);
    // …and not the stale run's, where the Prometheus checks were unknown.
    expect(history.body.points[0].statuses['health.golden-signals']).toBe(
      'pass',
    );
  });
});

describe('mesh API with mesh.requireAuth: false', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startManifestsOnly({ requireAuth: false });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('lets anonymous callers read reports and checks', async () => {
    const report = await request(backend.server).get(
      '/api/mesh/v1/reports/component/default/docs-site',
    );
    expect(report.status).toBe(200);
    expect(report.body.readiness.level).toBe('unmapped');
    expect(
      (await request(backend.server).get('/api/mesh/v1/checks')).status,
    ).toBe(200);
    // Still 404 for what the catalog does not have.
    expect(
      (
        await request(backend.server).get(
          '/api/mesh/v1/reports/component/default/ghost',
        )
      ).status,
    ).toBe(404);
  });

  it('still requires a principal to trigger a collection', async () => {
    const res = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .send({});
    expect(res.status).toBe(401);
  });
});

describe('mesh API: a report too old to be current', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startManifestsOnly({ staleAfter: { seconds: 1 } });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('is served stale once it is older than mesh.staleAfter, whatever its sources said', async () => {
    expect((await refresh(backend)).status).toBe(200);
    const fresh: MeshReport = (await getReport(backend, 'legacy-billing')).body;
    expect(fresh.stale).toBe(false);
    // Collection stops (a restart, a stuck scheduler): no run comes after this one.
    await new Promise(resolve => setTimeout(resolve, 1_500));
    const old: MeshReport = (await getReport(backend, 'legacy-billing')).body;
    expect(old.stale).toBe(true);
    expect(old.staleReason).toMatch(
      /^the report is \d+ second\(s\) old, past the 1 second\(s\) after which reports count as stale \(mesh\.staleAfter\)/,
    );
    expect(old.generatedAt).toBe(fresh.generatedAt);
    expect(old.lastGoodAt).toBe(fresh.lastGoodAt);
  });
});

describe('mesh API: who may refresh, and how often', () => {
  it('refuses a refresh when the mesh.refresh permission is denied, and still serves reads', async () => {
    const backend = await startManifestsOnly({}, [
      denying('mesh.refresh').factory,
    ]);
    try {
      const res = await refresh(backend);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('mesh.refresh'),
      });
      expect((await getReport(backend, 'docs-site')).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('limits refreshes per user, not per service', async () => {
    const backend = await startManifestsOnly({
      refreshLimit: { requests: 2, per: { minutes: 1 } },
    });
    const as = (header: string) =>
      request(backend.server)
        .post('/api/mesh/v1/refresh')
        .set('Authorization', header)
        .send({});
    try {
      const alice = mockCredentials.user.header('user:default/alice');
      expect((await as(alice)).status).toBe(200);
      expect((await as(alice)).status).toBe(200);
      const third = await as(alice);
      expect(third.status).toBe(429);
      expect(third.body.error).toMatchObject({
        name: 'TooManyRequestsError',
        message: expect.stringMatching(
          /^Too many refreshes by user:default\/alice: at most 2 per 60 s; try again in \d+ s$/,
        ),
      });
      // Another user has a budget of their own; a service is not limited.
      expect(
        (await as(mockCredentials.user.header('user:default/bob'))).status,
      ).toBe(200);
      const service = mockCredentials.service.header();
      for (let i = 0; i < 3; i++) expect((await as(service)).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });
});

describe('mesh.severities', () => {
  it('overrides the severity a check is listed and scored with', async () => {
    const backend = await startManifestsOnly({
      severities: {
        'security.egress': 'critical',
        'mesh.enrollment': 'medium',
      },
    });
    try {
      const checks = await request(backend.server)
        .get('/api/mesh/v1/checks')
        .set('Authorization', AUTH());
      const severity = (id: string) =>
        checks.body.checks.find((c: { id: string }) => c.id === id).severity;
      expect(severity('security.egress')).toBe('critical');
      expect(severity('mesh.enrollment')).toBe('medium');
      expect(severity('security.mtls')).toBe('critical');

      expect((await refresh(backend, {})).status).toBe(200);
      const report: MeshReport = (
        await request(backend.server)
          .get('/api/mesh/v1/reports/component/default/checkout')
          .set('Authorization', AUTH())
      ).body;
      expect(
        report.checks.find(c => c.id === 'security.egress')?.severity,
      ).toBe('critical');
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start with a severity for a check that does not exist', async () => {
    await expect(
      startManifestsOnly({ severities: { 'security.egres': 'high' } }),
    ).rejects.toThrow('mesh.severities.security.egres: no check has this id');
  });
});
