import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ScorecardEntityInfo } from '../store/ScorecardStore';

/** A relation target as a lower-cased entity ref ('' when absent or unreadable). */
function refOf(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string {
  if (typeof value !== 'string' || value.length === 0) return '';
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return '';
  }
}

/**
 * The scorecard's catalog fields for each entity of a run: title, owner (ownedBy), system
 * (partOf) and the system's domain. The systems are fetched in ONE catalog call for the
 * whole run; when that call fails the domains are left empty and the run goes on.
 */
export async function scorecardEntityInfos(
  entities: Entity[],
  catalog: Pick<CatalogService, 'getEntitiesByRefs'>,
  credentials: BackstageCredentials,
  onError: (e: unknown) => void,
): Promise<Map<string, ScorecardEntityInfo>> {
  const base = entities.map(e => {
    const namespace = e.metadata.namespace ?? 'default';
    const spec = (e.spec ?? {}) as { owner?: unknown; system?: unknown };
    return {
      ref: stringifyEntityRef(e).toLocaleLowerCase('en-US'),
      kind: e.kind.toLocaleLowerCase('en-US'),
      title: e.metadata.title ?? e.metadata.name,
      owner: refOf(spec.owner, 'group', namespace),
      system: refOf(spec.system, 'system', namespace),
    };
  });
  const systems = [...new Set(base.map(b => b.system).filter(Boolean))];
  const domains = new Map<string, string>();
  if (systems.length > 0) {
    try {
      const { items } = await catalog.getEntitiesByRefs(
        {
          entityRefs: systems,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'spec.domain',
          ],
        },
        { credentials },
      );
      for (const system of items) {
        if (!system) continue;
        domains.set(
          stringifyEntityRef(system).toLocaleLowerCase('en-US'),
          refOf(
            (system.spec as { domain?: unknown } | undefined)?.domain,
            'domain',
            system.metadata.namespace ?? 'default',
          ),
        );
      }
    } catch (e) {
      onError(e);
    }
  }
  return new Map(
    base.map(b => [
      b.ref,
      {
        kind: b.kind,
        title: b.title,
        owner: b.owner,
        system: b.system,
        domain: domains.get(b.system) ?? '',
      },
    ]),
  );
}
