import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  MockFetchApi,
  TestApiProvider,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/test-utils';
import {
  FleetHistoryResponse,
  RollupHistoryPoint,
  RollupHistoryResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshClient } from '../../api';
import {
  ReadinessTrendCard,
  TREND_HEIGHT,
  TrendRollup,
} from './ReadinessTrendCard';

const BASE = 'http://localhost:7007/api/mesh';
const CHART_WIDTH = 800;

const server = setupServer();
registerMswTestHooks(server);

/**
 * jsdom lays nothing out and has no ResizeObserver. This one reports what a browser
 * would for the chart's container: the card's width, and the height the chart was given.
 */
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback(
      [
        {
          target,
          contentRect: { width: CHART_WIDTH, height: TREND_HEIGHT },
        } as unknown as ResizeObserverEntry,
      ],
      this as unknown as ResizeObserver,
    );
  }
  unobserve() {}
  disconnect() {}
}

const original = (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
beforeAll(() => {
  Object.assign(globalThis, { ResizeObserver: FixedSizeResizeObserver });
});
afterAll(() => {
  Object.assign(globalThis, { ResizeObserver: original });
});

function point(
  day: string,
  entities: number,
  averageScore: number,
  levels: Record<string, number>,
): RollupHistoryPoint {
  return {
    day,
    entities,
    averageScore,
    levels,
    meshedWorkloads: 0,
    workloads: 0,
  };
}

const THREE_DAYS = [
  point('2026-03-01', 40, 50, { 'production-ready': 0.25, 'not-ready': 0.75 }),
  point('2026-03-02', 40, 55, { 'production-ready': 0.5, 'not-ready': 0.5 }),
  point('2026-03-03', 40, 61.3, {
    'production-ready': 0.75,
    'almost-ready': 0.25,
  }),
];

/** Serves the fleet's history and records the `days` asked for. */
function serveFleet(points: RollupHistoryPoint[] | (() => Response)) {
  const asked: string[] = [];
  server.use(
    http.get(`${BASE}/v1/history/fleet`, ({ request }) => {
      const days = new URL(request.url).searchParams.get('days') ?? '';
      asked.push(days);
      if (typeof points === 'function') return points();
      const body: FleetHistoryResponse = { days: Number(days), points };
      return HttpResponse.json(body);
    }),
  );
  return asked;
}

async function renderCard(
  props: { rollup?: TrendRollup; onShowFleet?: () => void } = {},
) {
  const meshApi = new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, meshApi]]}>
      <ReadinessTrendCard {...props} />
    </TestApiProvider>,
  );
}

const chart = () =>
  screen.findByRole('application', {
    name: /^Readiness of the whole fleet, last 30 days/,
  });

