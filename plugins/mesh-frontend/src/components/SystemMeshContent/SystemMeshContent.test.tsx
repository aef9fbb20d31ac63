import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  ScorecardPage,
  ScorecardRollup,
} from '@mesh-readiness/plugin-mesh-common';
import {
  BASE,
  deferred,
  renderForEntity,
  rollup,
  row,
} from './__testUtils__/scorecard';
import { SystemMeshContent } from './SystemMeshContent';

const server = setupServer();
registerMswTestHooks(server);

// Capitals on purpose: the backend keys roll-ups and filters by the lower-cased ref.
const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'Shop', namespace: 'default', title: 'The shop' },
  spec: { owner: 'team-a' },
};
const SYSTEM_REF = 'system:default/shop';

const ROWS = [
  // The backend's order: the lowest scores first.
  row({
    entityRef: 'component:default/legacy',
    title: 'legacy',
    owner: 'group:default/team-b',
    score: 10,
    level: 'not-meshed',
    checks: { 'mesh.enrollment': 'fail' },
  }),
  row({
    entityRef: 'component:default/payments',
    title: 'payments',
    score: 35,
    level: 'not-ready',
    stale: true,
    checks: {
      'mesh.enrollment': 'pass',
      'security.egress': 'unknown',
      'workload.protocols': 'warn',
      'sidecar.resources': 'fail',
      'security.mtls': 'fail',
      'security.authorization': 'waived',
    },
  }),
  row({
    entityRef: 'component:default/inventory',
    title: 'inventory',
    score: 78,
    level: 'almost-ready',
    checks: { 'security.egress': 'warn', 'mesh.enrollment': 'pass' },
  }),
  row(),
];

const ROLLUP = rollup({
  key: SYSTEM_REF,
  entities: 4,
  averageScore: 53.75,
  levels: {
    'production-ready': 0.25,
    'almost-ready': 0.25,
    'not-ready': 0.25,
    'not-meshed': 0.25,
  },
  rollout: { meshedWorkloads: 5, workloads: 8, meshedPods: 12, pods: 20 },
});

interface Asked {
  scorecard: URLSearchParams[];
  rollups: URLSearchParams[];
  history: URLSearchParams[];
}

function serve(
  options: {
    rows?: typeof ROWS;
    total?: number;
    rollups?: ScorecardRollup[];
    scorecard?: () => Response | Promise<Response>;
  } = {},
): Asked {
  const asked: Asked = { scorecard: [], rollups: [], history: [] };
  const rows = options.rows ?? ROWS;
  server.use(
    http.get(`${BASE}/v1/scorecard`, ({ request }) => {
      asked.scorecard.push(new URL(request.url).searchParams);
      if (options.scorecard) return options.scorecard();
      const page: ScorecardPage = {
        rows,
        total: options.total ?? rows.length,
        limit: 100,
        offset: 0,
      };
      return HttpResponse.json(page);
    }),
    http.get(`${BASE}/v1/scorecard/rollups`, ({ request }) => {
      asked.rollups.push(new URL(request.url).searchParams);
      return HttpResponse.json({
        by: 'system',
        rollups: options.rollups ?? [ROLLUP],
      });
    }),
    http.get(`${BASE}/v1/history/rollups`, ({ request }) => {
      const search = new URL(request.url).searchParams;
      asked.history.push(search);
      return HttpResponse.json({
        by: 'system',
        key: search.get('key'),
        days: Number(search.get('days')),
        points: [],
      });
    }),
  );
  return asked;
}

const renderTab = (options?: { scorecardMounted?: boolean }) =>
  renderForEntity(<SystemMeshContent />, system, options);

