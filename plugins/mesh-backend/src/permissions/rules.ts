import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { meshReportReadPermission } from '@mesh-readiness/plugin-mesh-common';
import { z } from 'zod';

/**
 * The resource `mesh.report.read` guards: a catalog entity, whose conditions the mesh
 * plugin resolves. The query type is unused (the plugin filters loaded entities, never
 * a database query), so it is `never`.
 */
export const meshEntityResourceRef = createPermissionResourceRef<
  Entity,
  never
>().with({
  pluginId: 'mesh',
  resourceType: meshReportReadPermission.resourceType,
});

/**
 * Only in-memory evaluation is supported: the plugin loads the entities it judges. A
 * `toQuery` is still required by the rule contract, so it says so if ever called.
 */
function noQuery(): never {
  throw new Error(
    'mesh permission rules are applied to loaded entities; they have no query form',
  );
}

/**
 * The rules below have the names, parameters and semantics of the catalog's own
 * (IS_ENTITY_OWNER, IS_ENTITY_KIND, HAS_ANNOTATION, HAS_LABEL), so a policy may answer
 * `mesh.report.read` with `catalogConditions` or with `meshReportReadConditions` alike.
 * They are copied, not imported: importing them would make this plugin depend on the
 * whole catalog backend.
 */
export const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description: 'Allow entities owned by one of the given claims',
  resourceRef: meshEntityResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(`Entity refs, one of which must be the entity's owner`),
  }),
  apply: (entity, { claims }) =>
    (entity.relations ?? []).some(
      r => r.type === RELATION_OWNED_BY && claims.includes(r.targetRef),
    ),
  toQuery: noQuery,
});

export const isEntityKind = createPermissionRule({
  name: 'IS_ENTITY_KIND',
  description: 'Allow entities of one of the given kinds',
  resourceRef: meshEntityResourceRef,
  paramsSchema: z.object({
    kinds: z.array(z.string()).describe('Kinds to match, case-insensitively'),
  }),
  apply: (entity, { kinds }) =>
    kinds.some(k => k.toLowerCase() === entity.kind.toLowerCase()),
  toQuery: noQuery,
});

/** A key matched exactly first, then case-insensitively, as the catalog does. */
function hasEntry(
  map: Record<string, string> | undefined,
  key: string,
  value: string | undefined,
): boolean {
  if (!map) return false;
  if (
    Object.prototype.hasOwnProperty.call(map, key) &&
    (value === undefined || map[key] === value)
  )
    return true;
  const k = key.toLowerCase();
  const v = value?.toLowerCase();
  return Object.entries(map).some(
    ([mk, mv]) =>
      mk.toLowerCase() === k && (v === undefined || mv.toLowerCase() === v),
  );
}

export const hasAnnotation = createPermissionRule({
  name: 'HAS_ANNOTATION',
  description: 'Allow entities with the given annotation (and value, if given)',
  resourceRef: meshEntityResourceRef,
  paramsSchema: z.object({
    annotation: z.string().describe('The annotation to match on'),
    value: z.string().optional().describe('Its value, if it matters'),
  }),
  apply: (entity, { annotation, value }) =>
    hasEntry(entity.metadata.annotations, annotation, value),
  toQuery: noQuery,
});

export const hasLabel = createPermissionRule({
  name: 'HAS_LABEL',
  description: 'Allow entities with the given label (and value, if given)',
  resourceRef: meshEntityResourceRef,
  paramsSchema: z.object({
    label: z.string().describe('The label to match on'),
    value: z.string().optional().describe('Its value, if it matters'),
  }),
  apply: (entity, { label, value }) =>
    hasEntry(entity.metadata.labels, label, value),
  toQuery: noQuery,
});

/** Every rule the mesh plugin registers for `mesh.report.read`. */
export const meshReportReadRules = {
  isEntityOwner,
  isEntityKind,
  hasAnnotation,
  hasLabel,
};

/**
 * The entity fields the rules read: what the fleet routes ask the catalog for when a
 * policy answers with conditions.
 */
export const RULE_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'metadata.labels',
  'relations',
];

const exports = createConditionExports({
  resourceRef: meshEntityResourceRef,
  rules: meshReportReadRules,
});

/**
 * Conditions for a permission policy's answer to `mesh.report.read`, e.g.
 * `createMeshReportReadConditionalDecision(request.permission,
 * meshReportReadConditions.isEntityOwner({ claims: user.identity.ownershipEntityRefs }))`.
 *
 * @public
 */
export const meshReportReadConditions = exports.conditions;

/** @public */
export const createMeshReportReadConditionalDecision =
  exports.createConditionalDecision;
