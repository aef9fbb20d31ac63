/** Shared set-up of the System tab's and the Group card's component tests. */
import { ReactElement } from 'react';
import {
  MockFetchApi,
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import {
  ScorecardRollup,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshClient } from '../../../api';
import { scorecardRouteRef } from '../../../routes';

export const BASE = 'http://localhost:7007/api/mesh';

export function row(overrides: Partial<ScorecardRow> = {}): ScorecardRow {
  return {
    entityRef: 'component:default/checkout',
    kind: 'component',
    title: 'checkout',
    owner: 'group:default/team-a',
    system: 'system:default/shop',
    domain: '',
    namespaces: ['shop'],
    clusters: ['prod-eu'],
    provider: 'istio',
    dataPlane: 'sidecar',
    score: 92,
    level: 'production-ready',
    coverage: { covered: 10, total: 12 },
    stale: false,
    generatedAt: new Date(Date.now() - 5 * 60 * 1000).toISOString(),
    checks: { 'mesh.enrollment': 'pass', 'security.mtls': 'pass' },
    ...overrides,
  };
}

export function rollup(
  overrides: Partial<ScorecardRollup> = {},
): ScorecardRollup {
  return {
    key: 'system:default/shop',
    entities: 4,
    averageScore: 61.25,
    levels: {
      'production-ready': 0.25,
      'almost-ready': 0.25,
      'not-ready': 0.5,
    },
    worstChecks: [{ id: 'security.mtls', failing: 2, warning: 0 }],
    rollout: { meshedWorkloads: 5, workloads: 8, meshedPods: 12, pods: 20 },
    ...overrides,
  };
}

/** Resolves a promise from outside, to hold a response until a test has looked. */
export function deferred() {
  let release: () => void = () => {};
  const promise = new Promise<void>(resolve => {
    release = resolve;
  });
  return { promise, release };
}

/**
 * Renders an entity page part for the entity, with the real client against msw, the
 * catalog's entity route and (unless told otherwise) the scorecard page mounted.
 */
export function renderForEntity(
  element: ReactElement,
  entity: Entity,
  options: { scorecardMounted?: boolean } = {},
) {
  const meshApi = new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: new MockFetchApi(),
  });
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, meshApi]]}>
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...(options.scorecardMounted === false
          ? {}
          : { '/mesh': scorecardRouteRef }),
      },
    },
  );
}