describe('ReadinessTrendCard', () => {
  it('draws the average score and the entities per level, named and described', async () => {
    const asked = serveFleet(THREE_DAYS);
    const { container } = await renderCard();

    const svg = await chart();
    expect(svg).toHaveAccessibleDescription(
      'From 1 Mar to 3 Mar the average score went from 50.0 to 61.3; on 3 Mar 30 of 40 entities were production-ready.',
    );
    expect(asked).toEqual(['30']);
    // Three stacked levels have entities on some day: one bar per level and day that
    // has any, none for a level at zero.
    const bars = container.querySelectorAll('.recharts-bar-rectangle path');
    expect(bars).toHaveLength(3 + 2 + 1);
    // The score line runs through the three days, with their dots.
    expect(container.querySelectorAll('.recharts-line-dot')).toHaveLength(3);
    // The legend in the chart's order: levels from the most ready, then the score.
    const legend = container.querySelectorAll('.recharts-legend-item-text');
    expect([...legend].map(item => item.textContent)).toEqual([
      'production-ready',
      'almost-ready',
      'not-ready',
      'not-meshed',
      'unmapped',
      'average score',
    ]);
  });

  it('draws a lone day as bars and a dot, and says it is the only one', async () => {
    serveFleet([point('2026-03-05', 40, 61.25, { 'production-ready': 0.3 })]);
    const { container } = await renderCard();
    const svg = await chart();
    expect(svg).toHaveAccessibleDescription(
      'One day so far: on 5 Mar the average score was 61.3 and 12 of 40 entities were production-ready.',
    );
    expect(
      container.querySelectorAll('.recharts-bar-rectangle path'),
    ).toHaveLength(1);
    expect(container.querySelectorAll('.recharts-line-dot')).toHaveLength(1);
  });

  it('is reachable by keyboard: the period, the table switch, then the chart', async () => {
    serveFleet(THREE_DAYS);
    await renderCard();
    const svg = await chart();
    await userEvent.tab();
    expect(screen.getByLabelText('Period')).toHaveFocus();
    await userEvent.tab();
    expect(
      screen.getByRole('checkbox', { name: 'Show as table' }),
    ).toHaveFocus();
    await userEvent.tab();
    expect(svg).toHaveFocus();
  });

  it('shows a loading state', async () => {
    server.use(
      http.get(`${BASE}/v1/history/fleet`, async () => {
        await new Promise(r => setTimeout(r, 5000));
        return HttpResponse.json({ days: 30, points: [] });
      }),
    );
    await renderCard();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByRole('application')).toBeNull();
  });

  it('says when there is no history yet', async () => {
    serveFleet([]);
    await renderCard();
    expect(await screen.findByTestId('mesh-trend-empty')).toHaveTextContent(
      'No history for the whole fleet in the last 30 days: history starts after the first collection, with one point a day.',
    );
    expect(screen.queryByRole('application')).toBeNull();
  });

  it('shows the server error', async () => {
    serveFleet(() =>
      HttpResponse.json(
        {
          error: { name: 'Error', message: 'history table is locked' },
          request: { method: 'GET', url: '/api/mesh/v1/history/fleet' },
          response: { statusCode: 500 },
        },
        { status: 500 },
      ),
    );
    await renderCard();
    expect(
      (await screen.findAllByText(/history table is locked/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('application')).toBeNull();
  });

  it('asks for the chosen period', async () => {
    const asked = serveFleet(THREE_DAYS);
    await renderCard();
    await chart();
    const period = screen.getByLabelText('Period');
    expect(
      within(period)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['Last 7 days', 'Last 30 days', 'Last 90 days']);
    await userEvent.selectOptions(period, '90');
    expect(
      await screen.findByRole('application', {
        name: /^Readiness of the whole fleet, last 90 days/,
      }),
    ).toBeInTheDocument();
    expect(asked).toEqual(['30', '90']);
  });

  it('shows the same figures as a table', async () => {
    serveFleet(THREE_DAYS);
    await renderCard();
    await chart();
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Show as table' }),
    );
    const table = screen.getByRole('table', { name: 'Readiness trend by day' });
    const rows = within(table).getAllByRole('row');
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map(c => c.textContent),
    ).toEqual([
      'Day',
      'Average score',
      'Entities',
      'production-ready',
      'almost-ready',
      'not-ready',
      'not-meshed',
      'unmapped',
    ]);
    expect(
      within(rows[3])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['2026-03-03', '61.3', '40', '30', '10', '0', '0', '0']);
    expect(screen.queryByRole('application')).toBeNull();
  });

  it("shows a roll-up's trend, and goes back to the fleet", async () => {
    let asked: URLSearchParams | undefined;
    server.use(
      http.get(`${BASE}/v1/history/rollups`, ({ request }) => {
        asked = new URL(request.url).searchParams;
        const body: RollupHistoryResponse = {
          by: 'group',
          key: 'group:default/team-a',
          days: 30,
          points: [point('2026-03-05', 4, 80, { 'production-ready': 0.5 })],
        };
        return HttpResponse.json(body);
      }),
    );
    const onShowFleet = jest.fn();
    await renderCard({
      rollup: { by: 'group', key: 'group:default/team-a', label: 'team-a' },
      onShowFleet,
    });
    const svg = await screen.findByRole('application', {
      name: /^Readiness of group team-a, last 30 days/,
    });
    expect(svg).toHaveAccessibleDescription(
      'One day so far: on 5 Mar the average score was 80.0 and 2 of 4 entities were production-ready.',
    );
    expect(asked?.get('by')).toBe('group');
    expect(asked?.get('key')).toBe('group:default/team-a');
    expect(asked?.get('days')).toBe('30');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show the whole fleet' }),
    );
    expect(onShowFleet).toHaveBeenCalledTimes(1);
  });

  it('shows the day under the keyboard in a tooltip, levels in order', async () => {
    serveFleet(THREE_DAYS);
    const { container } = await renderCard();
    const svg = await chart();
    const tooltip = container.querySelector(
      '.recharts-tooltip-wrapper',
    ) as HTMLElement;
    act(() => svg.focus());
    await waitFor(() => expect(tooltip).toHaveTextContent(/^1 Mar/));
    fireEvent.keyDown(svg, { key: 'ArrowRight' });
    await waitFor(() =>
      expect(tooltip).toHaveTextContent(
        '2 Mar' +
          'production-ready : 20' +
          'almost-ready : 0' +
          'not-ready : 20' +
          'not-meshed : 0' +
          'unmapped : 0' +
          'average score : 55.0',
      ),
    );
  });
});
