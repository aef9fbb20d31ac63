import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { serveReports, withOnCall } from './__testUtils__/actions';
import { defaultHandlers, renderTab } from './__testUtils__/meshTab';

// A file of its own: the permission hook caches its answers (SWR) for the whole file.
const server = setupServer(...defaultHandlers);
registerMswTestHooks(server);

describe('Attest and Waive for a user who may waive but not attest', () => {
  it('asks for attesting on the entity as a resource, and for waiving as a basic permission', async () => {
    serveReports(server, withOnCall());
    const { permissionRequests } = await renderTab({
      // may waive, may not attest
      authorize: request => request.permission.name === 'mesh.waiver.manage',
    });

    expect(
      await screen.findByRole('button', {
        name: 'Waive On-call trained on proxy debugging',
      }),
    ).toBeVisible();
    expect(
      screen.queryByRole('button', { name: /^Attest / }),
    ).not.toBeInTheDocument();
    const attest = permissionRequests.find(
      r => r.permission.name === 'mesh.attestation.create',
    );
    expect(attest?.resourceRef).toBe('component:default/x');
    const waive = permissionRequests.find(
      r => r.permission.name === 'mesh.waiver.manage',
    );
    expect(waive?.resourceRef).toBeUndefined();
  });
});
