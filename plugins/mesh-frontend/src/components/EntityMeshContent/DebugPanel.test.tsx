import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { makeReport } from '../../__fixtures__/reports';
import { DebugPanel } from './DebugPanel';
import { DEBUG_TIP } from './debugCommands';
import { copiedBy } from './__testUtils__/meshTab';

const commandTexts = () =>
  screen
    .getAllByTestId('mesh-debug-command')
    .map(c => within(c).getByRole('group').textContent);

async function choose(label: string, option: string) {
  await userEvent.click(
    screen.getByRole('button', { name: new RegExp(label) }),
  );
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('DebugPanel', () => {
  it('shows the Istio sidecar commands for the namespace, with <pod> until a pod is named', async () => {
    await renderInTestApp(<DebugPanel report={makeReport()} />);

    expect(screen.getByTestId('mesh-debug-tip')).toHaveTextContent(DEBUG_TIP);
    expect(commandTexts()).toEqual([
      'kubectl get pods -n shop -o wide | grep x',
      'istioctl proxy-config endpoints <pod> -n shop',
      'istioctl proxy-config cluster <pod> -n shop',
      'istioctl proxy-config routes <pod> -n shop',
      'istioctl analyze -n shop',
      'istioctl proxy-config log <pod> -n shop --level debug',
    ]);
    expect(screen.getByTestId('mesh-debug-missing')).toHaveTextContent(
      'Still to fill in: <pod>.',
    );

    await userEvent.type(
      screen.getByLabelText('Pod name'),
      'x-7d9f8b6c4-x2k9q',
    );
    expect(commandTexts()[1]).toBe(
      'istioctl proxy-config endpoints x-7d9f8b6c4-x2k9q -n shop',
    );
    expect(screen.queryByTestId('mesh-debug-missing')).not.toBeInTheDocument();
    expect(
      await copiedBy(
        screen.getByRole('button', { name: 'Copy: Envoy debug logging' }),
      ),
    ).toBe('istioctl proxy-config log x-7d9f8b6c4-x2k9q -n shop --level debug');
  });

  it('refuses a pod name that is not one, and keeps the placeholder', async () => {
    await renderInTestApp(<DebugPanel report={makeReport()} />);
    await userEvent.type(screen.getByLabelText('Pod name'), 'x; rm -rf ~');
    expect(screen.getByText(/^Not a pod name/)).toBeVisible();
    expect(commandTexts()[2]).toBe(
      'istioctl proxy-config cluster <pod> -n shop',
    );
  });

  it('follows the chosen workload, forgetting the pod of the other', async () => {
    await renderInTestApp(<DebugPanel report={makeReport()} />);
    await userEvent.type(screen.getByLabelText('Pod name'), 'x-1');
    await choose('Workload', 'shop / StatefulSet / x-cache (prod-eu)');
    expect(screen.getByLabelText('Pod name')).toHaveValue('');
    expect(commandTexts()[0]).toBe(
      'kubectl get pods -n shop -o wide | grep x-cache',
    );
  });

  it('switches to the Linkerd commands', async () => {
    await renderInTestApp(
      <DebugPanel
        report={makeReport({
          mesh: { provider: 'linkerd', dataPlane: 'sidecar' },
        })}
      />,
    );
    expect(screen.getByText('Detected: Linkerd')).toBeVisible();
    await userEvent.type(screen.getByLabelText('Pod name'), 'x-1');
    expect(commandTexts()).toEqual([
      'kubectl get pods -n shop -o wide | grep x',
      'linkerd viz tap deploy/x -n shop',
      'linkerd viz stat -n shop deploy',
      'linkerd diagnostics proxy-metrics -n shop po/x-1',
      'linkerd check --proxy -n shop',
    ]);
  });

  it('asks ztunnel and the waypoint for an ambient workload (it has no Envoy)', async () => {
    const report = makeReport({
      mesh: { provider: 'istio', dataPlane: 'ambient' },
    });
    await renderInTestApp(<DebugPanel report={report} />);
    expect(screen.getByText(/has no Envoy of its own/)).toBeVisible();
    await userEvent.type(screen.getByLabelText('Pod name'), 'x-1');
    const waypoint = screen.getByLabelText('Waypoint');
    await userEvent.clear(waypoint);
    await userEvent.type(waypoint, 'shop-waypoint');
    const texts = commandTexts();
    expect(texts).toContain(
      'istioctl ztunnel-config workloads --workload-namespace shop | grep x-1',
    );
    expect(texts).toContain('istioctl ztunnel-config services');
    expect(texts).toContain(
      'istioctl proxy-config endpoints deploy/shop-waypoint -n shop',
    );
    expect(texts.some(t => t!.includes('<pod>'))).toBe(false);
  });

  it('lets the user pick a data plane when the workload is not in a mesh', async () => {
    await renderInTestApp(
      <DebugPanel
        report={makeReport({ mesh: { provider: 'none', dataPlane: 'none' } })}
      />,
    );
    expect(
      screen.getByText('Not in a mesh: pick the one it will join'),
    ).toBeVisible();
    await choose('Data plane', 'Linkerd');
    expect(commandTexts()[1]).toBe('linkerd viz tap deploy/x -n shop');
  });

  it('says when there is no workload to debug', async () => {
    await renderInTestApp(
      <DebugPanel report={makeReport({ workloads: [] })} />,
    );
    expect(screen.getByTestId('mesh-debug-empty')).toHaveTextContent(
      'No workload matched this entity, so there is no pod to debug.',
    );
  });
});
