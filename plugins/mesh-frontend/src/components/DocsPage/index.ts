export { MeshDocsPage } from './MeshDocsPage';
