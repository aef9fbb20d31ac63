import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Attestation,
  CheckResult,
  MeshReport,
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
    entities: demo.entities,
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
  return {
    backend,
    knex,
    stop: async () => {
      await backend.stop();
      await knex.destroy();
    },
  };
}

const attest = (backend: TestBackend, body: object, auth = ALICE) =>
  request(backend.server)
    .post('/api/mesh/v1/attestations')
    .set('Authorization', auth)
    .send(body);

async function check(
  backend: TestBackend,
  name: string,
  id: string,
): Promise<CheckResult> {
  const res = await request(backend.server)
    .get(`/api/mesh/v1/reports/component/default/${name}`)
    .set('Authorization', ALICE);
  expect(res.status).toBe(200);
  return (res.body as MeshReport).checks.find(c => c.id === id)!;
}

describe('mesh API: attestations', () => {
  let run: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    run = await start();
    const refreshed = await request(run.backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', ALICE)
      .send({});
    if (refreshed.status !== 200) {
      throw new Error(`the first collection failed: ${refreshed.text}`);
    }
  }, 120_000);

  afterAll(async () => {
    await run?.stop();
  });

  it('fails the runbook line until someone attests it, then passes it at once, with who, when, note, link and expiry', async () => {
    const before = await check(run.backend, 'checkout', 'operations.runbook');
    expect(before.status).toBe('fail');
    expect(before.remediation).toContain('docs/runbooks/mesh-upgrade.md');

    const started = Date.now();
    const res = await attest(run.backend, {
      entityRef: 'component:default/checkout',
      checkId: 'operations.runbook',
      note: 'Upgrade runbook reviewed with the team',
      link: 'https://wiki.example.com/checkout/upgrade',
      expiresInDays: 30,
    });
    expect(res.status).toBe(201);
    const made: Attestation = res.body;
    expect(made).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      entityRef: 'component:default/checkout',
      checkId: 'operations.runbook',
      note: 'Upgrade runbook reviewed with the team',
      link: 'https://wiki.example.com/checkout/upgrade',
      createdBy: 'user:default/alice',
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(made.createdAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(made.expiresAt) - Date.parse(made.createdAt)).toBe(
      30 * DAY_MS,
    );

    // No collection ran: the report was rebuilt from the stored snapshot.
    const after = await check(run.backend, 'checkout', 'operations.runbook');
    expect(after.status).toBe('pass');
    expect(after.evidence.attestation).toMatchObject({
      id: made.id,
      attestedBy: 'user:default/alice',
      note: 'Upgrade runbook reviewed with the team',
      link: 'https://wiki.example.com/checkout/upgrade',
      expiresAt: made.expiresAt,
    });
    // Another entity is not covered.
    expect(
      (await check(run.backend, 'inventory', 'operations.runbook')).status,
    ).toBe('fail');
  });

  it('applies an attestation for a group to the entities it owns, and lists it for them', async () => {
    const res = await attest(run.backend, {
      entityRef: 'group:default/team-shop',
      checkId: 'operations.on-call',
      note: 'Team trained on istioctl proxy-config',
      expiresInDays: 90,
    });
    expect(res.status).toBe(201);
    for (const owned of ['checkout', 'inventory']) {
      const c = await check(run.backend, owned, 'operations.on-call');
      expect({ owned, status: c.status }).toEqual({ owned, status: 'pass' });
      expect(c.evidence.attestation).toMatchObject({
        madeFor: 'group:default/team-shop',
      });
    }
    // payments is owned by team-payments.
    expect(
      (await check(run.backend, 'payments', 'operations.on-call')).status,
    ).toBe('fail');

    const list = await request(run.backend.server)
      .get('/api/mesh/v1/attestations')
      .query({ entityRef: 'component:default/checkout' })
      .set('Authorization', ALICE);
    expect(list.status).toBe(200);
    expect(list.body.entityRef).toBe('component:default/checkout');
    expect(
      (list.body.attestations as Attestation[]).map(a => [
        a.entityRef,
        a.checkId,
      ]),
    ).toEqual([
      ['group:default/team-shop', 'operations.on-call'],
      ['component:default/checkout', 'operations.runbook'],
    ]);
  });

  it('applies an attestation for a system to its entities', async () => {
    // payments belongs to team-payments but to the shop system.
    expect(
      (await check(run.backend, 'payments', 'operations.on-call')).status,
    ).toBe('fail');
    const res = await attest(run.backend, {
      entityRef: 'system:default/shop',
      checkId: 'operations.on-call',
      note: 'Shop on-call rotation trained on linkerd viz tap',
      expiresInDays: 180,
    });
    expect(res.status).toBe(201);
    const after = await check(run.backend, 'payments', 'operations.on-call');
    expect(after.status).toBe('pass');
    expect(after.evidence.attestation).toMatchObject({
      madeFor: 'system:default/shop',
    });
  });

  it('withdraws an attestation: the line fails again at once; a second delete is a 404', async () => {
    const res = await attest(run.backend, {
      entityRef: 'component:default/payments',
      checkId: 'operations.runbook',
      note: 'runbook',
      expiresInDays: 1,
    });
    expect(
      (await check(run.backend, 'payments', 'operations.runbook')).status,
    ).toBe('pass');
    const del = () =>
      request(run.backend.server)
        .delete(`/api/mesh/v1/attestations/${res.body.id}`)
        .set('Authorization', ALICE);
    expect((await del()).status).toBe(204);
    expect(
      (await check(run.backend, 'payments', 'operations.runbook')).status,
    ).toBe('fail');
    const again = await del();
    expect(again.status).toBe(404);
    expect(again.body.error.name).toBe('NotFoundError');
  });

  it('turns an expired attestation into a fail that says when it expired', async () => {
    const meshed = await attest(run.backend, {
      entityRef: 'component:default/inventory',
      checkId: 'operations.runbook',
      note: 'old runbook',
      expiresInDays: 1,
    });
    const lapsed = new Date(Date.now() - 10 * DAY_MS).toISOString();
    await run
      .knex('mesh_attestations')
      .where({ id: meshed.body.id })
      .update({ expires_at: lapsed });
    // As if months had passed: the next collection judges it lapsed.
    await request(run.backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', ALICE)
      .send({});
    const c = await check(run.backend, 'inventory', 'operations.runbook');
    expect(c.status).toBe('fail');
    expect(c.summary).toContain(`expired on ${lapsed.slice(0, 10)}`);
  });

  it.each([
    {
      what: 'a service',
      auth: () => mockCredentials.service.header(),
      status: 403,
      name: 'NotAllowedError',
      message: 'Only users may attest',
    },
    {
      what: 'nobody',
      auth: () => '',
      status: 401,
      name: 'AuthenticationError',
      message: '',
    },
  ])(
    'refuses an attestation from $what',
    async ({ auth, status, name, message }) => {
      const res = await request(run.backend.server)
        .post('/api/mesh/v1/attestations')
        .set(auth() ? { Authorization: auth() } : {})
        .send({
          entityRef: 'component:default/checkout',
          checkId: 'operations.runbook',
          note: 'n',
          expiresInDays: 10,
        });
      expect(res.status).toBe(status);
      expect(res.body.error).toMatchObject({
        name,
        message: expect.stringContaining(message),
      });
    },
  );
});

