import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { MESH_ERROR_CODES } from '@mesh-readiness/plugin-mesh-common';
import { MeshClient } from './MeshClient';
import { makeReport } from '../__fixtures__/reports';

const BASE = 'http://localhost:7007/api/mesh';

const server = setupServer();
registerMswTestHooks(server);

function notFound(message: string, code?: string) {
  return HttpResponse.json(
    {
      error: { name: 'NotFoundError', message, ...(code ? { code } : {}) },
      request: { method: 'GET', url: '/v1/reports/component/default/x' },
      response: { statusCode: 404 },
    },
    { status: 404 },
  );
}

describe('MeshClient', () => {
  const client = new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });
  const ref = { kind: 'Component', namespace: 'default', name: 'x' };

  it('returns the report of an entity', async () => {
    const report = makeReport();
    server.use(
      http.get(`${BASE}/v1/reports/component/default/x`, () =>
        HttpResponse.json(report),
      ),
    );
    await expect(client.getReport(ref)).resolves.toEqual(report);
  });

  it('URL-encodes each path segment and lower-cases the ref', async () => {
    let pathname: string | undefined;
    server.use(
      http.get(`${BASE}/v1/reports/*`, ({ request }) => {
        pathname = new URL(request.url).pathname;
        return HttpResponse.json(makeReport());
      }),
    );
    await client.getReport({
      kind: 'Component',
      namespace: 'Team A',
      name: 'a/b?c#d',
    });
    expect(pathname).toBe(
      '/api/mesh/v1/reports/component/team%20a/a%2Fb%3Fc%23d',
    );
  });

  it('maps a 404 with the no-report-yet code to undefined', async () => {
    server.use(
      http.get(`${BASE}/v1/reports/component/default/x`, () =>
        notFound('Anything at all', MESH_ERROR_CODES.noReportYet),
      ),
    );
    await expect(client.getReport(ref)).resolves.toBeUndefined();
  });

  it('does not guess from the message text: no code, no special case', async () => {
    server.use(
      http.get(`${BASE}/v1/reports/component/default/x`, () =>
        notFound('No mesh report for component:default/x yet'),
      ),
    );
    const error = await client.getReport(ref).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
  });

  it('throws on a 404 for an unknown entity', async () => {
    server.use(
      http.get(`${BASE}/v1/reports/component/default/x`, () =>
        notFound('Entity component:default/x not found'),
      ),
    );
    const error = await client.getReport(ref).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(error.cause.message).toBe('Entity component:default/x not found');
  });

  it('throws on a 404 whose body is not a Backstage error', async () => {
    server.use(
      http.get(
        `${BASE}/v1/reports/component/default/x`,
        () => new HttpResponse('no mesh report', { status: 404 }),
      ),
    );
    const error = await client.getReport(ref).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
  });

  it('throws a ResponseError carrying the server error on a 500', async () => {
    server.use(
      http.get(`${BASE}/v1/reports/component/default/x`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is locked' },
            request: { method: 'GET', url: '/v1/reports/component/default/x' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    const error = await client.getReport(ref).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(500);
    expect(error.cause.message).toBe('database is locked');
  });

  it('POSTs the entity ref to /v1/refresh', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${BASE}/v1/refresh`, async ({ request }) => {
        contentType = request.headers.get('content-type');
        body = await request.json();
        return HttpResponse.json({ clusters: [{ name: 'prod-eu', ok: true }] });
      }),
    );
    await expect(client.refresh('component:default/x')).resolves.toEqual({
      clusters: [{ name: 'prod-eu', ok: true }],
    });
    expect(body).toEqual({ entityRef: 'component:default/x' });
    expect(contentType).toBe('application/json');

    await client.refresh();
    expect(body).toEqual({});
  });

  it('throws when the refresh fails', async () => {
    server.use(
      http.post(`${BASE}/v1/refresh`, () =>
        HttpResponse.json(
          { error: { name: 'ConflictError', message: 'a run is in progress' } },
          { status: 409 },
        ),
      ),
    );
    const error = await client.refresh().catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(409);
  });

  it('lists the check definitions', async () => {
    const checks = [
      {
        id: 'security.mtls',
        title: 'mTLS',
        category: 'security',
        checklistLine: 'mTLS on',
        sources: ['kubernetes'],
      },
    ];
    server.use(
      http.get(`${BASE}/v1/checks`, () => HttpResponse.json({ checks })),
    );
    await expect(client.getChecks()).resolves.toEqual({ checks });
  });

  it('reads an entity history with the days, lower-cased and encoded', async () => {
    let url: URL | undefined;
    const history = {
      entityRef: 'component:default/x',
      days: 30,
      points: [
        {
          day: '2026-01-02',
          score: 80,
          level: 'almost-ready',
          statuses: {},
          health: {
            requestsPerSecond: 3,
            successRate: 1,
            latencyMs: { p50: 1, p95: 2, p99: 3 },
          },
        },
      ],
    };
    server.use(
      http.get(`${BASE}/v1/history/*`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json(history);
      }),
    );
    await expect(
      client.getHistory({ kind: 'Component', namespace: 'A b', name: 'X' }, 30),
    ).resolves.toEqual(history);
    expect(url?.pathname).toBe('/api/mesh/v1/history/component/a%20b/x');
    expect(url?.search).toBe('?days=30');
  });

  describe('scorecard, roll-ups and trends', () => {
    it.each([
      [
        'getScorecard',
        () =>
          client.getScorecard({
            owner: ['group:default/team-a', 'group:default/team-b'],
            system: ['system:default/shop'],
            sort: 'score',
            order: 'desc',
            limit: 25,
          }),
        '/v1/scorecard',
        'owner=group%3Adefault%2Fteam-a&owner=group%3Adefault%2Fteam-b&system=system%3Adefault%2Fshop&sort=score&order=desc&limit=25',
      ],
      [
        'getScorecardRollups',
        () =>
          client.getScorecardRollups('system', {
            system: ['system:default/shop'],
          }),
        '/v1/scorecard/rollups',
        'system=system%3Adefault%2Fshop&by=system',
      ],
      [
        'getScorecardSummary',
        () => client.getScorecardSummary({ domain: ['domain:default/retail'] }),
        '/v1/scorecard/summary',
        'domain=domain%3Adefault%2Fretail',
      ],
      [
        'getRollupHistory',
        () => client.getRollupHistory('group', 'group:default/team-a', 90),
        '/v1/history/rollups',
        'by=group&key=group%3Adefault%2Fteam-a&days=90',
      ],
      [
        'getFleetHistory',
        () => client.getFleetHistory(7),
        '/v1/history/fleet',
        'days=7',
      ],
      [
        'getScorecard without a query',
        () => client.getScorecard(),
        '/v1/scorecard',
        '',
      ],
    ])(
      '%s sends its filters, repeated per value, and resolves with the body',
      async (_name, call, path, search) => {
        let url: URL | undefined;
        const body = { any: 'answer' };
        server.use(
          http.get(`${BASE}${path}`, ({ request }) => {
            url = new URL(request.url);
            return HttpResponse.json(body);
          }),
        );
        await expect(call()).resolves.toEqual(body);
        expect(url?.search).toBe(search ? `?${search}` : '');
      },
    );

    it('fetches the CSV with the user token and hands it over as a Blob', async () => {
      let url: URL | undefined;
      let accept: string | null = null;
      let authorization: string | null = null;
      const csv = 'entityRef,score\ncomponent:default/x,92\n';
      server.use(
        http.get(`${BASE}/v1/scorecard`, ({ request }) => {
          url = new URL(request.url);
          accept = request.headers.get('accept');
          authorization = request.headers.get('authorization');
          return new HttpResponse(csv, {
            headers: { 'Content-Type': 'text/csv' },
          });
        }),
      );
      const withToken = new MeshClient({
        discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
        fetchApi: new MockFetchApi({
          injectIdentityAuth: { token: 'user-token' },
        }),
      });
      const blob = await withToken.getScorecardCsv({ level: ['not-ready'] });
      expect(blob).toBeInstanceOf(Blob);
      expect(blob.type).toBe('text/csv;charset=utf-8');
      await expect(blob.text()).resolves.toBe(csv);
      expect(url?.searchParams.get('level')).toBe('not-ready');
      expect(url?.searchParams.get('format')).toBe('csv');
      expect(accept).toBe('text/csv');
      expect(authorization).toBe('Bearer user-token');
    });

    it('throws a ResponseError when the CSV export fails', async () => {
      server.use(
        http.get(`${BASE}/v1/scorecard`, () =>
          HttpResponse.json(
            { error: { name: 'InputError', message: 'bad level' } },
            { status: 400 },
          ),
        ),
      );
      const error = await client.getScorecardCsv().catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(400);
    });
  });

  describe('attestations and waivers', () => {
    const attestation = {
      id: '0b7c5e4e-7d1d-4b71-9f0e-1f2a3b4c5d6e',
      entityRef: 'component:default/x',
      checkId: 'operations.on-call',
      note: 'drill on 2026-01-02',
      createdBy: 'user:default/ana',
      createdAt: '2026-01-02T10:00:00Z',
      expiresAt: '2026-07-01T10:00:00Z',
    };
    const waiver = {
      id: 'c6b1c1de-2f57-4a55-8d3e-0d1e2f3a4b5c',
      entityRef: 'component:default/x',
      checkId: 'security.egress',
      reason: 'egress goes through the proxy fleet',
      until: '2099-01-01',
      createdBy: 'user:default/ana',
      createdAt: '2026-01-02T10:00:00Z',
    };

    it.each([
      [
        'listAttestations',
        () => client.listAttestations('component:default/x&y'),
        '/v1/attestations',
        { entityRef: 'component:default/x', attestations: [attestation] },
      ],
      [
        'listWaivers',
        () => client.listWaivers('component:default/x&y'),
        '/v1/waivers',
        { entityRef: 'component:default/x', waivers: [waiver] },
      ],
    ])(
      '%s sends the entity ref as a query parameter',
      async (_name, call, path, body) => {
        let url: URL | undefined;
        server.use(
          http.get(`${BASE}${path}`, ({ request }) => {
            url = new URL(request.url);
            return HttpResponse.json(body);
          }),
        );
        await expect(call()).resolves.toEqual(body);
        expect(url?.searchParams.getAll('entityRef')).toEqual([
          'component:default/x&y',
        ]);
      },
    );

    const attest = {
      entityRef: 'component:default/x',
      checkId: 'operations.on-call',
      note: 'drill on 2026-01-02',
      expiresInDays: 180,
    };
    const waive = {
      entityRef: 'component:default/x',
      checkId: 'security.egress',
      reason: 'egress goes through the proxy fleet',
      until: '2099-01-01',
    };

    it.each([
      [
        'createAttestation',
        () => client.createAttestation(attest),
        '/v1/attestations',
        attest,
        attestation,
      ],
      [
        'createWaiver',
        () => client.createWaiver(waive),
        '/v1/waivers',
        waive,
        waiver,
      ],
    ])(
      '%s POSTs JSON and resolves with the stored record',
      async (_name, call, path, sent, stored) => {
        let body: unknown;
        let contentType: string | null = null;
        server.use(
          http.post(`${BASE}${path}`, async ({ request }) => {
            contentType = request.headers.get('content-type');
            body = await request.json();
            return HttpResponse.json(stored, { status: 201 });
          }),
        );
        await expect(call()).resolves.toEqual(stored);
        expect(contentType).toBe('application/json');
        expect(body).toEqual(sent);
      },
    );

    it.each([
      ['deleteAttestation', '/v1/attestations'],
      ['deleteWaiver', '/v1/waivers'],
    ] as const)('%s sends DELETE with the id encoded', async (method, path) => {
      let pathname: string | undefined;
      server.use(
        http.delete(`${BASE}${path}/*`, ({ request }) => {
          pathname = new URL(request.url).pathname;
          return new HttpResponse(null, { status: 204 });
        }),
      );
      await expect(client[method]('a/b')).resolves.toBeUndefined();
      expect(pathname).toBe(`/api/mesh${path}/a%2Fb`);
    });

    it.each([
      [
        'createWaiver',
        'post',
        '/v1/waivers',
        () =>
          client.createWaiver({
            entityRef: 'component:default/x',
            checkId: 'security.egress',
            reason: 'r',
            until: '2001-01-01',
          }),
        400,
        'InputError',
        "Invalid waiver: until: '2001-01-01' is in the past",
      ],
      [
        'createAttestation',
        'post',
        '/v1/attestations',
        () =>
          client.createAttestation({
            entityRef: 'component:default/x',
            checkId: 'operations.on-call',
            note: 'n',
            expiresInDays: 1,
          }),
        403,
        'NotAllowedError',
        'You may not attest checks of component:default/x',
      ],
      [
        'deleteWaiver',
        'delete',
        '/v1/waivers/w1',
        () => client.deleteWaiver('w1'),
        404,
        'NotFoundError',
        'No waiver w1',
      ],
      [
        'listWaivers',
        'get',
        '/v1/waivers',
        () => client.listWaivers('component:default/x'),
        500,
        'Error',
        'database is locked',
      ],
    ] as const)(
      '%s throws a ResponseError carrying the server message',
      async (_name, verb, path, call, status, name, message) => {
        server.use(
          http[verb](`${BASE}${path}`, () =>
            HttpResponse.json(
              { error: { name, message }, response: { statusCode: status } },
              { status },
            ),
          ),
        );
        const error = await call().catch(e => e);
        expect(ResponseError.is(error)).toBe(true);
        expect(error.statusCode).toBe(status);
        expect(error.cause.message).toBe(message);
      },
    );
  });
});
