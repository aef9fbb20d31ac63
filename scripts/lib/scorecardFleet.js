// @ts-check
/**
 * The scorecard benchmark's fleet (scripts/benchScorecard.mjs) for tests that need it
 * behind a real backend: the same deterministic N reports, ~5 KB each, with their
 * catalog fields, the catalog entities that make them visible, and the plugin's own
 * stores to write them with (ReportStore.saveReports, as a collection writes them).
 * The stores are TypeScript: esbuild bundles them into a temporary CommonJS file, as
 * the benchmark does.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const STATUSES = ['pass', 'pass', 'pass', 'warn', 'fail', 'unknown'];
const LEVELS = ['production-ready', 'almost-ready', 'not-ready', 'not-meshed'];

/**
 * The benchmark's fleet: the same seed and shape, so a figure measured on it compares
 * with the benchmark's.
 * @param {number} n
 * @param {string[]} checkIds
 */
function scorecardFleet(n, checkIds) {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  /** @type {<T>(list: T[]) => T} */
  const pick = list => list[Math.floor(rand() * list.length)];
  const reports = [];
  const infos = new Map();
  for (let i = 0; i < n; i++) {
    const ref = `component:default/svc-${i}`;
    const ns = `ns-${i % 50}`;
    const workloads = Array.from({ length: 1 + (i % 3) }, (_, w) => {
      const pods = 1 + ((i + w) % 4);
      return {
        cluster: `cluster-${(i + w) % 3}`,
        namespace: ns,
        kind: 'Deployment',
        name: `svc-${i}-${w}`,
        pods,
        meshedPods: rand() < 0.8 ? pods : 0,
        proxyVersions: ['1.27.1'],
      };
    });
    const checks = checkIds.map(id => ({
      id,
      title: id,
      category: id.split('.')[0],
      status: pick(STATUSES),
      summary: `${id} on ${ref}: ${'details '.repeat(10)}`,
      // Built for every check, as the benchmark does: its draws keep the sequence equal.
      evidence: /** @type {Record<string, object>} */ ({
        'sidecar.rightsizing': {
          totals: {
            sidecars: 3,
            measuredSidecars: 2,
            requested: { cpuCores: 0.3, memoryBytes: 3 * 128e6 },
            used: { cpuCores: 0.05, memoryBytes: 3 * 60e6 },
          },
        },
        'observability.trace-propagation': {
          propagationRatio: Math.round(rand() * 100) / 100,
        },
        'observability.double-instrumentation': {
          appSeries: 36,
          estimatedBytes: 108000,
        },
      })[id] ?? { workloads: workloads.map(w => w.name), note: 'x'.repeat(80) },
      remediation: 'kubectl label namespace … istio-injection=enabled',
    }));
    const score = Math.floor(rand() * 101);
    reports.push({
      entityRef: ref,
      generatedAt: new Date(Date.now() - i * 1000).toISOString(),
      stale: rand() < 0.05,
      mesh: {
        provider: rand() < 0.7 ? 'istio' : 'linkerd',
        dataPlane: 'sidecar',
      },
      workloads,
      health: {
        status: 'healthy',
        requestsPerSecond: 10,
        successRate: 0.999,
        latencyMs: { p50: 3, p95: 20, p99: 40 },
      },
      checks,
      readiness: {
        score,
        level: pick(LEVELS),
        passed: 10,
        applicable: 20,
        coverage: { covered: 6 + (i % 7), total: 12 },
      },
      sources: [],
    });
    infos.set(ref, {
      kind: 'component',
      title: `Service ${i}`,
      owner: `group:default/team-${i % 40}`,
      system: `system:default/system-${i % 100}`,
      domain: `domain:default/domain-${i % 10}`,
    });
  }
  return { reports, infos };
}

/**
 * The catalog entities of the fleet's reports: the scorecard shows a caller only the
 * rows whose entity the catalog shows them.
 * @param {Map<string, { title: string, owner: string, system: string }>} infos
 */
function fleetCatalogEntities(infos) {
  return [...infos].map(([ref, info]) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      namespace: 'default',
      name: ref.split('/')[1],
      title: info.title,
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: info.owner,
      system: info.system,
    },
  }));
}

/** The plugin's `openStores` and the catalog's check ids, bundled from TypeScript. */
async function loadMeshStores() {
  const esbuild = require('esbuild');
  const out = path.join(
    ROOT,
    'node_modules',
    '.cache',
    `mesh-scorecard-fleet-${process.pid}-${Date.now()}.cjs`,
  );
  const src = (/** @type {string} */ p) =>
    JSON.stringify(path.join(ROOT, 'plugins/mesh-backend/src', p));
  await esbuild.build({
    stdin: {
      contents: [
        `export { openStores } from ${src('store/index.ts')};`,
        `export { CHECK_IDS } from ${JSON.stringify(
          path.join(ROOT, 'plugins/mesh-common/src/checks.ts'),
        )};`,
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
    plugins: [
      {
        name: 'workspace-only',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, args =>
            args.path.startsWith('@mesh-readiness/plugin-mesh-common')
              ? { path: path.join(ROOT, 'plugins/mesh-common/src/index.ts') }
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  try {
    return require(out);
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/**
 * Migrates `knex` to the plugin's schema and stores the benchmark's fleet of `n` reports
 * in it; a backend opened on the same database then serves them. With `historyDay`, that
 * day's history points (the fleet's and every roll-up's) are recorded from them too, as
 * a collection records them after its run.
 * @param {import('knex').Knex} knex
 * @param {{ n: number, historyDay?: string }} options
 */
async function seedScorecardFleet(knex, options) {
  const lib = await loadMeshStores();
  const data = scorecardFleet(options.n, Object.values(lib.CHECK_IDS));
  const stores = await lib.openStores(knex);
  await stores.reports.saveReports(data.reports, data.infos);
  if (options.historyDay) {
    await stores.history.recordFleet(options.historyDay);
    await stores.history.recordRollups(
      options.historyDay,
      await stores.scorecard.allRollups(),
    );
  }
  return { entities: fleetCatalogEntities(data.infos), reports: data.reports };
}

module.exports = {
  scorecardFleet,
  fleetCatalogEntities,
  loadMeshStores,
  seedScorecardFleet,
};
