import { mockCredentials } from '@backstage/backend-test-utils';
import {
  FleetHistoryResponse,
  HistoryResponse,
  MeshReport,
  ScorecardSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import { startPrometheus } from 'mesh-devtools/prometheus';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT } from './scenario';

/**
 * What the Mesh tab reads besides the report's checks: links out to the teams' tools,
 * the day's golden signals in history (the sparklines), and the fleet's trend.
 */
const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();

const LINKS = {
  kiali:
    'https://kiali.example.com/kiali/console/namespaces/{namespace}/workloads/{workload}?clusterName={cluster}',
  linkerdViz:
    'https://viz.example.com/namespaces/{namespace}/{kind}s/{workload}',
  grafana:
    'https://grafana.example.com/d/mesh?var-namespace={namespace}&var-workload={workload}',
};

const get = <T>(backend: TestBackend, url: string): Promise<T> =>
  request(backend.server)
    .get(`/api/mesh${url}`)
    .set('Authorization', AUTH())
    .then(res => {
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      return res.body as T;
    });

describe('the Mesh tab’s backend: links, daily golden signals, the fleet’s trend', () => {
  let backend: TestBackend;
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;

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
        links: LINKS,
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
            prometheus: { url: prometheus.url },
          },
        ],
      },
    });
    const refreshed = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', AUTH())
      .send({});
    if (refreshed.status !== 200) {
      throw new Error(`the first collection failed: ${refreshed.text}`);
    }
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await prometheus?.stop();
  });

  it('links each workload to the tools of its mesh', async () => {
    const checkout = await get<MeshReport>(
      backend,
      '/v1/reports/component/default/checkout',
    );
    expect(checkout.mesh.provider).toBe('istio');
    const workload = checkout.workloads[0];
    expect(checkout.links).toEqual([
      {
        tool: 'kiali',
        title: `Kiali: ${workload.name} (${workload.namespace})`,
        url: `https://kiali.example.com/kiali/console/namespaces/${workload.namespace}/workloads/${workload.name}?clusterName=demo`,
        cluster: 'demo',
        namespace: workload.namespace,
        workload: workload.name,
      },
      expect.objectContaining({
        tool: 'grafana',
        url: `https://grafana.example.com/d/mesh?var-namespace=${workload.namespace}&var-workload=${workload.name}`,
      }),
    ]);

    const payments = await get<MeshReport>(
      backend,
      '/v1/reports/component/default/payments',
    );
    expect(payments.mesh.provider).toBe('linkerd');
    expect(payments.links?.map(l => l.tool)).toEqual(['linkerdViz', 'grafana']);
    expect(payments.links?.[0].url).toBe(
      `https://viz.example.com/namespaces/${
        payments.workloads[0].namespace
      }/${payments.workloads[0].kind.toLowerCase()}s/${
        payments.workloads[0].name
      }`,
    );
  });

  it('keeps the day’s golden signals in the history point', async () => {
    const report = await get<MeshReport>(
      backend,
      '/v1/reports/component/default/checkout',
    );
    expect(report.health.requestsPerSecond).toBeGreaterThan(0);
    const history = await get<HistoryResponse>(
      backend,
      '/v1/history/component/default/checkout?days=7',
    );
    expect(history.points).toHaveLength(1);
    expect(history.points[0].health).toEqual({
      requestsPerSecond: report.health.requestsPerSecond,
      successRate: report.health.successRate,
      latencyMs: report.health.latencyMs,
    });
  });

  it('serves the fleet’s daily trend: today’s point agrees with the scorecard', async () => {
    const summary = await get<ScorecardSummary>(
      backend,
      '/v1/scorecard/summary',
    );
    const fleet = await get<FleetHistoryResponse>(
      backend,
      '/v1/history/fleet?days=30',
    );
    expect(fleet.days).toBe(30);
    expect(fleet.points).toHaveLength(1);
    const [today] = fleet.points;
    expect(today.day).toBe(new Date().toISOString().slice(0, 10));
    expect(today.entities).toBe(summary.entities);
    expect(today.entities).toBeGreaterThan(1);
    // Shares of the entities, as the roll-ups give them.
    for (const [level, count] of Object.entries(summary.levels)) {
      expect({ level, share: today.levels[level] }).toEqual({
        level,
        share: Math.round((1000 * count) / summary.entities) / 1000,
      });
    }
    expect(today.workloads).toBeGreaterThan(0);
    expect(today.meshedWorkloads).toBeLessThanOrEqual(today.workloads);
    // The default is a year, as for the roll-ups' trends.
    expect(
      (await get<FleetHistoryResponse>(backend, '/v1/history/fleet')).days,
    ).toBe(365);
  });
});