describe('SystemMeshContent', () => {
  it('shows a progress bar until the roll-up and the components arrive', async () => {
    const hold = deferred();
    serve({
      scorecard: async () => {
        await hold.promise;
        return HttpResponse.json({
          rows: ROWS,
          total: 4,
          limit: 100,
          offset: 0,
        });
      },
    });
    await renderTab();

    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-system-average')).not.toBeInTheDocument();
    hold.release();
    expect(await screen.findByTestId('mesh-system-average')).toHaveTextContent(
      '53.8',
    );
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it("aggregates the system's components: roll-up, table and trend", async () => {
    const asked = serve();
    await renderTab();

    expect(await screen.findByTestId('mesh-system-average')).toHaveTextContent(
      '53.8',
    );
    expect(screen.getByTestId('mesh-system-ready-share')).toHaveTextContent(
      '25%',
    );
    expect(screen.getByText('1 of 4')).toBeInTheDocument();
    expect(screen.getByTestId('mesh-system-meshed')).toHaveTextContent('5 / 8');
    expect(
      screen.getByRole('progressbar', { name: '5 of 8 workloads meshed' }),
    ).toHaveAttribute('aria-valuenow', '63');
    const levels = within(
      screen.getByRole('list', { name: 'Components per level' }),
    );
    expect(levels.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'production-ready1',
      'almost-ready1',
      'not-ready1',
      'not-meshed1',
    ]);

    // What was asked: the lower-cased system ref, the lowest scores first.
    expect(asked.rollups[0].get('by')).toBe('system');
    expect(asked.rollups[0].getAll('system')).toEqual([SYSTEM_REF]);
    expect(asked.scorecard[0].getAll('system')).toEqual([SYSTEM_REF]);
    expect(asked.scorecard[0].get('sort')).toBe('score');
    expect(asked.scorecard[0].get('order')).toBe('asc');
    await waitFor(() => expect(asked.history).toHaveLength(1));
    expect(asked.history[0].get('by')).toBe('system');
    expect(asked.history[0].get('key')).toBe(SYSTEM_REF);
    expect(
      await screen.findByText(/No history for system The shop/),
    ).toBeInTheDocument();

    // The ones that need attention first: not ready, not meshed, almost, ready.
    const table = screen.getByRole('table', {
      name: 'Components of the system',
    });
    const rows = within(table).getAllByTestId('mesh-system-row');
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual([
      'paymentscomponent:default/payments',
      'legacycomponent:default/legacy',
      'inventorycomponent:default/inventory',
      'checkoutcomponent:default/checkout',
    ]);
    expect(
      within(rows[0]).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/mesh');
    expect(within(rows[1]).getByText('team-b')).toBeInTheDocument();
    expect(within(rows[0]).getAllByRole('cell')[2]).toHaveTextContent('35');

    // Worst three: fails before warns before unknowns, critical before high; no waiver.
    const worst = within(rows[0]).getByRole('list', {
      name: 'Checks that need attention on component:default/payments',
    });
    expect(
      within(worst)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'failmTLS enforced and traffic encrypted',
      'failSidecar requests and limits set',
      'warnNon-HTTP and long-lived connections handled',
    ]);
    expect(
      within(rows[3]).getByText('Nothing fails, warns or lacks data.'),
    ).toBeVisible();

    // The whole list in the fleet scorecard, filtered by the system.
    expect(
      screen.getByRole('link', { name: /Open in the fleet scorecard/ }),
    ).toHaveAttribute('href', '/mesh?system=system%3Adefault%2Fshop');
    expect(screen.queryByTestId('mesh-system-more')).not.toBeInTheDocument();
  });

  it('marks stale components and says how many there are', async () => {
    serve();
    await renderTab();

    expect(
      await screen.findByText('Warning: 1 of 4 reports are stale'),
    ).toBeInTheDocument();
    const stale = screen
      .getAllByTestId('mesh-system-row')
      .filter(r => r.getAttribute('data-stale') === 'true');
    expect(stale).toHaveLength(1);
    expect(
      within(stale[0]).getByTestId('mesh-system-stale-row'),
    ).toHaveTextContent('stale');
    expect(stale[0]).toHaveTextContent('payments');
  });

  it('shows no stale warning when every report is fresh', async () => {
    serve({ rows: ROWS.map(r => ({ ...r, stale: false })) });
    await renderTab();

    await screen.findByTestId('mesh-system-average');
    expect(screen.queryByText(/stale/)).not.toBeInTheDocument();
  });

  it('explains the empty state when no component has a report', async () => {
    serve({ rows: [], rollups: [] });
    await renderTab();

    expect(
      await screen.findByText(
        "No mesh report for this system's components yet",
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/partOf this system/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the error, and loads on retry', async () => {
    let fail = true;
    serve({
      scorecard: () =>
        fail
          ? HttpResponse.json(
              {
                error: { name: 'Error', message: 'database is locked' },
                response: { statusCode: 500 },
              },
              { status: 500 },
            )
          : HttpResponse.json({ rows: ROWS, total: 4, limit: 100, offset: 0 }),
    });
    await renderTab();

    expect(
      (await screen.findAllByText(/database is locked/))[0],
    ).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-system-average')).not.toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByTestId('mesh-system-average'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/database is locked/)).not.toBeInTheDocument();
  });

  it('says when the system has more components than it lists', async () => {
    serve({ total: 140 });
    await renderTab();

    const more = await screen.findByTestId('mesh-system-more');
    expect(more).toHaveTextContent(
      'Showing the 4 lowest scores of 140 components: see them all.',
    );
    expect(
      within(more).getByRole('link', { name: 'see them all' }),
    ).toHaveAttribute('href', '/mesh?system=system%3Adefault%2Fshop');
  });

  it('links nowhere when the app has no scorecard page', async () => {
    serve({ total: 140 });
    await renderTab({ scorecardMounted: false });

    expect(await screen.findByTestId('mesh-system-more')).toHaveTextContent(
      'Showing the 4 lowest scores of 140 components.',
    );
    expect(
      screen.queryByRole('link', { name: /fleet scorecard|see them all/ }),
    ).not.toBeInTheDocument();
  });
});
