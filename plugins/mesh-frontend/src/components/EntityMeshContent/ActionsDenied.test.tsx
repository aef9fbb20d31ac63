import { screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { WAIVER, serveReports, withOnCall } from './__testUtils__/actions';
import { BASE, defaultHandlers, renderTab } from './__testUtils__/meshTab';

// A file of its own: the permission hook caches its answers (SWR) for the whole file.
const server = setupServer(...defaultHandlers);
registerMswTestHooks(server);

describe('Attest, Waive and Withdraw for a user without the permissions', () => {
  it('hides every action when the permissions are denied', async () => {
    serveReports(server, withOnCall());
    server.use(
      http.get(`${BASE}/v1/waivers`, () =>
        HttpResponse.json({
          entityRef: 'component:default/x',
          waivers: [WAIVER],
        }),
      ),
    );
    const { permissionRequests } = await renderTab({ authorize: false });

    await screen.findByTestId('mesh-check-remediation-operations.on-call');
    expect(await screen.findByTestId(`mesh-waiver-${WAIVER.id}`)).toBeVisible();
    await waitFor(() =>
      expect(permissionRequests.length).toBeGreaterThanOrEqual(2),
    );
    expect(
      screen.queryByRole('button', { name: /^Attest / }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Waive / }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Withdraw/ }),
    ).not.toBeInTheDocument();
  });
});
