import { createRouteRef } from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({
  id: 'mesh',
});

/** The fleet scorecard page (`/mesh` in the demo app). */
export const scorecardRouteRef = createRouteRef({
  id: 'mesh-scorecard',
});

/** The "how to mesh / unmesh a workload" docs page (`/mesh/docs` in the demo app). */
export const docsRouteRef = createRouteRef({
  id: 'mesh-docs',
});
