export { meshApiRef } from './MeshApi';
export type { MeshApi } from './MeshApi';
export { MeshClient } from './MeshClient';
