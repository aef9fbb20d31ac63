import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createMeshReportReadConditionalDecision,
  meshReportReadConditions,
} from '@mesh-readiness/plugin-mesh-backend';
import {
  meshReportReadPermission,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { withOwnerRelations, permissionsFactory } from './permissionMocks';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));

const TEAM_SHOP = 'group:default/team-shop';
const TEAM_PAYMENTS = 'group:default/team-payments';
const WRITES = [
  'mesh.refresh',
  'mesh.attestation.create',
  'mesh.waiver.manage',
];

/**
 * The policy, by user:
 * - alice: everything;
 * - mallory: mesh.report.read denied;
 * - carol: mesh.report.read for what team-payments owns, with the mesh plugin's
 *   conditions;
 * - dave: mesh.report.read for what team-shop does not own, written with the catalog's
 *   plugin id and rule names (as `catalogConditions` would), under a `not`;
 * - erin: a condition with a rule the mesh plugin does not know;
 * - ward: reads allowed, every write permission denied.
 */
function decide(permission: string, user: string): PolicyDecision | undefined {
  const name = user.split('/')[1];
  if (permission === meshReportReadPermission.name) {
    if (name === 'mallory') return { result: AuthorizeResult.DENY };
    if (name === 'carol')
      return createMeshReportReadConditionalDecision(
        meshReportReadPermission,
        meshReportReadConditions.isEntityOwner({ claims: [TEAM_PAYMENTS] }),
      );
    if (name === 'dave')
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          not: {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: [TEAM_SHOP] },
          },
        },
      };
    if (name === 'erin')
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'HAS_SPEC',
          resourceType: 'catalog-entity',
          params: { key: 'lifecycle', value: 'production' },
        },
      };
  }
  if (name === 'ward' && WRITES.includes(permission))
    return { result: AuthorizeResult.DENY };
  return undefined;
}

const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

