import { Entity } from '@backstage/catalog-model';
import { hasMeshMapping } from '@mesh-readiness/plugin-mesh-common';

/** The kinds whose own workloads a report describes, through a mapping annotation. */
const WORKLOAD_KINDS = ['component', 'resource'];

function kindOf(entity: Entity): string {
  return entity.kind.toLocaleLowerCase('en-US');
}

/**
 * A Component or Resource mapped to workloads: the Mesh tab shows its own report. Other
 * kinds are left out even when annotated, so a System gets its roll-up tab rather than
 * a report of its own at the same path.
 */
export function isMeshWorkloadEntity(entity: Entity): boolean {
  return WORKLOAD_KINDS.includes(kindOf(entity)) && hasMeshMapping(entity);
}

/**
 * A System: its Mesh tab aggregates the components that are `partOf` it, so it needs
 * no annotation of its own (the tab says so when none of them has a report yet).
 */
export function isMeshSystemEntity(entity: Entity): boolean {
  return kindOf(entity) === 'system';
}

/** A Group: its card lists the services it owns. */
export function isMeshGroupEntity(entity: Entity): boolean {
  return kindOf(entity) === 'group';
}
