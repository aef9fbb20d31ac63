import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { MESH_ERROR_CODES } from '../types';
import { entityPath, MeshApiClient } from './MeshApiClient';

const BASE = 'http://backstage.test/api/mesh';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  method: string;
  path: string;
  query: [string, string][];
  body: unknown;
  headers: Headers;
}

/** Answers every request with `answer` and records what was asked. */
function answerAll(answer: () => Response): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http.all(`${BASE}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.text();
      seen.push({
        method: request.method,
        path: url.pathname.slice('/api/mesh'.length),
        query: [...url.searchParams.entries()],
        body: text ? JSON.parse(text) : undefined,
        headers: request.headers,
      });
      return answer();
    }),
  );
  return seen;
}

const client = () =>
  new MeshApiClient({
    discoveryApi: { getBaseUrl: async id => `http://backstage.test/api/${id}` },
  });

const ATTESTATION = {
  entityRef: 'component:default/checkout',
  checkId: 'operations.runbook',
  note: 'drilled',
  expiresInDays: 30,
};
const WAIVER = {
  entityRef: 'component:default/checkout',
  checkId: 'security.egress',
  reason: 'until the gateway lands',
};

describe('MeshApiClient', () => {
  it.each<
    [
      string,
      (c: MeshApiClient) => Promise<unknown>,
      Omit<Seen, 'headers' | 'body'> & { body?: unknown },
    ]
  >([
    [
      'getHealth',
      c => c.getHealth(),
      { method: 'GET', path: '/health', query: [] },
    ],
    [
      'getChecks',
      c => c.getChecks(),
      { method: 'GET', path: '/v1/checks', query: [] },
    ],
    [
      'getReport (parts)',
      c => c.getReport({ kind: 'Component', name: 'Checkout' }),
      {
        method: 'GET',
        path: '/v1/reports/component/default/checkout',
        query: [],
      },
    ],
    [
      'getReport (string ref)',
      c => c.getReport('component:shop/cart'),
      { method: 'GET', path: '/v1/reports/component/shop/cart', query: [] },
    ],
    [
      'getHistory',
      c => c.getHistory('component:default/checkout', 30),
      {
        method: 'GET',
        path: '/v1/history/component/default/checkout',
        query: [['days', '30']],
      },
    ],
    [
      'refresh (all)',
      c => c.refresh(),
      { method: 'POST', path: '/v1/refresh', query: [], body: {} },
    ],
    [
      'refresh (one entity)',
      c => c.refresh('component:default/checkout'),
      {
        method: 'POST',
        path: '/v1/refresh',
        query: [],
        body: { entityRef: 'component:default/checkout' },
      },
    ],
    [
      'getScorecard',
      c =>
        c.getScorecard({
          owner: ['group:default/a', 'group:default/b'],
          check: ['security.mtls:fail'],
          q: '',
          sort: 'score',
          order: 'desc',
          limit: 10,
          cursor: 'abc',
        }),
      {
        method: 'GET',
        path: '/v1/scorecard',
        query: [
          ['owner', 'group:default/a'],
          ['owner', 'group:default/b'],
          ['check', 'security.mtls:fail'],
          ['sort', 'score'],
          ['order', 'desc'],
          ['limit', '10'],
          ['cursor', 'abc'],
        ],
      },
    ],
    [
      'getScorecardSummary',
      c => c.getScorecardSummary({ provider: ['istio'] }),
      {
        method: 'GET',
        path: '/v1/scorecard/summary',
        query: [['provider', 'istio']],
      },
    ],
    [
      'getScorecardRollups',
      c => c.getScorecardRollups('system', { level: ['not-ready'] }),
      {
        method: 'GET',
        path: '/v1/scorecard/rollups',
        query: [
          ['level', 'not-ready'],
          ['by', 'system'],
        ],
      },
    ],
    [
      'getRollupHistory',
      c => c.getRollupHistory('group', 'group:default/team-a', 7),
      {
        method: 'GET',
        path: '/v1/history/rollups',
        query: [
          ['by', 'group'],
          ['key', 'group:default/team-a'],
          ['days', '7'],
        ],
      },
    ],
    [
      'getFleetHistory',
      c => c.getFleetHistory(),
      { method: 'GET', path: '/v1/history/fleet', query: [] },
    ],
    [
      'listClusters',
      c => c.listClusters(),
      { method: 'GET', path: '/v1/clusters', query: [] },
    ],
    [
      'getClusterFleetHistory',
      c => c.getClusterFleetHistory('prod-eu', 14),
      {
        method: 'GET',
        path: '/v1/clusters/prod-eu/history',
        query: [['days', '14']],
      },
    ],
    [
      'listAttestations',
      c => c.listAttestations('component:default/checkout'),
      {
        method: 'GET',
        path: '/v1/attestations',
        query: [['entityRef', 'component:default/checkout']],
      },
    ],
    [
      'createAttestation',
      c => c.createAttestation(ATTESTATION),
      {
        method: 'POST',
        path: '/v1/attestations',
        query: [],
        body: ATTESTATION,
      },
    ],
    [
      'deleteAttestation',
      c => c.deleteAttestation('a/b'),
      { method: 'DELETE', path: '/v1/attestations/a%2Fb', query: [] },
    ],
    [
      'listWaivers',
      c => c.listWaivers('component:default/checkout'),
      {
        method: 'GET',
        path: '/v1/waivers',
        query: [['entityRef', 'component:default/checkout']],
      },
    ],
    [
      'createWaiver',
      c => c.createWaiver(WAIVER),
      { method: 'POST', path: '/v1/waivers', query: [], body: WAIVER },
    ],
    [
      'deleteWaiver',
      c => c.deleteWaiver('42'),
      { method: 'DELETE', path: '/v1/waivers/42', query: [] },
    ],
  ])(
    '%s calls its route and returns the body',
    async (_name, call, expected) => {
      const seen = answerAll(() => HttpResponse.json({ answer: 42 }));
      const result = await call(client());
      expect(seen).toHaveLength(1);
      const { headers, ...request } = seen[0];
      expect(request).toEqual({ body: undefined, ...expected });
      // A body is always sent as JSON; a delete answers nothing.
      expect(headers.get('content-type')).toBe(
        expected.body === undefined ? null : 'application/json',
      );
      expect(result).toEqual(
        expected.method === 'DELETE' ? undefined : { answer: 42 },
      );
    },
  );

  it('reads the metrics and the scorecard CSV as text', async () => {
    const seen = answerAll(
      () =>
        new HttpResponse('mesh_entities 3\n', {
          headers: { 'Content-Type': 'text/plain' },
        }),
    );
    expect(await client().getMetrics()).toBe('mesh_entities 3\n');
    expect(await client().getScorecardCsv({ provider: ['istio'] })).toBe(
      'mesh_entities 3\n',
    );
    expect(seen[1].query).toEqual([
      ['provider', 'istio'],
      ['format', 'csv'],
    ]);
    expect(seen[1].headers.get('accept')).toBe('text/csv');
  });

  it('answers undefined for a report not collected yet', async () => {
    answerAll(() =>
      HttpResponse.json(
        {
          error: {
            name: 'NotFoundError',
            message: 'No mesh report yet',
            code: MESH_ERROR_CODES.noReportYet,
          },
          response: { statusCode: 404 },
        },
        { status: 404 },
      ),
    );
    expect(await client().getReport('component:default/checkout')).toBe(
      undefined,
    );
  });

  it.each([
    [404, 'NotFoundError', 'No entity component:default/nobody in the catalog'],
    [400, 'InputError', 'Invalid history query: days: too big'],
    [403, 'NotAllowedError', 'Not allowed to make or withdraw waivers'],
    [500, 'Error', 'the store is down'],
  ])(
    'throws a ResponseError with the body of a %i',
    async (status, name, message) => {
      answerAll(() =>
        HttpResponse.json(
          { error: { name, message }, response: { statusCode: status } },
          { status },
        ),
      );
      const error = await client()
        .getReport('component:default/nobody')
        .catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(status);
      expect(error.body.error).toEqual({ name, message });
      // Every method fails the same way, a delete too.
      await expect(client().deleteWaiver('42')).rejects.toMatchObject({
        statusCode: status,
        body: { error: { name, message } },
      });
    },
  );

  it('sends through the given fetchApi (which adds the token in the app)', async () => {
    const seen = answerAll(() => HttpResponse.json({ checks: [] }));
    const fetchApi = {
      fetch: jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
        fetch(input, {
          ...init,
          headers: { ...init?.headers, Authorization: 'Bearer t' },
        }),
      ),
    };
    const c = new MeshApiClient({
      discoveryApi: { getBaseUrl: async () => BASE },
      fetchApi,
    });
    expect(await c.getChecks()).toEqual({ checks: [] });
    expect(fetchApi.fetch).toHaveBeenCalledWith(`${BASE}/v1/checks`, undefined);
    expect(seen[0].headers.get('authorization')).toBe('Bearer t');
  });
});

describe('entityPath', () => {
  it.each<[Parameters<typeof entityPath>[0], string]>([
    ['component:default/checkout', 'component/default/checkout'],
    ['Component:Shop/Cart', 'component/shop/cart'],
    ['system:billing', 'system/default/billing'],
    [{ kind: 'Resource', name: 'orders-db' }, 'resource/default/orders-db'],
    [{ kind: 'component', namespace: 'a b', name: 'x' }, 'component/a%20b/x'],
  ])('%j → %s', (ref, path) => {
    expect(entityPath(ref)).toBe(path);
  });

  it.each(['checkout', 'component:', ':default/x', 'a:b/c/d'])(
    'refuses %s',
    ref => {
      expect(() => entityPath(ref)).toThrow(/Invalid entity ref/);
    },
  );
});
