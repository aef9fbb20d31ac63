#!/usr/bin/env node
/**
 * `npm run bench`: collection at fleet scale, against a real Prometheus (backfilled) and
 * the fixture Kubernetes API, for N = 100, 1,000 and 5,000 services (or the N given as
 * arguments). Prints a table and writes test/artifacts/bench.json. A benchmark, not a
 * test: it measures and reports; the targets are printed beside the figures.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import setup from './lib/setup.js';

const { ROOT, ensureNpmDependencies, ensureDebianPackages, log } = setup;
const TOKEN = 'bench-service-account-token';

function firstLine(child) {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    rl.once('line', line => resolve(line));
    child.once('exit', code =>
      reject(new Error(`exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

async function writeOpenMetrics(file, spec, range, openMetricsChunks) {
  const out = fs.createWriteStream(file);
  for (const chunk of openMetricsChunks(spec, range)) {
    if (!out.write(chunk)) await new Promise(r => out.once('drain', r));
  }
  await new Promise((resolve, reject) =>
    out.end(err => (err ? reject(err) : resolve())),
  );
}

async function benchOne(n, lib) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mesh-bench-${n}-`));
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
    // Three samples a minute apart, ending now: enough for rate() over 5m.
    const end = Math.floor(Date.now() / 1000);
    const omFile = path.join(dir, 'metrics.om');
    await writeOpenMetrics(
      omFile,
      fleet.traffic,
      { start: end - 120, end, step: 60 },
      lib.openMetricsChunks,
    );
    const omMb = fs.statSync(omFile).size / 1e6;
    log(
      `N=${n}: fleet of ${fleet.objects.length} objects and ${omMb.toFixed(
        0,
      )} MB of metrics generated in ${Date.now() - t} ms`,
    );

    t = Date.now();
    const prometheus = await lib.startPrometheus({
      openMetricsFile: omFile,
      dataDir: path.join(dir, 'tsdb'),
    });
    stops.push(prometheus.stop);
    fs.rmSync(omFile);
    const series = await (
      await fetch(`${prometheus.url}/api/v1/status/tsdb`)
    ).json();
    log(
      `N=${n}: Prometheus ready with ${
        series.data.headStats?.numSeries ?? '?'
      } head series (backfill ${prometheus.backfillMs} ms, total ${
        Date.now() - t
      } ms)`,
    );

    const api = spawn(
      process.execPath,
      [
        path.join(ROOT, 'scripts/lib/kubeApiServer.js'),
        path.join(dir, 'objects.json'),
        TOKEN,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    stops.push(async () => {
      api.kill('SIGTERM');
    });
    const { url: kubeUrl } = JSON.parse(await firstLine(api));

    const collector = spawn(
      process.execPath,
      [
        '--require',
        path.join(
          ROOT,
          'node_modules/@backstage/cli-node/config/nodeTransform.cjs',
        ),
        path.join(ROOT, 'plugins/mesh-backend/dev/bench.ts'),
        path.join(dir, 'entities.json'),
        kubeUrl,
        TOKEN,
        prometheus.url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
    );
    const figures = JSON.parse(await firstLine(collector));
    return { n, ...figures };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows) {
  const cols = [
    ['N', r => r.n],
    ['PromQL req', r => r.promqlRequests],
    ['k8s req', r => r.kubeRequests],
    ['collection ms', r => r.collectionMs],
    ['Prom eval ms', r => r.prometheusEvalMs],
    ['per-entity ms', r => r.perEntityMs],
    ['speed-up', r => `${(r.perEntityMs / r.collectionMs).toFixed(1)}×`],
    ['per-entity PromQL req', r => r.perEntityPromqlRequests],
    ['per-entity k8s req', r => r.perEntityKubeRequests],
    ['PromQL-only per-entity ms', r => r.perEntityPromqlOnlyMs],
    [
      'speed-up vs PromQL-only',
      r => `${(r.perEntityPromqlOnlyMs / r.collectionMs).toFixed(1)}×`,
    ],
    ['Prom eval per-entity ms', r => r.perEntityPrometheusEvalMs],
    [
      'collection/eval',
      r => `${(r.collectionMs / Math.max(1, r.prometheusEvalMs)).toFixed(2)}×`,
    ],
    ['peak RSS MB', r => r.peakRssMb],
  ];
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
    `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
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
    log(`N=${n}: ${JSON.stringify(rows[rows.length - 1])}`);
  }
  const artifacts = path.join(ROOT, 'test/artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(
    path.join(artifacts, 'bench.json'),
    `${JSON.stringify(rows, null, 2)}\n`,
  );
  console.log(table(rows));
  console.log(
    'Targets at 5,000 services: ≤ 30 PromQL requests per cluster; collection ≤ 10 s and ≤ 2× Prometheus eval; ≥ 5× faster than per-entity; peak RSS ≤ 400 MB.',
  );
}

main().catch(e => {
  log(`benchmark failed: ${e.stack ?? e}`);
  process.exit(1);
});
