/**
 * The fault matrix: one real backend over a real Prometheus and the fixture Kubernetes
 * API, each behind a fault proxy. Every row runs good → fault → recovered, and checks
 * that a fault never takes the backend down, never turns into `pass`, never loses the
 * last good data, and goes away with the fault.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  CHECK_DEFINITIONS,
  CheckId,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import { startFixtureKubeApi } from 'mesh-devtools/kubeApi';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import { startPrometheus } from 'mesh-devtools/prometheus';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { Fault, faults, FaultProxy, startFaultProxy } from './faultProxy';
import { loadScenario, readManifests, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();
const TOKEN = 'fault-matrix-token';
const ENTITY = 'checkout';
const CHECKS: CheckId[] = [
  'mesh.enrollment',
  'health.golden-signals',
  'observability.metrics',
];

type Source = 'prometheus' | 'kubernetes';

/** The checks that read a source, from the catalog. */
const needing = (source: Source) =>
  CHECKS.filter(id => CHECK_DEFINITIONS[id].sources.includes(source));

/** Every `nth` request that `when` selects is given `fault`; the others pass. */
function everyNth(
  nth: number,
  when: (url: URL) => boolean,
  fault: Fault,
): Fault {
  let seen = 0;
  return req => {
    if (!when(req.url)) return undefined;
    seen += 1;
    return seen % nth === 0 ? fault(req) : undefined;
  };
}

const isQuery = (url: URL) => url.pathname === '/api/v1/query';
const hasContinue = (url: URL) => url.searchParams.has('continue');
const status = (code: number, reason: string, message: string) =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason,
    message,
    code,
  });

interface Row {
  name: string;
  source: Source;
  fault: () => Fault;
  /** The checks the fault must make `unknown`. */
  affected: CheckId[];
  /** What their summary must say (the source, and why). */
  reason: RegExp;
}

/*
 * Defects this matrix found, now fixed: a Kubernetes API that answered every list with an
 * error still counted as `ok` with no objects; "no workloads" was taken as a verdict while a
 * kind that defines workloads could not be listed; a partial source that left checks
 * `unknown` did not make the report stale.
 */

const ROWS: Row[] = [
  {
    name: 'prometheus unreachable (connection closed)',
    source: 'prometheus',
    fault: faults.unreachable,
    affected: needing('prometheus'),
    reason: /prometheus source .*Prometheus at .* is unreachable/,
  },
  {
    name: 'prometheus slow (no answer within prometheus.timeout)',
    source: 'prometheus',
    fault: faults.slow,
    affected: needing('prometheus'),
    reason: /prometheus source .*Prometheus at .* is unreachable: .*timed out/,
  },
  {
    name: 'prometheus HTTP 503',
    source: 'prometheus',
    fault: () => faults.status(503),
    affected: needing('prometheus'),
    reason:
      /prometheus source .*answered HTTP 503 with a body that is not JSON/,
  },
  {
    name: 'prometheus malformed JSON',
    source: 'prometheus',
    fault: () => faults.json('{"status":"success","data":{"resultType":'),
    affected: needing('prometheus'),
    reason:
      /prometheus source .*answered HTTP 200 with a body that is not JSON/,
  },
  {
    name: 'prometheus JSON of the wrong shape',
    source: 'prometheus',
    fault: () =>
      faults.only(
        isQuery,
        faults.json('{"status":"success","data":{"result":{"a":1}}}'),
      ),
    affected: needing('prometheus'),
    reason: /prometheus source .*answered HTTP 200 in an unexpected shape/,
  },
  {
    name: 'prometheus a matrix where a vector belongs',
    source: 'prometheus',
    fault: () =>
      faults.only(
        isQuery,
        faults.json(
          '{"status":"success","data":{"resultType":"matrix","result":[]}}',
        ),
      ),
    affected: needing('prometheus'),
    reason: /prometheus source .*answered a matrix where a vector was expected/,
  },
  {
    // 500, not 503: a 503 is retried (see the transient test below), and the retry of
    // every second query would land on an odd one and pass.
    name: 'prometheus partial (every second query answers 500)',
    source: 'prometheus',
    fault: () =>
      everyNth(
        2,
        isQuery,
        faults.json(
          '{"status":"error","errorType":"internal","error":"query failed"}',
          500,
        ),
      ),
    affected: needing('prometheus'),
    reason:
      /prometheus source .*catalog entry '.*'.*: Prometheus rejected the query \(internal\): query failed/,
  },
  {
    name: 'kubernetes unreachable (connection closed)',
    source: 'kubernetes',
    fault: faults.unreachable,
    affected: needing('kubernetes'),
    reason: /kubernetes source .*Kubernetes API .* is unreachable/,
  },
  {
    name: 'kubernetes slow (past the run deadline)',
    source: 'kubernetes',
    fault: faults.slow,
    affected: needing('kubernetes'),
    reason:
      /kubernetes source .*run deadline of 3s passed for the sources .* while fetching Kubernetes API/,
  },
  {
    name: 'kubernetes HTTP 503 for every list',
    source: 'kubernetes',
    fault: () => faults.status(503),
    affected: needing('kubernetes'),
    reason: /kubernetes source .*HTTP 503|cannot list .*HTTP 503/,
  },
  {
    name: 'kubernetes malformed JSON for every list',
    source: 'kubernetes',
    fault: () => faults.json('{"kind":"PodList","items":['),
    affected: needing('kubernetes'),
    reason: /kubernetes source .*(not JSON|unexpected shape)/,
  },
  {
    name: 'kubernetes JSON of the wrong shape for every list',
    source: 'kubernetes',
    fault: () => faults.json('{"kind":"PodList","items":{"a":1}}'),
    affected: needing('kubernetes'),
    reason:
      /kubernetes source .*unexpected shape|cannot list .*unexpected shape/,
  },
  {
    name: 'kubernetes partial (pods answer 500)',
    source: 'kubernetes',
    fault: () =>
      faults.only(
        url => url.pathname === '/api/v1/pods',
        faults.json(
          status(500, 'InternalError', 'etcdserver: request timed out'),
          500,
        ),
      ),
    affected: ['mesh.enrollment', 'observability.metrics'],
    reason: /pods.*HTTP 500/,
  },
  {
    name: 'kubernetes pagination breaks mid-way (continue answers 410)',
    source: 'kubernetes',
    fault: () =>
      faults.only(
        hasContinue,
        faults.json(
          status(410, 'Expired', 'The provided continue parameter is too old'),
          410,
        ),
      ),
    affected: ['mesh.enrollment', 'observability.metrics'],
    reason: /pods.*HTTP 410/,
  },
  {
    name: 'kubernetes pagination breaks mid-way (continue answers 500)',
    source: 'kubernetes',
    fault: () =>
      faults.only(
        hasContinue,
        faults.json(status(500, 'InternalError', 'etcd leader lost'), 500),
      ),
    affected: ['mesh.enrollment', 'observability.metrics'],
    reason: /pods.*HTTP 500/,
  },
];

