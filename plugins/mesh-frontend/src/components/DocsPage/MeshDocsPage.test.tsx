import { screen, waitFor, within } from '@testing-library/react';
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
  MESH_ERROR_CODES,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshClient } from '../../api';
import { makeReport } from '../../__fixtures__/reports';
import { MeshDocsPage } from './MeshDocsPage';

const BASE = 'http://localhost:7007/api/mesh';
const REPORT_URL = `${BASE}/v1/reports/component/default/x`;

const server = setupServer();
registerMswTestHooks(server);

function errorBody(status: number, name: string, code?: string) {
  return HttpResponse.json(
    {
      error: { name, message: `${name} happened`, ...(code ? { code } : {}) },
      request: {
        method: 'GET',
        url: '/api/mesh/v1/reports/component/default/x',
      },
      response: { statusCode: status },
    },
    { status },
  );
}

function serveReport(report: MeshReport) {
  server.use(http.get(REPORT_URL, () => HttpResponse.json(report)));
}

async function renderPage(path = '/mesh/docs?entity=component:default/x') {
  const meshApi = new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, meshApi]]}>
      <MeshDocsPage />
    </TestApiProvider>,
    { routeEntries: [path] },
  );
}

/** The text of every command/YAML block on the page. */
function snippetTexts(): string[] {
  return screen
    .getAllByTestId('mesh-docs-snippet')
    .map(el => el.querySelector('pre')?.textContent ?? '');
}

