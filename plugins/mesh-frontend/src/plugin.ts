import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { hasMeshMapping } from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshClient } from './api';
import { rootRouteRef } from './routes';

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
 * True when the entity carries an annotation that maps it to Kubernetes workloads,
 * i.e. when the Mesh tab has something to show.
 *
 * @public
 */
export function isMeshAvailable(entity: Entity): boolean {
  return hasMeshMapping(entity);
}
