/**
 * Browser end-to-end: runs the README's demo command (`npm start`) as a user would,
 * opens the Mesh tab of the demo's entities in Debian's Chromium (playwright-core), and
 * reads the golden-signal numbers a real Prometheus produced.
 */
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { canConnect } from 'mesh-devtools/setup';
import { freePort } from 'mesh-devtools/prometheus';
import { REPO_ROOT } from './scenario';

const APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const TOKEN = 'e2e-static-token-0123456789';
const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');
const STARTUP_MS = 8 * 60_000;

jest.setTimeout(STARTUP_MS + 120_000);

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  demo: ChildProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (demo.exitCode !== null)
      throw new Error(
        `the demo exited with code ${demo.exitCode} while waiting for ${what}`,
      );
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function api(pathname: string, init: RequestInit = {}) {
  return fetch(`${BACKEND}/api/mesh${pathname}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}

/** The text of a test id, once it holds something other than a placeholder. */
async function readText(page: Page, testId: string): Promise<string> {
  const locator = page.getByTestId(testId).first();
  await locator.waitFor({ state: 'visible', timeout: 60_000 });
  return (await locator.innerText()).trim();
}

function number(text: string): number {
  const match = /-?\d+(\.\d+)?/.exec(text.replace(/,/g, ''));
  if (!match) throw new Error(`no number in '${text}'`);
  return Number(match[0]);
}

describe('demo in a real browser', () => {
  let demo: ChildProcess;
  let browser: Browser;
  let demoLog = '';

  beforeAll(async () => {
    for (const [host, port] of [
      ['localhost', 3000],
      ['localhost', 7007],
    ] as const) {
      if (await canConnect(host, port)) {
        throw new Error(
          `port ${port} is in use (a demo already running?); the e2e test starts its own demo there`,
        );
      }
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    demo = spawn('node', ['scripts/demo.mjs'], {
      cwd: REPO_ROOT,
      detached: true,
      env: {
        ...process.env,
        // jest sets NODE_ENV=test, which the app's bundler and the guest provider reject.
        NODE_ENV: 'development',
        CI: 'true',
        MESH_DEMO_PROMETHEUS_PORT: String(await freePort()),
        APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
          { type: 'static', options: { token: TOKEN, subject: 'e2e-test' } },
        ]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => {
      demoLog = (demoLog + d.toString()).slice(-20000);
    };
    demo.stdout?.on('data', keep);
    demo.stderr?.on('data', keep);

    try {
      await waitFor(
        'the backend',
        async () =>
          (await fetch(`${BACKEND}/api/mesh/health`)).ok ? true : undefined,
        STARTUP_MS,
        demo,
      );
      // Collect now rather than wait for the schedule; the catalog may still be ingesting.
      await waitFor(
        'a report for checkout',
        async () => {
          const refreshed = await api('/v1/refresh', {
            method: 'POST',
            body: JSON.stringify({ entityRef: 'component:default/checkout' }),
          });
          return refreshed.ok ? true : undefined;
        },
        120_000,
        demo,
      );
      await waitFor(
        'the app',
        async () => ((await fetch(APP)).ok ? true : undefined),
        STARTUP_MS,
        demo,
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n--- demo output ---\n${demoLog}`,
      );
    }
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
  }, STARTUP_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    if (demo?.pid && demo.exitCode === null) {
      const exited = new Promise(resolve => demo.once('exit', resolve));
      process.kill(-demo.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        exited,
        new Promise(r => (timer = setTimeout(r, 15_000))),
      ]);
      clearTimeout(timer);
      if (demo.exitCode === null) process.kill(-demo.pid, 'SIGKILL');
    }
    // Grandchildren (the bundler, the backend) may hold the pipes open a little longer.
    demo?.stdout?.destroy();
    demo?.stderr?.destroy();
    // Stopping the demo must stop everything it started.
    for (const port of [3000, 7007]) {
      if (await canConnect('localhost', port)) {
        throw new Error(
          `the demo left a process listening on port ${port} after it stopped`,
        );
      }
    }
  });

  async function openMeshTab(name: string): Promise<Page> {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1800 },
    });
    await page.goto(`${APP}/catalog/default/component/${name}/mesh`);
    // Guest sign-in, when the app shows the sign-in page.
    const enter = page.getByRole('button', { name: /enter/i });
    if (await enter.isVisible({ timeout: 5000 }).catch(() => false))
      await enter.click();
    return page;
  }

  it('shows the golden signals from Prometheus on the Mesh tab', async () => {
    const report: MeshReport = await (
      await api('/v1/reports/component/default/checkout')
    ).json();
    expect(report.health.status).toBe('healthy');

    const page = await openMeshTab('checkout');
    const rps = number(await readText(page, 'mesh-rps'));
    const success = number(await readText(page, 'mesh-success-rate'));
    const p50 = number(await readText(page, 'mesh-p50'));
    const p95 = number(await readText(page, 'mesh-p95'));
    const p99 = number(await readText(page, 'mesh-p99'));
    await page.screenshot({
      path: path.join(ARTIFACTS, 'mesh-tab-checkout.png'),
      fullPage: true,
    });

    // The demo sends ~24 req/s at 98.5% success, median ~18 ms, p99 ~120 ms.
    expect(rps).toBeGreaterThan(15);
    expect(rps).toBeLessThan(30);
    expect(success).toBeGreaterThan(98);
    expect(success).toBeLessThanOrEqual(100);
    expect(p50).toBeGreaterThan(5);
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThan(500);
    expect(
      (await readText(page, 'mesh-health-status')).toLowerCase(),
    ).toContain('healthy');
    await expect(
      page.getByTestId('mesh-check-mesh.enrollment').innerText(),
    ).resolves.toMatch(/pass/i);
    await page.close();
  });

  it('shows a failing, partially injected service with its remediation', async () => {
    await api('/v1/refresh', {
      method: 'POST',
      body: JSON.stringify({ entityRef: 'component:default/recommendations' }),
    });
    const page = await openMeshTab('recommendations');
    expect(
      (await readText(page, 'mesh-health-status')).toLowerCase(),
    ).toContain('failing');
    const enrollment = page.getByTestId('mesh-check-mesh.enrollment');
    await expect(enrollment.innerText()).resolves.toMatch(/warn/i);
    await expect(
      page
        .getByText(
          /kubectl rollout restart deployment\/recommendations -n shop/,
        )
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'mesh-tab-recommendations.png'),
      fullPage: true,
    });
    await page.close();
  });
});
