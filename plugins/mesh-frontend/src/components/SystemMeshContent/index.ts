export { SystemMeshContent } from './SystemMeshContent';