describe('mesh.report.read and the other permissions, route by route', () => {
  let backend: TestBackend;
  /** Every scorecard row, as alice (allowed everything) sees them. */
  let all: ScorecardRow[];
  const get = (url: string, user: string) =>
    request(backend.server).get(url).set('Authorization', as(user));
  /** The refs a condition must leave, computed from alice's rows. */
  const refsWhere = (pred: (r: ScorecardRow) => boolean) =>
    all
      .filter(pred)
      .map(r => r.entityRef)
      .sort();
  const carolSees = () => refsWhere(r => r.owner === TEAM_PAYMENTS);
  const daveSees = () => refsWhere(r => r.owner !== TEAM_SHOP);

  beforeAll(async () => {
    backend = await startMeshBackend({
      entities: withOwnerRelations(demo.entities),
      mesh: {
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
          },
        ],
      },
      features: [permissionsFactory(decide).factory],
    });
    const refreshed = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', as('alice'))
      .send({});
    if (refreshed.status !== 200) {
      throw new Error(`the first collection failed: ${refreshed.text}`);
    }
    const page = await get('/api/mesh/v1/scorecard?limit=500', 'alice');
    all = page.body.rows;
    // Both teams own rows, so every filter below leaves some and removes some.
    const owners = new Set(all.map(r => r.owner));
    if (
      owners.size !== 2 ||
      !owners.has(TEAM_SHOP) ||
      !owners.has(TEAM_PAYMENTS)
    )
      throw new Error(`unexpected owners: ${[...owners].join(', ')}`);
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
  });

  describe.each<[string, (name: string) => string]>([
    [
      'GET /v1/reports/:kind/:namespace/:name',
      n => `/api/mesh/v1/reports/component/default/${n}`,
    ],
    [
      'GET /v1/history/:kind/:namespace/:name',
      n => `/api/mesh/v1/history/component/default/${n}`,
    ],
    [
      'GET /v1/attestations',
      n => `/api/mesh/v1/attestations?entityRef=component:default/${n}`,
    ],
    [
      'GET /v1/waivers',
      n => `/api/mesh/v1/waivers?entityRef=component:default/${n}`,
    ],
  ])('%s', (_route, url) => {
    it('answers a user allowed mesh.report.read', async () => {
      const res = await get(url('checkout'), 'alice');
      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('component:default/checkout');
    });

    it('refuses a user denied it with a 403 naming the permission', async () => {
      const res = await get(url('checkout'), 'mallory');
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('mesh.report.read'),
      });
    });

    it('answers 404, not 403, for an entity the catalog does not show: the catalog is asked first', async () => {
      const res = await get(url('no-such-service'), 'mallory');
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    });

    it.each([
      ['carol', 'the mesh conditions'],
      ['dave', "the catalog's rule names"],
    ])('applies a conditional decision (%s, %s) to the entity', async user => {
      expect((await get(url('payments'), user)).status).toBe(200);
      const denied = await get(url('checkout'), user);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('mesh.report.read');
    });

    it('fails, rather than answers, when a condition names a rule the plugin does not know', async () => {
      const res = await get(url('payments'), 'erin');
      expect(res.status).toBe(500);
      expect(res.body.error.message).toContain('HAS_SPEC');
    });
  });

  it('GET /v1/reports: a conditional decision serves the whole report of an allowed entity', async () => {
    const res = await get(
      '/api/mesh/v1/reports/component/default/legacy-billing',
      'carol',
    );
    expect(res.status).toBe(200);
    expect(res.body.readiness.level).toBe(
      all.find(r => r.entityRef === 'component:default/legacy-billing')!.level,
    );
  });

  it('GET /v1/checks is the check catalog, no entity data: served to a user denied mesh.report.read', async () => {
    const res = await get('/api/mesh/v1/checks', 'mallory');
    expect(res.status).toBe(200);
    expect(res.body.checks.length).toBeGreaterThan(0);
  });

  describe('GET /v1/scorecard', () => {
    const refsOf = async (user: string) => {
      const res = await get('/api/mesh/v1/scorecard?limit=500', user);
      expect(res.status).toBe(200);
      return {
        total: res.body.total,
        refs: (res.body.rows as ScorecardRow[]).map(r => r.entityRef).sort(),
      };
    };

    it('keeps every row for a user allowed mesh.report.read and none for one denied it', async () => {
      expect((await refsOf('alice')).total).toBe(all.length);
      expect(await refsOf('mallory')).toEqual({ total: 0, refs: [] });
    });

    it('keeps the rows a conditional decision allows, and counts only them', async () => {
      expect(await refsOf('carol')).toEqual({
        total: carolSees().length,
        refs: carolSees(),
      });
      expect(await refsOf('dave')).toEqual({
        total: daveSees().length,
        refs: daveSees(),
      });
    });

    it('pages within the allowed rows only', async () => {
      const first = await get('/api/mesh/v1/scorecard?limit=1', 'carol');
      expect(first.body.total).toBe(carolSees().length);
      const second = await get(
        `/api/mesh/v1/scorecard?limit=1&cursor=${first.body.nextCursor}`,
        'carol',
      );
      expect(
        [...first.body.rows, ...second.body.rows]
          .map((r: ScorecardRow) => r.entityRef)
          .sort(),
      ).toEqual(carolSees().slice(0, 2));
    });

    it('fails for a condition with an unknown rule', async () => {
      expect((await get('/api/mesh/v1/scorecard', 'erin')).status).toBe(500);
    });

    it('as CSV: a header and the allowed rows only', async () => {
      const csvRefs = async (user: string) => {
        const res = await get('/api/mesh/v1/scorecard?format=csv', user);
        expect(res.status).toBe(200);
        const lines = res.text.trim().split('\r\n');
        expect(lines[0]).toMatch(/^entityRef,/);
        return lines
          .slice(1)
          .map(l => l.split(',')[0])
          .sort();
      };
      expect(await csvRefs('alice')).toEqual(refsWhere(() => true));
      expect(await csvRefs('mallory')).toEqual([]);
      expect(await csvRefs('carol')).toEqual(carolSees());
    });
  });

  it('GET /v1/scorecard/summary counts the allowed entities only', async () => {
    const entities = async (user: string) =>
      (await get('/api/mesh/v1/scorecard/summary', user)).body.entities;
    expect(await entities('alice')).toBe(all.length);
    expect(await entities('mallory')).toBe(0);
    expect(await entities('carol')).toBe(carolSees().length);
  });

  it('GET /v1/scorecard/rollups rolls up the allowed entities only', async () => {
    const rollups = async (user: string) => {
      const res = await get('/api/mesh/v1/scorecard/rollups?by=group', user);
      expect(res.status).toBe(200);
      return (res.body.rollups as { key: string; entities: number }[]).map(
        r => [r.key, r.entities],
      );
    };
    expect((await rollups('alice')).map(([k]) => k).sort()).toEqual(
      [TEAM_PAYMENTS, TEAM_SHOP].sort(),
    );
    expect(await rollups('mallory')).toEqual([]);
    expect(await rollups('carol')).toEqual([
      [TEAM_PAYMENTS, carolSees().length],
    ]);
  });

  it('GET /v1/history/rollups serves a key only to a user allowed one of its entities', async () => {
    const status = async (key: string, user: string) =>
      (await get(`/api/mesh/v1/history/rollups?by=group&key=${key}`, user))
        .status;
    expect(await status('team-shop', 'alice')).toBe(200);
    expect(await status('team-shop', 'mallory')).toBe(404);
    expect(await status('team-shop', 'carol')).toBe(404);
    expect(await status('team-payments', 'carol')).toBe(200);
  });

  it('GET /v1/history/fleet has no points for a user denied every entity', async () => {
    const points = async (user: string) => {
      const res = await get('/api/mesh/v1/history/fleet', user);
      expect(res.status).toBe(200);
      return res.body.points;
    };
    expect((await points('alice')).length).toBeGreaterThan(0);
    expect(await points('mallory')).toEqual([]);
    expect((await points('carol')).length).toBeGreaterThan(0);
  });

  it('GET /metrics, one view of the whole fleet, needs mesh.report.read unconditionally', async () => {
    const alice = await get('/api/mesh/metrics', 'alice');
    expect(alice.status).toBe(200);
    expect(alice.text).toContain('mesh_readiness_score');
    for (const user of ['mallory', 'carol']) {
      const res = await get('/api/mesh/metrics', user);
      expect({ user, status: res.status }).toEqual({ user, status: 403 });
      expect(res.body.error.message).toContain('mesh.report.read');
      expect(res.text).not.toContain('mesh_readiness_score');
    }
    // A scraper's token is a service principal: granted unless restricted.
    const scraper = await request(backend.server)
      .get('/api/mesh/metrics')
      .set('Authorization', mockCredentials.service.header());
    expect(scraper.status).toBe(200);
  });

  it('resolves mesh conditions for the permission backend (usePermission with a resource ref)', async () => {
    const metadata = await request(backend.server)
      .get('/api/mesh/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());
    expect(metadata.status).toBe(200);
    expect(
      metadata.body.rules.map((r: { name: string }) => r.name).sort(),
    ).toEqual([
      'HAS_ANNOTATION',
      'HAS_LABEL',
      'IS_ENTITY_KIND',
      'IS_ENTITY_OWNER',
    ]);
    expect(metadata.body.permissions).toContainEqual(
      expect.objectContaining({ name: 'mesh.report.read' }),
    );
    const applied = await request(backend.server)
      .post('/api/mesh/.well-known/backstage/permissions/apply-conditions')
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: '1',
            resourceRef: [
              'component:default/payments',
              'component:default/checkout',
              'component:default/no-such-service',
            ],
            resourceType: 'catalog-entity',
            conditions: meshReportReadConditions.isEntityOwner({
              claims: [TEAM_PAYMENTS],
            }),
          },
        ],
      });
    expect(applied.status).toBe(200);
    expect(applied.body.items).toEqual([
      {
        id: '1',
        result: [
          AuthorizeResult.ALLOW,
          AuthorizeResult.DENY,
          AuthorizeResult.DENY,
        ],
      },
    ]);
  });

  describe('the write routes, each with its own permission', () => {
    const post = (url: string, user: string, body: object) =>
      request(backend.server)
        .post(url)
        .set('Authorization', as(user))
        .send(body);
    const del = (url: string, user: string) =>
      request(backend.server).delete(url).set('Authorization', as(user));
    const expectDenied = (res: request.Response, permission: string) => {
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(permission),
      });
    };

    it('POST /v1/refresh: mesh.refresh', async () => {
      expectDenied(
        await post('/api/mesh/v1/refresh', 'ward', {}),
        'mesh.refresh',
      );
      expect((await post('/api/mesh/v1/refresh', 'alice', {})).status).toBe(
        200,
      );
    });

    it('POST and DELETE /v1/attestations: mesh.attestation.create', async () => {
      const body = {
        entityRef: 'component:default/checkout',
        checkId: 'operations.runbook',
        note: 'reviewed',
        expiresInDays: 7,
      };
      expectDenied(
        await post('/api/mesh/v1/attestations', 'ward', body),
        'mesh.attestation.create',
      );
      const made = await post('/api/mesh/v1/attestations', 'alice', body);
      expect(made.status).toBe(201);
      expectDenied(
        await del(`/api/mesh/v1/attestations/${made.body.id}`, 'ward'),
        'mesh.attestation.create',
      );
      expect(
        (await del(`/api/mesh/v1/attestations/${made.body.id}`, 'alice'))
          .status,
      ).toBe(204);
    });

    it('POST and DELETE /v1/waivers: mesh.waiver.manage', async () => {
      const body = {
        entityRef: 'component:default/checkout',
        checkId: 'security.egress',
        reason: 'egress goes through the proxy fleet',
      };
      expectDenied(
        await post('/api/mesh/v1/waivers', 'ward', body),
        'mesh.waiver.manage',
      );
      const made = await post('/api/mesh/v1/waivers', 'alice', body);
      expect(made.status).toBe(201);
      expectDenied(
        await del(`/api/mesh/v1/waivers/${made.body.id}`, 'ward'),
        'mesh.waiver.manage',
      );
      expect(
        (await del(`/api/mesh/v1/waivers/${made.body.id}`, 'alice')).status,
      ).toBe(204);
    });

    it('reads stay open to a user denied every write', async () => {
      expect(
        (await get('/api/mesh/v1/reports/component/default/checkout', 'ward'))
          .status,
      ).toBe(200);
    });
  });
});
