import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CheckResult,
  MeshReport,
  Waiver,
} from '@mesh-readiness/plugin-mesh-common';
import knexFactory from 'knex';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { denying } from './permissionMocks';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const ALICE = mockCredentials.user.header('user:default/alice');
const DAY_MS = 86_400_000;
const dayFromNow = (days: number) =>
  new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/** inventory waives its runbook line in its catalog-info.yaml, reviewed with the code. */
const entities: Entity[] = demo.entities.map(e =>
  e.metadata.name === 'inventory'
    ? {
        ...e,
        metadata: {
          ...e.metadata,
          annotations: {
            ...e.metadata.annotations,
            'servicemesh/waive': 'operations.runbook',
            'servicemesh/waive-reason': 'runbook lives with the platform team',
          },
        },
      }
    : e,
);

/** The demo catalog on the demo manifests alone, on a database the test can reach. */
async function start(
  features?: Parameters<typeof startMeshBackend>[0]['features'],
) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const backend = await startMeshBackend({
    entities,
    knex,
    mesh: {
      clusters: [
        {
          name: 'demo',
          kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
        },
      ],
    },
    features,
  });
  const refreshed = await request(backend.server)
    .post('/api/mesh/v1/refresh')
    .set('Authorization', ALICE)
    .send({});
  if (refreshed.status !== 200) {
    throw new Error(`the first collection failed: ${refreshed.text}`);
  }
  return {
    backend,
    knex,
    stop: async () => {
      await backend.stop();
      await knex.destroy();
    },
  };
}

const waive = (backend: TestBackend, body: object, auth = ALICE) =>
  request(backend.server)
    .post('/api/mesh/v1/waivers')
    .set('Authorization', auth)
    .send(body);

async function report(backend: TestBackend, name: string): Promise<MeshReport> {
  const res = await request(backend.server)
    .get(`/api/mesh/v1/reports/component/default/${name}`)
    .set('Authorization', ALICE);
  expect(res.status).toBe(200);
  return res.body;
}

const check = async (
  backend: TestBackend,
  name: string,
  id: string,
): Promise<CheckResult> =>
  (await report(backend, name)).checks.find(c => c.id === id)!;

