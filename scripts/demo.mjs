#!/usr/bin/env node
/**
 * `npm start`: runs the demo on a fresh clone.
 *   1. installs npm packages when node_modules is missing or stale;
 *   2. installs Debian's prometheus when missing (as root), else runs without metrics;
 *   3. starts Prometheus on 127.0.0.1:9090 with an hour of demo traffic backfilled, and
 *      keeps it fed live from a small simulator, so the numbers stay current;
 *   4. starts the Backstage app (http://localhost:3000) and backend (http://localhost:7007).
 * Ctrl-C stops everything.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import setup from './lib/setup.js';
import manifests from './lib/manifests.js';

const { ROOT, ensureNpmDependencies, ensureDebianPackages, canConnect, log } =
  setup;
const { renderManifests } = manifests;
const PROMETHEUS_PORT = Number(process.env.MESH_DEMO_PROMETHEUS_PORT ?? 9090);
const HISTORY_SECONDS = 3600;

const cleanups = [];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch {
      // keep stopping the rest
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => stopAll(130));
process.on('SIGTERM', () => stopAll(143));

/** Every process below `pid`, from `ps` (Linux and macOS). */
function descendants(pid) {
  const out =
    spawnSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8' })
      .stdout ?? '';
  const children = new Map();
  for (const line of out.split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (!p) continue;
    if (!children.has(pp)) children.set(pp, []);
    children.get(pp).push(p);
  }
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()) ?? []) {
      found.push(c);
      queue.push(c);
    }
  }
  return found;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

async function startMetrics() {
  const missing = ensureDebianPackages([
    { pkg: 'prometheus', binary: 'prometheus' },
  ]);
  if (missing.length > 0) {
    log(
      'Prometheus is not installed and cannot be installed here (apt-get needs root). The demo runs without metrics: ' +
        'the golden-signal checks will show `unknown` with the reason. Install it with `sudo apt-get install -y prometheus` and restart.',
    );
    return undefined;
  }
  if (await canConnect('127.0.0.1', PROMETHEUS_PORT)) {
    throw new Error(
      `Port ${PROMETHEUS_PORT} is already in use. Stop whatever listens there, or run with MESH_DEMO_PROMETHEUS_PORT=<port>.`,
    );
  }
  const { parse } = await import('yaml');
  const { toOpenMetrics, toExposition } = (await import('./lib/metrics.js'))
    .default;
  const { startPrometheus } = (await import('./lib/prometheus.js')).default;
  const spec = parse(
    fs.readFileSync(path.join(ROOT, 'demo/metrics.yaml'), 'utf8'),
  );

  const now = Math.floor(Date.now() / 1000);
  const origin = now - HISTORY_SECONDS;
  // The simulator serves the same counters live, continuing the backfilled history.
  const simulator = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(toExposition(spec, Date.now() / 1000, origin));
  });
  await new Promise(resolve => simulator.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise(resolve => simulator.close(resolve)));

  const dataDir = path.join(ROOT, '.demo/prometheus');
  fs.rmSync(dataDir, { recursive: true, force: true });
  log(
    `Backfilling ${
      HISTORY_SECONDS / 60
    } minutes of demo traffic and starting Prometheus…`,
  );
  const prometheus = await startPrometheus({
    openMetrics: toOpenMetrics(spec, {
      start: origin,
      end: now - 5,
      step: 30,
      origin,
    }),
    scrapeTargets: [`127.0.0.1:${simulator.address().port}`],
    scrapeInterval: '5s',
    port: PROMETHEUS_PORT,
    dataDir,
    // The spec's week-old baseline (rollout.comparison's `offset 1w`) must outlive the
    // start-up's retention pass.
    ...(spec.baseline
      ? { retentionTime: `${Math.ceil(spec.baseline.daysAgo ?? 7) + 7}d` }
      : {}),
  });
  cleanups.push(() => prometheus.stop());
  log(`Prometheus is ready at ${prometheus.url}`);
  return prometheus;
}

async function main() {
  const started = Date.now();
  ensureNpmDependencies();
  const prometheus = await startMetrics();

  // The demo's manifests hold relative times (`*.yaml.tmpl`: a workload meshed two days
  // ago): rendered for this run, and the backend reads the rendered copy.
  renderManifests(
    path.join(ROOT, 'demo/kubernetes'),
    path.join(ROOT, '.demo/kubernetes'),
  );
  const env = { ...process.env };
  env.APP_CONFIG_mesh_clusters = JSON.stringify([
    {
      name: 'demo',
      // Relative to the backend's working directory (packages/backend).
      kubernetes: { manifestsDir: '../../.demo/kubernetes' },
      prometheus: {
        url: prometheus?.url ?? `http://127.0.0.1:${PROMETHEUS_PORT}`,
      },
      tracing: { type: 'files', dir: '../../demo/traces' },
    },
  ]);
  log(
    'Starting the Backstage app and backend (the first build takes a minute or two)…',
  );
  const child = spawn('npx', ['backstage-cli', 'repo', 'start'], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
    detached: true,
  });
  // The CLI starts the app and the backend in process groups of their own, so stopping
  // the CLI's group is not enough: take the whole tree, as it is before anything exits.
  cleanups.push(async () => {
    const tree = [child.pid, ...descendants(child.pid)];
    signal(tree, 'SIGTERM');
    for (let i = 0; i < 50 && tree.some(alive); i++) {
      await new Promise(r => setTimeout(r, 100));
    }
    signal(tree.filter(alive), 'SIGKILL');
  });
  child.on('exit', code => stopAll(code ?? 0));

  // Say where to look once both halves answer.
  for (let i = 0; i < 600 && !stopping; i++) {
    const answers = async url =>
      fetch(url, { signal: AbortSignal.timeout(5000) }).then(
        r => r.ok,
        () => false,
      );
    // The dev server answers only once the first build is done.
    if (
      (await answers('http://localhost:7007/api/mesh/health')) &&
      (await answers('http://localhost:3000'))
    ) {
      log(
        `Demo ready in ${Math.round(
          (Date.now() - started) / 1000,
        )} s: open http://localhost:3000/catalog/default/component/checkout/mesh (guest sign-in)`,
      );
      break;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

main().catch(e => {
  log(`The demo could not start: ${e.message}`);
  stopAll(1);
});
