export { EntityMeshCard } from './EntityMeshCard';
export { worstChecks } from './worstChecks';
