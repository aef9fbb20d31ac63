/**
 * Browser end-to-end: runs the README's demo command (`npm start`) as a user would,
 * opens the Mesh tab of the demo's entities in Debian's Chromium (playwright-core), and
 * reads the golden-signal numbers a real Prometheus produced. It also opens the demo's
 * Tech Insights tab and holds it to what the Tech Insights API answers.
 */
import {
  CHECKLIST,
  MeshReport,
  ScorecardPage,
  ScorecardRollupsResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { MESH_FACT_RETRIEVER_ID } from '@mesh-readiness/plugin-mesh-backend-module-tech-insights';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { parse } from 'yaml';
import { canConnect } from 'mesh-devtools/setup';
import { freePort } from 'mesh-devtools/prometheus';
import { wrappedMidWord } from './layout';
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

/** A call to a plugin's API on the demo backend, with the e2e's token. */
async function pluginApi(
  plugin: string,
  pathname: string,
  init: RequestInit = {},
) {
  return fetch(`${BACKEND}/api/${plugin}${pathname}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}

const api = (pathname: string, init: RequestInit = {}) =>
  pluginApi('mesh', pathname, init);

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

  /** Opens a page of the app as the guest user, signing in when asked. */
  async function open(
    url: string,
    viewport = { width: 1400, height: 1800 },
  ): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(url);
    // Guest sign-in, when the app shows the sign-in page.
    const enter = page.getByRole('button', { name: /enter/i });
    if (await enter.isVisible({ timeout: 5000 }).catch(() => false))
      await enter.click();
    return page;
  }

  const openMeshTab = (name: string) =>
    open(`${APP}/catalog/default/component/${name}/mesh`);

  /**
   * Milliseconds from navigation to `visible` showing, printed for the closing note
   * (a figure, not an assertion).
   */
  async function timeToContent(
    what: string,
    url: string,
    visible: (page: Page) => ReturnType<Page['getByText']>,
  ): Promise<Page> {
    const started = Date.now();
    const page = await open(url, { width: 1280, height: 800 });
    await visible(page).first().waitFor({ state: 'visible', timeout: 60_000 });
    // eslint-disable-next-line no-console
    console.log(
      `e2e: ${what} showed its content in ${Date.now() - started} ms`,
    );
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

  it('shows the workloads table at 1280×800 without a name or header broken mid-word', async () => {
    const page = await timeToContent(
      'the Mesh tab (checkout)',
      `${APP}/catalog/default/component/checkout/mesh`,
      p => p.getByRole('table', { name: 'Workloads' }),
    );
    await page.screenshot({
      path: path.join(ARTIFACTS, 'mesh-tab-checkout-1280.png'),
    });
    const table = 'table[aria-label="Workloads"]';
    await expect(
      wrappedMidWord(page, `${table} th, ${table} td`),
    ).resolves.toEqual([]);
    await page.close();
  });

  /** What the page's last copy button put on the clipboard. */
  async function clipboardText(page: Page): Promise<string> {
    return page.evaluate(() => navigator.clipboard.readText());
  }

  it('shows the whole Mesh tab: checklist, sparklines, a check to expand and copy, the debug panel', async () => {
    const report: MeshReport = await (
      await api('/v1/reports/component/default/checkout')
    ).json();
    const page = await timeToContent(
      'the full Mesh tab (checkout)',
      `${APP}/catalog/default/component/checkout/mesh`,
      p => p.getByRole('table', { name: 'Production checklist' }),
    );
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP });

    // the checklist's twelve lines, each with a verdict
    const checklist = page.getByRole('table', { name: 'Production checklist' });
    for (const line of CHECKLIST) {
      await expect(
        checklist.getByText(line.text, { exact: true }).isVisible(),
      ).resolves.toBe(true);
    }
    await expect(checklist.locator('tbody tr').count()).resolves.toBe(12);

    // sparklines from the day's history point (an svg), the p99 budget of 300 ms
    const rps = page.getByTestId('mesh-sparkline-rps');
    await rps.locator('svg').first().waitFor({ timeout: 60_000 });
    await expect(
      page.getByTestId('mesh-sparkline-p99').getAttribute('aria-label'),
    ).resolves.toMatch(/budget 300\.0 ms$/);

    // expand a passing check: its details (evidence) open
    const passing = report.checks.find(
      c => c.status === 'pass' && Object.keys(c.evidence).length > 0,
    );
    expect(passing).toBeDefined();
    const toggle = page.locator(
      `[aria-controls="mesh-check-details-${passing!.id}"]`,
    );
    await expect(toggle.getAttribute('aria-label')).resolves.toBe(
      `Show details of ${passing!.title}`,
    );
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    await page
      .locator(`[id="mesh-check-details-${passing!.id}"]`)
      .waitFor({ timeout: 10_000 });

    // copy a command from an open remediation: it is that check's own text
    const block = page
      .locator('[data-testid^="mesh-check-remediation-"]')
      .filter({ has: page.getByRole('button', { name: /^Copy: / }) })
      .first();
    const checkId = (await block.getAttribute('data-testid'))!.replace(
      'mesh-check-remediation-',
      '',
    );
    await block
      .getByRole('button', { name: /^Copy: / })
      .first()
      .click();
    const copied = await clipboardText(page);
    expect(copied.trim().length).toBeGreaterThan(0);
    expect(report.checks.find(c => c.id === checkId)?.remediation).toContain(
      copied,
    );
    await page.screenshot({
      path: path.join(ARTIFACTS, 'mesh-tab-checkout-full.png'),
      fullPage: true,
    });

    // the debug panel, filled for a pod of the first workload
    const workload = report.workloads[0];
    const pod = `${workload.name}-7d9f8b6c4-x2k9q`;
    const panel = page.getByTestId('mesh-debug');

    await panel.getByLabel('Pod name').fill(pod);

    await panel
      .getByRole('button', { name: 'Copy: Upstream endpoints' })
      .click();
    await expect(clipboardText(page)).resolves.toBe(
      `istioctl proxy-config endpoints ${pod} -n ${workload.namespace}`,
    );
    await panel.screenshot({
      path: path.join(ARTIFACTS, 'mesh-tab-debug-panel.png'),
    });

    // at 1280×800, headers, line texts, chips and check ids never break inside a word
    // (summaries are prose: they may break where prose breaks, e.g. after a hyphen)
    const whole = [
      'table[aria-label="Production checklist"] th',
      'table[aria-label="Production checklist"] td:first-child > p:first-child',
      'table[aria-label="Production checklist"] td:last-child',
      'table[aria-label="Readiness checks"] th',
      'table[aria-label="Readiness checks"] .MuiChip-root',
      '[data-testid="mesh-check-id"]',
    ].join(', ');
    await expect(wrappedMidWord(page, whole)).resolves.toEqual([]);
    // No uncaught error took over the page (the development server overlays them).
    await expect(
      page.locator('#webpack-dev-server-client-overlay').count(),
    ).resolves.toBe(0);
    await page.close();
  });

  it('shows the entity card on the overview with the level and the checks that need attention', async () => {
    const page = await timeToContent(
      'the overview card (recommendations)',
      `${APP}/catalog/default/component/recommendations`,
      p => p.getByLabel('Checks that need attention'),
    );
    await expect(
      page.getByLabel('Checks that need attention').first().innerText(),
    ).resolves.toMatch(/fail/i);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'entity-card-recommendations.png'),
    });
    await page.close();
  });

  /** What Tech Insights answers when it runs every check on a component now. */
  async function runTechInsightsChecks(
    name: string,
  ): Promise<{ check: { id: string }; result: boolean }[]> {
    const run = await pluginApi(
      'tech-insights',
      `/checks/run/default/component/${name}`,
      { method: 'POST', body: '{}' },
    );
    if (!run.ok) throw new Error(`checks/run answered ${run.status}`);
    return run.json();
  }

  it('shows the mesh checks on the Tech Insights tab, as Tech Insights runs them', async () => {
    const configured: Record<string, { name: string }> = parse(
      fs.readFileSync(path.join(REPO_ROOT, 'docs/tech-insights.yaml'), 'utf8'),
    ).techInsights.factChecker.checks;
    const ids = Object.keys(configured);
    expect(ids.length).toBeGreaterThan(0);
    // checkout passes every check; recommendations fails some (techInsights.test.ts).
    const names = ['checkout', 'recommendations'];

    // The retriever first runs a minute after start-up (its initial delay, which a
    // trigger cannot shorten), maybe before the mesh has reports, and then every 15
    // minutes: trigger it through the scheduler's own endpoint until every check has
    // facts to run on for both components.
    let lastTrigger = 0;
    const runs = await waitFor(
      'Tech Insights results of every mesh check',
      async () => {
        const answers = await Promise.all(names.map(runTechInsightsChecks));
        if (
          answers.every(body =>
            ids.every(id => body.some(r => r.check.id === id)),
          )
        )
          return answers;
        if (Date.now() - lastTrigger > 15_000) {
          lastTrigger = Date.now();
          // Its answer does not matter: a later poll sees the run's facts.
          await pluginApi(
            'tech-insights',
            `/.backstage/scheduler/v1/tasks/${MESH_FACT_RETRIEVER_ID}/trigger`,
            { method: 'POST' },
          );
        }
        return undefined;
      },
      180_000,
      demo,
    );
    expect(runs[1].some(r => !r.result)).toBe(true);

    for (const [i, name] of names.entries()) {
      const page = await timeToContent(
        `the Tech Insights tab (${name})`,
        `${APP}/catalog/default/component/${name}/tech-insights`,
        p => p.getByRole('table', { name: 'Tech Insights checks' }),
      );
      const table = page.getByRole('table', { name: 'Tech Insights checks' });
      await expect(table.locator('tbody tr').count()).resolves.toBe(
        runs[i].length,
      );
      for (const id of ids) {
        const expected = runs[i].find(r => r.check.id === id)!.result
          ? 'Passed'
          : 'Failed';
        const row = table.getByTestId(`tech-insights-check-${id}`);
        await expect(row.locator('td').first().innerText()).resolves.toBe(
          configured[id].name,
        );
        await expect(
          row.getByTestId(`tech-insights-result-${id}`).innerText(),
        ).resolves.toBe(expected);
      }
      await page.screenshot({
        path: path.join(ARTIFACTS, `tech-insights-${name}.png`),
        fullPage: true,
      });
      await expect(
        page.locator('#webpack-dev-server-client-overlay').count(),
      ).resolves.toBe(0);
      await page.close();
    }
  });

  it('shows the fleet scorecard, filters it from the URL, and keeps names whole', async () => {
    const page = await timeToContent('the fleet scorecard', `${APP}/mesh`, p =>
      p.getByRole('table', { name: 'Fleet scorecard' }),
    );
    const fleet = page.getByRole('table', { name: 'Fleet scorecard' });
    await expect(fleet.getByText('checkout').first().isVisible()).resolves.toBe(
      true,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'scorecard.png') });
    await expect(
      wrappedMidWord(
        page,
        'table[aria-label="Fleet scorecard"] th, table[aria-label="Fleet scorecard"] td',
      ),
    ).resolves.toEqual([]);

    // A shared link: only the production-ready services.
    await page.goto(`${APP}/mesh?level=production-ready`);
    const filtered = page.getByRole('table', { name: 'Fleet scorecard' });
    await filtered.getByText('checkout').first().waitFor({ timeout: 60_000 });
    await expect(filtered.getByText('recommendations').count()).resolves.toBe(
      0,
    );
    await page.screenshot({
      path: path.join(ARTIFACTS, 'scorecard-production-ready.png'),
    });
    await page.close();
  });

  it('fills the how-to page with the entity and copies a command', async () => {
    const page = await timeToContent(
      'the how-to page (checkout)',
      `${APP}/mesh/docs?entity=component:default/checkout`,
      p => p.getByText('kubectl label namespace shop'),
    );
    const copy = page.getByRole('button', { name: /^Copy: / }).first();
    await expect(copy.isVisible()).resolves.toBe(true);
    await copy.click();
    await page.screenshot({
      path: path.join(ARTIFACTS, 'docs-checkout.png'),
      fullPage: true,
    });
    await page.close();
  });

  it("aggregates the shop's components on the System's Mesh tab", async () => {
    const systemRef = 'system:default/shop';
    const rows: ScorecardPage = await (
      await api(
        `/v1/scorecard?system=${encodeURIComponent(systemRef)}&limit=100`,
      )
    ).json();
    const { rollups }: ScorecardRollupsResponse = await (
      await api(
        `/v1/scorecard/rollups?by=system&system=${encodeURIComponent(
          systemRef,
        )}`,
      )
    ).json();
    const rollup = rollups.find(r => r.key === systemRef);
    expect(rollup).toBeDefined();
    expect(rows.total).toBeGreaterThanOrEqual(2);

    const page = await timeToContent(
      'the System Mesh tab (shop)',
      `${APP}/catalog/default/system/shop/mesh`,
      p => p.getByRole('table', { name: 'Components of the system' }),
    );
    const table = page.getByRole('table', { name: 'Components of the system' });
    await expect(table.getByTestId('mesh-system-row').count()).resolves.toBe(
      rows.rows.length,
    );
    await expect(readText(page, 'mesh-system-average')).resolves.toBe(
      rollup!.averageScore.toFixed(1),
    );
    await expect(readText(page, 'mesh-system-meshed')).resolves.toBe(
      `${rollup!.rollout.meshedWorkloads} / ${rollup!.rollout.workloads}`,
    );
    // Each component links to its own Mesh tab.
    await expect(
      table
        .getByRole('link', { name: 'checkout', exact: true })
        .getAttribute('href'),
    ).resolves.toBe('/catalog/default/component/checkout/mesh');
    // The recommendations service fails checks: its worst ones are listed.
    await expect(
      page
        .getByLabel(
          'Checks that need attention on component:default/recommendations',
        )
        .innerText(),
    ).resolves.toMatch(/fail/i);
    // The trend card answered: a chart, or the sentence of a history not begun.
    await page
      .locator('[data-testid="mesh-trend"], [data-testid="mesh-trend-empty"]')
      .first()
      .waitFor({ timeout: 60_000 });
    await page.screenshot({
      path: path.join(ARTIFACTS, 'system-mesh-tab.png'),
      fullPage: true,
    });
    // Names, refs, headers, scores, levels and status chips stay whole at 1280×800
    // (check titles are prose: they may break where prose breaks).
    const t = 'table[aria-label="Components of the system"]';
    await expect(
      wrappedMidWord(
        page,
        [
          `${t} th`,
          `${t} td:first-child`,
          `${t} td:nth-child(2)`,
          `${t} td:nth-child(3)`,
          `${t} .MuiChip-root`,
          '[data-testid^="mesh-system-level-"]',
        ].join(', '),
      ),
    ).resolves.toEqual([]);
    await expect(
      page.locator('#webpack-dev-server-client-overlay').count(),
    ).resolves.toBe(0);
    await page.close();
  });

  it("shows the team's services on the Group page and links to its scorecard", async () => {
    const owner = 'group:default/team-shop';
    const rows: ScorecardPage = await (
      await api(`/v1/scorecard?owner=${encodeURIComponent(owner)}&limit=100`)
    ).json();
    expect(rows.total).toBeGreaterThanOrEqual(2);

    const page = await timeToContent(
      'the Group card (team-shop)',
      `${APP}/catalog/default/group/team-shop`,
      p => p.getByTestId('mesh-group-summary'),
    );
    const card = page.getByTestId('mesh-group-card');
    await expect(readText(page, 'mesh-group-summary')).resolves.toMatch(
      new RegExp(`^${rows.total} services · average score`),
    );
    const services = card.getByTestId('mesh-group-service');
    await expect(services.count()).resolves.toBe(Math.min(rows.total, 8));
    // The not production-ready ones come first, with their worst checks.
    await expect(services.first().innerText()).resolves.not.toMatch(
      /production-ready/,
    );
    await expect(
      card.getByText('payments', { exact: true }).count(),
    ).resolves.toBe(0);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'group-mesh-card.png'),
      fullPage: true,
    });
    await expect(
      wrappedMidWord(
        page,
        [
          '[data-testid="mesh-group-service"] a',
          '[data-testid="mesh-group-service"] .MuiChip-root',
          '[data-testid^="mesh-group-level-"]',
        ].join(', '),
      ),
    ).resolves.toEqual([]);

    // The deep link opens the fleet scorecard filtered by the team.
    await page.getByRole('link', { name: /Open the team's scorecard/ }).click();
    await page.waitForURL(/\/mesh\?owner=group%3Adefault%2Fteam-shop$/);
    const fleet = page.getByRole('table', { name: 'Fleet scorecard' });
    await fleet.getByText('checkout').first().waitFor({ timeout: 60_000 });
    await expect(fleet.getByTestId('mesh-scorecard-row').count()).resolves.toBe(
      Math.min(rows.total, 50),
    );
    await page.close();
  });
});
