import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { Route, Routes, useLocation } from 'react-router-dom';
import {
  MockFetchApi,
  TestApiProvider,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  ambientSavings,
  RollupHistoryPoint,
  ScorecardPage,
  ScorecardRollupsResponse,
  ScorecardRow,
  ScorecardSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshClient } from '../../api';
import { MeshScorecardPage } from './MeshScorecardPage';
import { parseViewState, toSearchParams } from './urlState';

const BASE = 'http://localhost:7007/api/mesh';

const server = setupServer();
registerMswTestHooks(server);

function row(overrides: Partial<ScorecardRow> = {}): ScorecardRow {
  return {
    entityRef: 'component:default/checkout',
    kind: 'Component',
    title: 'checkout',
    owner: 'group:default/team-a',
    system: 'system:default/shop',
    domain: 'domain:default/commerce',
    namespaces: ['shop'],
    clusters: ['prod-eu'],
    provider: 'istio',
    dataPlane: 'sidecar',
    score: 92.4,
    level: 'production-ready',
    coverage: { covered: 10, total: 12 },
    stale: false,
    generatedAt: new Date().toISOString(),
    checks: {
      'mesh.enrollment': 'pass',
      'security.mtls': 'fail',
      'sidecar.resources': 'waived',
    },
    ...overrides,
  };
}

const SUMMARY: ScorecardSummary = {
  entities: 2,
  levels: { 'production-ready': 1, 'not-ready': 1 },
  stale: 1,
  sidecars: {
    count: 7,
    measured: 5,
    requested: { cpuCores: 0.7, memoryBytes: 7 * 128 * 1024 * 1024 },
    used: { cpuCores: 0.21, memoryBytes: 300 * 1024 * 1024 },
  },
  doubleInstrumentation: { appSeries: 1234, estimatedBytes: 5 * 1024 * 1024 },
  medianPropagationRatio: 0.85,
  // 700m and 896 MiB requested, less 2 ztunnels (120m and 24 MB).
  ambient: ambientSavings(
    { cpuCores: 0.7, memoryBytes: 7 * 128 * 1024 * 1024 },
    2,
  ),
};

function rollups(by: string): ScorecardRollupsResponse {
  return {
    by: by as ScorecardRollupsResponse['by'],
    rollups: [
      {
        key: by === 'namespace' ? 'shop' : `${by}:default/${by}-one`,
        entities: 2,
        averageScore: 71.25,
        levels: { 'production-ready': 0.5, 'not-ready': 0.5 },
        worstChecks: [{ id: 'security.mtls', failing: 1, warning: 0 }],
        rollout: { meshedWorkloads: 3, workloads: 4, meshedPods: 7, pods: 9 },
      },
    ],
  };
}

const ROWS = [
  row(),
  row({
    entityRef: 'component:default/payments',
    title: 'payments',
    score: 40,
    level: 'not-ready',
    stale: true,
    checks: { 'mesh.enrollment': 'warn', 'security.mtls': 'unknown' },
  }),
];

const HISTORY_POINT: RollupHistoryPoint = {
  day: '2026-03-05',
  entities: 2,
  averageScore: 66.2,
  levels: { 'production-ready': 0.5, 'not-ready': 0.5 },
  meshedWorkloads: 3,
  workloads: 4,
};

/** The history requests of the last `serve()`, in order. */
let historyAsked: URL[] = [];

/** Serves every endpoint and records the scorecard requests' query strings. */
function serve(
  options: {
    summary?: ScorecardSummary;
    page?: (url: URL) => ScorecardPage | Response;
  } = {},
) {
  const requests: URLSearchParams[] = [];
  historyAsked = [];
  server.use(
    http.get(`${BASE}/v1/history/fleet`, ({ request }) => {
      historyAsked.push(new URL(request.url));
      return HttpResponse.json({ days: 30, points: [HISTORY_POINT] });
    }),
    http.get(`${BASE}/v1/history/rollups`, ({ request }) => {
      const url = new URL(request.url);
      historyAsked.push(url);
      return HttpResponse.json({
        by: url.searchParams.get('by'),
        key: url.searchParams.get('key'),
        days: 30,
        points: [{ ...HISTORY_POINT, entities: 4, averageScore: 80 }],
      });
    }),
    http.get(`${BASE}/v1/checks`, () =>
      HttpResponse.json({
        checks: [
          {
            id: 'mesh.enrollment',
            title: 'Workload enrolled in the mesh',
            category: 'mesh',
            checklistLine: 'x',
            sources: ['kubernetes'],
          },
          {
            id: 'security.mtls',
            title: 'mTLS on',
            category: 'security',
            checklistLine: 'x',
            sources: ['kubernetes'],
          },
          {
            id: 'sidecar.resources',
            title: 'Sidecar resources set',
            category: 'sidecar',
            checklistLine: 'x',
            sources: ['kubernetes'],
          },
        ],
      }),
    ),
    http.get(`${BASE}/v1/scorecard/summary`, () =>
      HttpResponse.json(options.summary ?? SUMMARY),
    ),
    http.get(`${BASE}/v1/scorecard/rollups`, ({ request }) =>
      HttpResponse.json(
        rollups(new URL(request.url).searchParams.get('by') ?? 'group'),
      ),
    ),
    http.get(`${BASE}/v1/scorecard`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url.searchParams);
      const page = options.page?.(url) ?? {
        rows: ROWS,
        total: 2,
        limit: 50,
        offset: 0,
      };
      return page instanceof Response ? page : HttpResponse.json(page);
    }),
  );
  return requests;
}

