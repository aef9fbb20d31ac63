#!/usr/bin/env node
/**
 * `npm test`: every suite, on a fresh clone.
 *   - installs npm packages, and Debian's prometheus and chromium when missing (as root);
 *   - starts the local PostgreSQL when it is down (the store tests need it);
 *   - runs all jest projects (unit, real-Prometheus, PostgreSQL, component, browser e2e);
 *   - fails a run where no test ran, or where a test was skipped without a reason in
 *     test/skipped-tests.json (unless arguments filter the run);
 *   - ends with one plain line: `N passed, N failed, N skipped`.
 * Extra arguments go to jest, e.g. `npm test -- plugins/mesh-backend`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import setup from './lib/setup.js';
import verdictLib from './lib/verdict.js';

const { judgeRun } = verdictLib;
const {
  ROOT,
  ensureNpmDependencies,
  ensureDebianPackages,
  ensurePostgres,
  log,
} = setup;

function fail(message) {
  log(message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

async function main() {
  const started = Date.now();
  ensureNpmDependencies();
  const missing = ensureDebianPackages([
    { pkg: 'prometheus', binary: 'prometheus' },
    { pkg: 'chromium', binary: 'chromium' },
  ]);
  if (missing.length > 0) {
    fail(
      `The tests need Debian packages ${missing.join(
        ', ',
      )}, which are missing and cannot be installed here (apt-get needs root). Install them with: sudo apt-get install -y ${missing.join(
        ' ',
      )}`,
    );
  }
  if (!(await ensurePostgres())) {
    fail(
      'The store tests need PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); it is not running and could not be started.',
    );
  }

  const artifacts = path.join(ROOT, 'test/artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const results = path.join(artifacts, 'jest-results.json');
  fs.rmSync(results, { force: true });
  const jest = spawnSync(
    'npx',
    [
      'backstage-cli',
      'repo',
      'test',
      '--watchAll=false',
      '--json',
      `--outputFile=${results}`,
      ...process.argv.slice(2),
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: 'true' } },
  );
  if (!fs.existsSync(results))
    fail(`jest produced no results (exit code ${jest.status})`);
  const summary = JSON.parse(fs.readFileSync(results, 'utf8'));
  const verdict = judgeRun(summary, {
    root: ROOT,
    filtered: process.argv.length > 2,
    allowed: readAllowList(),
  });
  for (const problem of verdict.problems) log(problem);
  log(
    `${summary.numTotalTestSuites} suites, ${summary.numTotalTests} tests, ${
      verdict.skipped
    } skipped, in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  console.log(verdict.line);
  process.exit(verdict.failed > 0 || jest.status !== 0 ? 1 : 0);
}

/** Full test names that may be skipped, each with the reason. */
function readAllowList() {
  const file = path.join(ROOT, 'test/skipped-tests.json');
  if (!fs.existsSync(file)) return {};
  const list = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [name, why] of Object.entries(list)) {
    if (typeof why !== 'string' || why.trim().length < 10)
      fail(`test/skipped-tests.json: give a reason for skipping '${name}'`);
  }
  return list;
}

main().catch(e => fail(e.stack ?? String(e)));
