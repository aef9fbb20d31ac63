/**
 * `npm run bench -- --scorecard [N]`: the fleet scorecard API on N stored reports (default
 * 5,000), on SQLite (in memory, the embedded default) and on PostgreSQL (127.0.0.1:5432,
 * a fresh database dropped at the end). The reports are written the way a collection
 * writes them (ReportStore.saveReports with the catalog's fields), then ScorecardService
 * answers, as the routes call it:
 *   - pages of 50 rows, filtered and sorted, rotating through the filters and sort
 *     columns (p50/p99 over 300 requests);
 *   - the full CSV of the fleet (every row and check column);
 *   - the roll-ups by group, system, domain, namespace and cluster, and the summary.
 * The caller's visibility set comes from a catalog stub that sees everything and answers
 * at once: the catalog's own time is not measured (one call per 1,000 refs, once per
 * caller every 5 s). A benchmark, not a test: it prints the figures beside the targets
 * and writes test/artifacts/bench-scorecard.json. The store and service are TypeScript:
 * esbuild bundles them into a temporary CommonJS file first.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The fleet is shared with the 5,000-report browser e2e, so both measure the same reports.
const { scorecardFleet } = require('./lib/scorecardFleet.js');
const TARGETS = { pageP99Ms: 50, csvMs: 1000, rollupsMs: 200 };

async function bundle() {
  const esbuild = require('esbuild');
  const out = path.join(
    ROOT,
    'node_modules',
    '.cache',
    `mesh-bench-scorecard-${process.pid}.cjs`,
  );
  const src = p =>
    JSON.stringify(path.join(ROOT, 'plugins/mesh-backend/src', p));
  await esbuild.build({
    stdin: {
      contents: [
        `export { openStores } from ${src('store/index.ts')};`,
        `export { ScorecardService } from ${src(
          'service/ScorecardService.ts',
        )};`,
        `export { ReportReadPermission } from ${src(
          'service/reportReads.ts',
        )};`,
        // The catalog's ids, so the fleet's reports carry every check there is.
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
              ? {
                  path: path.join(ROOT, 'plugins/mesh-common/src/index.ts'),
                }
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

const QUERIES = [
  { owner: ['group:default/team-7'], sort: 'score', order: 'desc' },
  { level: ['almost-ready'], sort: 'title', order: 'asc' },
  { namespace: ['ns-12'], sort: 'coverage', order: 'desc' },
  { cluster: ['cluster-1'], sort: 'score', order: 'asc' },
  {
    checks: [{ id: 'security.mtls', status: 'fail' }],
    sort: 'level',
    order: 'desc',
  },
  { q: 'svc-12', sort: 'entityRef', order: 'asc' },
  {
    domain: ['domain:default/domain-3'],
    provider: ['istio'],
    sort: 'owner',
    order: 'asc',
  },
  { sort: 'generatedAt', order: 'desc' },
  // By a check's status, over the whole fleet and within a filter.
  { sort: 'check:security.authorization', order: 'asc' },
  { level: ['not-ready'], sort: 'check:security.mtls', order: 'desc' },
];

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

async function timed(fn) {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

async function benchOne(kind, lib, data, databases) {
  const db = await databases.createTestDatabase(kind);
  try {
    const stores = await lib.openStores(db.knex);
    const save = await timed(() =>
      stores.reports.saveReports(data.reports, data.infos),
    );
    const catalog = {
      async getEntitiesByRefs({ entityRefs }) {
        return {
          items: entityRefs.map(ref => {
            const [k, rest] = ref.split(':');
            const [namespace, name] = rest.split('/');
            return { kind: k, metadata: { namespace, name } };
          }),
        };
      },
    };
    const service = new lib.ScorecardService({
      catalog,
      scorecard: stores.scorecard,
      history: stores.history,
      // mesh.report.read answered ALLOW, as an allow-all policy does: one decision per
      // caller, cached; conditional decisions are measured by the service's own tests.
      reads: new lib.ReportReadPermission({
        permissions: {
          authorizeConditional: async requests =>
            requests.map(() => ({ result: 'ALLOW' })),
        },
      }),
      checkIds: () => Object.values(lib.CHECK_IDS),
      // Visibility answered per request as with a cold cache would be unfair to the
      // store; the catalog's time is out of scope, its cache keeps it warm.
      visibilityCache: { ttlMs: 600_000 },
    });
    const credentials = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    };
    const cold = await timed(() =>
      service.page(
        { sort: 'score', order: 'desc', limit: 50, offset: 0 },
        credentials,
      ),
    );
    const pageMs = [];
    const pageRows = [];
    for (let i = 0; i < 300; i++) {
      const q = QUERIES[i % QUERIES.length];
      const r = await timed(() =>
        service.page({ ...q, limit: 50, offset: (i % 3) * 50 }, credentials),
      );
      pageMs.push(r.ms);
      pageRows.push(r.value.rows.length);
    }
    const csvMs = [];
    let csvBytes = 0;
    for (let i = 0; i < 3; i++) {
      const r = await timed(() =>
        service.csv({ sort: 'score', order: 'desc' }, credentials),
      );
      csvMs.push(r.ms);
      csvBytes = r.value.length;
    }
    const rollupMs = {};
    for (const by of ['group', 'system', 'domain', 'namespace', 'cluster']) {
      const runs = [];
      for (let i = 0; i < 3; i++)
        runs.push((await timed(() => service.rollups(by, {}, credentials))).ms);
      rollupMs[by] = Math.max(...runs);
    }
    const summary = [];
    for (let i = 0; i < 3; i++)
      summary.push((await timed(() => service.summary({}, credentials))).ms);
    const history = await timed(async () =>
      stores.history.recordRollups(
        new Date().toISOString().slice(0, 10),
        await stores.scorecard.allRollups(),
      ),
    );
    return {
      db: kind,
      saveMs: Math.round(save.ms),
      coldPageMs: Math.round(cold.ms),
      pageP50Ms: quantile(pageMs, 0.5),
      pageP99Ms: quantile(pageMs, 0.99),
      pageRowsAvg: pageRows.reduce((a, b) => a + b, 0) / pageRows.length,
      csvMs: Math.max(...csvMs),
      csvMb: csvBytes / 1e6,
      rollupMs,
      summaryMs: Math.max(...summary),
      historyRollupsMs: history.ms,
    };
  } finally {
    await db.dispose();
  }
}

function table(rows, cols) {
  const cells = [
    cols.map(c => c[0]),
    ...rows.map(r => cols.map(c => String(c[1](r)))),
  ];
  const widths = cols.map((_, i) =>
    Math.max(...cells.map(row => row[i].length)),
  );
  const line = row =>
    `| ${row.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [
    line(cells[0]),
    `|${widths.map(w => `${'-'.repeat(w + 1)}:`).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

export async function runScorecardBench(argv) {
  const n = Number(argv.find(a => /^\d+$/.test(a)) ?? 5000);
  const lib = await bundle();
  const databases = require('mesh-devtools/databases');
  const t = Date.now();
  const data = scorecardFleet(n, Object.values(lib.CHECK_IDS));
  console.error(`${n} reports generated in ${Date.now() - t} ms`);
  const rows = [];
  for (const kind of ['sqlite', 'postgres']) {
    rows.push(await benchOne(kind, lib, data, databases));
    console.error(`${kind}: ${JSON.stringify(rows[rows.length - 1])}`);
  }
  const f = v => v.toFixed(1);
  const ok = (v, target) => `${f(v)} ${v <= target ? '✓' : '✗'}`;
  console.log(
    `Fleet scorecard on ${n} stored reports (ScorecardService, catalog visibility cached; ms)`,
  );
  console.log(
    table(rows, [
      ['db', r => r.db],
      ['page p50', r => f(r.pageP50Ms)],
      [
        `page p99 (≤${TARGETS.pageP99Ms})`,
        r => ok(r.pageP99Ms, TARGETS.pageP99Ms),
      ],
      ['first page', r => r.coldPageMs],
      [`full CSV (≤${TARGETS.csvMs})`, r => ok(r.csvMs, TARGETS.csvMs)],
      ['CSV MB', r => f(r.csvMb)],
      ...['group', 'system', 'domain', 'namespace', 'cluster'].map(by => [
        `rollups ${by} (≤${TARGETS.rollupsMs})`,
        r => ok(r.rollupMs[by], TARGETS.rollupsMs),
      ]),
      ['summary', r => f(r.summaryMs)],
      ['save all', r => r.saveMs],
      ['history roll-ups', r => f(r.historyRollupsMs)],
    ]),
  );
  const artifacts = path.join(ROOT, 'test/artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(
    path.join(artifacts, 'bench-scorecard.json'),
    `${JSON.stringify(rows, null, 2)}\n`,
  );
}
