import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import { ScorecardService } from '../service/ScorecardService';

type ScorecardFilter = Parameters<ScorecardService['summary']>[0];

/** The Zod the actions registry hands to schema builders (Zod 3's API). */
export type Zod = typeof zod;

const LEVELS = [
  'production-ready',
  'almost-ready',
  'not-ready',
  'not-meshed',
  'unmapped',
] as const;

const STATUSES = [
  'pass',
  'warn',
  'fail',
  'unknown',
  'not-applicable',
  'waived',
] as const;

/**
 * The scorecard's filters as action input: the same as the HTTP query string's
 * (`owner`, `system`, `level`, `check=<id>:<status>`...), as JSON, plus `mine`.
 */
export function filterInput(z: Zod) {
  const refs = (what: string) =>
    z
      .array(z.string().min(1).max(255))
      .max(50)
      .optional()
      .describe(`${what}; any of them matches`);
  return {
    mine: z
      .boolean()
      .optional()
      .describe(
        'Only entities owned by the calling user or one of their groups (needs a user, not a service)',
      ),
    owner: refs('Owner entity refs, e.g. group:default/team-a'),
    system: refs('System entity refs, e.g. system:default/shop'),
    domain: refs('Domain entity refs'),
    namespace: refs('Kubernetes namespaces'),
    cluster: refs('Cluster names as configured in mesh.clusters'),
    provider: z
      .array(z.enum(['istio', 'linkerd', 'none', 'unknown']))
      .max(4)
      .optional()
      .describe('Mesh providers; any of them matches'),
    level: z
      .array(z.enum(LEVELS))
      .max(LEVELS.length)
      .optional()
      .describe(
        'Readiness levels; any of them matches. Not production-ready: almost-ready, not-ready, not-meshed, unmapped',
      ),
    checks: z
      .array(
        z.object({
          id: z
            .string()
            .min(1)
            .max(128)
            .describe('A check id, e.g. security.mtls'),
          status: z.enum(STATUSES),
        }),
      )
      .max(20)
      .optional()
      .describe('Check statuses that must all hold'),
    q: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Free text in ref, title, owner, system or domain'),
  };
}

type FilterInput = {
  [K in keyof ReturnType<typeof filterInput>]?: zod.infer<
    ReturnType<typeof filterInput>[K]
  >;
};

/** The action's filters as the scorecard service takes them; `mine` resolved to owners. */
export async function toScorecardFilter(
  input: FilterInput,
  credentials: BackstageCredentials,
  userInfo: UserInfoService,
): Promise<ScorecardFilter> {
  const { mine, checks, ...rest } = input;
  const filter: ScorecardFilter = { ...rest, checks };
  if (mine) {
    if (input.owner) {
      throw new InputError('Give either mine or owner, not both');
    }
    if ((credentials.principal as { type?: string }).type !== 'user') {
      throw new InputError(
        'mine needs a user: the caller is not one, so it owns nothing',
      );
    }
    const { userEntityRef, ownershipEntityRefs } = await userInfo.getUserInfo(
      credentials,
    );
    // Never empty: an empty owner list would mean "any owner".
    filter.owner = [...new Set([userEntityRef, ...ownershipEntityRefs])];
  }
  return filter;
}
