import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createResponseValidator,
  loadOpenApiSpec,
  matchSpecPath,
  specOperations,
} from './openApiValidator';
import {
  Attestation,
  ClustersResponse,
  MeshApiClient,
  MeshReport,
  ScorecardRollupsResponse,
  Waiver,
} from '@mesh-readiness/plugin-mesh-common';
import { startPrometheus } from 'mesh-devtools/prometheus';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const spec = loadOpenApiSpec();
const validate = createResponseValidator(spec);
const USER = mockCredentials.user.header('user:default/alice');
const SERVICE = mockCredentials.service.header();
const BASE = '/api/mesh';

type Method = 'get' | 'post' | 'delete';

/**
 * Every answer of the real backend is checked against the spec as it arrives; the test
 * then asserts that each operation was seen and that nothing failed to conform.
 */
describe('the REST API answers as its OpenAPI spec says', () => {
  let backend: TestBackend;
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
  const problems: string[] = [];
  const seen = new Set<string>();

  async function call(
    method: Method,
    url: string,
    options: { body?: object; auth?: string | null; accept?: string } = {},
  ) {
    let req = request(backend.server)[method](`${BASE}${url}`);
    if (options.auth !== null)
      req = req.set('Authorization', options.auth ?? USER);
    if (options.accept) req = req.set('Accept', options.accept);
    const res = options.body ? await req.send(options.body) : await req;
    const template = matchSpecPath(spec, url);
    if (!template) {
      problems.push(`${method.toUpperCase()} ${url}: no path of the spec`);
      return res;
    }
    const contentType = res.headers['content-type'] as string | undefined;
    const json = contentType?.startsWith('application/json');
    problems.push(
      ...validate({
        method,
        path: template,
        status: res.status,
        contentType,
        body: json ? res.body : res.text,
      }),
    );
    seen.add(`${method.toUpperCase()} ${template} ${res.status}`);
    return res;
  }

  beforeAll(async () => {
    const end = Math.floor(Date.now() / 1000);
    prometheus = await startPrometheus({
      openMetrics: toOpenMetrics(demo.clusters[0].metrics!, {
        start: end - 900,
        end,
        step: 15,
      }),
    });
    backend = await startMeshBackend({
      entities: demo.entities,
      mesh: {
        // Optional parts of the report (links, declared attestations, traces) are
        // filled in, so their schemas are checked too.
        attestations: demo.attestations,
        links: {
          kiali:
            'https://kiali.example.com/kiali/console/namespaces/{namespace}/workloads/{workload}?clusterName={cluster}',
          grafana:
            'https://grafana.example.com/d/istio-workload?var-namespace={namespace}&var-workload={workload}',
        },
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
            prometheus: { url: prometheus.url },
            ...(demo.clusters[0].tracesDir
              ? { tracing: { type: 'files', dir: demo.clusters[0].tracesDir } }
              : {}),
          },
        ],
      },
    });
  }, 120_000);

  // Each test owns the problems of its own calls.
  beforeEach(() => {
    problems.length = 0;
  });

  afterAll(async () => {
    await backend?.stop();
    await prometheus?.stop();
  });

  it('before the first collection: reports not there yet, empty scorecard', async () => {
    expect(
      (await call('get', '/v1/reports/component/default/checkout')).status,
    ).toBe(404);
    // Another user: the scorecard caches what a caller may see for a few seconds.
    const early = mockCredentials.user.header('user:default/early');
    const empty = await call('get', '/v1/scorecard', { auth: early });
    expect(empty.body).toMatchObject({ rows: [], total: 0 });
    expect(problems).toEqual([]);
  });

  it('the collection, reports and histories of every demo entity', async () => {
    expect((await call('post', '/v1/refresh', { body: {} })).status).toBe(200);
    expect(
      (
        await call('post', '/v1/refresh', {
          body: { entityRef: 'component:default/checkout' },
        })
      ).status,
    ).toBe(200);
    const reports: MeshReport[] = [];
    for (const entity of demo.entities) {
      const { kind, metadata } = entity;
      const ref = `${kind.toLowerCase()}/${metadata.namespace ?? 'default'}/${
        metadata.name
      }`;
      const res = await call('get', `/v1/reports/${ref}`);
      if (res.status === 200) reports.push(res.body);
      await call('get', `/v1/history/${ref}?days=30`);
    }
    // The demo has every kind of report: meshed (both meshes), unmeshed, unmapped, links.
    expect(new Set(reports.map(r => r.mesh.provider))).toEqual(
      new Set(['istio', 'linkerd', 'none']),
    );
    expect(reports.some(r => r.links?.length)).toBe(true);
    expect(reports.some(r => r.health.ratios?.length)).toBe(true);
    expect(
      (await call('get', '/v1/reports/component/default/nobody')).status,
    ).toBe(404);
    expect(problems).toEqual([]);
  });

  it('the checks, health and metrics', async () => {
    expect((await call('get', '/v1/checks')).status).toBe(200);
    expect((await call('get', '/health', { auth: null })).status).toBe(200);
    const metrics = await call('get', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('mesh_readiness_score');
    expect(problems).toEqual([]);
  });

  it('the scorecard, its summary, roll-ups and trends', async () => {
    const page = await call(
      'get',
      '/v1/scorecard?limit=2&sort=score&order=desc',
    );
    expect(page.body.rows).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    await call(
      'get',
      `/v1/scorecard?limit=2&cursor=${encodeURIComponent(
        page.body.nextCursor,
      )}`,
    );
    await call('get', '/v1/scorecard?provider=istio&check=security.mtls:pass');
    const csv = await call('get', '/v1/scorecard?format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    await call('get', '/v1/scorecard', { accept: 'text/csv' });
    await call('get', '/v1/scorecard/summary');
    await call('get', '/v1/scorecard/summary?provider=linkerd');
    let group: string | undefined;
    for (const by of ['group', 'system', 'domain', 'namespace', 'cluster']) {
      const res = await call('get', `/v1/scorecard/rollups?by=${by}`);
      expect(res.status).toBe(200);
      if (by === 'group') {
        group = (res.body as ScorecardRollupsResponse).rollups.find(
          r => r.key,
        )?.key;
      }
    }
    expect(group).toBeDefined();
    const trend = await call(
      'get',
      `/v1/history/rollups?by=group&key=${encodeURIComponent(group!)}`,
    );
    expect(trend.body.points.length).toBeGreaterThan(0);
    const nobody = await call(
      'get',
      '/v1/history/rollups?by=group&key=group:default/nobody',
    );
    expect(nobody.status).toBe(404);
    const fleet = await call('get', '/v1/history/fleet?days=7');
    expect(fleet.body.points.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it("the clusters' fleet figures per run, and what ambient would save", async () => {
    const clusters = await call('get', '/v1/clusters');
    expect(clusters.status).toBe(200);
    const [demoCluster] = (clusters.body as ClustersResponse).clusters;
    expect(demoCluster).toMatchObject({
      name: 'demo',
      lastRun: { ok: true },
      fleet: { cluster: 'demo', nodes: expect.any(Number) },
    });
    expect(demoCluster.fleet!.sidecars.count).toBeGreaterThan(0);
    expect(demoCluster.fleet!.ambient.ztunnel).not.toBeNull();
    const history = await call('get', '/v1/clusters/demo/history?days=7');
    expect(history.body.points).toHaveLength(1);
    expect((await call('get', '/v1/clusters/elsewhere/history')).status).toBe(
      404,
    );
    // The summary subtracts a ztunnel on each node of the sidecars' clusters.
    const summary = await call('get', '/v1/scorecard/summary');
    expect(summary.body.ambient.nodes).toBe(demoCluster.fleet!.nodes);
    expect(problems).toEqual([]);
  });

  it('attestations: made, listed, withdrawn, refused', async () => {
    const body = {
      entityRef: 'component:default/checkout',
      checkId: 'operations.runbook',
      note: 'the restart drill ran',
      link: 'https://wiki.example.com/drills/q3',
      expiresInDays: 90,
    };
    const made = await call('post', '/v1/attestations', { body });
    expect(made.status).toBe(201);
    const list = await call(
      'get',
      '/v1/attestations?entityRef=component:default/checkout',
    );
    expect(list.body.attestations.map((a: Attestation) => a.id)).toContain(
      made.body.id,
    );
    expect(
      (await call('post', '/v1/attestations', { body, auth: SERVICE })).status,
    ).toBe(403);
    expect(
      (
        await call('post', '/v1/attestations', {
          body: { ...body, entityRef: 'component:default/nobody' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call('delete', `/v1/attestations/${made.body.id}`)).status,
    ).toBe(204);
    expect(
      (await call('delete', `/v1/attestations/${made.body.id}`)).status,
    ).toBe(404);
    expect(problems).toEqual([]);
  });

  it('waivers: made, listed, refused twice, withdrawn', async () => {
    const body = {
      entityRef: 'component:default/checkout',
      checkId: 'security.egress',
      reason: 'egress goes through the proxy fleet until the gateway lands',
    };
    const made = await call('post', '/v1/waivers', { body });
    expect(made.status).toBe(201);
    expect((made.body as Waiver).until).toBeUndefined();
    expect((await call('post', '/v1/waivers', { body })).status).toBe(409);
    const list = await call(
      'get',
      '/v1/waivers?entityRef=component:default/checkout',
    );
    expect(list.body.waivers).toHaveLength(1);
    // The report shows the waiver at once; its schema covers the waived evidence.
    await call('get', '/v1/reports/component/default/checkout');
    expect((await call('delete', `/v1/waivers/${made.body.id}`)).status).toBe(
      204,
    );
    expect((await call('delete', `/v1/waivers/${made.body.id}`)).status).toBe(
      404,
    );
    expect(problems).toEqual([]);
  });

  it.each<[Method, string, object | undefined]>([
    ['get', '/v1/reports/component/default/bad%20name', undefined],
    ['get', '/v1/history/component/default/checkout?days=0', undefined],
    ['post', '/v1/refresh', { entity: 'component:default/checkout' }],
    ['get', '/v1/scorecard?limit=501', undefined],
    ['get', '/v1/scorecard/summary?sort=score', undefined],
    ['get', '/v1/scorecard/rollups?by=team', undefined],
    ['get', '/v1/history/rollups?by=group', undefined],
    ['get', '/v1/history/fleet?days=3651', undefined],
    ['get', '/v1/clusters?days=7', undefined],
    ['get', '/v1/clusters/Not_A_Cluster/history', undefined],
    ['get', '/v1/attestations', undefined],
    [
      'post',
      '/v1/attestations',
      {
        entityRef: 'component:default/checkout',
        checkId: 'operations.runbook',
        note: 'x',
        expiresInDays: 0,
      },
    ],
    ['delete', '/v1/attestations/not-a-uuid', undefined],
    ['get', '/v1/waivers?entityRef=', undefined],
    [
      'post',
      '/v1/waivers',
      {
        entityRef: 'component:default/checkout',
        checkId: 'security.egress',
        reason: 'x',
        until: 'soon',
      },
    ],
    ['delete', '/v1/waivers/42', undefined],
  ])('%s %s: a 400 in the spec', async (method, url, body) => {
    const res = await call(method, url, { body });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(problems).toEqual([]);
  });

  it('401 without a token on every route but /health', async () => {
    for (const op of specOperations(spec)) {
      const [method, template] = op.split(' ');
      if (template === '/health') continue;
      const url = template
        .replace('{kind}/{namespace}/{name}', 'component/default/checkout')
        .replace('{id}', '0b6b1f1e-5c1a-4a47-9a7e-1d2c3b4a5f60')
        .replace('{cluster}', 'demo');
      const res = await call(method.toLowerCase() as Method, url, {
        auth: null,
        body: method === 'POST' ? {} : undefined,
      });
      expect({ op, status: res.status }).toEqual({ op, status: 401 });
    }
    expect(problems).toEqual([]);
  });

  it('the typed client reaches every route of the real backend', async () => {
    const { port } = backend.server.address() as { port: number };
    const client = new MeshApiClient({
      discoveryApi: {
        getBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
      },
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...init?.headers, Authorization: USER },
          }),
      },
    });
    const ref = 'component:default/checkout';
    expect(await client.getHealth()).toEqual({ status: 'ok' });
    expect(await client.getMetrics()).toContain('mesh_readiness_score');
    expect((await client.getChecks()).checks.length).toBeGreaterThan(10);
    expect((await client.getReport(ref))?.entityRef).toBe(ref);
    expect((await client.getHistory(ref, 7)).days).toBe(7);
    expect((await client.getScorecard({ limit: 1 })).rows).toHaveLength(1);
    expect(await client.getScorecardCsv()).toMatch(/^entityRef|^"entityRef"/);
    expect((await client.getScorecardSummary()).entities).toBeGreaterThan(0);
    expect((await client.getScorecardRollups('group')).by).toBe('group');
    const group = (await client.getScorecardRollups('group')).rollups.find(
      r => r.key,
    )!.key;
    expect((await client.getRollupHistory('group', group, 3)).days).toBe(3);
    expect((await client.getFleetHistory(3)).days).toBe(3);
    expect((await client.listClusters()).clusters[0].name).toBe('demo');
    expect((await client.getClusterFleetHistory('demo', 3)).days).toBe(3);
    const attestation = await client.createAttestation({
      entityRef: ref,
      checkId: 'operations.on-call',
      note: 'the rota is staffed',
      expiresInDays: 30,
    });
    expect((await client.listAttestations(ref)).attestations).toContainEqual(
      attestation,
    );
    await client.deleteAttestation(attestation.id);
    const waiver = await client.createWaiver({
      entityRef: ref,
      checkId: 'security.egress',
      reason: 'the gateway lands next quarter',
    });
    expect((await client.listWaivers(ref)).waivers).toContainEqual(waiver);
    await client.deleteWaiver(waiver.id);
    expect((await client.refresh(ref)).clusters).toEqual([
      { name: 'demo', ok: true },
    ]);
    await expect(
      client.getReport('component:default/nobody'),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
  });

  it('saw every operation answer with the success status the spec declares', () => {
    const missing = specOperations(spec).filter(op => {
      const [method, template] = op.split(' ');
      const ok = Object.keys(
        spec.paths[template][method.toLowerCase() as 'get']!.responses,
      ).find(s => s.startsWith('2'));
      return !seen.has(`${op} ${ok}`);
    });
    expect(missing).toEqual([]);
  });
});

describe('the response validator', () => {
  it.each<[string, object, string[]]>([
    ['a conforming body', { clusters: [{ name: 'prod', ok: true }] }, []],
    [
      'a field the spec lacks',
      { clusters: [{ name: 'prod', ok: true, took: 3 }] },
      [
        "POST /v1/refresh → 200: /clusters/0 must NOT have additional properties 'took'",
      ],
    ],
    [
      'a missing field',
      { clusters: [{ ok: true }] },
      [
        "POST /v1/refresh → 200: /clusters/0 must have required property 'name'",
      ],
    ],
  ])('judges %s', (_what, body, expected) => {
    expect(
      validate({
        method: 'post',
        path: '/v1/refresh',
        status: 200,
        contentType: 'application/json; charset=utf-8',
        body,
      }),
    ).toEqual(expected);
  });

  it('refuses a status or content type the spec does not declare', () => {
    expect(
      validate({
        method: 'get',
        path: '/v1/checks',
        status: 418,
        contentType: 'application/json',
        body: {},
      }),
    ).toEqual(['GET /v1/checks → 418: status not declared in the spec']);
    expect(
      validate({
        method: 'get',
        path: '/v1/checks',
        status: 200,
        contentType: 'text/html',
        body: '',
      }),
    ).toEqual([
      'GET /v1/checks → 200: content type text/html not among application/json',
    ]);
  });

  it.each([
    ['/v1/history/rollups', '/v1/history/rollups'],
    [
      '/v1/history/component/default/x?days=3',
      '/v1/history/{kind}/{namespace}/{name}',
    ],
    ['/v1/waivers/42', '/v1/waivers/{id}'],
    ['/v1/nothing', undefined],
  ])('matches %s to %s', (url, template) => {
    expect(matchSpecPath(spec, url)).toBe(template);
  });
});
