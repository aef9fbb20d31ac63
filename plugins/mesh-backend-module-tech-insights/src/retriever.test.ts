import { mockServices } from '@backstage/backend-test-utils';
import {
  MeshReport,
  ScorecardPage,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import { MeshScorecardQuery } from '@mesh-readiness/plugin-mesh-common';
import {
  collectMeshFacts,
  createServiceMeshClient,
  MeshReadinessApi,
  readAllRows,
} from './retriever';

const logger = mockServices.logger.mock();

function row(
  name: string,
  overrides: Partial<ScorecardRow> = {},
): ScorecardRow {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    title: '',
    owner: '',
    system: '',
    domain: '',
    namespaces: [],
    clusters: [],
    provider: 'istio',
    dataPlane: 'sidecar',
    score: 50,
    level: 'not-ready',
    coverage: null,
    stale: false,
    generatedAt: '2026-11-30T08:00:00.000Z',
    checks: { 'observability.trace-propagation': 'pass' },
    ...overrides,
  };
}

function reportOf(ratio: number): MeshReport {
  return {
    checks: [
      {
        id: 'observability.trace-propagation',
        title: '',
        category: 'observability',
        status: 'pass',
        summary: '',
        evidence: { propagationRatio: ratio },
      },
    ],
  } as Partial<MeshReport> as MeshReport;
}

/** A fake mesh API over `rows`, paged by a cursor that is the next row's index. */
function fakeApi(
  rows: ScorecardRow[],
  reports: (ref: string) => Promise<MeshReport | undefined> = async () =>
    reportOf(1),
) {
  const queries: MeshScorecardQuery[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const reportReads: string[] = [];
  const api: MeshReadinessApi = {
    async getScorecard(query = {}): Promise<ScorecardPage> {
      queries.push(query);
      const offset = Number(query.cursor ?? 0);
      const limit = query.limit ?? 50;
      const next = offset + limit;
      return {
        rows: rows.slice(offset, next),
        total: rows.length,
        limit,
        offset,
        ...(next < rows.length ? { nextCursor: String(next) } : {}),
      };
    },
    async getReport(ref) {
      const key = String(ref);
      reportReads.push(key);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise(resolve => setTimeout(resolve, 2));
        return await reports(key);
      } finally {
        inFlight--;
      }
    },
  };
  return { api, queries, reportReads, maxInFlight: () => maxInFlight };
}

describe('readAllRows', () => {
  it.each([
    [0, 3, 1],
    [5, 3, 2],
    [6, 3, 2],
    [7, 3, 3],
  ])('%i rows in pages of %i: %i request(s)', async (count, size, requests) => {
    const rows = Array.from({ length: count }, (_, i) => row(`e${i}`));
    const fake = fakeApi(rows);
    expect(await readAllRows(fake.api, size)).toEqual(rows);
    expect(fake.queries).toHaveLength(requests);
    expect(fake.queries[0]).toEqual({
      sort: 'entityRef',
      order: 'asc',
      limit: size,
      cursor: undefined,
    });
  });

  it('stops on a cursor it has seen before', async () => {
    const api: MeshReadinessApi = {
      getScorecard: async () => ({
        rows: [row('a')],
        total: 2,
        limit: 1,
        offset: 0,
        nextCursor: 'same',
      }),
      getReport: async () => undefined,
    };
    await expect(readAllRows(api, 1)).rejects.toThrow(/cursor 'same' twice/);
  });
});