describe('fault matrix', () => {
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
  let kubeApi: Awaited<ReturnType<typeof startFixtureKubeApi>>;
  const proxies = {} as Record<Source, FaultProxy>;
  let backend: TestBackend;

  beforeAll(async () => {
    const end = Math.floor(Date.now() / 1000);
    [prometheus, kubeApi] = await Promise.all([
      startPrometheus({
        openMetrics: toOpenMetrics(demo.clusters[0].metrics!, {
          start: end - 900,
          end,
          step: 15,
        }),
      }),
      startFixtureKubeApi({
        objects: readManifests(demo.clusters[0].kubernetesDir),
        token: TOKEN,
        // Small pages, so lists of several objects continue.
        pageSizeCap: 2,
      }),
    ]);
    proxies.prometheus = await startFaultProxy(prometheus.url);
    proxies.kubernetes = await startFaultProxy(kubeApi.url);
    backend = await startMeshBackend({
      entities: demo.entities,
      mesh: {
        // Three refreshes per row, one user: above the default limit of 6 a minute.
        refreshLimit: { requests: 1000 },
        schedule: {
          frequency: { hours: 24 },
          timeout: { seconds: 3 },
          initialDelay: { hours: 24 },
        },
        clusters: [
          {
            name: 'demo',
            kubernetes: {
              url: proxies.kubernetes.url,
              serviceAccountToken: TOKEN,
              skipTLSVerify: true,
            },
            prometheus: {
              url: proxies.prometheus.url,
              timeout: { seconds: 1 },
            },
          },
        ],
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await proxies.prometheus?.stop();
    await proxies.kubernetes?.stop();
    await kubeApi?.stop();
    await prometheus?.stop();
  });

  afterEach(() => {
    proxies.prometheus?.setFault(undefined);
    proxies.kubernetes?.setFault(undefined);
  });

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

  const statuses = (r: MeshReport) =>
    Object.fromEntries(
      r.checks
        .filter(c => CHECKS.includes(c.id as CheckId))
        .map(c => [c.id, c.status]),
    );
  const workloads = (r: MeshReport) =>
    r.workloads.map(w => `${w.namespace}/${w.kind}/${w.name}:${w.pods}`);

  it('sees pagination in the good run (the fixture pages by 2)', async () => {
    await refresh();
    expect(proxies.kubernetes.requests.some(r => r.includes('continue='))).toBe(
      true,
    );
  });

  /** Matches a number within `fraction` of `expected`, either side. */
  function within(expected: number, fraction: number) {
    return {
      asymmetricMatch: (actual: unknown) =>
        typeof actual === 'number' &&
        Math.abs(actual - expected) <= Math.abs(expected) * fraction,
      toString: () => `Within ${fraction * 100}% of ${expected}`,
      toAsymmetricMatcher: () => `Within ${fraction * 100}% of ${expected}`,
    };
  }

  async function runRow(row: Row) {
    // 1. A good run.
    expect((await refresh()).clusters[0].ok).toBe(true);
    const good = await report();
    expect(good.stale).toBe(false);
    expect(good.lastGoodAt).toBe(good.generatedAt);
    expect(statuses(good)).toEqual({
      'mesh.enrollment': 'pass',
      'health.golden-signals': 'pass',
      'observability.metrics': 'pass',
    });
    expect(good.health.requestsPerSecond).toBeGreaterThan(0);
    expect(good.workloads.length).toBeGreaterThan(0);

    // 2. The fault: the backend keeps serving, the report is stale and loses nothing.
    proxies[row.source].setFault(row.fault());
    await refresh();
    expect((await request(backend.server).get('/api/mesh/health')).status).toBe(
      200,
    );
    const stale = await report();
    // One comparison, so a failing row shows everything that differs.
    expect({
      affected: Object.fromEntries(
        stale.checks
          .filter(c => row.affected.includes(c.id as CheckId))
          .map(c => [
            c.id,
            {
              status: c.status,
              summary: c.summary,
              lastKnown: (c.evidence.lastKnown as { status?: string })?.status,
            },
          ]),
      ),
      stale: stale.stale,
      staleReason: stale.staleReason,
      lastGoodAt: stale.lastGoodAt,
      workloads: workloads(stale),
      requestsPerSecond: stale.health.requestsPerSecond,
      readiness: stale.readiness,
    }).toEqual({
      // The checks that need the source are unknown, saying which source and why,
      // with what the good run knew beside them.
      affected: Object.fromEntries(
        row.affected.map(id => [
          id,
          {
            status: 'unknown',
            summary: expect.stringMatching(row.reason),
            lastKnown: 'pass',
          },
        ]),
      ),
      stale: true,
      staleReason: expect.stringContaining(`${row.source} source`),
      lastGoodAt: good.generatedAt,
      // Nothing is lost: the workloads (with their pods) and the last good figures.
      workloads: workloads(good),
      // With Prometheus down they are the good run's, carried; with Kubernetes down
      // they are fresh, and Prometheus's 5-minute rate has moved on since: under CI
      // load the runs can be seconds apart, so the window holds different samples.
      requestsPerSecond:
        row.source === 'prometheus'
          ? good.health.requestsPerSecond
          : within(good.health.requestsPerSecond!, 0.1),
      // An outage is not a readiness regression.
      readiness: good.readiness,
    });
    // The faulty source was asked again, not skipped.
    expect(proxies[row.source].requests.length).toBeGreaterThan(0);

    // 3. The fault goes away, and so does the staleness.
    proxies[row.source].setFault(undefined);
    expect((await refresh()).clusters[0].ok).toBe(true);
    const recovered = await report();
    expect({
      stale: recovered.stale,
      lastGoodAt: recovered.lastGoodAt,
      statuses: statuses(recovered),
      workloads: workloads(recovered),
    }).toEqual({
      stale: false,
      lastGoodAt: recovered.generatedAt,
      statuses: statuses(good),
      workloads: workloads(good),
    });
  }

  // Every assertion is in runRow: good run → fault → recovered.
  it.each(ROWS.map(r => [r.name, r] as const))(
    '%s',
    async (_name, row) => {
      await expect(runRow(row)).resolves.toBeUndefined();
    },
    20_000,
  );

  it('rides out a transient 503 by retrying: the report stays fresh', async () => {
    await refresh();
    // Each of the first three queries answers 503 once; their retries pass.
    let failed = 0;
    proxies.prometheus.setFault(req =>
      isQuery(req.url) && failed++ < 3
        ? {
            type: 'respond',
            status: 503,
            body: '{"status":"error","errorType":"unavailable","error":"restarting"}',
          }
        : undefined,
    );
    const result = await refresh();
    expect(result.clusters[0]).toEqual({ name: 'demo', ok: true });
    expect(failed).toBeGreaterThanOrEqual(3);
    const r = await report();
    expect(r.stale).toBe(false);
    expect(statuses(r)['health.golden-signals']).toBe('pass');
  });

  // The rows above recover into the next row's good run; this checks the last one.
  it('is fresh again once the last fault is switched off', async () => {
    expect((await refresh()).clusters[0].ok).toBe(true);
    const r = await report();
    expect({ stale: r.stale, statuses: statuses(r) }).toEqual({
      stale: false,
      statuses: {
        'mesh.enrollment': 'pass',
        'health.golden-signals': 'pass',
        'observability.metrics': 'pass',
      },
    });
  });
});
