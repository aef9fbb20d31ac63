import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { makeReport } from '../../__fixtures__/reports';
import { WorkloadsTable } from './WorkloadsTable';

/**
 * The value of a property after the cascade, by selector specificity then order:
 * jsdom's getComputedStyle goes by order alone, while the Backstage theme's
 * `word-break: break-word` on every cell is what split "Namespace" in a browser.
 */
function cascaded(el: Element, property: string): string | undefined {
  let best: { specificity: number; order: number; value: string } | undefined;
  let order = 0;
  for (const sheet of Array.from(document.styleSheets)) {
    for (const rule of Array.from(sheet.cssRules)) {
      order += 1;
      if (!(rule instanceof CSSStyleRule)) continue;
      const value = rule.style.getPropertyValue(property);
      if (!value) continue;
      for (const selector of rule.selectorText.split(',')) {
        if (!el.matches(selector)) continue;
        const specificity = (selector.match(/[.:[]/g) ?? []).length;
        if (
          !best ||
          specificity > best.specificity ||
          (specificity === best.specificity && order > best.order)
        ) {
          best = { specificity, order, value };
        }
      }
    }
  }
  return best?.value;
}

describe('WorkloadsTable', () => {
  it('has the columns the tab needs: cluster, namespace, kind, name, meshed pods, proxy versions', async () => {
    const workloads = [
      ...makeReport().workloads,
      {
        cluster: 'prod-us-east-1',
        namespace: 'checkout-payments',
        kind: 'Deployment',
        name: 'checkout-api-gateway',
        pods: 6,
        meshedPods: 5,
        proxyVersions: ['1.22.3', '1.23.0'],
      },
    ];
    await renderInTestApp(<WorkloadsTable workloads={workloads} />);

    const table = screen.getByRole('table', { name: 'Workloads' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Cluster',
      'Namespace',
      'Kind',
      'Name',
      'Meshed pods',
      'Proxy versions',
    ]);

    const row = screen.getByTestId(
      'mesh-workload-prod-us-east-1-checkout-payments-checkout-api-gateway',
    );
    expect(
      within(row).getByTestId('mesh-workload-meshed-pods'),
    ).toHaveTextContent('5 / 6');
    expect(
      within(row).getByTestId('mesh-workload-meshed-pods'),
    ).toHaveAttribute('title', '5 of 6 pods run in the mesh');
    expect(row).toHaveTextContent('1.22.3, 1.23.0');
    const cache = screen.getByTestId('mesh-workload-prod-eu-shop-x-cache');
    expect(within(cache).getByText('0 / 1')).toBeInTheDocument();
    expect(within(cache).getByText('—')).toBeInTheDocument();
  });

  it('never breaks headers or names inside a word, and scrolls sideways instead', async () => {
    await renderInTestApp(
      <WorkloadsTable workloads={makeReport().workloads} />,
    );

    const nowrap = (el: HTMLElement) => {
      expect(cascaded(el, 'white-space')).toBe('nowrap');
      expect(cascaded(el, 'word-break')).toBe('normal');
    };
    screen.getAllByRole('columnheader').forEach(nowrap);
    const row = screen.getByTestId('mesh-workload-prod-eu-shop-x-cache');
    for (const text of ['prod-eu', 'shop', 'StatefulSet', 'x-cache', '0 / 1']) {
      nowrap(within(row).getByText(text));
    }

    // a focusable, labelled region that keyboard users can scroll
    const region = screen.getByRole('region', { name: 'Workloads table' });
    expect(region).toHaveAttribute('tabindex', '0');
    expect(getComputedStyle(region).overflowX).toBe('auto');
    expect(region).toContainElement(screen.getByRole('table'));
  });

  it('says so when no workload matched', async () => {
    await renderInTestApp(<WorkloadsTable workloads={[]} />);
    expect(
      screen.getByText("No workload matched this entity's annotations."),
    ).toBeInTheDocument();
  });
});
