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
});
