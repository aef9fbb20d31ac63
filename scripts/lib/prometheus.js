// @ts-check
/**
 * Starts a real Prometheus (Debian's package) for the demo, the tests and the benchmark:
 * backfills history with promtool, optionally scrapes live targets, and stops it again.
 * Plain CommonJS so that scripts run it before anything is compiled.
 */
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function which(binary) {
  for (const dir of (process.env.PATH ?? '')
    .split(path.delimiter)
    .concat(['/usr/bin', '/usr/local/bin'])) {
    const candidate = path.join(dir, binary);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Returns the paths of `prometheus` and `promtool`, installing Debian's package when it
 * is missing and we may (root with apt-get). Throws a message that says what to do
 * otherwise.
 * @param {{ install?: boolean, log?: (line: string) => void }} [options]
 */
function ensurePrometheus(options = {}) {
  const log = options.log ?? (line => process.stderr.write(`${line}\n`));
  let prometheus = which('prometheus');
  let promtool = which('promtool');
  if (prometheus && promtool) return { prometheus, promtool };
  const canApt =
    options.install !== false && process.getuid?.() === 0 && which('apt-get');
  if (!canApt) {
    throw new Error(
      'Prometheus is not installed. Install it with `sudo apt-get install -y prometheus` (Debian/Ubuntu) or put `prometheus` and `promtool` on the PATH.',
    );
  }
  log('Installing Debian package prometheus (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '-qq', 'prometheus'], {
    stdio: 'inherit',
    env,
  });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    result = spawnSync('apt-get', ['install', '-y', '-qq', 'prometheus'], {
      stdio: 'inherit',
      env,
    });
  }
  prometheus = which('prometheus');
  promtool = which('promtool');
  if (result.status !== 0 || !prometheus || !promtool) {
    throw new Error('apt-get install prometheus failed; see the output above');
  }
  return { prometheus, promtool };
}

/** A free TCP port on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`prometheus at ${url} was not ready within ${timeoutMs} ms`);
}

/**
 * @param {{
 *   openMetrics?: string,
 *   openMetricsFile?: string,
 *   scrapeTargets?: string[],
 *   scrapeInterval?: string,
 *   ruleFiles?: string[],
 *   evaluationInterval?: string,
 *   queryLogFile?: string,
 *   retentionTime?: string,
 *   port?: number,
 *   dataDir?: string,
 *   log?: (line: string) => void,
 * }} [options]
 * @returns {Promise<{ url: string, port: number, dataDir: string, backfillMs: number, stop: () => Promise<void> }>}
 */
async function startPrometheus(options = {}) {
  const { prometheus, promtool } = ensurePrometheus({ log: options.log });
  const dataDir =
    options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-prom-'));
  const ownsDir = !options.dataDir;
  fs.mkdirSync(dataDir, { recursive: true });
  let backfillMs = 0;
  if (options.openMetrics || options.openMetricsFile) {
    const file = options.openMetricsFile ?? path.join(dataDir, 'backfill.om');
    if (!options.openMetricsFile)
      fs.writeFileSync(file, options.openMetrics ?? '');
    const started = Date.now();
    execFileSync(
      promtool,
      ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    backfillMs = Date.now() - started;
    if (!options.openMetricsFile) fs.rmSync(file);
  }
  const port = options.port ?? (await freePort());
  const configFile = path.join(dataDir, 'prometheus.yml');
  const targets = options.scrapeTargets ?? [];
  fs.writeFileSync(
    configFile,
    [
      'global:',
      `  scrape_interval: ${options.scrapeInterval ?? '5s'}`,
      ...(options.evaluationInterval
        ? [`  evaluation_interval: ${options.evaluationInterval}`]
        : []),
      // Prometheus appends one JSON object per query (`params.query`) to this file.
      ...(options.queryLogFile
        ? [`  query_log_file: '${path.resolve(options.queryLogFile)}'`]
        : []),
      ...(options.ruleFiles?.length
        ? [
            'rule_files:',
            ...options.ruleFiles.map(f => `  - '${path.resolve(f)}'`),
          ]
        : []),
      'scrape_configs:',
      ...(targets.length > 0
        ? [
            '  - job_name: mesh-simulator',
            '    honor_labels: true',
            '    static_configs:',
            `      - targets: [${targets.map(t => `'${t}'`).join(', ')}]`,
          ]
        : ['  []']),
      '',
    ]
      .join('\n')
      .replace('scrape_configs:\n  []', 'scrape_configs: []'),
  );
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    prometheus,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Blocks older than this before the newest one are deleted at start-up: history
      // backfilled further back (a baseline a week ago) needs a longer one.
      `--storage.tsdb.retention.time=${options.retentionTime ?? '2d'}`,
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', d => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  try {
    await waitReady(url, child, 20_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${/** @type {Error} */ (e).message}\n${stderr}`);
  }
  return {
    url,
    port,
    dataDir,
    backfillMs,
    stop: () =>
      new Promise(resolve => {
        const done = () => {
          if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

module.exports = { ensurePrometheus, startPrometheus, freePort, which };
