/**
 * The fault matrix's tracing rows: one real backend per tracing back end (Jaeger api_v3,
 * Tempo, Zipkin v2), each reading a fixture server that answers in the real API's shape,
 * behind a fault proxy. Every row runs good → fault → recovered: the backend keeps
 * serving, the tracing source is reported failed with the reason (or partial, naming
 * what failed), the last good report stays and is marked stale, nothing else changes,
 * and the next good run recovers. The fixtures' traces are not the demo's services, so
 * observability.trace-propagation is `unknown` in the good run as in the fault (for lack
 * of samples, then for the failed source): no check's status may change.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { Fault, faults, FaultProxy, startFaultProxy } from './faultProxy';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();
const ENTITY = 'checkout';
const FIXTURES = path.join(
  REPO_ROOT,
  'plugins/mesh-backend/src/sources/tracing/__fixtures__',
);
const fixture = (name: string) =>
  fs.readFileSync(path.join(FIXTURES, name), 'utf8');

type Backend = 'jaeger' | 'tempo' | 'zipkin';

/** What each back end answers, from the recorded fixtures, whatever the service. */
const ROUTES: Record<Backend, (url: URL) => string | undefined> = {
  jaeger: url => {
    if (url.pathname === '/api/v3/services')
      return '{"services":["checkout.shop","jaeger"]}';
    if (url.pathname === '/api/v3/traces')
      return fixture('jaeger-v3-traces-productpage.json');
    return undefined;
  },
  tempo: url => {
    if (url.pathname === '/api/search')
      return fixture('tempo-search-productpage.json');
    const id = /^\/api\/traces\/([0-9a-f]+)$/.exec(url.pathname)?.[1];
    if (id === '4bf92f3577b34da6a3ce929d0e0e4736')
      return fixture('tempo-new/trace-T1.json');
    if (id === '0af7651916cd43dd8448eb211c80319c')
      return fixture('tempo-new/trace-T2.json');
    return undefined;
  },
  zipkin: url =>
    url.pathname === '/api/v2/traces'
      ? fixture('zipkin-traces-reviews.json')
      : undefined,
};

