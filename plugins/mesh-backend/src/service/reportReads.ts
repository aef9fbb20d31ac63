import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { meshReportReadPermission } from '@mesh-readiness/plugin-mesh-common';
import { localRuleset } from '../permissions/ruleset';
import { VisibilityCache } from './visibilityCache';

/** Which entities a caller may read mesh data of, as the policy answered. */
export type ReadScope =
  | { kind: 'all' }
  | { kind: 'none' }
  /** A conditional decision: `allows` applies its conditions to a loaded entity. */
  | { kind: 'some'; allows: (entity: Entity) => boolean };

/**
 * `mesh.report.read`, decided once per caller and applied to entities here.
 *
 * The policy is asked with `authorizeConditional` (no resource), as the catalog asks
 * for its list reads: the answer is ALLOW, DENY, or conditions that this class applies
 * to each entity with the registered rules. One call serves a report read and a
 * 5,000-row scorecard alike; a per-entity `authorize` would cost the permission
 * backend (and, for conditions, the catalog) one batch entry per row.
 *
 * The decision is reused per caller with the trade-off of the catalog answers
 * (VisibilityCache): reloaded behind once 5 s old, never served 30 s old, so a policy
 * change shows on the first read 5 s after it, or within 30 s.
 *
 * A condition naming a rule the plugin does not know fails the read (an error, not an
 * empty answer): a policy that cannot be applied must not look like "nothing to read".
 */
export class ReportReadPermission {
  private readonly decisions: VisibilityCache<PolicyDecision>;
  private readonly authorizer: (
    decision: PolicyDecision,
    entity: Entity | undefined,
  ) => boolean;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      /**
       * The registry's ruleset (the built-in rules and those adopters' modules add);
       * the built-in rules alone when not given.
       */
      rules?: PermissionRuleset<Entity>;
      cache?: { ttlMs?: number; maxEntries?: number };
    },
  ) {
    this.decisions = new VisibilityCache<PolicyDecision>(options.cache);
    this.authorizer = createConditionAuthorizer(
      options.rules ?? localRuleset(),
    );
  }

  async scope(credentials: BackstageCredentials): Promise<ReadScope> {
    const decision = await this.decisions.get(
      credentials,
      meshReportReadPermission.name,
      async () => {
        const [answer] = await this.options.permissions.authorizeConditional(
          [{ permission: meshReportReadPermission }],
          { credentials },
        );
        return answer;
      },
    );
    if (decision.result === AuthorizeResult.ALLOW) return { kind: 'all' };
    if (decision.result === AuthorizeResult.DENY) return { kind: 'none' };
    return {
      kind: 'some',
      allows: entity => this.authorizer(decision, entity),
    };
  }

  /**
   * Throws a NotAllowedError (403) unless the caller may read this entity's mesh data.
   * Called only for an entity the catalog has shown the caller, so the refusal tells
   * them nothing they did not know; an entity they cannot see is a 404 before this.
   */
  async require(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const scope = await this.scope(credentials);
    if (scope.kind === 'all') return;
    if (scope.kind === 'some' && scope.allows(entity)) return;
    throw new NotAllowedError(
      `Not allowed to read the mesh data of ${stringifyEntityRef(
        entity,
      )}: the permission ${meshReportReadPermission.name} was denied`,
    );
  }

  /**
   * Requires an unconditional ALLOW: for exports that are one view of the whole fleet
   * and cannot be cut per caller (the Prometheus exposition).
   */
  async requireAll(
    credentials: BackstageCredentials,
    what: string,
  ): Promise<void> {
    const scope = await this.scope(credentials);
    if (scope.kind === 'all') return;
    throw new NotAllowedError(
      `Not allowed to ${what}: it shows every entity, and the permission ${
        meshReportReadPermission.name
      } was ${
        scope.kind === 'none'
          ? 'denied'
          : 'granted only for some entities (conditionally)'
      }`,
    );
  }
}
