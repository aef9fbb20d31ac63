import { mockErrorHandler } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { MeshAccess } from '../service/access';
import { ScorecardService } from '../service/ScorecardService';
import { scorecardRoutes } from './scorecard';

/**
 * The scorecard routes' validation, with a service that records what it is asked: every
 * enum-like query value is checked, and a bad one is a 400 that names it.
 */
describe('scorecard routes: query validation', () => {
  const asked: Array<{ method: string; args: unknown[] }> = [];
  /** Built-in checks plus an adopter's, as the registry lists them. */
  let checkIds = ['security.mtls', 'mesh.enrollment', 'acme.rota'];
  const record =
    (method: string, answer: unknown = {}) =>
    async (...args: unknown[]) => {
      asked.push({ method, args });
      return answer;
    };
  const service = {
    checkIds: () => checkIds,
    page: record('page'),
    csv: record('csv', 'entityRef\r\n'),
    summary: record('summary'),
    rollups: record('rollups'),
    rollupHistory: record('rollupHistory'),
    fleetHistory: record('fleetHistory'),
  } as unknown as ScorecardService;
  const access = { forRead: async () => ({}) } as unknown as MeshAccess;
  const app = express()
    .use(scorecardRoutes(service, access))
    .use(mockErrorHandler());

  beforeEach(() => {
    asked.length = 0;
  });

  it.each([
    ['/v1/scorecard?level=bogus', "level.0: 'bogus' is not a readiness level"],
    [
      '/v1/scorecard?level=not-ready&level=nearly',
      "level.1: 'nearly' is not a readiness level",
    ],
    ['/v1/scorecard?provider=consul', "provider.0: 'consul' is not a provider"],
    [
      '/v1/scorecard?check=security.mtlz:pass',
      "check.0: 'security.mtlz' is not a check id",
    ],
    [
      '/v1/scorecard?check=security.mtls:great',
      "check.0: 'great' is not a check status",
    ],
    [
      '/v1/scorecard?check=security.mtls',
      "check.0: 'security.mtls': expected <check-id>:<",
    ],
    ['/v1/scorecard?sort=colour', "sort: 'colour' is not a column"],
    ['/v1/scorecard?sort=check:nope', "sort: 'nope' is not a check id"],
    ['/v1/scorecard?sort=check:', "sort: '' is not a check id"],
    ['/v1/scorecard?order=up', "order: 'up' is not an order"],
    ['/v1/scorecard?format=xml', "format: 'xml' is not a format"],
    ['/v1/scorecard?foo=1', 'Unrecognized key: "foo"'],
    ['/v1/scorecard/summary?level=bogus', "'bogus' is not a readiness level"],
    [
      '/v1/scorecard/summary?check=acme.rotaa:fail',
      "'acme.rotaa' is not a check id",
    ],
    ['/v1/scorecard/rollups?by=team', "by: 'team' is not a roll-up"],
    [
      '/v1/scorecard/rollups?by=group&provider=bogus',
      "'bogus' is not a provider",
    ],
    ['/v1/history/rollups?by=owner&key=x', "by: 'owner' is not a roll-up"],
  ])('%s → 400 naming the value', async (url, message) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError' });
    expect(res.body.error.message).toContain(message);
    expect(asked).toEqual([]);
  });

  it('cuts a long bad value short in the message', async () => {
    const res = await request(app).get(`/v1/scorecard?sort=${'x'.repeat(150)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`'${'x'.repeat(80)}…'`);
  });

  it('passes known values through: levels, providers, checks, a check sort', async () => {
    const res = await request(app).get(
      '/v1/scorecard?level=production-ready&level=unmapped&provider=linkerd&check=acme.rota:waived&sort=check:security.mtls&order=desc',
    );
    expect(res.status).toBe(200);
    expect(asked).toHaveLength(1);
    expect(asked[0].method).toBe('page');
    expect(asked[0].args[0]).toMatchObject({
      level: ['production-ready', 'unmapped'],
      provider: ['linkerd'],
      checks: [{ id: 'acme.rota', status: 'waived' }],
      sort: 'check:security.mtls',
      order: 'desc',
    });
  });

  it('knows a check registered after the router was built', async () => {
    expect(
      (await request(app).get('/v1/scorecard?sort=check:acme.pager')).status,
    ).toBe(400);
    checkIds = [...checkIds, 'acme.pager'];
    expect(
      (await request(app).get('/v1/scorecard?sort=check:acme.pager')).status,
    ).toBe(200);
  });
});
