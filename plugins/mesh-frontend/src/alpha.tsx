import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { meshApiRef, MeshClient } from './api';
import {
  isMeshGroupEntity,
  isMeshSystemEntity,
  isMeshWorkloadEntity,
} from './entityFilters';
import {
  rootRouteRef,
  scorecardRouteRef as legacyScorecardRouteRef,
} from './routes';
import AssessmentIcon from '@material-ui/icons/Assessment';
import MenuBookIcon from '@material-ui/icons/MenuBook';

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
 * The "Mesh" tab, at `/catalog/:namespace/:kind/:name/mesh`, on Components and
 * Resources that carry a mapping annotation (`backstage.io/kubernetes-id` or
 * `-label-selector`).
 *
 * @alpha
 */
export const entityMeshContent = EntityContentBlueprint.make({
  params: {
    path: 'mesh',
    title: 'Mesh',
    // The card on the overview page links to the tab through it.
    routeRef: rootRouteRef,
    filter: isMeshWorkloadEntity,
    loader: () =>
      import('./components/EntityMeshContent').then(m => (
        <m.EntityMeshContent />
      )),
  },
});

/**
 * The scorecard page's route. The legacy system's ref, so that the components both
 * systems share (the Group card's link to the filtered scorecard) resolve it alike.
 *
 * @alpha
 */
export const scorecardRouteRef = legacyScorecardRouteRef;

/**
 * The fleet scorecard page for platform teams, at `/mesh`, with a nav item.
 *
 * @alpha
 */
export const meshScorecardPage = PageBlueprint.make({
  name: 'scorecard',
  params: {
    path: '/mesh',
    title: 'Mesh scorecard',
    icon: <AssessmentIcon />,
    routeRef: scorecardRouteRef,
    // The page draws its own header, as in the legacy system.
    noHeader: true,
    loader: () =>
      import('./components/ScorecardPage').then(m => <m.MeshScorecardPage />),
  },
});

/**
 * The overview page's card: score, level, checklist coverage, the three worst checks
 * and a link to the Mesh tab, on entities mapped to workloads.
 *
 * @alpha
 */
export const entityMeshCard = EntityCardBlueprint.make({
  params: {
    filter: isMeshWorkloadEntity,
    loader: () =>
      import('./components/EntityMeshCard').then(m => <m.EntityMeshCard />),
  },
});

/**
 * The "Mesh" tab of System entities, at the same path as the components' tab (the
 * filters never both match): the system's roll-up, its components and its trend.
 * Without a route ref: the components' tab owns the plugin's.
 *
 * @alpha
 */
export const entitySystemMeshContent = EntityContentBlueprint.make({
  name: 'system',
  params: {
    path: 'mesh',
    title: 'Mesh',
    filter: isMeshSystemEntity,
    loader: () =>
      import('./components/SystemMeshContent').then(m => (
        <m.SystemMeshContent />
      )),
  },
});

/**
 * The card of Group pages: the team's services per level, the not-ready ones first
 * with their worst checks, and a link to the scorecard filtered by the team.
 *
 * @alpha
 */
export const entityGroupMeshCard = EntityCardBlueprint.make({
  name: 'group',
  params: {
    filter: isMeshGroupEntity,
    loader: () =>
      import('./components/GroupMeshCard').then(m => <m.GroupMeshCard />),
  },
});

/** @alpha */
export const docsRouteRef = createRouteRef();

/**
 * The self-service "how to mesh / unmesh a workload" page, at `/mesh/docs`, with a nav
 * item. `?entity=<entity ref>` fills the commands with that entity's workloads.
 *
 * @alpha
 */
export const meshDocsPage = PageBlueprint.make({
  name: 'docs',
  params: {
    path: '/mesh/docs',
    title: 'Mesh how-to',
    icon: <MenuBookIcon />,
    routeRef: docsRouteRef,
    // The page draws its own header, as in the legacy system.
    noHeader: true,
    loader: () => import('./components/DocsPage').then(m => <m.MeshDocsPage />),
  },
});

/**
 * The mesh plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mesh',
  extensions: [
    meshApi,
    entityMeshContent,
    meshScorecardPage,
    entityMeshCard,
    meshDocsPage,
    entitySystemMeshContent,
    entityGroupMeshCard,
  ],
  routes: { scorecard: scorecardRouteRef, docs: docsRouteRef },
});
