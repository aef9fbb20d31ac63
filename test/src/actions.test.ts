import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createMeshReportReadConditionalDecision,
  meshReportReadConditions,
} from '@mesh-readiness/plugin-mesh-backend';
import {
  CHECK_STATUS_SORT_ORDER,
  MeshReport,
  meshReportReadPermission,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { permissionsFactory, withOwnerRelations } from './permissionMocks';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const TEAM_SHOP = 'group:default/team-shop';
const TEAM_PAYMENTS = 'group:default/team-payments';
/** The team each user belongs to: what `mine` resolves to. */
const TEAM: Record<string, string> = {
  'user:default/alice': TEAM_SHOP,
  'user:default/carol': TEAM_PAYMENTS,
  'user:default/mallory': TEAM_SHOP,
};

const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/**
 * The actions through Backstage's real actions registry, over its HTTP API (as the MCP
 * server calls them), with the same policy as the routes' tests: alice may read
 * everything, mallory nothing, carol what team-payments owns.
 */
describe('mesh actions for agents', () => {
  let backend: TestBackend;
  let all: ScorecardRow[];

  const invoke = (action: string, input: object, auth = as('alice')) =>
    request(backend.server)
      .post(`/api/mesh/.backstage/actions/v1/actions/mesh:${action}/invoke`)
      .set('Authorization', auth)
      .send(input);

  beforeAll(async () => {
    const policy = permissionsFactory((permission, user) => {
      if (permission !== meshReportReadPermission.name) return undefined;
      if (user === 'user:default/mallory')
        return { result: AuthorizeResult.DENY };
      if (user === 'user:default/carol')
        return createMeshReportReadConditionalDecision(
          meshReportReadPermission,
          meshReportReadConditions.isEntityOwner({ claims: [TEAM_PAYMENTS] }),
        );
      return undefined;
    });
    const userInfo = mockServices.userInfo.mock({
      async getUserInfo(credentials: BackstageCredentials) {
        const { userEntityRef } = credentials.principal as {
          userEntityRef: string;
        };
        return {
          userEntityRef,
          ownershipEntityRefs: [userEntityRef, TEAM[userEntityRef]],
        };
      },
    });
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
      features: [policy.factory, userInfo.factory],
    });
    const refreshed = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', as('alice'))
      .send({});
    if (refreshed.status !== 200) {
      throw new Error(`the first collection failed: ${refreshed.text}`);
    }
    all = (
      await request(backend.server)
        .get('/api/mesh/v1/scorecard?limit=500')
        .set('Authorization', as('alice'))
    ).body.rows;
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('lists the three actions as read-only', async () => {
    const res = await request(backend.server)
      .get('/api/mesh/.backstage/actions/v1/actions')
      .set('Authorization', as('alice'));
    expect(res.status).toBe(200);
    const actions = res.body.actions as {
      id: string;
      attributes: { readOnly: boolean; destructive: boolean };
    }[];
    expect(actions.map(a => a.id).sort()).toEqual([
      'mesh:get-mesh-report',
      'mesh:get-mesh-rollups',
      'mesh:list-mesh-scorecard',
    ]);
    for (const a of actions) {
      expect(a.attributes).toMatchObject({
        readOnly: true,
        destructive: false,
      });
    }
  });

  describe('get-mesh-report', () => {
    it('answers what the report route answers: score, level, and the checks to fix, worst first', async () => {
      const report: MeshReport = (
        await request(backend.server)
          .get('/api/mesh/v1/reports/component/default/checkout')
          .set('Authorization', as('alice'))
      ).body;
      const res = await invoke('get-mesh-report', { entityRef: 'checkout' });
      expect(res.status).toBe(200);
      const { output } = res.body;
      expect(output).toMatchObject({
        entityRef: 'component:default/checkout',
        score: report.readiness.score,
        level: report.readiness.level,
        provider: report.mesh.provider,
      });
      const expected = ['fail', 'unknown', 'warn'].flatMap(status =>
        report.checks.filter(c => c.status === status).map(c => c.id),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(output.needsAttention.map((c: { id: string }) => c.id)).toEqual(
        expected,
      );
      for (const c of output.needsAttention) {
        const source = report.checks.find(r => r.id === c.id)!;
        expect(c.summary).toBe(source.summary);
        expect(c.remediation).toBe(source.remediation);
      }
    });

    it('refuses a caller denied mesh.report.read, and applies a conditional decision', async () => {
      const denied = await invoke(
        'get-mesh-report',
        { entityRef: 'component:default/checkout' },
        as('mallory'),
      );
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('mesh.report.read');
      expect(
        (
          await invoke(
            'get-mesh-report',
            { entityRef: 'component:default/payments' },
            as('carol'),
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await invoke(
            'get-mesh-report',
            { entityRef: 'component:default/checkout' },
            as('carol'),
          )
        ).status,
      ).toBe(403);
    });

    it('answers 404 for an entity the catalog does not have, and 400 for a bad ref', async () => {
      expect(
        (await invoke('get-mesh-report', { entityRef: 'no-such-service' }))
          .status,
      ).toBe(404);
      expect(
        (await invoke('get-mesh-report', { entityRef: 'component:default/' }))
          .status,
      ).toBe(400);
    });
  });

  describe('list-mesh-scorecard', () => {
    const NOT_READY = ['almost-ready', 'not-ready', 'not-meshed', 'unmapped'];

    it("answers 'which of my services is not production-ready, and why?'", async () => {
      const res = await invoke('list-mesh-scorecard', {
        mine: true,
        level: NOT_READY,
        limit: 100,
      });
      expect(res.status).toBe(200);
      const expected = all.filter(
        r => r.owner === TEAM_SHOP && NOT_READY.includes(r.level),
      );
      expect(expected.length).toBeGreaterThan(0);
      const { output } = res.body;
      expect(output.total).toBe(expected.length);
      // Lowest score first by default.
      const scores = output.rows.map((r: { score: number }) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => a - b));
      for (const row of output.rows) {
        const source = expected.find(r => r.entityRef === row.entityRef)!;
        expect(row.level).toBe(source.level);
        expect(row.failing).toEqual(
          Object.keys(source.checks)
            .filter(id => source.checks[id] === 'fail')
            .sort(),
        );
      }
    });

    it('pages with the cursor it returns', async () => {
      const first = await invoke('list-mesh-scorecard', { limit: 2 });
      expect(first.body.output.rows).toHaveLength(2);
      const second = await invoke('list-mesh-scorecard', {
        limit: 2,
        cursor: first.body.output.nextCursor,
      });
      const seen = [...first.body.output.rows, ...second.body.output.rows].map(
        (r: { entityRef: string }) => r.entityRef,
      );
      expect(new Set(seen).size).toBe(4);
    });

    it('has no rows for a caller denied mesh.report.read, and the allowed ones under a condition', async () => {
      const denied = await invoke('list-mesh-scorecard', {}, as('mallory'));
      expect(denied.status).toBe(200);
      expect(denied.body.output).toEqual({ total: 0, rows: [] });
      const carol = await invoke(
        'list-mesh-scorecard',
        { limit: 100 },
        as('carol'),
      );
      expect(
        carol.body.output.rows
          .map((r: { entityRef: string }) => r.entityRef)
          .sort(),
      ).toEqual(
        all
          .filter(r => r.owner === TEAM_PAYMENTS)
          .map(r => r.entityRef)
          .sort(),
      );
    });

    it("sorts by a check's status, worst first, and names a check id it does not know", async () => {
      const res = await invoke('list-mesh-scorecard', {
        sort: 'check:security.authorization',
        limit: 100,
      });
      expect(res.status).toBe(200);
      const rank = (ref: string) => {
        const status = all.find(r => r.entityRef === ref)!.checks[
          'security.authorization'
        ];
        const at = CHECK_STATUS_SORT_ORDER.indexOf(status as any);
        return at < 0 ? CHECK_STATUS_SORT_ORDER.length : at;
      };
      const ranks = res.body.output.rows.map((r: { entityRef: string }) =>
        rank(r.entityRef),
      );
      expect(new Set(ranks).size).toBeGreaterThan(1);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));

      for (const [input, words] of [
        [
          { sort: 'check:security.mtsl' },
          "sort: 'security.mtsl' is not a check id",
        ],
        [{ sort: 'bogus' }, "sort: 'bogus' is not a column"],
        [
          { checks: [{ id: 'security.mtsl', status: 'fail' }] },
          "checks: 'security.mtsl' is not a check id",
        ],
      ] as const) {
        const bad = await invoke('list-mesh-scorecard', input);
        expect({
          status: bad.status,
          message: bad.body.error?.message,
        }).toEqual({ status: 400, message: expect.stringContaining(words) });
      }
    });

    it('refuses mine for a service, which owns nothing', async () => {
      const res = await invoke(
        'list-mesh-scorecard',
        { mine: true },
        mockCredentials.service.header(),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('mine needs a user');
    });
  });

  describe('get-mesh-rollups', () => {
    const keys = async (user: string) => {
      const res = await invoke('get-mesh-rollups', { by: 'group' }, as(user));
      expect(res.status).toBe(200);
      return res.body.output.rollups.map((r: { key: string }) => r.key).sort();
    };

    it('rolls up by group what the caller may read', async () => {
      expect(await keys('alice')).toEqual([TEAM_PAYMENTS, TEAM_SHOP].sort());
      expect(await keys('carol')).toEqual([TEAM_PAYMENTS]);
      expect(await keys('mallory')).toEqual([]);
    });

    it('matches the roll-ups route, worst checks included', async () => {
      const route = await request(backend.server)
        .get('/api/mesh/v1/scorecard/rollups?by=system')
        .set('Authorization', as('alice'));
      const action = await invoke('get-mesh-rollups', { by: 'system' });
      expect(action.body.output).toEqual(route.body);
    });
  });
});
