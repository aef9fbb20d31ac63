import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { MESH_ERROR_CODES } from '@mesh-readiness/plugin-mesh-common';
import { makeReport } from '../../__fixtures__/reports';
import {
  BASE,
  REPORT_URL,
  defaultHandlers,
  errorBody,
  renderTab,
} from './__testUtils__/meshTab';
import { REFRESH_DENIED_REASON } from './refreshPermission';

// A file of its own: the permission hook caches its answers (SWR) for the whole file.
const server = setupServer(...defaultHandlers);
registerMswTestHooks(server);

/** Counts the collections the tab asks for: none may reach the backend here. */
function countRefreshes() {
  const counter = { posts: 0 };
  server.use(
    http.post(`${BASE}/v1/refresh`, () => {
      counter.posts += 1;
      return HttpResponse.json({ clusters: [] });
    }),
  );
  return counter;
}

describe('the refresh for a user without mesh.refresh', () => {
  it('disables the header button and says why in its tooltip', async () => {
    server.use(http.get(REPORT_URL, () => HttpResponse.json(makeReport())));
    const refreshes = countRefreshes();
    const { permissionRequests } = await renderTab({
      authorize: request => request.permission.name !== 'mesh.refresh',
    });

    await screen.findByTestId('mesh-rps');
    await waitFor(() =>
      expect(permissionRequests.map(r => r.permission.name)).toContain(
        'mesh.refresh',
      ),
    );
    const button = screen.getByRole('button', { name: 'Refresh' });
    await waitFor(() => expect(button).toBeDisabled());

    await userEvent.hover(screen.getByTestId('mesh-refresh-tooltip'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      REFRESH_DENIED_REASON,
    );
    expect(refreshes.posts).toBe(0);
  });

  it('disables "Collect now" when there is no report yet, with the reason', async () => {
    server.use(
      http.get(REPORT_URL, () =>
        errorBody(
          404,
          'NotFoundError',
          'none yet',
          MESH_ERROR_CODES.noReportYet,
        ),
      ),
    );
    const refreshes = countRefreshes();
    await renderTab({
      authorize: request => request.permission.name !== 'mesh.refresh',
    });

    expect(await screen.findByText('No mesh report yet')).toBeVisible();
    const collect = screen.getByRole('button', { name: 'Collect now' });
    await waitFor(() => expect(collect).toBeDisabled());
    await userEvent.hover(screen.getByTestId('mesh-collect-tooltip'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      REFRESH_DENIED_REASON,
    );
    expect(refreshes.posts).toBe(0);
  });
});
