export { MeshApiClient } from './MeshApiClient';
export type {
  MeshApiClientOptions,
  MeshEntityRef,
  MeshScorecardFilters,
  MeshScorecardQuery,
} from './types';
