/**
 * Browser end-to-end on the scorecard benchmark's fleet: the fleet scorecard page of the
 * built app, in Debian's Chromium (playwright-core), against a real backend holding the
 * 5,000 reports the benchmark stores. It prints the time from navigation to the first
 * page of rows (a figure, not an assertion).
 *
 * The cheapest honest setup found: the app is built once (`backstage-cli package build`,
 * the production bundle) and served with its configuration injected at request time, as
 * the app backend serves it; `/api` goes to a real Backstage backend running the mesh
 * plugin (router, services, stores on SQLite) whose database was seeded with the
 * benchmark's reports by the plugin's own ReportStore. Two things differ from the demo,
 * and neither is what is measured: the catalog is the test catalog service (it holds the
 * 5,000 entities, so the scorecard's visibility check runs as usual), and reads are open
 * (`mesh.requireAuth: false`) because this backend has no auth plugin: the app signs in
 * with Backstage's legacy guest identity. Ports are free ones, never the demo's 3000/7007.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { Browser, chromium, Page } from 'playwright-core';
import { freePort } from 'mesh-devtools/prometheus';
import { seedScorecardFleet } from 'mesh-devtools/scorecardFleet';
import { startMeshBackend, TestBackend } from './backend';
import { layoutProblems } from './layout';
import { REPO_ROOT } from './scenario';

const FLEET = 5000;
const APP_DIR = path.join(REPO_ROOT, 'packages/app');
const DIST = path.join(APP_DIR, 'dist');
const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');
const BUILD_MS = 6 * 60_000;

jest.setTimeout(BUILD_MS + 3 * 60_000);

// eslint-disable-next-line no-console
const print = (line: string) => console.log(`e2e fleet: ${line}`);

/** `backstage-cli package build` of the demo app: the production bundle in packages/app/dist. */
function buildApp(): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child: ChildProcess = spawn(
      'npx',
      ['backstage-cli', 'package', 'build'],
      {
        cwd: APP_DIR,
        // jest sets NODE_ENV=test, which the app's bundler rejects.
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-10000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_MS);
    child.on('error', reject);
    child.on('exit', code => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`the app build exited with ${code}:\n${output}`));
    });
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain',
};

/**
 * Serves the built app at one origin and sends `/api` to the backend, so the browser
 * talks to one origin as it does behind the app backend. The page gets its base URLs the
 * way the app backend injects runtime configuration: a `backstage.io/config` script.
 */
