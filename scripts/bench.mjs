#!/usr/bin/env node
/**
 * `npm run bench`: the query catalog at fleet scale, against a real Prometheus (backfilled)
 * and the fixture Kubernetes API, for N = 100, 1,000 and 5,000 services (or the N given
 * as arguments), without and then with the recording rules of
 * docs/prometheus/recording-rules.yaml. Prints two tables and where the time goes, and
 * writes test/artifacts/bench.json. A benchmark, not a test: it measures and reports;
 * the targets are printed beside the figures. `npm run bench -- --load` measures the
 * reports API at production load instead (scripts/benchLoad.mjs).
 *
 * How the rules get data: the history is backfilled with promtool and ends 6 minutes
 * before the run, and every query (ours and the per-entity baseline) is evaluated at its
 * end. The rules' output is backfilled too, by `promtool tsdb create-blocks-from rules`,
 * which evaluates the shipped rule file with Prometheus's own engine over that history;
 * Prometheus then restarts with the rule file loaded, so the plugin detects the rules
 * through the real rules API. The live evaluations that follow look at "now", where there
 * are no raw samples, so they cost next to nothing and stay out of the measurements. In
 * production that evaluation is a steady background cost: the tables show it as the
 * Prometheus evaluation time of the raw catalog.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import setup from './lib/setup.js';
import benchReport from './lib/benchReport.js';

const { ROOT, ensureNpmDependencies, ensureDebianPackages, log } = setup;
const TOKEN = 'bench-service-account-token';
const RULES_FILE = path.join(ROOT, 'docs/prometheus/recording-rules.yaml');
const CAPPED_HEAP_MB = 256;

/**
 * A phase run under the heap cap. Running out of heap there is a figure (the fleet no
 * longer fits the cap), not a failed benchmark.
 */
async function cappedPhase(run) {
  try {
    return await run();
  } catch (e) {
    if (
      /out of memory|OutOfMemory|OOMErrorHandler|heap limit/.test(
        String(e?.message ?? e),
      )
    ) {
      return { outOfMemory: true };
    }
    throw e;
  }
}

function firstLine(child) {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    rl.once('line', line => resolve(line));
    child.once('exit', code => {
      // V8's out-of-heap report ends with a long native stack: the tail alone may no
      // longer name the cause, which cappedPhase reads.
      const oom = /out of memory|OutOfMemory|OOMErrorHandler|heap limit/.test(
        stderr,
      );
      reject(
        new Error(
          `exited with ${code}${
            oom ? ' (JavaScript heap out of memory)' : ''
          }: ${stderr.slice(-2000)}`,
        ),
      );
    });
  });
}

async function writeChunks(file, chunks) {
  const out = fs.createWriteStream(file);
  for (const chunk of chunks) {
    if (!out.write(chunk)) await new Promise(r => out.once('drain', r));
  }
  await new Promise((resolve, reject) =>
    out.end(err => (err ? reject(err) : resolve())),
  );
}

async function promQuery(url, query, at) {
  const body = new URLSearchParams({ query, time: String(at) });
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
  const json = await res.json();
  if (json.status !== 'success') throw new Error(JSON.stringify(json));
  return json.data.result;
}

async function waitForRules(url) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const json = await (await fetch(`${url}/api/v1/rules?type=record`)).json();
    const rules = json.data.groups.flatMap(g => g.rules);
    if (rules.length > 0 && rules.every(r => r.health === 'ok')) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('the recording rules were not evaluated within 2 minutes');
}

/**
 * Runs one phase of dev/bench.ts in its own process. `cappedHeapMb`: only the two
 * collections, with V8's old space capped, to show how much of the peak RSS is garbage
 * V8 had no reason to collect yet.
 */
function runPhase(phase, dir, kubeUrl, promUrl, at, ruleTs, cappedHeapMb) {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(cappedHeapMb ? [`--max-old-space-size=${cappedHeapMb}`] : []),
      '--require',
      path.join(
        ROOT,
        'node_modules/@backstage/cli-node/config/nodeTransform.cjs',
      ),
      path.join(ROOT, 'plugins/mesh-backend/dev/bench.ts'),
      phase,
      path.join(dir, 'entities.json'),
      kubeUrl,
      TOKEN,
      promUrl,
      String(at),
      ...(ruleTs ? [String(ruleTs)] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
      env: {
        ...process.env,
        ...(cappedHeapMb ? { BENCH_COLLECT_ONLY: '1' } : {}),
      },
    },
  );
  return firstLine(child).then(JSON.parse);
}

