import { screen } from '@testing-library/react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { TechInsightsScorecard } from './TechInsightsScorecard';
import type { TechInsightsCheckResult } from './runChecks';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'shop-team' },
};

const results: TechInsightsCheckResult[] = [
  {
    check: {
      id: 'meshMtls',
      name: 'Mesh mTLS',
      description: 'Inbound traffic is mutual TLS only.',
    },
    result: true,
  },
  {
    check: {
      id: 'meshAuthorization',
      name: 'Mesh authorization',
      description: 'An enforced authorization policy.',
    },
    result: false,
  },
];

async function render(respond: () => Promise<Response>) {
  const fetch = jest.fn((_input: RequestInfo | URL, _init?: RequestInit) =>
    respond(),
  );
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          discoveryApiRef,
          mockApis.discovery({ baseUrl: 'http://backstage.test' }),
        ],
        [fetchApiRef, { fetch }],
      ]}
    >
      <EntityProvider entity={entity}>
        <TechInsightsScorecard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return fetch;
}

const json = (body: unknown, status = 200) =>
  Promise.resolve(
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    }),
  );

describe('TechInsightsScorecard', () => {
  it("runs all checks on the page's entity and shows each with Passed or Failed", async () => {
    const fetch = await render(() => json(results));

    const mtls = await screen.findByTestId('tech-insights-check-meshMtls');
    expect(mtls.textContent).toContain('Mesh mTLS');
    expect(mtls.textContent).toContain('Inbound traffic is mutual TLS only.');
    expect(
      screen.getByTestId('tech-insights-result-meshMtls').textContent,
    ).toBe('Passed');
    expect(
      screen.getByTestId('tech-insights-check-meshAuthorization').textContent,
    ).toContain('Mesh authorization');
    expect(
      screen.getByTestId('tech-insights-result-meshAuthorization').textContent,
    ).toBe('Failed');

    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      'http://backstage.test/api/tech-insights/checks/run/shop-team/component/checkout',
    );
    expect(init?.method).toBe('POST');
    // No `checks` in the body: the backend runs every configured check.
    expect(JSON.parse(String(init?.body))).toEqual({});
  });

  it('says so when the backend ran no check for the entity', async () => {
    await render(() => json([]));
    await screen.findByText('No checks');
    expect(screen.queryByRole('table')).toBeNull();
  });

  it("shows the backend's error message", async () => {
    await render(() =>
      json(
        {
          error: { name: 'NotAllowedError', message: 'Unauthorized' },
          response: { statusCode: 403 },
        },
        403,
      ),
    );
    // The panel's title and its details both carry it.
    await screen.findAllByText(/Unauthorized/);
    expect(screen.getAllByText(/403/).length).toBeGreaterThan(0);
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows progress while the checks run', async () => {
    const fetch = await render(() => new Promise<Response>(() => {}));
    expect(fetch).toHaveBeenCalledTimes(1);
    await screen.findByRole('progressbar');
    expect(screen.queryByRole('table')).toBeNull();
  });
});
