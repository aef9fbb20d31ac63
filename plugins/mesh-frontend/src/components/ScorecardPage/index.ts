export { MeshScorecardPage } from './MeshScorecardPage';
