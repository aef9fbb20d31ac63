import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { Waiver } from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import { createTestDatabase } from 'mesh-devtools/databases';
import request from 'supertest';
import { MeshAccess } from '../service/access';
import { ReportReadPermission } from '../service/reportReads';
import { CatalogEntities } from '../service/catalogEntities';
import { WaiverService } from '../service/WaiverService';
import { openStores } from '../store';
import { WaiverStore } from '../store/WaiverStore';
import { waiversRouter } from './waivers';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {},
});

/** Bob may not see `secret`; everyone sees the others. */
const ENTITIES = [component('checkout'), component('secret')];

const BODY = {
  entityRef: 'component:default/checkout',
  checkId: 'security.egress',
  reason: 'egress goes through the proxy fleet until the gateway lands',
  until: '2026-09-30',
};

describe('/v1/waivers', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: WaiverStore;
  let app: express.Express;
  let decision: AuthorizeResult;
  const rebuilt: string[][] = [];
  const authorize = jest.fn(async (requests: EvaluatePermissionRequest[]) =>
    requests.map(() => ({ result: decision })),
  );

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    store = (await openStores(db.knex)).waivers;
    const visibleTo = (ref: string, principal: unknown) => {
      const { userEntityRef } = principal as { userEntityRef?: string };
      const entity = ENTITIES.find(
        e => stringifyEntityRef(e) === ref.toLocaleLowerCase('en-US'),
      );
      if (entity?.metadata.name === 'secret' && userEntityRef?.endsWith('/bob'))
        return undefined;
      return entity;
    };
    const catalog = {
      async getEntitiesByRefs(
        { entityRefs }: { entityRefs: string[] },
        options: { credentials: { principal: unknown } },
      ) {
        return {
          items: entityRefs.map(ref =>
            visibleTo(ref, options.credentials.principal),
          ),
        };
      },
    } as unknown as CatalogService;
    const reads = new ReportReadPermission({
      permissions: mockServices.permissions(),
    });
    const service = new WaiverService({
      entities: new CatalogEntities(catalog, { ttlMs: 0 }),
      store,
      userInfo: mockServices.userInfo(),
      collector: {
        async rebuildReports(affects) {
          rebuilt.push(ENTITIES.filter(affects).map(e => e.metadata.name));
          return 1;
        },
      },
      logger: mockServices.logger.mock(),
      checkIds: () => ['security.egress', 'security.mtls', 'acme.custom'],
      clock: () => NOW,
      reads,
    });
    const access = new MeshAccess({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      auth: mockServices.auth(),
      permissions: mockServices.permissions.mock({ authorize } as any),
      requireAuth: true,
      refreshLimit: { requests: 10, periodMs: 60_000 },
      reads,
    });
    app = express()
      .use(waiversRouter({ waivers: service, access }))
      .use(mockErrorHandler());
  });

  afterAll(async () => {
    await db?.dispose();
  });

  beforeEach(async () => {
    decision = AuthorizeResult.ALLOW;
    authorize.mockClear();
    rebuilt.length = 0;
    await db.knex('mesh_waivers').delete();
  });

  const post = (body: object, auth = ALICE) =>
    request(app).post('/v1/waivers').set('Authorization', auth).send(body);
  const list = (entityRef: string, auth = ALICE) =>
    request(app)
      .get('/v1/waivers')
      .query({ entityRef })
      .set('Authorization', auth);

  it('makes a waiver: 201 with who and when, stored, and the entity’s report rebuilt', async () => {
    const res = await post(BODY);
    expect(res.status).toBe(201);
    const made: Waiver = res.body;
    expect(made).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      entityRef: 'component:default/checkout',
      checkId: 'security.egress',
      reason: BODY.reason,
      until: '2026-09-30',
      createdBy: 'user:default/alice',
      createdAt: NOW.toISOString(),
    });
    await expect(store.get(made.id)).resolves.toEqual(made);
    expect(rebuilt).toEqual([['checkout']]);
    expect(authorize).toHaveBeenCalledWith(
      [{ permission: expect.objectContaining({ name: 'mesh.waiver.manage' }) }],
      expect.anything(),
    );
  });

  it('accepts a waiver without an end, an adopter’s check, a short ref and a trimmed reason', async () => {
    const res = await post({
      entityRef: 'checkout',
      checkId: 'acme.custom',
      reason: '  retired next quarter  ',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/checkout',
      reason: 'retired next quarter',
    });
    expect(res.body.until).toBeUndefined();
  });

  it('lists the entity’s waivers, newest first', async () => {
    const first = (await post(BODY)).body as Waiver;
    await store.add({
      ...first,
      id: '00000000-0000-4000-8000-000000000009',
      checkId: 'security.mtls',
      createdAt: '2026-06-16T00:00:00.000Z',
    });
    const res = await list('component:default/checkout');
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('component:default/checkout');
    expect((res.body.waivers as Waiver[]).map(w => w.checkId)).toEqual([
      'security.mtls',
      'security.egress',
    ]);
  });

  it('withdraws a waiver: 204, gone, the report rebuilt; again is a 404', async () => {
    const { id } = (await post(BODY)).body as Waiver;
    rebuilt.length = 0;
    const del = () =>
      request(app).delete(`/v1/waivers/${id}`).set('Authorization', ALICE);
    expect((await del()).status).toBe(204);
    await expect(store.get(id)).resolves.toBeUndefined();
    expect(rebuilt).toEqual([['checkout']]);
    const again = await del();
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({
      name: 'NotFoundError',
      message: `No waiver ${id}`,
    });
  });

  it('refuses a second waiver of a check still waived: 409 naming the first', async () => {
    const first = (await post(BODY)).body as Waiver;
    const res = await post({ ...BODY, reason: 'another reason' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(first.id);
    // Once the first has lapsed, a new one may be made.
    await db
      .knex('mesh_waivers')
      .where({ id: first.id })
      .update({ until: '2026-06-14' });
    expect((await post(BODY)).status).toBe(201);
  });

  it.each<[string, object, number, string]>([
    [
      'an unknown check',
      { ...BODY, checkId: 'security.egres' },
      400,
      "checkId 'security.egres' is not the id of a check",
    ],
    [
      'an end day in the past',
      { ...BODY, until: '2026-06-14' },
      400,
      'until: 2026-06-14 is in the past',
    ],
    [
      'a day not on the calendar',
      { ...BODY, until: '2026-02-30' },
      400,
      "until: '2026-02-30' is no day of the calendar",
    ],
    [
      'a malformed day',
      { ...BODY, until: '30/09/2026' },
      400,
      'until: must be a day as YYYY-MM-DD',
    ],
    ['no reason', { ...BODY, reason: undefined }, 400, 'reason'],
    [
      'a blank reason',
      { ...BODY, reason: '   ' },
      400,
      'reason: must not be empty',
    ],
    [
      'a reason too long',
      { ...BODY, reason: 'x'.repeat(2001) },
      400,
      'reason: at most 2000 characters',
    ],
    [
      'an unknown field',
      { ...BODY, createdBy: 'user:default/mallory' },
      400,
      'createdBy',
    ],
    [
      'a ref that does not parse',
      { ...BODY, entityRef: 'component:' },
      400,
      'Invalid entityRef',
    ],
    [
      'an entity the catalog lacks',
      { ...BODY, entityRef: 'component:default/ghost' },
      404,
      'No entity component:default/ghost',
    ],
  ])('refuses %s', async (_what, body, status, message) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
    expect(await db.knex('mesh_waivers').count('* as n')).toEqual([{ n: 0 }]);
    expect(rebuilt).toEqual([]);
  });

  it('takes today as the last day it may end', async () => {
    expect((await post({ ...BODY, until: '2026-06-15' })).status).toBe(201);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await request(app)
      .post('/v1/waivers')
      .set('Authorization', ALICE)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(BODY));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('the body must be JSON');
  });

  it('refuses to make or withdraw without mesh.waiver.manage, before reading the body; reading stays open', async () => {
    const { id } = (await post(BODY)).body as Waiver;
    decision = AuthorizeResult.DENY;
    const made = await post({ ...BODY, checkId: 'security.mtls' });
    expect(made.status).toBe(403);
    expect(made.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('mesh.waiver.manage'),
    });
    // A bad body is not even looked at.
    expect((await post({ nonsense: true })).status).toBe(403);
    const del = await request(app)
      .delete(`/v1/waivers/${id}`)
      .set('Authorization', ALICE);
    expect(del.status).toBe(403);
    await expect(store.get(id)).resolves.toBeDefined();
    expect((await list('component:default/checkout')).status).toBe(200);
  });

  it.each([
    ['a service', mockCredentials.service.header(), 403, 'Only users may'],
    ['nobody', undefined, 401, ''],
  ])('refuses a waiver from %s', async (_who, auth, status, message) => {
    const req = request(app).post('/v1/waivers');
    const res = await (auth ? req.set('Authorization', auth) : req).send(BODY);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
  });

  it('treats an entity the caller cannot see as absent, for every route', async () => {
    const secret = { ...BODY, entityRef: 'component:default/secret' };
    expect((await post(secret, BOB)).status).toBe(404);
    expect((await list('component:default/secret', BOB)).status).toBe(404);
    const { id } = (await post(secret, ALICE)).body as Waiver;
    const del = await request(app)
      .delete(`/v1/waivers/${id}`)
      .set('Authorization', BOB);
    expect(del.status).toBe(404);
    await expect(store.get(id)).resolves.toBeDefined();
  });

  it.each([
    ['no entityRef', '/v1/waivers', 'entityRef'],
    [
      'an unknown parameter',
      '/v1/waivers?entityRef=component:default/checkout&all=1',
      'all',
    ],
  ])('refuses a list query with %s', async (_what, url, message) => {
    const res = await request(app).get(url).set('Authorization', ALICE);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  it('refuses to delete by an id that is no UUID', async () => {
    const res = await request(app)
      .delete('/v1/waivers/42')
      .set('Authorization', ALICE);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('invalid waiver id');
  });
});