async function startUpstream(backend: Backend) {
  const server = http.createServer((req, res) => {
    const body = ROUTES[backend](new URL(req.url ?? '/', 'http://x'));
    res.writeHead(body === undefined ? 404 : 200, {
      'content-type':
        body === undefined ? 'text/plain; charset=utf-8' : 'application/json',
    });
    res.end(body ?? '404 page not found\n');
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The search requests of each back end (not Jaeger's API probe, not Tempo's downloads). */
const SEARCH: Record<Backend, (url: URL) => boolean> = {
  jaeger: url => url.pathname === '/api/v3/traces',
  tempo: url => url.pathname === '/api/search',
  zipkin: url => url.pathname === '/api/v2/traces',
};

interface Row {
  name: string;
  fault: (backend: Backend) => Fault;
  /** `failed`: the source failed and the report is stale; `partial`: it answered in part. */
  outcome: 'failed' | 'partial';
  reason: RegExp;
  /** Back ends the row does not apply to, and why. */
  skip?: Partial<Record<Backend, string>>;
}

const ROWS: Row[] = [
  {
    name: 'unreachable (connection closed)',
    fault: () => faults.unreachable(),
    outcome: 'failed',
    reason: /(is unreachable|did not answer|not answering|could not reach)/i,
  },
  {
    name: 'slow (past the run deadline)',
    fault: () => faults.slow(),
    outcome: 'failed',
    reason: /run deadline of 3s passed/,
  },
  {
    name: 'HTTP 503 on every request (retried, then given up)',
    fault: () => faults.status(503),
    outcome: 'failed',
    reason: /503/,
  },
  {
    name: 'malformed JSON',
    fault: b => faults.only(SEARCH[b], faults.json('{"data":[{"spans":')),
    outcome: 'failed',
    reason: /not JSON/,
  },
  {
    name: 'JSON of the wrong shape',
    fault: b => faults.only(SEARCH[b], faults.json('{"result":{"a":1}}')),
    outcome: 'failed',
    reason: /unexpected shape/,
  },
  {
    name: 'partial (every second search answers 500)',
    fault: b => {
      let seen = 0;
      return req => {
        if (!SEARCH[b](req.url)) return undefined;
        seen += 1;
        return seen % 2 === 0
          ? {
              type: 'respond',
              status: 500,
              body: 'internal error',
              contentType: 'text/plain',
            }
          : undefined;
      };
    },
    outcome: 'partial',
    reason: /HTTP 500/,
  },
  {
    // The one paged flow in these APIs: Tempo's search lists ids, then each trace is
    // downloaded. Jaeger and Zipkin answer a search with whole traces.
    name: 'two-step read breaks mid-way (trace downloads answer 500)',
    fault: () =>
      faults.only(
        url => url.pathname.startsWith('/api/traces/'),
        faults.json('{"error":"tempo querier unavailable"}', 500),
      ),
    outcome: 'partial',
    reason: /HTTP 500/,
    skip: {
      jaeger: 'a Jaeger search answers whole traces, in one request',
      zipkin: 'a Zipkin search answers whole traces, in one request',
    },
  },
];

describe.each<Backend>(['jaeger', 'tempo', 'zipkin'])(
  'tracing fault matrix: %s',
  backendType => {
    let upstream: Awaited<ReturnType<typeof startUpstream>>;
    let proxy: FaultProxy;
    let backend: TestBackend;

    beforeAll(async () => {
      upstream = await startUpstream(backendType);
      proxy = await startFaultProxy(upstream.url);
      backend = await startMeshBackend({
        entities: demo.entities,
        mesh: {
          refreshLimit: { requests: 1000 },
          schedule: {
            frequency: { hours: 24 },
            timeout: { seconds: 3 },
            initialDelay: { hours: 24 },
          },
          clusters: [
            {
              name: 'demo',
              kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
              tracing: { type: backendType, url: proxy.url, retries: 1 },
            },
          ],
        },
      });
    }, 60_000);

    afterAll(async () => {
      await backend?.stop();
      await proxy?.stop();
      await upstream?.stop();
    });

    afterEach(() => proxy?.setFault(undefined));

    async function refresh() {
      const res = await request(backend.server)
        .post('/api/mesh/v1/refresh')
        .set('Authorization', AUTH())
        .send({});
      expect(res.status).toBe(200);
      return res.body as { clusters: { ok: boolean; error?: string }[] };
    }

    async function report(): Promise<MeshReport> {
      const res = await request(backend.server)
        .get(`/api/mesh/v1/reports/component/default/${ENTITY}`)
        .set('Authorization', AUTH());
      expect(res.status).toBe(200);
      return res.body;
    }

    const tracingSource = (r: MeshReport) =>
      r.sources.find(s => s.name === 'tracing');
    const statuses = (r: MeshReport) =>
      Object.fromEntries(r.checks.map(c => [c.id, c.status]));

    async function runRow(row: Row) {
      // 1. A good run that read traces.
      expect((await refresh()).clusters[0].ok).toBe(true);
      const good = await report();
      expect(good.stale).toBe(false);
      expect(tracingSource(good)).toMatchObject({ ok: true });
      expect(tracingSource(good)?.partial).toBeFalsy();
      expect(
        proxy.requests.some(r => SEARCH[backendType](new URL(r, 'http://x'))),
      ).toBe(true);

      // 2. The fault.
      proxy.setFault(row.fault(backendType));
      await refresh();
      expect(
        (await request(backend.server).get('/api/mesh/health')).status,
      ).toBe(200);
      const during = await report();
      const source = tracingSource(during);
      expect(source?.error).toMatch(row.reason);
      expect({
        ok: source?.ok,
        partial: Boolean(source?.partial),
        stale: during.stale,
        staleReason: during.staleReason,
        lastGoodAt: during.lastGoodAt,
        statuses: statuses(during),
        workloads: during.workloads,
        readiness: during.readiness,
      }).toEqual({
        ok: row.outcome === 'partial',
        partial: row.outcome === 'partial',
        // A tracing source that failed makes the report stale; one that answered in
        // part does not, while no check has to be left unknown for it.
        stale: row.outcome === 'failed',
        staleReason:
          row.outcome === 'failed'
            ? expect.stringContaining("tracing source of cluster 'demo' failed")
            : undefined,
        lastGoodAt:
          row.outcome === 'failed' ? good.generatedAt : during.generatedAt,
        statuses: statuses(good),
        workloads: good.workloads,
        readiness: good.readiness,
      });
      // The faulty back end was asked again, not skipped.
      expect(proxy.requests.length).toBeGreaterThan(0);

      // 3. Recovery.
      proxy.setFault(undefined);
      expect((await refresh()).clusters[0].ok).toBe(true);
      const recovered = await report();
      expect({
        stale: recovered.stale,
        ok: tracingSource(recovered)?.ok,
        partial: Boolean(tracingSource(recovered)?.partial),
        statuses: statuses(recovered),
      }).toEqual({
        stale: false,
        ok: true,
        partial: false,
        statuses: statuses(good),
      });
    }

    const rows = ROWS.filter(r => !r.skip?.[backendType]);
    it.each(rows.map(r => [r.name, r] as const))(
      '%s',
      async (_name, row) => {
        await expect(runRow(row)).resolves.toBeUndefined();
      },
      30_000,
    );
  },
);