describe('collectMeshFacts', () => {
  it('reads a report only where evidence facts need one, with bounded concurrency', async () => {
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => row(`meshed${i}`)),
      row('outside', {
        checks: { 'observability.trace-propagation': 'not-applicable' },
      }),
    ];
    const fake = fakeApi(rows, async ref =>
      reportOf(ref.endsWith('meshed3') ? 0.5 : 1),
    );
    const facts = await collectMeshFacts(fake.api, logger, {
      pageSize: 4,
      concurrency: 3,
    });
    expect(fake.queries).toHaveLength(3);
    expect(fake.reportReads.sort()).toEqual(
      rows
        .slice(0, 10)
        .map(r => r.entityRef)
        .sort(),
    );
    expect(fake.maxInFlight()).toBe(3);
    expect(facts.map(f => f.entity.name)).toEqual(
      rows.map(r => r.entityRef.split('/')[1]),
    );
    expect(facts[3]).toEqual({
      entity: { kind: 'component', namespace: 'default', name: 'meshed3' },
      facts: expect.objectContaining({
        meshPropagationRatio: 0.5,
        meshCheck_observability_trace_propagation: true,
      }),
    });
    expect(facts[10].facts).toMatchObject({
      meshPropagationRatio: null,
      meshCheck_observability_trace_propagation: true,
    });
  });

  it('publishes Components, Resources and Systems, and nothing else', async () => {
    const fake = fakeApi([
      row('c'),
      row('r', { entityRef: 'resource:default/r', kind: 'Resource' }),
      row('s', { entityRef: 'system:default/s', kind: 'System' }),
      row('g', { entityRef: 'group:default/g', kind: 'Group' }),
    ]);
    const facts = await collectMeshFacts(fake.api, logger);
    expect(facts.map(f => f.entity.kind)).toEqual([
      'component',
      'resource',
      'system',
    ]);
  });

  it('leaves out an entity whose report cannot be read, and keeps the others', async () => {
    const fake = fakeApi(
      [row('broken'), row('gone'), row('fine'), row('bad', { entityRef: 'x' })],
      async ref => {
        if (ref.endsWith('broken')) throw new Error('502 Bad Gateway');
        return ref.endsWith('gone') ? undefined : reportOf(0.99);
      },
    );
    const facts = await collectMeshFacts(fake.api, logger);
    expect(facts.map(f => f.entity.name)).toEqual(['fine']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/broken this run.*502 Bad Gateway/),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/gone this run/),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/malformed entity ref 'x'/),
    );
  });

  it('fails the run when the scorecard cannot be read', async () => {
    const api: MeshReadinessApi = {
      getScorecard: async () => {
        throw new Error('mesh is down');
      },
      getReport: async () => undefined,
    };
    await expect(collectMeshFacts(api, logger)).rejects.toThrow('mesh is down');
  });
});

describe('createServiceMeshClient', () => {
  it('calls the mesh plugin with a token made for it from the own service credentials', async () => {
    const auth = mockServices.auth.mock({
      getOwnServiceCredentials: jest.fn(async () => ({
        $$type: '@backstage/BackstageCredentials' as const,
        principal: {
          type: 'service' as const,
          subject: 'plugin:tech-insights',
        },
      })),
      getPluginRequestToken: jest.fn(async () => ({ token: 'mesh-token' })),
    });
    const seen: { url: string; authorization: string | null }[] = [];
    const realFetch = global.fetch;
    global.fetch = jest.fn(async (input: any, init?: RequestInit) => {
      seen.push({
        url: String(input),
        authorization: new Headers(init?.headers).get('authorization'),
      });
      return new Response(
        JSON.stringify({ rows: [], total: 0, limit: 1, offset: 0 }),
        { headers: { 'Content-Type': 'application/json' } },
      );
    }) as typeof fetch;
    try {
      const client = await createServiceMeshClient({
        auth,
        discovery: {
          getBaseUrl: async id => `http://backstage.test/api/${id}`,
          getExternalBaseUrl: async id => `http://backstage.test/api/${id}`,
        },
      });
      await client.getScorecard({ limit: 1 });
      await client.getScorecard({ limit: 1 });
    } finally {
      global.fetch = realFetch;
    }
    expect(auth.getPluginRequestToken).toHaveBeenCalledTimes(1);
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf: expect.objectContaining({
        principal: { type: 'service', subject: 'plugin:tech-insights' },
      }),
      targetPluginId: 'mesh',
    });
    expect(seen).toEqual([
      {
        url: 'http://backstage.test/api/mesh/v1/scorecard?limit=1',
        authorization: 'Bearer mesh-token',
      },
      {
        url: 'http://backstage.test/api/mesh/v1/scorecard?limit=1',
        authorization: 'Bearer mesh-token',
      },
    ]);
  });
});
