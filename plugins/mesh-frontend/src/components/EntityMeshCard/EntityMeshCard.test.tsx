import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  MockFetchApi,
  TestApiProvider,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  MESH_ERROR_CODES,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshApi, MeshClient } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  entity,
  makeReport,
  makeUnmappedReport,
} from '../../__fixtures__/reports';
import { EntityMeshCard } from './EntityMeshCard';

const BASE = 'http://localhost:7007/api/mesh';
const REPORT_URL = `${BASE}/v1/reports/component/default/x`;

const server = setupServer();
registerMswTestHooks(server);

function client(): MeshApi {
  return new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });
}

async function renderCard(
  options: { api?: MeshApi; mountTab?: boolean; entityPage?: boolean } = {},
) {
  const card = (
    <TestApiProvider apis={[[meshApiRef, options.api ?? client()]]}>
      <EntityProvider entity={entity}>
        <EntityMeshCard />
      </EntityProvider>
    </TestApiProvider>
  );
  if (options.entityPage) {
    // The overview inside an entity page, as the catalog routes it.
    return renderInTestApp(
      <Routes>
        <Route path="/catalog/:namespace/:kind/:name/*" element={card} />
      </Routes>,
      { routeEntries: ['/catalog/default/component/x'] },
    );
  }
  return renderInTestApp(
    card,
    options.mountTab
      ? {
          routeEntries: ['/catalog/default/component/x'],
          mountedRoutes: {
            '/catalog/default/component/x/mesh': rootRouteRef,
          },
        }
      : undefined,
  );
}

function serveReport(report: MeshReport) {
  server.use(http.get(REPORT_URL, () => HttpResponse.json(report)));
}

/** A report with more problems than the card shows, of every status and severity. */
function busyReport(overrides: Partial<MeshReport> = {}): MeshReport {
  const base = makeReport();
  const extra = (
    id: string,
    status: MeshReport['checks'][number]['status'],
    severity?: 'critical' | 'high' | 'medium',
  ) => ({
    id,
    title: `Title of ${id}`,
    category: id.split('.')[0],
    status,
    summary: `Summary of ${id}`,
    evidence: {},
    ...(severity ? { severity } : {}),
  });
  return makeReport({
    checks: [
      ...base.checks,
      // fixtures: security.mtls fail (critical by definition), sidecar.resources warn,
      // observability.trace-propagation unknown
      extra('sidecar.rightsizing', 'fail', 'medium'),
      extra('upgrade.disruption-budget', 'fail', 'high'),
      extra('security.egress', 'waived', 'critical'),
      extra('control-plane.ha', 'pass', 'critical'),
    ],
    readiness: {
      score: 42,
      level: 'not-ready',
      passed: 2,
      applicable: 7,
      coverage: {
        covered: 7,
        total: 11,
        lines: [],
      },
    },
    ...overrides,
  });
}

