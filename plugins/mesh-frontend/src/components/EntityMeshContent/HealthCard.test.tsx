import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { entity, makeReport } from '../../__fixtures__/reports';
import {
  HISTORY_URL,
  REPORT_URL,
  defaultHandlers,
  errorBody,
  historyPoints,
  renderTab,
} from './__testUtils__/meshTab';

const server = setupServer(...defaultHandlers);
registerMswTestHooks(server);

const health = (rps: number, p99: number | null) => ({
  requestsPerSecond: rps,
  successRate: 0.99,
  latencyMs: { p50: 10, p95: 40, p99 },
});

function serve(points: ReturnType<typeof historyPoints>) {
  let days: string | null = null;
  server.use(
    http.get(REPORT_URL, () => HttpResponse.json(makeReport())),
    http.get(HISTORY_URL, ({ request }) => {
      days = new URL(request.url).searchParams.get('days');
      return HttpResponse.json({
        entityRef: 'component:default/x',
        days: 30,
        points,
      });
    }),
  );
  return { days: () => days };
}

const budgetEntity = {
  ...entity,
  metadata: {
    ...entity.metadata,
    annotations: {
      ...entity.metadata.annotations,
      'servicemesh/latency-budget-p99-ms': '300',
    },
  },
};

describe('Golden signals with their history', () => {
  it('draws a sparkline per signal from 30 days of history', async () => {
    const served = serve(
      historyPoints([
        // recorded before the figures were kept: a gap, not a zero
        undefined,
        health(10, 120),
        health(12, 150),
        health(12.345, 180),
      ]),
    );
    await renderTab();

    const rps = await screen.findByTestId('mesh-sparkline-rps');
    expect(rps.querySelector('svg')).not.toBeNull();
    expect(rps.querySelector('.recharts-line')).not.toBeNull();
    expect(rps).toHaveAttribute(
      'aria-label',
      expect.stringMatching(
        /^Requests history, daily: from 10\.0 req\/s on \d{4}-\d{2}-\d{2} to 12\.3 req\/s on \d{4}-\d{2}-\d{2}$/,
      ),
    );
    for (const key of ['success-rate', 'p50', 'p95', 'p99']) {
      const id = key === 'success-rate' ? 'successRate' : key;
      expect(
        screen.getByTestId(`mesh-sparkline-${id}`).querySelector('svg'),
      ).not.toBeNull();
    }
    expect(served.days()).toBe('30');
    // no budget annotation, no budget line
    expect(
      screen
        .getByTestId('mesh-sparkline-p99')
        .querySelector('.recharts-reference-line'),
    ).toBeNull();
    expect(screen.getByTestId('mesh-history-freshness')).toHaveTextContent(
      /^Daily history, last recorded on \d{4}-\d{2}-\d{2}\.$/,
    );
  });

  it('draws the p99 budget as a line when the entity has one', async () => {
    serve(historyPoints([health(10, 120), health(12, 150)]));
    await renderTab({ entity: budgetEntity });

    const p99 = await screen.findByTestId('mesh-sparkline-p99');
    await waitFor(() =>
      expect(p99.querySelector('.recharts-reference-line')).not.toBeNull(),
    );
    expect(p99).toHaveAttribute(
      'aria-label',
      expect.stringMatching(/; budget 300\.0 ms$/),
    );
    // only on p99
    expect(
      screen
        .getByTestId('mesh-sparkline-p95')
        .querySelector('.recharts-reference-line'),
    ).toBeNull();
    expect(screen.getByText(/p99 budget 300\.0 ms/)).toBeInTheDocument();
  });

  it('says "no history yet" when no day has the figures', async () => {
    serve(historyPoints([undefined, undefined]));
    await renderTab({ entity: budgetEntity });

    expect(await screen.findByTestId('mesh-history-empty')).toBeVisible();
    for (const id of ['rps', 'successRate', 'p50', 'p95', 'p99']) {
      expect(
        screen.getByTestId(`mesh-sparkline-${id}-empty`),
      ).toHaveTextContent('no history yet');
    }
    expect(document.querySelector('.recharts-wrapper')).toBeNull();
    // the figures of now are still there
    expect(screen.getByTestId('mesh-rps')).toHaveTextContent('12.3 req/s');
  });

  it('draws a single day as a dot, and a signal missing that day as no history', async () => {
    serve(historyPoints([health(7, null)]));
    await renderTab();

    const rps = await screen.findByTestId('mesh-sparkline-rps');
    expect(
      rps.querySelector('.recharts-line-dot, .recharts-dot'),
    ).not.toBeNull();
    expect(rps).toHaveAttribute(
      'aria-label',
      expect.stringMatching(/^Requests history, daily: 7\.00 req\/s on /),
    );
    expect(screen.getByTestId('mesh-sparkline-p99-empty')).toBeVisible();
  });

  it('marks history whose last point is older than yesterday', async () => {
    const old = Date.now() - 5 * 24 * 3600 * 1000;
    serve(historyPoints([health(10, 120), health(12, 150)], old));
    await renderTab();

    expect(
      await screen.findByTestId('mesh-history-freshness'),
    ).toHaveTextContent(
      'no complete report since (collections failed or the report is stale)',
    );
    expect(screen.getByTestId('mesh-sparkline-rps')).toBeInTheDocument();
  });

  it('shows a loading state, then the sparklines', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>(r => (release = r));
    server.use(
      http.get(REPORT_URL, () => HttpResponse.json(makeReport())),
      http.get(HISTORY_URL, async () => {
        await gate;
        return HttpResponse.json({
          entityRef: 'component:default/x',
          days: 30,
          points: historyPoints([health(10, 120), health(11, 130)]),
        });
      }),
    );
    await renderTab();

    expect(await screen.findByTestId('mesh-history-loading')).toBeVisible();
    expect(screen.getByTestId('mesh-rps')).toHaveTextContent('12.3 req/s');
    release();
    expect(await screen.findByTestId('mesh-sparkline-rps')).toBeVisible();
    expect(
      screen.queryByTestId('mesh-history-loading'),
    ).not.toBeInTheDocument();
  });

  it('shows a history error with its own retry, and keeps the report', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => HttpResponse.json(makeReport())),
      http.get(HISTORY_URL, () => {
        calls += 1;
        return calls === 1
          ? errorBody(500, 'Error', 'history store unavailable')
          : HttpResponse.json({
              entityRef: 'component:default/x',
              days: 30,
              points: historyPoints([health(10, 120)]),
            });
      }),
    );
    await renderTab();

    const error = await screen.findByTestId('mesh-history-error');
    expect(error).toHaveTextContent('history store unavailable');
    expect(screen.getByTestId('mesh-check-security.mtls')).toBeInTheDocument();
    await userEvent.click(
      within(error).getByRole('button', { name: 'Retry history' }),
    );
    expect(await screen.findByTestId('mesh-sparkline-rps')).toBeVisible();
    expect(calls).toBe(2);
  });
});