describe('MeshDocsPage', () => {
  it('without an entity, shows the whole guide with placeholders', async () => {
    await renderPage('/mesh/docs');
    expect(
      await screen.findByRole('heading', {
        name: 'How to mesh / unmesh a workload',
      }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('mesh-docs-no-entity')).toBeInTheDocument();
    // the reference document's sequence, what to avoid, when not to mesh
    expect(
      within(screen.getByTestId('mesh-docs-sequence')).getAllByRole('listitem'),
    ).toHaveLength(4);
    expect(screen.getByTestId('mesh-docs-avoid')).toHaveTextContent(
      'Stateful workloads',
    );
    expect(screen.getByTestId('mesh-docs-when-not')).toHaveTextContent(
      'NetworkPolicies',
    );
    // Istio sidecar by default, commands keep their placeholders
    expect(screen.getByRole('tab', { name: 'Istio sidecar' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(snippetTexts()).toContain(
      'kubectl label namespace {namespace} istio-injection=enabled',
    );
    // no report, so no "Now" column
    expect(
      screen.queryByRole('columnheader', { name: 'Now' }),
    ).not.toBeInTheDocument();
  });

  it('fills in the entity’s namespace and workloads, and the checks’ current status', async () => {
    serveReport(makeReport());
    await renderPage();

    expect(await screen.findByTestId('mesh-docs-filled')).toHaveTextContent(
      'namespace shop, workload x, kind deployment in cluster prod-eu',
    );
    const texts = snippetTexts();
    expect(texts).toContain(
      'kubectl label namespace shop istio-injection=enabled',
    );
    expect(texts).toContain(
      `kubectl patch deployment x -n shop --type merge \\\n  -p '{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"true"}}}}}'`,
    );
    // placeholders the entity cannot fill stay as they are
    expect(texts).toContain(
      'kubectl label namespace shop istio.io/rev={revision}',
    );
    // jsonpath braces untouched
    expect(texts.join('\n')).toContain('{range .items[*]}{.metadata.name}');

    // the checks that turn green, with the entity's status now
    const mtls = screen.getByTestId('mesh-docs-verify-security.mtls');
    expect(within(mtls).getByText('fail')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('mesh-docs-verify-mesh.enrollment')).getByText(
        'pass',
      ),
    ).toBeInTheDocument();
    expect(
      within(
        screen.getByTestId('mesh-docs-verify-observability.metrics'),
      ).getByText('not in report'),
    ).toBeInTheDocument();
  });

  it('switches workload with the picker and data plane with the tabs, by keyboard', async () => {
    serveReport(makeReport());
    await renderPage();
    await screen.findByTestId('mesh-docs-filled');

    await userEvent.click(screen.getByRole('button', { name: /Workload/ }));
    await userEvent.click(
      await screen.findByRole('option', {
        name: 'prod-eu / shop / StatefulSet / x-cache',
      }),
    );
    expect(screen.getByTestId('mesh-docs-filled')).toHaveTextContent(
      'workload x-cache, kind statefulset',
    );
    expect(snippetTexts().join('\n')).toContain(
      'kubectl patch statefulset x-cache -n shop',
    );

    // tabs: focus the selected one, arrow right twice, Enter
    const sidecarTab = screen.getByRole('tab', { name: 'Istio sidecar' });
    sidecarTab.focus();
    await userEvent.keyboard('{ArrowRight}{ArrowRight}{Enter}');
    await waitFor(() =>
      expect(screen.getByRole('tab', { name: 'Linkerd' })).toHaveAttribute(
        'aria-selected',
        'true',
      ),
    );
    expect(screen.getByTestId('mesh-docs-flavor-linkerd')).toBeInTheDocument();
    const texts = snippetTexts();
    expect(texts).toContain(
      'kubectl annotate namespace shop linkerd.io/inject=enabled',
    );
    expect(texts).toContain('linkerd check --proxy -n shop');

    await userEvent.click(screen.getByRole('tab', { name: 'Istio ambient' }));
    expect(snippetTexts()).toContain(
      'istioctl waypoint apply -n shop --enroll-namespace',
    );
  });

  it('opens on the entity’s own data plane', async () => {
    serveReport(
      makeReport({ mesh: { provider: 'linkerd', dataPlane: 'sidecar' } }),
    );
    await renderPage();
    await screen.findByTestId('mesh-docs-filled');
    expect(screen.getByRole('tab', { name: 'Linkerd' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('has a labelled copy button on every command, which copies the filled text', async () => {
    serveReport(makeReport());
    await renderPage();
    await screen.findByTestId('mesh-docs-filled');
    const blocks = screen.getAllByTestId('mesh-docs-snippet');
    for (const block of blocks) {
      expect(
        within(block).getByRole('button', { name: /^Copy: / }),
      ).toBeInTheDocument();
    }
    // copy-to-clipboard selects the text, then runs execCommand('copy')
    let copied: string | undefined;
    const execCommand = jest.fn(() => {
      copied = document.getSelection()?.toString();
      return true;
    });
    const original = document.execCommand;
    document.execCommand = execCommand;
    try {
      await userEvent.click(
        screen.getByRole('button', {
          name: 'Copy: Label the namespace (default revision)',
        }),
      );
    } finally {
      document.execCommand = original;
    }
    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(copied).toBe('kubectl label namespace shop istio-injection=enabled');
  });

  it('leaves invalid names as placeholders', async () => {
    const report = makeReport();
    report.workloads = [
      {
        cluster: 'prod-eu',
        namespace: 'Shop_NS',
        kind: 'CronJob',
        name: 'x;rm -rf',
        pods: 1,
        meshedPods: 0,
        proxyVersions: [],
      },
    ];
    serveReport(report);
    await renderPage();
    expect(
      await screen.findByTestId('mesh-docs-invalid-names'),
    ).toBeInTheDocument();
    expect(snippetTexts()).toContain(
      'kubectl label namespace {namespace} istio-injection=enabled',
    );
    expect(snippetTexts().join('\n')).not.toContain('rm -rf');
  });

  it('shows a loading state while the report loads', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>(r => {
      release = r;
    });
    server.use(
      http.get(REPORT_URL, async () => {
        await gate;
        return HttpResponse.json(makeReport());
      }),
    );
    await renderPage();
    expect(await screen.findByTestId('mesh-docs-loading')).toBeInTheDocument();
    // the guide itself does not wait for the report
    expect(screen.getByTestId('mesh-docs-sequence')).toBeInTheDocument();
    release();
    expect(await screen.findByTestId('mesh-docs-filled')).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-docs-loading')).not.toBeInTheDocument();
  });

  it('shows an error with a retry, and the guide with placeholders meanwhile', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        return calls === 1
          ? errorBody(500, 'Error')
          : HttpResponse.json(makeReport());
      }),
    );
    await renderPage();
    expect(
      (await screen.findAllByText(/Error happened/)).length,
    ).toBeGreaterThan(0);
    expect(snippetTexts()).toContain(
      'kubectl label namespace {namespace} istio-injection=enabled',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('mesh-docs-filled')).toBeInTheDocument();
  });

  it('says when no report has been collected yet', async () => {
    server.use(
      http.get(REPORT_URL, () =>
        errorBody(404, 'NotFoundError', MESH_ERROR_CODES.noReportYet),
      ),
    );
    await renderPage();
    expect(
      await screen.findByTestId('mesh-docs-no-report'),
    ).toBeInTheDocument();
  });

  it('says when the entity has no workloads', async () => {
    serveReport(makeReport({ workloads: [] }));
    await renderPage();
    expect(
      await screen.findByTestId('mesh-docs-no-workloads'),
    ).toBeInTheDocument();
  });

  it('warns when the report is stale', async () => {
    serveReport(
      makeReport({ stale: true, staleReason: 'kubernetes source failed' }),
    );
    await renderPage();
    expect(await screen.findByTestId('mesh-docs-stale')).toHaveTextContent(
      'kubernetes source failed',
    );
    expect(screen.getByTestId('mesh-docs-filled')).toBeInTheDocument();
  });

  it('rejects an invalid entity reference without calling the API', async () => {
    const handler = jest.fn(() => HttpResponse.json(makeReport()));
    server.use(http.get(`${BASE}/*`, handler));
    await renderPage('/mesh/docs?entity=%3A%3A%2F%2F');
    expect(
      await screen.findByText(/Not an entity reference/),
    ).toBeInTheDocument();
    expect(handler).not.toHaveBeenCalled();
  });
});