async function benchOne(n, lib) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mesh-bench-${n}-`));
  const tsdb = path.join(dir, 'tsdb');
  const stops = [];
  try {
    let t = Date.now();
    const fleet = lib.generateFleet({ n });
    fs.writeFileSync(
      path.join(dir, 'objects.json'),
      JSON.stringify(fleet.objects),
    );
    fs.writeFileSync(
      path.join(dir, 'entities.json'),
      JSON.stringify(fleet.entities),
    );
    // Three samples a minute apart: enough for rate() over 5m at `end`.
    const end = Math.floor(Date.now() / 1000) - 360;
    const range = { start: end - 120, end, step: 60 };
    const omFile = path.join(dir, 'metrics.om');
    await writeChunks(
      omFile,
      lib.withFamilies(
        lib.openMetricsChunks(fleet.traffic, range),
        lib.extraMeshFamilies(fleet.traffic),
        range,
      ),
    );
    const omMb = fs.statSync(omFile).size / 1e6;
    log(
      `N=${n}: fleet of ${fleet.objects.length} objects and ${omMb.toFixed(
        0,
      )} MB of metrics generated in ${Date.now() - t} ms`,
    );

    t = Date.now();
    let prometheus = await lib.startPrometheus({
      openMetricsFile: omFile,
      dataDir: tsdb,
    });
    let stopPrometheus = prometheus.stop;
    stops.push(() => stopPrometheus());
    fs.rmSync(omFile);
    const [count] = await promQuery(
      prometheus.url,
      'count({__name__=~".+"})',
      end,
    );
    const series = Number(count?.value[1] ?? 0);
    log(
      `N=${n}: Prometheus ready with ${series} series (backfill ${
        prometheus.backfillMs
      } ms, total ${Date.now() - t} ms)`,
    );

    const api = spawn(
      process.execPath,
      [
        path.join(ROOT, 'scripts/lib/kubeApiServer.js'),
        path.join(dir, 'objects.json'),
        TOKEN,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    stops.push(async () => {
      api.kill('SIGTERM');
    });
    const { url: kubeUrl } = JSON.parse(await firstLine(api));

    const raw = await runPhase('raw', dir, kubeUrl, prometheus.url, end);
    log(`N=${n}: raw phase ${JSON.stringify(raw)}`);
    raw.capped = await cappedPhase(() =>
      runPhase(
        'raw',
        dir,
        kubeUrl,
        prometheus.url,
        end,
        undefined,
        CAPPED_HEAP_MB,
      ),
    );
    log(`N=${n}: raw phase, heap capped: ${JSON.stringify(raw.capped)}`);

    t = Date.now();
    const rulesBlocks = path.join(dir, 'rules-blocks');
    const { promtool } = lib.ensurePrometheus();
    execFileSync(
      promtool,
      [
        'tsdb',
        'create-blocks-from',
        'rules',
        `--start=${end - 120}`,
        `--end=${end}`,
        '--eval-interval=60s',
        `--url=${prometheus.url}`,
        `--output-dir=${rulesBlocks}`,
        '--quiet',
        RULES_FILE,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const ruleBackfillMs = Date.now() - t;
    await stopPrometheus();
    for (const block of fs.readdirSync(rulesBlocks)) {
      if (/^[0-9A-Z]{26}$/.test(block))
        fs.renameSync(path.join(rulesBlocks, block), path.join(tsdb, block));
    }
    prometheus = await lib.startPrometheus({
      dataDir: tsdb,
      ruleFiles: [RULES_FILE],
      evaluationInterval: '5s',
    });
    stopPrometheus = prometheus.stop;
    await waitForRules(prometheus.url);
    log(
      `N=${n}: rule output backfilled in ${ruleBackfillMs} ms; Prometheus restarted with the rules`,
    );

    // The rules' latest sample at `end` (one group: one evaluation time for all).
    const [evaluated] = await promQuery(
      prometheus.url,
      'timestamp(mesh_workload:istio_requests:rate5m)',
      end,
    );
    const rules = await runPhase(
      'rules',
      dir,
      kubeUrl,
      prometheus.url,
      end,
      evaluated?.value[1],
    );
    log(`N=${n}: rules phase ${JSON.stringify(rules)}`);
    rules.capped = await cappedPhase(() =>
      runPhase(
        'rules',
        dir,
        kubeUrl,
        prometheus.url,
        end,
        undefined,
        CAPPED_HEAP_MB,
      ),
    );
    log(`N=${n}: rules phase, heap capped: ${JSON.stringify(rules.capped)}`);
    return { n, series, ruleBackfillMs, raw, rules };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
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

const x = (a, b) => `${(a / Math.max(1, b)).toFixed(1)}×`;
const x2 = (a, b) => `${(a / Math.max(1, b)).toFixed(2)}×`;

function report(rows) {
  const out = [];
  const fetchCols = (p, f) => [
    ['PromQL req', r => f(r).requests],
    ['fetch ms', r => f(r).wallMs],
    ['Prom eval ms', r => f(r).evalMs],
    ['fetch/eval', r => x2(f(r).wallMs, f(r).evalMs)],
    ['eval alone ms', r => p(r).fetches.sequential.evalMs],
    ['fetch/eval alone', r => x2(f(r).wallMs, p(r).fetches.sequential.evalMs)],
    ['unsharded ms', r => p(r).fetches.unsharded.wallMs],
    ['label-values ms', r => p(r).fetches.labelValues.wallMs],
    ['one at a time ms', r => p(r).fetches.sequential.wallMs],
  ];
  const collectionCols = p => [
    [
      'collection ms (cold)',
      r => `${p(r).warm.collectionMs} (${p(r).cold.collectionMs})`,
    ],
    [
      'per-entity / collection',
      r => x(r.raw.perEntityMs, p(r).warm.collectionMs),
    ],
    ['peak RSS MB (cold)', r => `${p(r).peakRssMb[1]} (${p(r).peakRssMb[0]})`],
    ['RSS before MB', r => p(r).baselineRssMb],
    ['live heap MB', r => p(r).liveHeapMb],
    [
      `peak RSS, ${CAPPED_HEAP_MB} MB heap (ms)`,
      r =>
        p(r).capped.outOfMemory
          ? 'out of heap'
          : `${p(r).capped.peakRssMb[1]} (${p(r).capped.warm.collectionMs})`,
    ],
  ];
  const raw = r => r.raw;
  const rules = r => r.rules;
  out.push(
    'Without recording rules. fetch = PrometheusSource.fetch alone with the defaults (4 in flight, 4 shards per entry planned from the previous answer), median of 3 warm runs; Prom eval = sum of evalTotalTime over its requests; eval alone = the same catalog one query at a time, unsharded.',
  );
  out.push(
    table(rows, [
      ['N', r => r.n],
      ['series', r => r.series],
      ...fetchCols(raw, r => r.raw.fetches.previous),
      ['per-entity ms', r => r.raw.perEntityMs],
      ['per-entity req', r => r.raw.perEntityRequests],
      ['speed-up', r => x(r.raw.perEntityMs, r.raw.fetches.previous.wallMs)],
      ...collectionCols(raw),
    ]),
  );
  out.push('');
  out.push(
    'With recording rules. Speed-up against the raw per-entity way above; rule samples are as of their last evaluation (`rule age` before the query time), and equal the raw catalog evaluated then.',
  );
  out.push(
    table(rows, [
      ['N', r => r.n],
      [
        'from rules',
        r =>
          benchReport.ruleServedCell(
            r.rules.fetches.previous,
            r.rules.ruleEntries,
          ),
      ],
      ...fetchCols(rules, r => r.rules.fetches.previous),
      ['speed-up', r => x(r.raw.perEntityMs, r.rules.fetches.previous.wallMs)],
      ['per-entity on rules ms', r => r.rules.perEntityMs],
      ['vs that', r => x(r.rules.perEntityMs, r.rules.fetches.previous.wallMs)],
      ...collectionCols(rules),
      ['rule age s', r => r.rules.ruleAgeS?.toFixed(1)],
      ['= raw then', r => (r.rules.sameAsRaw ? 'yes' : 'NO')],
      ['rule backfill ms', r => r.ruleBackfillMs],
    ]),
  );
  out.push('');
  out.push(
    'Where the fetch time goes (sums over requests; requests overlap, so sums can exceed the wall time)',
  );
  const phases = rows.flatMap(r => [
    { n: r.n, phase: 'raw', f: r.raw.fetches.previous },
    { n: r.n, phase: 'rules', f: r.rules.fetches.previous },
  ]);
  out.push(
    table(phases, [
      ['N', p => p.n],
      ['phase', p => p.phase],
      ['wall ms', p => p.f.wallMs],
      ['request ms (sum)', p => p.f.busyMs],
      ['Prom eval (sum)', p => p.f.evalMs],
      ['JSON decode (sum)', p => p.f.decodeMs],
      [
        'HTTP+encode+wait (sum)',
        p => Math.max(0, p.f.busyMs - p.f.evalMs - p.f.decodeMs),
      ],
      ['catalog parse', p => p.f.parseMs],
      ['slowest entry', p => p.f.slowestEntry],
    ]),
  );
  out.push('');
  out.push(
    'Full collection, warm run (ms per phase of MeshCollector; kubernetes and prometheus run concurrently)',
  );
  const phasesOf = r => r.warm.timings;
  const keys = [
    ...new Set(
      rows.flatMap(r =>
        [r.raw, r.rules].flatMap(p => Object.keys(phasesOf(p))),
      ),
    ),
  ];
  out.push(
    table(
      rows.flatMap(r => [
        {
          n: r.n,
          phase: 'raw',
          t: phasesOf(r.raw),
          total: r.raw.warm.collectionMs,
        },
        {
          n: r.n,
          phase: 'rules',
          t: phasesOf(r.rules),
          total: r.rules.warm.collectionMs,
        },
      ]),
      [
        ['N', p => p.n],
        ['phase', p => p.phase],
        ['total', p => p.total],
        ...keys.map(k => [k, p => p.t[k] ?? '']),
      ],
    ),
  );
  return out.join('\n');
}

async function main() {
  ensureNpmDependencies();
  const missing = ensureDebianPackages([
    { pkg: 'prometheus', binary: 'prometheus' },
  ]);
  if (missing.length > 0)
    throw new Error(
      `the benchmark needs ${missing.join(
        ', ',
      )}: sudo apt-get install -y ${missing.join(' ')}`,
    );
  const lib = {
    ...(await import('./lib/fleet.js')).default,
    ...(await import('./lib/metrics.js')).default,
    ...(await import('./lib/prometheus.js')).default,
  };
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  const rows = [];
  for (const n of sizes.length ? sizes : [100, 1000, 5000]) {
    rows.push(await benchOne(n, lib));
  }
  const artifacts = path.join(ROOT, 'test/artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(
    path.join(artifacts, 'bench.json'),
    `${JSON.stringify(rows, null, 2)}\n`,
  );
  console.log(report(rows));
  console.log(
    '\nTargets at 5,000 services: fetch ≥ 5× faster than per-entity without rules and ≥ 20× with them (`speed-up`; per-entity at most 8 requests in flight, the fetch 4); fetch ≤ 1.3× Prometheus eval (`fetch/eval`; `fetch/eval alone` is the stricter reading); peak RSS ≤ 400 MB (`peak RSS`, with V8 defaults).',
  );
}

// `npm run bench -- --load`: the reports API at production load (scripts/benchLoad.mjs).
// `npm run bench -- --tracing [N]`: trace sampling and the propagation check (scripts/benchTracing.mjs).
let run = process.argv.includes('--load')
  ? async () =>
      (await import('./benchLoad.mjs')).runLoadBench(process.argv.slice(2))
  : main;
// `npm run bench -- --scorecard [N]`: the fleet scorecard API on N stored reports (scripts/benchScorecard.mjs).
if (process.argv.includes('--scorecard')) {
  run = async () =>
    (await import('./benchScorecard.mjs')).runScorecardBench(
      process.argv.slice(2),
    );
}
if (process.argv.includes('--tracing')) {
  run = async () =>
    (await import('./benchTracing.mjs')).runTracingBench(process.argv.slice(2));
}

run().catch(e => {
  log(`benchmark failed: ${e.stack ?? e}`);
  process.exit(1);
});
