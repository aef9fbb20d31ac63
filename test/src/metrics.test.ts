import { mockCredentials } from '@backstage/backend-test-utils';
import {
  CheckDefinition,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import {
  ensurePrometheus,
  freePort,
  startPrometheus,
} from 'mesh-devtools/prometheus';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import {
  checkDashboard,
  Dashboard,
  dashboardExprs,
  exportedNames,
  metricNamesIn,
} from './grafanaDashboard';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const DASHBOARD_FILE = path.join(REPO_ROOT, 'docs/grafana/mesh-readiness.json');
const USER = () => mockCredentials.user.header();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a text exposition (label values unescaped). */
function samplesOf(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const brace = line.lastIndexOf('}');
    const labels: Record<string, string> = {};
    for (const [, k, v] of line
      .slice(name.length + 1, brace)
      .matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k] = v.replace(/\\(.)/g, (_m, c) => (c === 'n' ? '\n' : c));
    }
    out.push({ name, labels, value: Number(line.slice(brace + 2)) });
  }
  return out;
}

/**
 * A Prometheus that scrapes the backend the way the README configures it: the
 * plugin's path, a bearer token from a file, a static target.
 */
async function startScraper(target: string, token: string) {
  const { prometheus } = ensurePrometheus();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-scrape-'));
  fs.writeFileSync(path.join(dir, 'token'), token);
  const port = await freePort();
  // JSON is YAML: the README's scrape config, with this test's target and interval.
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    JSON.stringify({
      scrape_configs: [
        {
          job_name: 'backstage-mesh',
          metrics_path: '/api/mesh/metrics',
          scrape_interval: '1s',
          scrape_timeout: '1s',
          authorization: { credentials_file: path.join(dir, 'token') },
          static_configs: [{ targets: [target] }],
        },
      ],
    }),
  );
  const child: ChildProcess = spawn(
    prometheus,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const query = async (promql: string) => {
    const res = await fetch(
      `${url}/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    return (await res.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: unknown }[] };
    };
  };
  const stop = () =>
    new Promise<void>(resolve => {
      const done = () => {
        fs.rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null) {
        done();
      } else {
        child.once('exit', done);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }
    });
  return { url, query, stop };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('GET /api/mesh/metrics on the demo', () => {
  let demoPrometheus: Awaited<ReturnType<typeof startPrometheus>>;
  let backend: TestBackend;
  let scraper: Awaited<ReturnType<typeof startScraper>>;
  let emptyDir: string;
  let text: string;
  let rows: ScorecardRow[];
  let checkIds: string[];

  beforeAll(async () => {
    const end = Math.floor(Date.now() / 1000);
    demoPrometheus = await startPrometheus({
      openMetrics: toOpenMetrics(demo.clusters[0].metrics!, {
        start: end - 900,
        end,
        step: 15,
      }),
    });
    // A second cluster whose Prometheus refuses connections: its error is counted.
    emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-empty-'));
    backend = await startMeshBackend({
      entities: demo.entities,
      mesh: {
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
            prometheus: { url: demoPrometheus.url },
          },
          {
            name: 'offline',
            kubernetes: { manifestsDir: emptyDir },
            prometheus: {
              url: `http://127.0.0.1:${await freePort()}`,
              retries: 0,
            },
          },
        ],
      },
    });
    const refreshed = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', USER())
      .send({});
    if (refreshed.status !== 200)
      throw new Error(`refresh answered ${refreshed.status}`);
    rows = (
      await request(backend.server)
        .get('/api/mesh/v1/scorecard?limit=500')
        .set('Authorization', USER())
    ).body.rows;
    checkIds = (
      await request(backend.server)
        .get('/api/mesh/v1/checks')
        .set('Authorization', USER())
    ).body.checks.map((c: CheckDefinition) => c.id);
    const res = await request(backend.server)
      .get('/api/mesh/metrics')
      .set('Authorization', mockCredentials.service.header());
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    text = res.text;
    const port = (backend.server.address() as AddressInfo).port;
    scraper = await startScraper(
      `127.0.0.1:${port}`,
      mockCredentials.service.token(),
    );
  }, 120_000);

  afterAll(async () => {
    await scraper?.stop();
    await backend?.stop();
    await demoPrometheus?.stop();
    if (emptyDir) fs.rmSync(emptyDir, { recursive: true, force: true });
  });

  it('parses with promtool check metrics, with no lint problem', () => {
    const { promtool } = ensurePrometheus();
    const run = spawnSync(promtool, ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    expect({ status: run.status, out: `${run.stdout}${run.stderr}` }).toEqual({
      status: 0,
      out: '',
    });
  });

  it('has each scorecard row as its score, with owner, system, namespaces and provider', () => {
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const scores = samplesOf(text, 'mesh_readiness_score');
    expect(scores).toHaveLength(rows.length);
    for (const r of rows) {
      expect(scores.find(s => s.labels.entity === r.entityRef)).toEqual({
        name: 'mesh_readiness_score',
        labels: {
          entity: r.entityRef,
          owner: r.owner,
          system: r.system,
          namespace: r.namespaces.join(','),
          provider: r.provider,
        },
        value: r.score,
      });
    }
  });

  it("has exactly the current status of every entity's registered checks", () => {
    const statuses = samplesOf(text, 'mesh_check_status');
    const expected = rows.flatMap(r =>
      checkIds
        .filter(id => r.checks[id] !== undefined)
        .map(id => `${r.entityRef} ${id} ${r.checks[id]} 1`),
    );
    expect(expected.length).toBeGreaterThan(rows.length * 10);
    expect(
      statuses
        .map(
          s =>
            `${s.labels.entity} ${s.labels.check} ${s.labels.status} ${s.value}`,
        )
        .sort(),
    ).toEqual(expected.sort());
  });

  it("counts each cluster's collection and the source that failed", () => {
    const count = (cluster: string) =>
      samplesOf(text, 'mesh_collection_duration_seconds_count').find(
        s => s.labels.cluster === cluster,
      )?.value;
    expect(count('demo')).toBe(1);
    expect(count('offline')).toBe(1);
    const errors = Object.fromEntries(
      samplesOf(text, 'mesh_source_errors_total').map(s => [
        `${s.labels.cluster}/${s.labels.source}`,
        s.value,
      ]),
    );
    expect(errors).toEqual({
      'demo/kubernetes': 0,
      'demo/prometheus': 0,
      'offline/kubernetes': 0,
      'offline/prometheus': 1,
    });
  });

  it('has a report age and fleet totals that agree with the scorecard', () => {
    expect(samplesOf(text, 'mesh_report_age_seconds')).toHaveLength(
      rows.length,
    );
    const levels = samplesOf(text, 'mesh_entities');
    expect(levels.reduce((a, s) => a + s.value, 0)).toBe(rows.length);
    for (const s of levels) {
      expect(s.value).toBe(rows.filter(r => r.level === s.labels.level).length);
    }
  });

  describe('the Grafana dashboard', () => {
    const dashboard: Dashboard = JSON.parse(
      fs.readFileSync(DASHBOARD_FILE, 'utf8'),
    );
    const exprs = dashboardExprs(dashboard);

    it('has what Grafana needs to import it', () => {
      expect(checkDashboard(dashboard)).toEqual([]);
      expect(exprs.length).toBeGreaterThanOrEqual(15);
    });

    it.each<[string, (d: any) => void, string]>([
      [
        'a panel id used twice',
        d => {
          d.panels[1].id = d.panels[0].id;
        },
        'id used twice',
      ],
      [
        'overlapping panels',
        d => {
          d.panels[1].gridPos = { ...d.panels[0].gridPos };
        },
        'overlaps panel 1',
      ],
      [
        'a panel past the 24 columns',
        d => {
          d.panels[0].gridPos.x = 22;
        },
        'within 24 columns',
      ],
      [
        'no datasource variable',
        d => {
          d.templating.list = d.templating.list.filter(
            (v: { type: string }) => v.type !== 'datasource',
          );
        },
        'datasource variable',
      ],
      [
        'an undefined variable',
        d => {
          d.panels[0].targets[0].expr += ' * $nope';
        },
        'variable $nope is not defined',
      ],
      [
        'a target without expr',
        d => {
          delete d.panels[2].targets[0].expr;
        },
        'has no expr',
      ],
    ])('finds %s', (_what, breakIt, problem) => {
      const broken = JSON.parse(JSON.stringify(dashboard));
      breakIt(broken);
      expect(checkDashboard(broken).join('\n')).toContain(problem);
    });

    it.each<[string, string[]]>([
      ['rate(mesh_nope_total{a="b"}[5m])', ['mesh_nope_total']],
      [
        'sum by (le) (x_bucket{cluster=~"$cluster"}) / on(a) group_left(b) y',
        ['x_bucket', 'y'],
      ],
      [
        'histogram_quantile(0.95, sum by (le) (rate(h_bucket[1h])))',
        ['h_bucket'],
      ],
      ['max(a{s="fail"}) == 1e3 or vector(0)', ['a']],
    ])('reads the metric names of %s', (expr, names) => {
      expect(metricNamesIn(expr).sort()).toEqual(names.sort());
    });

    it('uses only metrics /metrics exports, and shows every one', () => {
      const { families, series } = exportedNames(text);
      const used = new Set(exprs.flatMap(e => metricNamesIn(e.expr)));
      const unknown = exprs.flatMap(e =>
        metricNamesIn(e.expr)
          .filter(n => !series.has(n))
          .map(n => `${e.where}: ${n}`),
      );
      expect(unknown).toEqual([]);
      const unshown = families.filter(
        f =>
          ![f, `${f}_bucket`, `${f}_count`, `${f}_sum`].some(n => used.has(n)),
      );
      expect(unshown).toEqual([]);
    });

    it('runs every query on a Prometheus that scrapes the backend, each with a result', async () => {
      // Two scrapes at least, so rates and increases have their two samples.
      await until('three scrapes of /api/mesh/metrics', async () => {
        const r = await scraper.query(
          'count_over_time(up{job="backstage-mesh"}[1m]) >= 3 and min_over_time(up{job="backstage-mesh"}[1m]) == 1',
        );
        return r.data?.result.length ? true : undefined;
      });
      const outcomes = await Promise.all(
        exprs.map(async ({ where, expr }) => {
          const r = await scraper.query(
            expr.replace(/\$(owner|cluster)\b/g, '.*'),
          );
          return `${where}: ${r.status}${r.error ? ` ${r.error}` : ''}${
            r.status === 'success' && !r.data?.result.length
              ? ' (no result)'
              : ''
          }`;
        }),
      );
      expect(outcomes).toEqual(exprs.map(e => `${e.where}: success`));
    }, 60_000);
  });
});
