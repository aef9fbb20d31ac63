import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ReportLink } from '@mesh-readiness/plugin-mesh-common';
import { makeReport } from '../../__fixtures__/reports';
import { HowToMeshCard } from './HowToMeshCard';
import { LinksCard } from './LinksCard';
import { SCRIPT_URL, copiedBy } from './__testUtils__/meshTab';

const link = (tool: ReportLink['tool'], url: string): ReportLink => ({
  tool,
  title: `${tool}: x (shop)`,
  url,
  cluster: 'prod-eu',
  namespace: 'shop',
  workload: 'x',
});

describe('LinksCard', () => {
  it('opens each http(s) link in a new tab, and drops any other', async () => {
    await renderInTestApp(
      <LinksCard
        links={[
          link(
            'kiali',
            'https://kiali.example.com/console/namespaces/shop/workloads/x',
          ),
          link('grafana', 'http://grafana.local/d/mesh?var-workload=x'),
          link('linkerdViz', SCRIPT_URL),
          link('tracing', 'data:text/html,hi'),
          link('kiali', 'not a url'),
        ]}
      />,
    );
    const nav = screen.getByRole('navigation', { name: 'Links out' });
    const links = within(nav).getAllByRole('link');
    expect(links.map(l => l.getAttribute('href'))).toEqual([
      'https://kiali.example.com/console/namespaces/shop/workloads/x',
      'http://grafana.local/d/mesh?var-workload=x',
    ]);
    for (const l of links) {
      expect(l).toHaveAttribute('target', '_blank');
      expect(l).toHaveAttribute('rel', 'noopener noreferrer');
    }
    expect(links[0]).toHaveTextContent('kiali: x (shop)');
    expect(links[0]).toHaveAttribute(
      'title',
      'Kiali · prod-eu / shop / x (opens in a new tab)',
    );
  });

  it.each([[undefined], [[]], [[link('kiali', SCRIPT_URL)]]])(
    'explains mesh.links when there is nothing to link (%j)',
    async links => {
      await renderInTestApp(<LinksCard links={links} />);
      expect(screen.getByTestId('mesh-links-empty')).toHaveTextContent(
        'mesh.links',
      );
      expect(screen.queryByRole('link')).not.toBeInTheDocument();
    },
  );
});

describe('HowToMeshCard', () => {
  it('links to the guide filled for the entity, with the namespace rollback inline', async () => {
    await renderInTestApp(
      <HowToMeshCard report={makeReport()} entityRef="component:default/x" />,
    );
    expect(screen.getByTestId('mesh-howto-link')).toHaveAttribute(
      'href',
      '/mesh/docs?entity=component%3Adefault%2Fx',
    );
    const blocks = screen.getAllByTestId('mesh-howto-rollback');
    // one namespace (shop): the PERMISSIVE manifest, the labels, the restart
    expect(blocks).toHaveLength(3);
    expect(
      await copiedBy(
        screen.getByRole('button', {
          name: 'Copy: Remove the injection labels (shop)',
        }),
      ),
    ).toBe('kubectl label namespace shop istio-injection- istio.io/rev-');
    expect(blocks[0]).toHaveTextContent('namespace: shop');
    expect(screen.queryByText(/\{namespace\}/)).not.toBeInTheDocument();
  });

  it('uses the Linkerd rollback for a Linkerd entity', async () => {
    await renderInTestApp(
      <HowToMeshCard
        report={makeReport({
          mesh: { provider: 'linkerd', dataPlane: 'sidecar' },
        })}
        entityRef="component:default/x"
      />,
    );
    expect(
      screen.getByRole('group', { name: 'Remove the annotation (shop)' }),
    ).toHaveTextContent('kubectl annotate namespace shop linkerd.io/inject-');
  });

  it('has no rollback for an entity off the mesh, only the guide', async () => {
    await renderInTestApp(
      <HowToMeshCard
        report={makeReport({ mesh: { provider: 'none', dataPlane: 'none' } })}
        entityRef="component:default/x"
      />,
    );
    expect(screen.getByTestId('mesh-howto-no-rollback')).toHaveTextContent(
      'not in a mesh',
    );
    expect(screen.getByTestId('mesh-howto-link')).toBeVisible();
  });
});
