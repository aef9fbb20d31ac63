import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hasMeshMapping } from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, MeshClient } from './api';

/** @alpha */
export const meshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: meshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The "Mesh" tab, at `/catalog/:namespace/:kind/:name/mesh`, on entities that carry
 * a mapping annotation (`backstage.io/kubernetes-id` or `-label-selector`).
 *
 * @alpha
 */
export const entityMeshContent = EntityContentBlueprint.make({
  params: {
    path: 'mesh',
    title: 'Mesh',
    filter: entity => hasMeshMapping(entity),
    loader: () =>
      import('./components/EntityMeshContent').then(m => (
        <m.EntityMeshContent />
      )),
  },
});

/**
 * The mesh plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mesh',
  extensions: [meshApi, entityMeshContent],
});