async function serveApp(backendPort: number) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = [
    {
      context: 'e2e-fleet',
      data: { app: { baseUrl: origin }, backend: { baseUrl: origin } },
    },
  ];
  const indexHtml = fs
    .readFileSync(path.join(DIST, 'index.html'), 'utf8')
    .replace(
      '</head>',
      `<script type="backstage.io/config">${JSON.stringify(
        config,
      )}</script></head>`,
    );
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/api/')) {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: backendPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', e => {
        res.writeHead(502);
        res.end(String(e));
      });
      req.pipe(upstream);
      return;
    }
    const file = path.join(DIST, decodeURIComponent(url.pathname));
    if (
      file.startsWith(`${DIST}${path.sep}`) &&
      fs.existsSync(file) &&
      fs.statSync(file).isFile() &&
      path.basename(file) !== 'index.html'
    ) {
      res.writeHead(200, {
        'content-type':
          CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      });
      fs.createReadStream(file).pipe(res);
      return;
    }
    // Every other path is a route of the single-page app.
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.html'] });
    res.end(indexHtml);
  });
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return {
    origin,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

describe(`the fleet scorecard page on ${FLEET} stored reports`, () => {
  let knex: Knex;
  let backend: TestBackend;
  let app: { origin: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const timed = async <T>(what: string, run: () => Promise<T>) => {
      const started = Date.now();
      const value = await run();
      print(`${what} in ${Date.now() - started} ms`);
      return value;
    };
    // The build is the long part; the seeding runs beside it.
    const [, fleet] = await Promise.all([
      timed('built the app', buildApp),
      timed(`stored ${FLEET} reports`, () =>
        seedScorecardFleet(knex, {
          n: FLEET,
          historyDay: new Date().toISOString().slice(0, 10),
        }),
      ),
    ]);
    backend = await startMeshBackend({
      entities: fleet.entities,
      knex,
      mesh: { requireAuth: false, collector: { enabled: false } },
    });
    app = await serveApp(backend.server.port());
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, BUILD_MS + 2 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await backend?.stop();
    await knex?.destroy();
  });

  /** A 1280×800 page that signs in as the legacy guest (this backend has no auth plugin). */
  async function newPage(): Promise<Page> {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
    });
    // What a guest who entered before and accepted the legacy guest token leaves behind.
    await page.addInitScript(() => {
      window.localStorage.setItem(
        '@backstage/core:SignInPage:provider',
        'guest',
      );
      window.localStorage.setItem('enableLegacyGuestToken', 'true');
    });
    return page;
  }

  /** Milliseconds from navigation to the first row of the table showing. */
  async function timeToRows(page: Page, url: string): Promise<number> {
    const started = Date.now();
    await page.goto(url);
    await page
      .getByTestId('mesh-scorecard-row')
      .first()
      .waitFor({ state: 'visible', timeout: 120_000 });
    return Date.now() - started;
  }

  it('shows the first page of rows, counted out of the whole fleet, and prints how long it took', async () => {
    const page = await newPage();
    const cold = await timeToRows(page, `${app.origin}/mesh`);
    print(
      `the scorecard page showed its first page of rows in ${cold} ms (first visit: bundle, sign-in, catalog visibility of ${FLEET} refs)`,
    );
    const table = page.getByRole('table', { name: 'Fleet scorecard' });
    await expect(table.getByTestId('mesh-scorecard-row').count()).resolves.toBe(
      50,
    );
    await expect(
      page.getByText(`1-50 of ${FLEET}`).first().isVisible(),
    ).resolves.toBe(true);
    await expect(
      page.getByText(`${FLEET} entities`).first().isVisible(),
    ).resolves.toBe(true);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'scorecard-fleet-5000.png'),
    });

    const sorted = await timeToRows(
      page,
      `${app.origin}/mesh?sort=score&order=desc&level=not-ready`,
    );
    print(
      `the scorecard page, filtered and sorted by score, showed its rows in ${sorted} ms (a second visit)`,
    );
    await expect(
      page
        .getByText(/^1-50 of \d+$/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await page.close();
  });

  it('keeps the summary cards whole at 1280×800 (nothing clipped, no word broken) and draws the trend', async () => {
    const page = await newPage();
    await timeToRows(page, `${app.origin}/mesh`);
    // Today's history point: the trend chart, laid out by the browser, with its name.
    const trend = page.getByRole('application', {
      name: /^Readiness of the whole fleet, last 30 days/,
    });
    await trend.waitFor({ state: 'visible', timeout: 60_000 });
    expect((await trend.boundingBox())?.width).toBeGreaterThan(300);
    await expect(
      page
        .getByText(/^One day so far: on .* entities were production-ready\.$/)
        .isVisible(),
    ).resolves.toBe(true);
    const summary = page.getByTestId('mesh-scorecard-summary');
    await summary.waitFor({ state: 'visible' });
    await summary.screenshot({
      path: path.join(ARTIFACTS, 'scorecard-fleet-summary.png'),
    });
    await expect(
      layoutProblems(page, '[data-testid="mesh-scorecard-summary"]', {
        overflow: true,
      }),
    ).resolves.toEqual([]);
    // The page scrolls inside its own container, so the trend is shot on its own.
    await page
      .getByTestId('mesh-trend-card')
      .screenshot({ path: path.join(ARTIFACTS, 'scorecard-fleet-trend.png') });
    await page.close();
  });
});
