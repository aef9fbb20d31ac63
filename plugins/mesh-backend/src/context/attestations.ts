import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Attestation } from '@mesh-readiness/plugin-mesh-common';

const key = (ref: string) => ref.toLocaleLowerCase('en-US');

function refOf(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    return key(
      stringifyEntityRef(
        parseEntityRef(value, { defaultKind, defaultNamespace }),
      ),
    );
  } catch {
    return undefined; // a malformed spec field attests nothing
  }
}

/**
 * The refs whose attestations apply to an entity, lower-cased: the entity itself, its
 * owner (`spec.owner` or the ownedBy relation; on-call training is usually per team)
 * and its system (`spec.system` or partOf). Relations are used when the catalog gave
 * them; the spec fields are enough when it did not (the collector asks for few fields).
 */
export function attestationTargets(entity: Entity): string[] {
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as { owner?: unknown; system?: unknown };
  const targets = new Set<string>([key(stringifyEntityRef(entity))]);
  const owner = refOf(spec.owner, 'group', namespace);
  if (owner) targets.add(owner);
  const system = refOf(spec.system, 'system', namespace);
  if (system) targets.add(system);
  for (const r of entity.relations ?? []) {
    if (r.type === RELATION_OWNED_BY || r.type === RELATION_PART_OF) {
      targets.add(key(r.targetRef));
    }
  }
  return [...targets];
}

/** The attestations of `all` that apply to the entity, newest first. */
export function attestationsFor(
  entity: Entity,
  all: readonly Attestation[],
): Attestation[] {
  const targets = new Set(attestationTargets(entity));
  return all
    .filter(a => targets.has(key(a.entityRef)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
