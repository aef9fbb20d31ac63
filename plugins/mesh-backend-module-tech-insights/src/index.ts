/**
 * The `mesh` module of the Tech Insights backend: publishes each entity's mesh
 * readiness as Tech Insights facts.
 *
 * @packageDocumentation
 */
export { techInsightsModuleMesh as default } from './module';
export {
  checkFactName,
  checkPasses,
  meshFactSchema,
  MESH_FACT_RETRIEVER_ID,
} from './facts';
export { createMeshReadinessFactRetriever } from './retriever';