describe('mesh API: the mesh.attestation.create permission', () => {
  it('is denied: 403 naming the permission, nothing stored, reads still served', async () => {
    const run = await start([denying('mesh.attestation.create').factory]);
    try {
      const res = await attest(run.backend, {
        entityRef: 'component:default/checkout',
        checkId: 'operations.runbook',
        note: 'n',
        expiresInDays: 10,
      });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('mesh.attestation.create'),
      });
      expect(await run.knex('mesh_attestations').count('* as n')).toEqual([
        { n: 0 },
      ]);
      const list = await request(run.backend.server)
        .get('/api/mesh/v1/attestations')
        .query({ entityRef: 'component:default/checkout' })
        .set('Authorization', ALICE);
      expect(list.status).toBe(200);
    } finally {
      await run.stop();
    }
  }, 60_000);

  it('is decided per entity: the resource ref is the attested entity', async () => {
    const authorize = jest.fn(
      async (requests: Array<{ resourceRef?: string }>) =>
        requests.map(r => ({
          result:
            r.resourceRef === 'component:default/payments'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
    );
    const run = await start([
      mockServices.permissions.mock({ authorize } as any).factory,
    ]);
    try {
      const body = (name: string) => ({
        entityRef: `component:default/${name}`,
        checkId: 'operations.runbook',
        note: 'n',
        expiresInDays: 10,
      });
      expect((await attest(run.backend, body('checkout'))).status).toBe(201);
      expect((await attest(run.backend, body('payments'))).status).toBe(403);
      expect(authorize).toHaveBeenCalledWith(
        [
          {
            permission: expect.objectContaining({
              name: 'mesh.attestation.create',
              resourceType: 'catalog-entity',
            }),
            resourceRef: 'component:default/payments',
          },
        ],
        expect.anything(),
      );
    } finally {
      await run.stop();
    }
  }, 60_000);
});

describe('mesh API: attestations declared in app-config', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startMeshBackend({
      entities: demo.entities,
      mesh: {
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
          },
        ],
        attestations: [
          {
            entityRef: 'component:default/checkout',
            checkId: 'operations.on-call',
            note: 'trained in March',
            by: 'user:default/ana',
            at: '2026-03-01',
            expiresAt: new Date(Date.now() + 30 * DAY_MS).toISOString(),
          },
        ],
      },
    });
  });
  afterAll(() => backend?.stop());

  it('lists one with its config id, and refuses to delete it with a 409 that says where it lives', async () => {
    const list = await request(backend.server)
      .get('/api/mesh/v1/attestations')
      .query({ entityRef: 'component:default/checkout' })
      .set('Authorization', ALICE);
    expect(list.status).toBe(200);
    const declared = (list.body.attestations as Attestation[]).find(
      a => a.checkId === 'operations.on-call',
    );
    expect(declared?.id).toBe('config-0');
    const res = await request(backend.server)
      .delete('/api/mesh/v1/attestations/config-0')
      .set('Authorization', ALICE);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('declared in app-config'),
    });
    // An id of neither shape is still refused before it reaches the service.
    const bad = await request(backend.server)
      .delete('/api/mesh/v1/attestations/config-x')
      .set('Authorization', ALICE);
    expect(bad.status).toBe(400);
  });
});
