import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  ScorecardRollup,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import {
  BASE,
  deferred,
  renderForEntity,
  rollup,
  row,
} from '../SystemMeshContent/__testUtils__/scorecard';
import { GROUP_SHOWN, GroupMeshCard } from './GroupMeshCard';

const server = setupServer();
registerMswTestHooks(server);

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'Team-A', namespace: 'default' },
  spec: { type: 'team', children: [] },
};
const GROUP_REF = 'group:default/team-a';

const ROWS: ScorecardRow[] = [
  row({
    entityRef: 'component:default/search',
    title: 'search',
    score: 20,
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
      'security.mtls': 'fail',
      'observability.metrics': 'unknown',
      'security.egress': 'warn',
      'operations.runbook': 'warn',
    },
  }),
  row({
    entityRef: 'component:default/checkout',
    title: 'checkout',
    score: 95,
    level: 'production-ready',
    checks: { 'security.egress': 'warn' },
  }),
];

const ROLLUP = rollup({
  key: GROUP_REF,
  entities: 3,
  averageScore: 50,
  levels: {
    'production-ready': 1 / 3,
    'not-ready': 1 / 3,
    'not-meshed': 1 / 3,
  },
});

function serve(
  options: {
    rows?: ScorecardRow[];
    total?: number;
    rollups?: ScorecardRollup[];
    scorecard?: () => Response | Promise<Response>;
  } = {},
) {
  const asked: { scorecard: URLSearchParams[]; rollups: URLSearchParams[] } = {
    scorecard: [],
    rollups: [],
  };
  const rows = options.rows ?? ROWS;
  server.use(
    http.get(`${BASE}/v1/scorecard`, ({ request }) => {
      asked.scorecard.push(new URL(request.url).searchParams);
      if (options.scorecard) return options.scorecard();
      return HttpResponse.json({
        rows,
        total: options.total ?? rows.length,
        limit: 100,
        offset: 0,
      });
    }),
    http.get(`${BASE}/v1/scorecard/rollups`, ({ request }) => {
      asked.rollups.push(new URL(request.url).searchParams);
      return HttpResponse.json({
        by: 'group',
        rollups: options.rollups ?? [ROLLUP],
      });
    }),
  );
  return asked;
}

const renderCard = (options?: { scorecardMounted?: boolean }) =>
  renderForEntity(<GroupMeshCard />, group, options);

describe('GroupMeshCard', () => {
  it('shows a progress bar until the services arrive', async () => {
    const hold = deferred();
    serve({
      scorecard: async () => {
        await hold.promise;
        return HttpResponse.json({
          rows: ROWS,
          total: 3,
          limit: 100,
          offset: 0,
        });
      },
    });
    await renderCard();

    expect(screen.getByTestId('progress')).toBeInTheDocument();
    hold.release();
    expect(await screen.findByTestId('mesh-group-summary')).toHaveTextContent(
      '3 services · average score 50.0',
    );
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it("lists the team's services per level, the not-ready first with their worst checks", async () => {
    const asked = serve();
    await renderCard();

    expect(await screen.findByTestId('mesh-group-summary')).toHaveTextContent(
      '3 services · average score 50.0',
    );
    expect(asked.rollups[0].get('by')).toBe('group');
    expect(asked.rollups[0].getAll('owner')).toEqual([GROUP_REF]);
    expect(asked.scorecard[0].getAll('owner')).toEqual([GROUP_REF]);
    expect(asked.scorecard[0].get('sort')).toBe('score');
    expect(asked.scorecard[0].get('order')).toBe('asc');

    const levels = within(
      screen.getByRole('list', { name: 'Services per level' }),
    );
    expect(levels.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'production-ready1',
      'not-ready1',
      'not-meshed1',
    ]);

    const services = screen.getAllByTestId('mesh-group-service');
    expect(
      services.map(s => within(s).getAllByRole('link')[0].textContent),
    ).toEqual(['payments', 'search', 'checkout']);
    expect(
      within(services[0]).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/mesh');
    expect(services[0]).toHaveTextContent('35 / 100');
    const worst = within(services[0]).getByRole('list', {
      name: 'Checks that need attention on component:default/payments',
    });
    expect(
      within(worst)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'failmTLS enforced and traffic encrypted',
      'warnEgress policy explicit',
      'warnUpgrade runbook with rolling-restart plan',
    ]);
    // A production-ready service lists no checks, even one that warns.
    expect(within(services[2]).queryByRole('list')).not.toBeInTheDocument();

    expect(
      screen.getByRole('link', { name: /Open the team's scorecard/ }),
    ).toHaveAttribute('href', '/mesh?owner=group%3Adefault%2Fteam-a');
    expect(screen.queryByTestId('mesh-group-more')).not.toBeInTheDocument();
  });

  it('marks a stale service', async () => {
    serve();
    await renderCard();

    const stale = await screen.findAllByTestId('mesh-group-stale');
    expect(stale).toHaveLength(1);
    expect(
      stale[0].closest('[data-testid="mesh-group-service"]'),
    ).toHaveTextContent('payments');
  });

  it('says so when the team owns no service with a report', async () => {
    serve({ rows: [], rollups: [] });
    await renderCard();

    expect(await screen.findByTestId('mesh-group-empty')).toHaveTextContent(
      'No service this team owns has a mesh report yet.',
    );
    expect(screen.queryByTestId('mesh-group-service')).not.toBeInTheDocument();
  });

  it('shows the error, and loads on retry', async () => {
    let fail = true;
    serve({
      scorecard: () =>
        fail
          ? HttpResponse.json(
              {
                error: { name: 'NotAllowedError', message: 'not for you' },
                response: { statusCode: 403 },
              },
              { status: 403 },
            )
          : HttpResponse.json({ rows: ROWS, total: 3, limit: 100, offset: 0 }),
    });
    await renderCard();

    expect(await screen.findByTestId('mesh-group-error')).toHaveTextContent(
      "Could not load the team's mesh readiness: not for you (HTTP 403)",
    );
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('mesh-group-summary')).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-group-error')).not.toBeInTheDocument();
  });

  it('lists a few services and links to the rest in the scorecard', async () => {
    const many = Array.from({ length: GROUP_SHOWN + 4 }, (_, i) =>
      row({
        entityRef: `component:default/svc-${String(i).padStart(2, '0')}`,
        title: `svc-${String(i).padStart(2, '0')}`,
        score: 10 + i,
        level: 'not-ready',
        checks: { 'security.mtls': 'fail' },
      }),
    );
    serve({ rows: many, total: 40 });
    await renderCard();

    const services = await screen.findAllByTestId('mesh-group-service');
    expect(services).toHaveLength(GROUP_SHOWN);
    expect(services[0]).toHaveTextContent('svc-00');
    const more = screen.getByTestId('mesh-group-more');
    expect(more).toHaveTextContent(
      `${40 - GROUP_SHOWN} more in the fleet scorecard.`,
    );
    expect(
      within(more).getByRole('link', { name: 'in the fleet scorecard' }),
    ).toHaveAttribute('href', '/mesh?owner=group%3Adefault%2Fteam-a');
  });

  it('links to no scorecard when the app has none', async () => {
    serve();
    await renderCard({ scorecardMounted: false });

    await screen.findByTestId('mesh-group-summary');
    expect(
      screen.queryByRole('link', { name: /scorecard/ }),
    ).not.toBeInTheDocument();
  });
});
