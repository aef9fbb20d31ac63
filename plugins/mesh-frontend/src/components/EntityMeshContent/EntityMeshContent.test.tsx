import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import {
  MESH_ERROR_CODES,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import {
  ENROLLMENT_REMEDIATION,
  MTLS_REMEDIATION,
  makeReport,
  makeUnmappedReport,
} from '../../__fixtures__/reports';
import {
  BASE,
  REPORT_URL,
  defaultHandlers,
  errorBody,
  renderTab,
} from './__testUtils__/meshTab';

const server = setupServer(...defaultHandlers);
registerMswTestHooks(server);

const noReportYet = () =>
  errorBody(
    404,
    'NotFoundError',
    'No mesh report has been collected for component:default/x yet',
    MESH_ERROR_CODES.noReportYet,
  );

const renderContent = () => renderTab();

function serveReport(report: MeshReport) {
  server.use(http.get(REPORT_URL, () => HttpResponse.json(report)));
}

describe('EntityMeshContent', () => {
  it('shows the summary, golden signals, checks, workloads and sources', async () => {
    const report = makeReport();
    serveReport(report);
    await renderContent();

    expect(await screen.findByTestId('mesh-provider')).toHaveTextContent(
      'Istio',
    );
    expect(screen.getByTestId('mesh-data-plane')).toHaveTextContent('sidecar');
    expect(screen.getByTestId('mesh-data-plane-badge')).toHaveTextContent(
      'Istio sidecar',
    );
    expect(screen.getByTestId('mesh-meshed-pods')).toHaveTextContent(
      '3 / 4 pods meshed',
    );
    expect(screen.getByTestId('mesh-readiness-score')).toHaveTextContent('38');
    expect(screen.getByTestId('mesh-readiness-gauge')).toHaveTextContent('38');
    expect(screen.getByTestId('mesh-readiness-level')).toHaveTextContent(
      'not-ready',
    );
    const generatedAt = screen.getByTestId('mesh-generated-at');
    expect(generatedAt).toHaveTextContent('2 minutes ago');
    expect(generatedAt).toHaveAttribute('title', report.generatedAt);

    // golden signals, as the browser e2e test reads them
    expect(screen.getByTestId('mesh-health-status')).toHaveTextContent(
      'healthy',
    );
    expect(screen.getByTestId('mesh-rps')).toHaveTextContent('12.3 req/s');
    expect(screen.getByTestId('mesh-success-rate')).toHaveTextContent('99.20%');
    expect(screen.getByTestId('mesh-p50')).toHaveTextContent('45.1 ms');
    expect(screen.getByTestId('mesh-p95')).toHaveTextContent('120.0 ms');
    expect(screen.getByTestId('mesh-p99')).toHaveTextContent('—');

    // one row per check, chip text = status
    for (const check of report.checks) {
      const row = screen.getByTestId(`mesh-check-${check.id}`);
      expect(within(row).getByText(check.status)).toBeInTheDocument();
      expect(within(row).getByText(check.title)).toBeInTheDocument();
      expect(within(row).getByText(check.summary)).toBeInTheDocument();
    }
    // by the checklist's sections in the reference document's order, failing first
    // within a section
    const sections = screen.getAllByTestId(/^mesh-section-/);
    expect(sections.map(s => s.dataset.testid)).toEqual([
      'mesh-section-rollout',
      'mesh-section-sizing',
      'mesh-section-security',
      'mesh-section-observability',
    ]);
    expect(
      within(screen.getByTestId('mesh-section-security'))
        .getAllByTestId(/^mesh-check-/)
        .filter(el => el.tagName === 'TR')
        .map(r => r.dataset.testid),
    ).toEqual([
      'mesh-check-security.mtls',
      'mesh-check-control-plane.certificates',
    ]);
    expect(
      within(screen.getByTestId('mesh-section-security')).getByText(
        /1 fail, 1 not-applicable/,
      ),
    ).toBeInTheDocument();

    // the failing check's remediation is open: its sentence, then its command block
    const mtls = screen.getByTestId('mesh-check-remediation-security.mtls');
    expect(
      within(mtls).getByText('Enforce strict mTLS for the namespace:'),
    ).toBeInTheDocument();
    const command = within(mtls).getByRole('group', {
      name: 'mTLS on and traffic encrypted',
    });
    expect(command.tagName).toBe('PRE');
    expect(command.textContent).toBe(
      MTLS_REMEDIATION.slice(MTLS_REMEDIATION.indexOf('kubectl apply')),
    );
    // a passing check's details open on demand, by keyboard too
    expect(
      screen.queryByTestId('mesh-check-remediation-mesh.enrollment'),
    ).not.toBeInTheDocument();
    const toggle = within(
      screen.getByTestId('mesh-check-mesh.enrollment'),
    ).getByRole('button', {
      name: 'Show details of Workload enrolled in the mesh',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    act(() => toggle.focus());
    await userEvent.keyboard('{Enter}');
    expect(
      await screen.findByTestId('mesh-check-remediation-mesh.enrollment'),
    ).toHaveTextContent('kubectl label namespace shop istio-injection=enabled');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');

    // workloads
    const cache = screen.getByTestId('mesh-workload-prod-eu-shop-x-cache');
    expect(within(cache).getByText('StatefulSet')).toBeInTheDocument();
    expect(within(cache).getByText('—')).toBeInTheDocument();
    const deploy = screen.getByTestId('mesh-workload-prod-eu-shop-x');
    expect(within(deploy).getByText('1.22.3')).toBeInTheDocument();

    // sources
    expect(
      within(screen.getByTestId('mesh-source-prod-eu-prometheus')).getByText(
        /ECONNREFUSED 127\.0\.0\.1:9090/,
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('mesh-source-prod-eu-kubernetes')).getByText(
        /^ok/,
      ),
    ).toBeInTheDocument();

    expect(screen.queryByText(/This report is stale/)).not.toBeInTheDocument();
  });

  it('warns when the report is stale and still shows it', async () => {
    const lastGoodAt = new Date(Date.now() - 3 * 3600 * 1000).toISOString();
    serveReport(
      makeReport({
        stale: true,
        staleReason: 'prometheus in cluster prod-eu: connect ECONNREFUSED',
        lastGoodAt,
      }),
    );
    await renderContent();

    expect(
      await screen.findByText('Warning: This report is stale'),
    ).toBeVisible();
    const stale = screen.getByTestId('mesh-stale');
    expect(stale).toHaveTextContent(
      'prometheus in cluster prod-eu: connect ECONNREFUSED',
    );
    expect(stale).toHaveTextContent(lastGoodAt);
    expect(stale).toHaveTextContent('3 hours ago');
    expect(screen.getByTestId('mesh-rps')).toHaveTextContent('12.3 req/s');
    expect(screen.getByTestId('mesh-check-security.mtls')).toBeInTheDocument();
  });

  it('shows a server error with a Retry button that reloads', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        return calls === 1
          ? errorBody(500, 'Error', 'database is locked')
          : HttpResponse.json(makeReport());
      }),
    );
    await renderContent();

    expect(
      await screen.findByText(/Request failed with 500/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is locked/)[0]).toBeVisible();
    expect(screen.queryByTestId('mesh-rps')).not.toBeInTheDocument();
    expect(screen.queryByText('No mesh report yet')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('mesh-rps')).toHaveTextContent(
      '12.3 req/s',
    );
    expect(calls).toBe(2);
  });

  it('treats a 404 for an unknown entity as an error, not as "no report yet"', async () => {
    server.use(
      http.get(REPORT_URL, () =>
        errorBody(404, 'NotFoundError', 'Entity component:default/x not found'),
      ),
    );
    await renderContent();

    expect(
      await screen.findByText(/Request failed with 404/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Entity component:default\/x not found/)[0],
    ).toBeVisible();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.queryByText('No mesh report yet')).not.toBeInTheDocument();
  });

  it('offers to collect a report when there is none, then shows it', async () => {
    let collected = false;
    let refreshBody: unknown;
    server.use(
      http.get(REPORT_URL, () =>
        collected ? HttpResponse.json(makeReport()) : noReportYet(),
      ),
      http.post(`${BASE}/v1/refresh`, async ({ request }) => {
        refreshBody = await request.json();
        collected = true;
        return HttpResponse.json({ clusters: [{ name: 'prod-eu', ok: true }] });
      }),
    );
    await renderContent();

    expect(await screen.findByText('No mesh report yet')).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-rps')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Collect now' }));

    expect(await screen.findByTestId('mesh-rps')).toHaveTextContent(
      '12.3 req/s',
    );
    expect(refreshBody).toEqual({ entityRef: 'component:default/x' });
    expect(screen.queryByText('No mesh report yet')).not.toBeInTheDocument();
  });

  it('explains how to map an unmapped entity', async () => {
    serveReport(makeUnmappedReport());
    await renderContent();

    const panel = await screen.findByTestId('mesh-unmapped');
    expect(panel).toHaveTextContent('backstage.io/kubernetes-id');
    expect(
      within(panel).getByTestId('mesh-check-remediation-mesh.enrollment')
        .textContent,
    ).toBe(ENROLLMENT_REMEDIATION);
    expect(screen.getByTestId('mesh-provider')).toHaveTextContent('none');
    expect(screen.queryByTestId('mesh-rps')).not.toBeInTheDocument();
  });

  it('refreshes from the header button and shows the new figures', async () => {
    let rps = 12.345;
    let refreshes = 0;
    server.use(
      http.get(REPORT_URL, () =>
        HttpResponse.json(
          makeReport({
            health: {
              ...makeReport().health,
              requestsPerSecond: rps,
            },
          }),
        ),
      ),
      http.post(`${BASE}/v1/refresh`, () => {
        refreshes += 1;
        rps = 250;
        return HttpResponse.json({ clusters: [{ name: 'prod-eu', ok: true }] });
      }),
    );
    await renderContent();

    expect(await screen.findByTestId('mesh-rps')).toHaveTextContent(
      '12.3 req/s',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() =>
      expect(screen.getByTestId('mesh-rps')).toHaveTextContent('250.0 req/s'),
    );
    expect(refreshes).toBe(1);
  });

  it('reports clusters whose collection failed', async () => {
    serveReport(makeReport());
    server.use(
      http.post(`${BASE}/v1/refresh`, () =>
        HttpResponse.json({
          clusters: [
            { name: 'prod-eu', ok: false, error: 'prometheus unreachable' },
          ],
        }),
      ),
    );
    await renderContent();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Refresh' }),
    );
    expect(
      await screen.findByText('Warning: Collection failed for some clusters'),
    ).toBeVisible();
    expect(screen.getByText(/prod-eu: prometheus unreachable/)).toBeVisible();
    expect(screen.getByTestId('mesh-rps')).toBeInTheDocument();
  });

  it('shows a waived check as waived, the annotations not applied, the level and coverage', async () => {
    const base = makeReport();
    serveReport(
      makeReport({
        checks: [
          {
            id: 'security.egress',
            title: 'Egress policy explicit',
            category: 'security',
            status: 'waived',
            summary:
              'Waived until 2099-01-01: egress goes through the proxy fleet. Without the waiver: fail: ALLOW_ANY',
            evidence: {
              waived: {
                status: 'fail',
                reason: 'egress goes through the proxy fleet',
                until: '2099-01-01',
              },
            },
          },
        ],
        readiness: {
          ...base.readiness,
          level: 'not-meshed',
          coverage: { covered: 10, total: 12, lines: [] },
        },
        problems: [
          {
            annotation: 'servicemesh/waive',
            message: "'security.egres' is not the id of a check",
          },
        ],
      }),
    );
    await renderContent();

    const row = await screen.findByTestId('mesh-check-security.egress');
    expect(within(row).getByText('waived')).toBeInTheDocument();
    expect(within(row).queryByText('pass')).not.toBeInTheDocument();
    await userEvent.click(
      within(row).getByRole('button', {
        name: 'Show details of Egress policy explicit',
      }),
    );
    expect(
      await screen.findByTestId('mesh-check-waiver-security.egress'),
    ).toHaveTextContent(
      'Waived by the entity\'s "servicemesh/waive" annotation, until 2099-01-01: egress goes through the proxy fleet. Without the waiver the check is fail.',
    );
    expect(screen.getByTestId('mesh-readiness-level')).toHaveTextContent(
      'not-meshed',
    );
    expect(screen.getByTestId('mesh-coverage')).toHaveTextContent(
      '10 of 12 checklist lines covered',
    );
    expect(screen.getByTestId('mesh-problems')).toHaveTextContent(
      "servicemesh/waive: 'security.egres' is not the id of a check",
    );
  });
});
