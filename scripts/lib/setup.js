// @ts-check
/**
 * What the demo and the tests need on a fresh machine, installed when missing:
 * npm packages, Debian packages (prometheus, chromium), a running PostgreSQL.
 * Plain CommonJS with no dependencies, so it runs before `npm ci`.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const log = line => process.stderr.write(`[setup] ${line}\n`);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: ROOT,
    ...options,
  });
  return result.status === 0;
}

function which(binary) {
  for (const dir of (process.env.PATH ?? '')
    .split(path.delimiter)
    .concat(['/usr/bin', '/usr/sbin'])) {
    if (dir && fs.existsSync(path.join(dir, binary)))
      return path.join(dir, binary);
  }
  return undefined;
}

/** Installs the npm workspace from package-lock.json when node_modules is missing or older. */
function ensureNpmDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (
    fs.existsSync(marker) &&
    fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs
  )
    return;
  log('Installing npm packages (npm ci)…');
  const env = { ...process.env };
  // better-sqlite3 compiles against Node's headers; Debian ships them in /usr/include/node.
  if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/node.h'))
    env.npm_config_nodedir = '/usr';
  if (!run('npm', ['ci', '--no-audit', '--no-fund'], { env })) {
    throw new Error('npm ci failed; see the output above');
  }
}

/**
 * Installs Debian packages that are missing, when we are root with apt-get.
 * Returns the names still missing (so the caller can explain or degrade).
 * @param {{ pkg: string, binary: string }[]} wanted
 */
function ensureDebianPackages(wanted) {
  const missing = wanted.filter(w => !which(w.binary));
  if (missing.length === 0) return [];
  const canApt = process.getuid?.() === 0 && which('apt-get');
  if (!canApt) return missing.map(m => m.pkg);
  const pkgs = missing.map(m => m.pkg);
  log(`Installing Debian packages: ${pkgs.join(' ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get', ['install', '-y', '-qq', ...pkgs], { env })) {
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', ...pkgs], { env });
  }
  return missing.filter(m => !which(m.binary)).map(m => m.pkg);
}

function canConnect(host, port, timeoutMs = 1000) {
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    const done = ok => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Starts the local PostgreSQL cluster when nothing listens on 127.0.0.1:5432. */
async function ensurePostgres() {
  if (await canConnect('127.0.0.1', 5432)) return true;
  if (fs.existsSync('/etc/postgresql') && which('pg_ctlcluster')) {
    for (const version of fs.readdirSync('/etc/postgresql')) {
      log(`Starting PostgreSQL ${version} (pg_ctlcluster)…`);
      run('pg_ctlcluster', [
        '--skip-systemctl-redirect',
        version,
        'main',
        'start',
      ]);
    }
  }
  for (let i = 0; i < 20; i++) {
    if (await canConnect('127.0.0.1', 5432)) return true;
    await new Promise(r => setTimeout(r, 500));
  }
  return false;
}

module.exports = {
  ROOT,
  ensureNpmDependencies,
  ensureDebianPackages,
  ensurePostgres,
  canConnect,
  which,
  log,
};