function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.search}</div>;
}

async function renderPage(path = '/mesh') {
  const meshApi = new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, meshApi]]}>
      <Routes>
        <Route
          path="/mesh"
          element={
            <>
              <MeshScorecardPage />
              <LocationProbe />
            </>
          }
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('MeshScorecardPage', () => {
  it('shows the summary, the table with its heat map, roll-ups and rollout', async () => {
    serve();
    await renderPage();

    const table = await screen.findByTestId('mesh-scorecard-table');
    const rows = within(table).getAllByTestId('mesh-scorecard-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('checkout')).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout/mesh');
    expect(within(rows[0]).getByText('team-a')).toBeInTheDocument();
    expect(within(rows[0]).getByText('92')).toBeInTheDocument();
    expect(within(rows[0]).getByText('10/12')).toBeInTheDocument();

    // One cell per check, named for the check and status; waived is its own status.
    const heat = within(rows[0]).getByTestId('mesh-heatmap');
    const cells = within(heat).getAllByRole('listitem');
    expect(cells.map(c => c.getAttribute('aria-label'))).toEqual([
      'Workload enrolled in the mesh: pass',
      'mTLS on: fail',
      'Sidecar resources set: waived',
    ]);
    expect(cells[2]).toHaveAttribute('data-status', 'waived');
    const heat2 = within(rows[1]).getByTestId('mesh-heatmap');
    expect(
      within(heat2).getByLabelText('Sidecar resources set: not reported'),
    ).toHaveAttribute('data-status', 'missing');

    // Hovering a cell shows the tooltip naming check and status.
    await userEvent.hover(cells[1]);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'mTLS on: fail',
    );

    const summary = screen.getByTestId('mesh-scorecard-summary');
    expect(within(summary).getByText('7 sidecars')).toBeInTheDocument();
    expect(within(summary).getByText('700m / 210m')).toBeInTheDocument();
    expect(
      within(summary).getByText('896.0 MiB / 300.0 MiB'),
    ).toBeInTheDocument();
    expect(within(summary).getByText('1234 series')).toBeInTheDocument();
    expect(within(summary).getByText(/5\.0 MiB/)).toBeInTheDocument();
    expect(within(summary).getByText('85.00%')).toBeInTheDocument();
    const ambient = within(summary).getByTestId('mesh-ambient-savings');
    expect(ambient).toHaveTextContent(
      'Ambient would save 580m CPU and 873.1 MiB (the sidecar requests less a ztunnel on each of 2 nodes: 120m CPU and 22.9 MiB)',
    );
    expect(ambient).toHaveAttribute(
      'title',
      expect.stringMatching(/one ztunnel per node/),
    );
    expect(
      within(summary).getByLabelText('production-ready count'),
    ).toHaveTextContent('1');
    const byLevel = within(summary).getByRole('list', {
      name: 'Entities by level',
    });
    expect(
      within(byLevel)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'production-ready1',
      'almost-ready0',
      'not-ready1',
      'not-meshed0',
      'unmapped0',
    ]);

    const rollupTable = await screen.findByTestId('mesh-rollups-table');
    expect(within(rollupTable).getByText('group-one')).toBeInTheDocument();
    expect(within(rollupTable).getByText('71.3')).toBeInTheDocument();
    expect(within(rollupTable).getByText('50.00%')).toBeInTheDocument();

    const rollout = await screen.findByTestId('mesh-rollout-table');
    expect(within(rollout).getByText('shop')).toBeInTheDocument();
    expect(within(rollout).getByText('3 / 4')).toBeInTheDocument();
    expect(
      within(rollout).getByLabelText('shop: 75% of workloads meshed'),
    ).toBeInTheDocument();
  });

  it('switches the roll-ups to systems and domains', async () => {
    serve();
    await renderPage();
    await screen.findByTestId('mesh-rollups-table');
    await userEvent.click(screen.getByRole('tab', { name: 'System' }));
    expect(await screen.findByText('system-one')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Domain' }));
    expect(await screen.findByText('domain-one')).toBeInTheDocument();
  });

  it("shows the fleet's trend, or a roll-up's picked in the roll-ups table", async () => {
    serve();
    await renderPage();
    expect(
      await screen.findByText(
        'One day so far: on 5 Mar the average score was 66.2 and 1 of 2 entities were production-ready.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The whole fleet, whatever the filters'),
    ).toBeInTheDocument();

    const rollupTable = await screen.findByTestId('mesh-rollups-table');
    const trendButton = within(rollupTable).getByRole('button', {
      name: 'Trend of group group-one',
    });
    expect(trendButton).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(trendButton);
    expect(trendButton).toHaveAttribute('aria-pressed', 'true');
    expect(
      await screen.findByText(
        'One day so far: on 5 Mar the average score was 80.0 and 2 of 4 entities were production-ready.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Readiness of group group-one, last 30 days/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The group group-one, whatever the filters'),
    ).toBeInTheDocument();
    const rollupRequest = historyAsked[historyAsked.length - 1];
    expect(rollupRequest.pathname).toBe('/api/mesh/v1/history/rollups');
    expect(rollupRequest.searchParams.get('key')).toBe(
      'group:default/group-one',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Show the whole fleet' }),
    );
    expect(
      await screen.findByText(/^Readiness of the whole fleet/),
    ).toBeInTheDocument();
    expect(trendButton).toHaveAttribute('aria-pressed', 'false');
  });

  it('marks stale rows', async () => {
    serve();
    await renderPage();
    const rows = await screen.findAllByTestId('mesh-scorecard-row');
    expect(rows[0]).not.toHaveAttribute('data-stale');
    expect(rows[1]).toHaveAttribute('data-stale', 'true');
    expect(within(rows[1]).getByTestId('mesh-stale-row')).toHaveTextContent(
      'stale',
    );
    expect(screen.getByText(/1 stale report on this page/)).toBeInTheDocument();
  });

  it('shows a progress indicator while loading', async () => {
    server.use(
      http.get(`${BASE}/v1/scorecard/summary`, async () => {
        await new Promise(r => setTimeout(r, 5000));
        return HttpResponse.json(SUMMARY);
      }),
      http.get(`${BASE}/v1/checks`, () => HttpResponse.json({ checks: [] })),
    );
    await renderPage();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('says when no report has been collected yet', async () => {
    serve({
      summary: { ...SUMMARY, entities: 0, levels: {}, stale: 0 },
      page: () => ({ rows: [], total: 0, limit: 50, offset: 0 }),
    });
    await renderPage();
    expect(await screen.findByText('No mesh reports yet')).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-scorecard-table')).toBeNull();
  });

  it('says when no entity matches the filters, and clears them', async () => {
    serve({
      page: url =>
        url.searchParams.get('level')
          ? { rows: [], total: 0, limit: 50, offset: 0 }
          : { rows: ROWS, total: 2, limit: 50, offset: 0 },
    });
    await renderPage('/mesh?level=production-ready');
    expect(
      await screen.findByText('No entities match these filters'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(await screen.findAllByTestId('mesh-scorecard-row')).toHaveLength(2);
    expect(screen.getByTestId('location')).toHaveTextContent(/^$/);
  });

  it('shows the server error', async () => {
    serve({
      page: () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is locked' },
            request: { method: 'GET', url: '/api/mesh/v1/scorecard' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
    });
    await renderPage();
    expect(
      (await screen.findAllByText(/database is locked/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('mesh-scorecard-table')).toBeNull();
  });

  it('shows the summary error', async () => {
    serve();
    server.use(
      http.get(`${BASE}/v1/scorecard/summary`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'summary broke' },
            request: { method: 'GET', url: '/api/mesh/v1/scorecard/summary' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    await renderPage();
    expect(
      (await screen.findAllByText(/summary broke/)).length,
    ).toBeGreaterThan(0);
  });

  it('reads filters, sort and page from the URL and sends them to the API', async () => {
    const requests = serve({
      page: () => ({ rows: ROWS, total: 120, limit: 25, offset: 25 }),
    });
    await renderPage(
      '/mesh?owner=group:default/team-a&check=security.mtls:fail&sort=score&order=desc&page=2&limit=25&q=pay',
    );
    await screen.findAllByTestId('mesh-scorecard-row');
    const sent = requests[requests.length - 1];
    expect(sent.getAll('owner')).toEqual(['group:default/team-a']);
    expect(sent.getAll('check')).toEqual(['security.mtls:fail']);
    expect(sent.get('q')).toBe('pay');
    expect(sent.get('sort')).toBe('score');
    expect(sent.get('order')).toBe('desc');
    expect(sent.get('limit')).toBe('25');
    expect(sent.get('offset')).toBe('25');
    // The form shows the URL's filters.
    expect(screen.getByLabelText('Owner')).toHaveValue('group:default/team-a');
    expect(screen.getByLabelText('Check')).toHaveValue('security.mtls');
    expect(screen.getByLabelText('Check status')).toHaveValue('fail');
    expect(screen.getByText('26-50 of 120')).toBeInTheDocument();
  });

  it('puts filters, sort and paging into the URL', async () => {
    const requests = serve({
      page: url => ({
        rows: ROWS,
        total: 120,
        limit: 50,
        offset: Number(url.searchParams.get('offset') ?? 0),
      }),
    });
    await renderPage();
    await screen.findAllByTestId('mesh-scorecard-row');
    const location = () => screen.getByTestId('location').textContent;

    // Text filters apply on Enter.
    await userEvent.type(screen.getByLabelText('Namespace'), 'shop{enter}');
    await waitFor(() => expect(location()).toBe('?namespace=shop'));

    // Selects apply at once; a check filter once both halves are chosen.
    await userEvent.selectOptions(screen.getByLabelText('Provider'), 'linkerd');
    await waitFor(() =>
      expect(location()).toBe('?namespace=shop&provider=linkerd'),
    );
    await userEvent.selectOptions(
      screen.getByLabelText('Check'),
      'security.mtls',
    );
    expect(location()).toBe('?namespace=shop&provider=linkerd');
    await userEvent.selectOptions(
      screen.getByLabelText('Check status'),
      'waived',
    );
    await waitFor(() =>
      expect(location()).toBe(
        '?namespace=shop&provider=linkerd&check=security.mtls%3Awaived',
      ),
    );
    await userEvent.selectOptions(
      screen.getByLabelText('Level'),
      'almost-ready',
    );
    await waitFor(() => expect(location()).toContain('level=almost-ready'));
    await waitFor(() =>
      expect(requests[requests.length - 1].get('level')).toBe('almost-ready'),
    );

    // Sorting by a column header, then the other way.
    await userEvent.click(screen.getByRole('button', { name: 'Score' }));
    await waitFor(() => expect(location()).toContain('sort=score'));
    await userEvent.click(screen.getByRole('button', { name: /Score/ }));
    await waitFor(() => expect(location()).toContain('order=desc'));

    // Next page.
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(location()).toContain('page=2'));
    await waitFor(() =>
      expect(requests[requests.length - 1].get('offset')).toBe('50'),
    );

    // Clear.
    await userEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(location()).not.toContain('namespace'));
  });

  it('exports the filtered view as CSV through the fetch API', async () => {
    serve();
    let csvQuery: URLSearchParams | undefined;
    let authorization: string | null = null;
    server.use(
      http.get(`${BASE}/v1/scorecard`, ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.get('format') !== 'csv') {
          return HttpResponse.json({
            rows: ROWS,
            total: 2,
            limit: 50,
            offset: 0,
          });
        }
        csvQuery = url.searchParams;
        authorization = request.headers.get('authorization');
        return new HttpResponse(
          'entityRef,score\ncomponent:default/checkout,92\n',
          {
            headers: { 'Content-Type': 'text/csv' },
          },
        );
      }),
    );
    const createObjectURL = jest.fn(() => 'blob:mesh');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});

    const meshApi = new MeshClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      fetchApi: new MockFetchApi({
        injectIdentityAuth: { token: 'user-token' },
      }),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshApi]]}>
        <Routes>
          <Route path="/mesh" element={<MeshScorecardPage />} />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/mesh?level=not-ready&sort=score'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    await screen.findAllByTestId('mesh-scorecard-row');
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(csvQuery?.get('level')).toBe('not-ready');
    expect(csvQuery?.get('sort')).toBe('score');
    expect(csvQuery?.get('limit')).toBeNull();
    expect(authorization).toBe('Bearer user-token');
    expect(createObjectURL).toHaveBeenCalledWith(expect.any(Blob));
    click.mockRestore();
  });
});

describe('scorecard URL state', () => {
  it('round-trips and leaves defaults out', () => {
    const search = new URLSearchParams(
      'owner=a&owner=b&level=not-ready&sort=score&order=desc&page=3&limit=100&q=x',
    );
    const state = parseViewState(search);
    expect(state).toEqual({
      filters: { owner: ['a', 'b'], level: ['not-ready'], q: 'x' },
      sort: 'score',
      order: 'desc',
      page: 2,
      pageSize: 100,
    });
    expect(parseViewState(toSearchParams(state))).toEqual(state);
    expect(
      toSearchParams(parseViewState(new URLSearchParams())).toString(),
    ).toBe('');
  });

  it('ignores unknown sort columns, bad pages and page sizes', () => {
    const state = parseViewState(
      new URLSearchParams('sort=drop&page=-1&limit=9999&order=sideways'),
    );
    expect(state.sort).toBe('entityRef');
    expect(state.page).toBe(0);
    expect(state.pageSize).toBe(50);
    expect(state.order).toBe('asc');
  });
});
