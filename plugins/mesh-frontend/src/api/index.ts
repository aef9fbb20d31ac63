export { meshApiRef } from './MeshApi';
export type { MeshApi, ScorecardFilters, ScorecardQuery } from './MeshApi';
export { MeshClient } from './MeshClient';
