import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { makeReport } from '../../__fixtures__/reports';
import {
  BASE,
  REPORT_URL,
  defaultHandlers,
  renderTab,
} from './__testUtils__/meshTab';
import { REFRESH_DENIED_REASON } from './refreshPermission';

// A file of its own: the permission hook caches its answers (SWR) for the whole file.
const server = setupServer(...defaultHandlers);
registerMswTestHooks(server);

describe('the refresh for a user with mesh.refresh only', () => {
  it('enables the header button, whatever the other permissions say', async () => {
    let refreshes = 0;
    server.use(
      http.get(REPORT_URL, () => HttpResponse.json(makeReport())),
      http.post(`${BASE}/v1/refresh`, () => {
        refreshes += 1;
        return HttpResponse.json({ clusters: [{ name: 'prod-eu', ok: true }] });
      }),
    );
    await renderTab({
      authorize: request => request.permission.name === 'mesh.refresh',
    });

    await screen.findByTestId('mesh-rps');
    const button = screen.getByRole('button', { name: 'Refresh' });
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.hover(screen.getByTestId('mesh-refresh-tooltip'));
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent(
      'Collect a fresh report for this entity now',
    );
    expect(tooltip).not.toHaveTextContent(REFRESH_DENIED_REASON);

    await userEvent.click(button);
    await waitFor(() => expect(refreshes).toBe(1));
    // Attest and Waive stay hidden: their permissions were denied.
    expect(
      screen.queryByRole('button', { name: /^Waive / }),
    ).not.toBeInTheDocument();
  });
});