describe('mesh API: waivers', () => {
  let run: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    run = await start();
  }, 120_000);

  afterAll(async () => {
    await run?.stop();
  });

  it('waives a failing check at once, with who, when, why and until, out of the score; withdrawing restores it', async () => {
    const before = await report(run.backend, 'checkout');
    const runbook = before.checks.find(c => c.id === 'operations.runbook')!;
    expect(runbook.status).toBe('fail');

    const started = Date.now();
    const until = dayFromNow(30);
    const res = await waive(run.backend, {
      entityRef: 'component:default/checkout',
      checkId: 'operations.runbook',
      reason: 'Runbook is being rewritten for the new gateway',
      until,
    });
    expect(res.status).toBe(201);
    const made: Waiver = res.body;
    expect(made).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      entityRef: 'component:default/checkout',
      checkId: 'operations.runbook',
      reason: 'Runbook is being rewritten for the new gateway',
      until,
      createdBy: 'user:default/alice',
      createdAt: expect.any(String),
    });
    expect(Date.parse(made.createdAt)).toBeGreaterThanOrEqual(started - 1000);

    // No collection ran: the report was rebuilt from the stored snapshot.
    const after = await report(run.backend, 'checkout');
    const waived = after.checks.find(c => c.id === 'operations.runbook')!;
    expect(waived.status).toBe('waived');
    expect(waived.evidence.waived).toEqual({
      status: 'fail',
      reason: 'Runbook is being rewritten for the new gateway',
      until,
      by: 'user:default/alice',
      at: made.createdAt,
      origin: 'api',
    });
    expect(after.readiness.applicable).toBe(before.readiness.applicable - 1);
    expect(after.readiness.score).toBeGreaterThan(before.readiness.score);
    // Another entity is not waived.
    expect(
      (await check(run.backend, 'payments', 'operations.runbook')).status,
    ).toBe('fail');

    const list = await request(run.backend.server)
      .get('/api/mesh/v1/waivers')
      .query({ entityRef: 'component:default/checkout' })
      .set('Authorization', ALICE);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      entityRef: 'component:default/checkout',
      waivers: [made],
    });

    const del = () =>
      request(run.backend.server)
        .delete(`/api/mesh/v1/waivers/${made.id}`)
        .set('Authorization', ALICE);
    expect((await del()).status).toBe(204);
    const restored = await report(run.backend, 'checkout');
    expect(
      restored.checks.find(c => c.id === 'operations.runbook')!.status,
    ).toBe('fail');
    expect(restored.readiness).toEqual(before.readiness);
    const again = await del();
    expect(again.status).toBe(404);
    expect(again.body.error.name).toBe('NotFoundError');
  });

  it('lets the annotation win over an API waiver of the same check', async () => {
    const res = await waive(run.backend, {
      entityRef: 'component:default/inventory',
      checkId: 'operations.runbook',
      reason: 'an API reason',
    });
    expect(res.status).toBe(201);
    const c = await check(run.backend, 'inventory', 'operations.runbook');
    expect(c.status).toBe('waived');
    expect(c.evidence.waived).toEqual({
      status: 'fail',
      reason: 'runbook lives with the platform team',
      origin: 'annotation',
    });
  });

  it('stops applying a waiver after its last day, and says whose lapsed', async () => {
    const res = await waive(run.backend, {
      entityRef: 'component:default/payments',
      checkId: 'operations.on-call',
      reason: 'rota starts next month',
      until: dayFromNow(1),
    });
    expect(res.status).toBe(201);
    expect(
      (await check(run.backend, 'payments', 'operations.on-call')).status,
    ).toBe('waived');
    const lapsed = dayFromNow(-3);
    await run
      .knex('mesh_waivers')
      .where({ id: res.body.id })
      .update({ until: lapsed });
    // As if days had passed: the next collection judges it lapsed.
    await request(run.backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', ALICE)
      .send({});
    const c = await check(run.backend, 'payments', 'operations.on-call');
    expect(c.status).toBe('fail');
    expect(c.evidence.waiverExpired).toEqual({
      reason: 'rota starts next month',
      until: lapsed,
      by: 'user:default/alice',
      origin: 'api',
    });
  });

  it.each([
    {
      what: 'a service',
      auth: () => mockCredentials.service.header(),
      status: 403,
      message: 'Only users may make or withdraw waivers',
    },
    { what: 'nobody', auth: () => '', status: 401, message: '' },
  ])('refuses a waiver from $what', async ({ auth, status, message }) => {
    const res = await request(run.backend.server)
      .post('/api/mesh/v1/waivers')
      .set(auth() ? { Authorization: auth() } : {})
      .send({
        entityRef: 'component:default/checkout',
        checkId: 'security.mtls',
        reason: 'r',
      });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
  });
});

describe('mesh API: the mesh.waiver.manage permission', () => {
  it('is denied: 403 naming the permission, nothing stored or withdrawn, reads still served', async () => {
    const { authorize, factory } = denying('mesh.waiver.manage');
    const run = await start([factory]);
    try {
      const res = await waive(run.backend, {
        entityRef: 'component:default/checkout',
        checkId: 'operations.runbook',
        reason: 'r',
      });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('mesh.waiver.manage'),
      });
      expect(await run.knex('mesh_waivers').count('* as n')).toEqual([
        { n: 0 },
      ]);
      // A waiver stored some other way cannot be withdrawn either.
      await run.knex('mesh_waivers').insert({
        id: '00000000-0000-4000-8000-000000000001',
        entity_ref: 'component:default/checkout',
        entity_key: 'component:default/checkout',
        check_id: 'operations.runbook',
        reason: 'r',
        created_by: 'user:default/bob',
        created_at: new Date().toISOString(),
      });
      const del = await request(run.backend.server)
        .delete('/api/mesh/v1/waivers/00000000-0000-4000-8000-000000000001')
        .set('Authorization', ALICE);
      expect(del.status).toBe(403);
      const list = await request(run.backend.server)
        .get('/api/mesh/v1/waivers')
        .query({ entityRef: 'component:default/checkout' })
        .set('Authorization', ALICE);
      expect(list.status).toBe(200);
      expect(list.body.waivers).toHaveLength(1);
      expect(authorize).toHaveBeenCalledWith(
        [
          {
            permission: expect.objectContaining({ name: 'mesh.waiver.manage' }),
          },
        ],
        expect.anything(),
      );
    } finally {
      await run.stop();
    }
  }, 60_000);
});
