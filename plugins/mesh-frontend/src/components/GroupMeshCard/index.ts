export { GroupMeshCard } from './GroupMeshCard';
