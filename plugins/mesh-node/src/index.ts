/**
 * Node library of the `mesh` backend plugin: the snapshot data model (typed facts,
 * metric series from the query catalog, the span model), the check and source
 * contracts, and the extension points adopters' backend modules use.
 *
 * @packageDocumentation
 */
export * from './snapshot/kubernetes';
export * from './snapshot/names';
export * from './snapshot/workloads';
export * from './snapshot/meshFacts';
export * from './snapshot/metrics';
export * from './snapshot/queryCatalog';
export * from './snapshot/tracing';
export * from './snapshot/snapshot';
export * from './checks';
export * from './sources';
export * from './extensions';
export { ROLLOUT_BASELINE_OFFSET_DAYS } from './snapshot/queries/rollout';
export type { AppHttpFigures } from './snapshot/queries/rollout';