describe('EntityMeshCard', () => {
  it('shows score, level, coverage and the three worst checks in order', async () => {
    serveReport(busyReport());
    await renderCard();

    expect(await screen.findByTestId('mesh-card-score')).toHaveTextContent(
      '42',
    );
    expect(screen.getByTestId('mesh-readiness-level')).toHaveTextContent(
      'not-ready',
    );
    expect(screen.getByTestId('mesh-card-coverage')).toHaveTextContent(
      'Checklist coverage: 7 of 11 lines',
    );
    expect(
      screen.getByRole('progressbar', {
        name: 'Checklist coverage 7 of 11 lines',
      }),
    ).toHaveAttribute('aria-valuenow', '64');
    expect(screen.getByTestId('mesh-card-enrolment')).toHaveTextContent(
      'Istio · sidecar · 3 / 4 pods meshed · collected 2 minutes ago',
    );

    // fail before warn before unknown; critical before high before medium
    const list = screen.getByRole('list', {
      name: 'Checks that need attention',
    });
    const items = within(list).getAllByRole('listitem');
    expect(items.map(i => i.dataset.testid)).toEqual([
      'mesh-card-check-security.mtls',
      'mesh-card-check-upgrade.disruption-budget',
      'mesh-card-check-sidecar.rightsizing',
    ]);
    expect(within(items[0]).getByText('fail')).toBeInTheDocument();
    expect(within(items[0]).getByText('(critical)')).toBeInTheDocument();
    expect(
      within(items[0]).getByText(
        'PERMISSIVE mode: 30% of requests arrive in plain text',
      ),
    ).toBeInTheDocument();
    expect(within(items[1]).getByText('(high)')).toBeInTheDocument();
    expect(within(items[2]).getByText('(medium)')).toBeInTheDocument();
    // waived never among them, even when critical
    expect(
      screen.queryByTestId('mesh-card-check-security.egress'),
    ).not.toBeInTheDocument();
    expect(screen.queryByTestId('mesh-card-stale')).not.toBeInTheDocument();
  });

  it('falls back to warnings and unknowns when few checks fail', async () => {
    serveReport(makeReport());
    await renderCard();
    const list = await screen.findByRole('list', {
      name: 'Checks that need attention',
    });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(i => i.dataset.testid),
    ).toEqual([
      'mesh-card-check-security.mtls',
      'mesh-card-check-sidecar.resources',
      'mesh-card-check-observability.trace-propagation',
    ]);
    // no coverage in this report: no coverage line rather than a made-up one
    expect(screen.queryByTestId('mesh-card-coverage')).not.toBeInTheDocument();
  });

  it('says so when no check needs attention', async () => {
    const base = makeReport();
    serveReport(
      makeReport({
        checks: base.checks.map(c =>
          c.status === 'fail'
            ? { ...c, status: 'waived' }
            : { ...c, status: 'pass' },
        ),
        readiness: {
          score: 100,
          level: 'production-ready',
          passed: 4,
          applicable: 4,
        },
      }),
    );
    await renderCard();
    expect(await screen.findByTestId('mesh-card-no-worst')).toHaveTextContent(
      'No check fails, warns or lacks data.',
    );
    expect(screen.getByTestId('mesh-readiness-level')).toHaveTextContent(
      'production-ready',
    );
  });

  it('marks a stale report with its reason', async () => {
    serveReport(
      busyReport({
        stale: true,
        staleReason: 'prometheus (prod-eu): connect ECONNREFUSED',
      }),
    );
    await renderCard();
    expect(await screen.findByTestId('mesh-card-stale-chip')).toHaveTextContent(
      'stale',
    );
    expect(screen.getByTestId('mesh-card-stale')).toHaveTextContent(
      'Stale: prometheus (prod-eu): connect ECONNREFUSED',
    );
  });

  it('shows a stale marker without a reason too', async () => {
    serveReport(busyReport({ stale: true }));
    await renderCard();
    expect(await screen.findByTestId('mesh-card-stale')).toHaveTextContent(
      /Stale: a data source failed/,
    );
  });

  it('shows a progress indicator while loading', async () => {
    const api: MeshApi = {
      getReport: () => new Promise(() => {}),
      refresh: jest.fn(),
      getChecks: jest.fn(),
    } as unknown as MeshApi;
    await renderCard({ api });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-card-score')).not.toBeInTheDocument();
  });

  it('explains an empty state when no report was collected yet', async () => {
    server.use(
      http.get(REPORT_URL, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No mesh report yet',
              code: MESH_ERROR_CODES.noReportYet,
            },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderCard();
    expect(await screen.findByTestId('mesh-card-empty')).toHaveTextContent(
      'No mesh report has been collected for this entity yet',
    );
    expect(
      screen.getByRole('link', { name: /Open the Mesh tab/ }),
    ).toBeInTheDocument();
  });

  it('explains an entity that maps to no workload', async () => {
    serveReport(makeUnmappedReport());
    await renderCard();
    expect(await screen.findByTestId('mesh-card-unmapped')).toHaveTextContent(
      'not mapped to any Kubernetes workload',
    );
  });

  it('shows an error with a retry that loads the report', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(
            {
              error: { name: 'Error', message: 'database is down' },
              request: { method: 'GET', url: '/' },
              response: { statusCode: 500 },
            },
            { status: 500 },
          );
        }
        return HttpResponse.json(busyReport());
      }),
    );
    await renderCard();
    expect(await screen.findByTestId('mesh-card-error')).toHaveTextContent(
      'Could not load the mesh report: database is down (HTTP 500)',
    );

    const retry = screen.getByRole('button', { name: 'Retry' });
    retry.focus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByTestId('mesh-card-score')).toHaveTextContent(
      '42',
    );
    expect(calls).toBe(2);
  });

  it("links to the Mesh tab through the plugin's route ref", async () => {
    serveReport(busyReport());
    await renderCard({ mountTab: true });
    await screen.findByTestId('mesh-card-score');
    expect(
      screen.getByRole('link', { name: /Open the Mesh tab/ }),
    ).toHaveAttribute('href', '/catalog/default/component/x/mesh');
  });

  it('links to the tab path relative to the entity page when the route ref is not mounted', async () => {
    serveReport(busyReport());
    await renderCard({ entityPage: true });
    await screen.findByTestId('mesh-card-score');
    expect(
      screen.getByRole('link', { name: /Open the Mesh tab/ }),
    ).toHaveAttribute('href', '/catalog/default/component/x/mesh');
  });
});
