import { mockServices } from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';

type Request = { permission: { name: string }; resourceRef?: string };

/**
 * A permission service that answers as a policy would: `decide(permission name, user
 * ref, resource ref)`; ALLOW where it returns nothing. Both `authorize` and
 * `authorizeConditional` answer, so a test denies one permission without denying the
 * reads every route also makes (`mesh.report.read`). Service principals get what the
 * default permissions service gives them: ALLOW.
 */
export function permissionsFactory(
  decide: (
    permission: string,
    user: string,
    resourceRef?: string,
  ) => PolicyDecision | undefined,
) {
  const answer = (requests: Request[], credentials: BackstageCredentials) => {
    const { type, userEntityRef } = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    return requests.map(
      r =>
        (type === 'user' &&
          decide(r.permission.name, userEntityRef!, r.resourceRef)) || {
          result: AuthorizeResult.ALLOW,
        },
    );
  };
  const authorize = jest.fn(
    async (requests: Request[], o: { credentials: BackstageCredentials }) =>
      answer(requests, o.credentials),
  );
  const authorizeConditional = jest.fn(
    async (requests: Request[], o: { credentials: BackstageCredentials }) =>
      answer(requests, o.credentials),
  );
  return {
    authorize,
    authorizeConditional,
    factory: mockServices.permissions.mock({
      authorize,
      authorizeConditional,
    } as any).factory,
  };
}

/** Denies the named permissions to every user, and allows the rest. */
export function denying(...names: string[]) {
  return permissionsFactory(name =>
    names.includes(name) ? { result: AuthorizeResult.DENY } : undefined,
  );
}

/**
 * Entities with the ownedBy relation the catalog's processing would add from
 * `spec.owner` (the in-memory test catalog adds none), for owner conditions.
 */
export function withOwnerRelations(entities: Entity[]): Entity[] {
  return entities.map(e =>
    typeof e.spec?.owner === 'string'
      ? {
          ...e,
          relations: [
            {
              type: 'ownedBy',
              targetRef: stringifyEntityRef(
                parseEntityRef(e.spec.owner, {
                  defaultKind: 'group',
                  defaultNamespace: 'default',
                }),
              ),
            },
          ],
        }
      : e,
  );
}
