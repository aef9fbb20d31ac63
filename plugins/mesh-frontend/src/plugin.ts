import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { meshApiRef, MeshClient } from './api';
import { isMeshSystemEntity, isMeshWorkloadEntity } from './entityFilters';
import { rootRouteRef, scorecardRouteRef } from './routes';
import { docsRouteRef } from './routes';

/** @public */
export const meshPlugin = createPlugin({
  id: 'mesh',
  apis: [
    createApiFactory({
      api: meshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    scorecard: scorecardRouteRef,
    docs: docsRouteRef,
  },
});

/**
 * The "Mesh" tab of an entity page (legacy frontend system).
 *
 * @public
 */
export const EntityMeshContent = meshPlugin.provide(
  createRoutableExtension({
    name: 'EntityMeshContent',
    component: () =>
      import('./components/EntityMeshContent').then(m => m.EntityMeshContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * True when a Mesh tab has something to show for the entity: a Component or Resource
 * that carries an annotation mapping it to Kubernetes workloads (`EntityMeshContent`),
 * or a System, whose tab aggregates its components (`EntitySystemMeshContent`).
 *
 * @public
 */
export function isMeshAvailable(entity: Entity): boolean {
  return isMeshWorkloadEntity(entity) || isMeshSystemEntity(entity);
}

/**
 * The "Mesh" tab of a System entity page (legacy frontend system): the system's
 * roll-up (average score, share production-ready, meshed workloads), a table of its
 * components with their worst checks, and its readiness trend.
 *
 * @public
 */
export const EntitySystemMeshContent = meshPlugin.provide(
  createComponentExtension({
    name: 'EntitySystemMeshContent',
    component: {
      lazy: () =>
        import('./components/SystemMeshContent').then(m => m.SystemMeshContent),
    },
  }),
);

/**
 * A card for Group entity pages (legacy frontend system): the team's services per
 * readiness level, the ones not production-ready first with their worst checks, and a
 * link to the fleet scorecard filtered by the team.
 *
 * @public
 */
export const EntityGroupMeshCard = meshPlugin.provide(
  createComponentExtension({
    name: 'EntityGroupMeshCard',
    component: {
      lazy: () =>
        import('./components/GroupMeshCard').then(m => m.GroupMeshCard),
    },
  }),
);

/**
 * The fleet scorecard page for platform teams (legacy frontend system), e.g.
 * `<Route path="/mesh" element={<MeshScorecardPage />} />`.
 *
 * @public
 */
export const MeshScorecardPage = meshPlugin.provide(
  createRoutableExtension({
    name: 'MeshScorecardPage',
    component: () =>
      import('./components/ScorecardPage').then(m => m.MeshScorecardPage),
    mountPoint: scorecardRouteRef,
  }),
);

/**
 * A compact card for the entity overview page (legacy frontend system): readiness
 * score and level, checklist coverage, the three checks that most need attention, and
 * a link to the Mesh tab. Wrap it in `<EntitySwitch.Case if={isMeshAvailable}>` on the
 * Component and Resource pages (a System gets `EntitySystemMeshContent` instead).
 *
 * @public
 */
export const EntityMeshCard = meshPlugin.provide(
  createComponentExtension({
    name: 'EntityMeshCard',
    component: {
      lazy: () =>
        import('./components/EntityMeshCard').then(m => m.EntityMeshCard),
    },
  }),
);

/**
 * The self-service "how to mesh / unmesh a workload" page (legacy frontend system),
 * e.g. `<Route path="/mesh/docs" element={<MeshDocsPage />} />`. Opened with
 * `?entity=<entity ref>`, it fills the commands with that entity's workloads.
 *
 * @public
 */
export const MeshDocsPage = meshPlugin.provide(
  createRoutableExtension({
    name: 'MeshDocsPage',
    component: () => import('./components/DocsPage').then(m => m.MeshDocsPage),
    mountPoint: docsRouteRef,
  }),
);
