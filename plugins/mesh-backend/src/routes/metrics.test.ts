import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject, JsonValue } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { meshPlugin } from '../plugin';

/** The mesh plugin in a real test backend; no clusters, so no run ever starts. */
async function start(mesh: JsonObject) {
  const knex: Knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    const backend = await startTestBackend({
      features: [
        meshPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [] }),
        // A request without a token is anonymous, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({ data: { mesh } }),
      ],
    });
    return {
      server: backend.server,
      stop: async () => {
        await backend.stop();
        await knex.destroy();
      },
    };
  } catch (e) {
    await knex.destroy();
    throw e;
  }
}

type Backend = Awaited<ReturnType<typeof start>>;

describe('GET /api/mesh/metrics', () => {
  describe.each<[string, JsonObject]>([
    ['by default', {}],
    [
      'with mesh.requireAuth false (which opens the read routes only)',
      { requireAuth: false },
    ],
    [
      'with allowUnauthenticated false',
      { metrics: { allowUnauthenticated: false } },
    ],
  ])('%s', (_what, mesh) => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await start(mesh);
    });
    afterAll(async () => {
      await backend?.stop();
    });

    it('refuses a request without a token', async () => {
      const res = await request(backend.server).get('/api/mesh/metrics');
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('mesh_readiness_score');
    });

    it.each([
      ['a user', () => mockCredentials.user.header()],
      ['a service', () => mockCredentials.service.header()],
    ])('answers %s with the text exposition', async (_who, header) => {
      const res = await request(backend.server)
        .get('/api/mesh/metrics')
        .set('Authorization', header());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        'text/plain; version=0.0.4; charset=utf-8',
      );
      expect(res.text).toContain('# TYPE mesh_readiness_score gauge');
      expect(res.text).toContain(
        '# TYPE mesh_collection_duration_seconds histogram',
      );
    });
  });

  describe('with mesh.metrics.allowUnauthenticated', () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await start({ metrics: { allowUnauthenticated: true } });
    });
    afterAll(async () => {
      await backend?.stop();
    });

    it('answers without a token', async () => {
      const res = await request(backend.server).get('/api/mesh/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toContain('# TYPE mesh_entities gauge');
    });

    it.each(['/api/mesh/v1/checks', '/api/mesh/v1/scorecard'])(
      'still refuses %s without a token',
      async path => {
        expect((await request(backend.server).get(path)).status).toBe(401);
      },
    );

    it('opens GET /metrics only, not what is under it', async () => {
      const res = await request(backend.server).post('/api/mesh/metrics');
      expect(res.status).toBe(404);
    });
  });

  it.each<[string, JsonValue, string]>([
    [
      'a non-boolean allowUnauthenticated',
      { allowUnauthenticated: 'yes' },
      'mesh.metrics.allowUnauthenticated',
    ],
    ['an unknown key', { open: true }, 'mesh.metrics'],
  ])('fails startup on %s', async (_what, metrics, path) => {
    await expect(start({ metrics })).rejects.toThrow(path);
  });
});
