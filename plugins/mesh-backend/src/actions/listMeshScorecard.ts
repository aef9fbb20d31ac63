import { UserInfoService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  SCORECARD_SORT_COLUMNS,
  ScorecardRow,
  ScorecardSort,
} from '@mesh-readiness/plugin-mesh-common';
import { ScorecardService } from '../service/ScorecardService';
import { filterInput, toScorecardFilter } from './filters';

/** The check ids of a row with one status, in id order. */
function withStatus(row: ScorecardRow, status: string): string[] {
  return Object.entries(row.checks)
    .filter(([, s]) => s === status)
    .map(([id]) => id)
    .sort();
}

/**
 * The sort an agent asked for, as the scorecard takes it; a check id (in `sort` or in
 * the check filters) must be registered, so a typo is an error naming it, not a page
 * sorted or filtered by nothing.
 */
function checkedSort(
  sort: string,
  checks: Array<{ id: string }> | undefined,
  known: string[],
): ScorecardSort {
  for (const { id } of checks ?? []) {
    if (!known.includes(id))
      throw new InputError(`checks: '${id}' is not a check id`);
  }
  if ((SCORECARD_SORT_COLUMNS as readonly string[]).includes(sort))
    return sort as ScorecardSort;
  const id = sort.startsWith('check:') ? sort.slice('check:'.length) : '';
  if (id && known.includes(id)) return sort as ScorecardSort;
  throw new InputError(
    id
      ? `sort: '${id}' is not a check id`
      : `sort: '${sort}' is not a column; one of ${SCORECARD_SORT_COLUMNS.join(
          ', ',
        )}, or check:<check-id>`,
  );
}

/**
 * `list-mesh-scorecard`: the fleet scorecard's rows, filtered and paged like
 * `GET /v1/scorecard`, through the same service: only the entities the catalog shows
 * the caller and `mesh.report.read` allows them.
 */
export function registerListMeshScorecard(
  registry: ActionsRegistryService,
  scorecard: ScorecardService,
  userInfo: UserInfoService,
) {
  registry.register({
    name: 'list-mesh-scorecard',
    title: 'List the mesh readiness scorecard',
    description: `The fleet's service-mesh production readiness, one row per catalog entity: score, level and the ids of its failing, unknown and warning checks. Filter by owner (or mine: true for the caller's own services), system, domain, namespace, cluster, provider, level or check status. To find services that are not production-ready, filter level to almost-ready, not-ready, not-meshed and unmapped; then call get-mesh-report on a row for the reasons and the remediation. Sorted by score, lowest first, unless told otherwise; pass nextCursor back as cursor for the next page.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          ...filterInput(z),
          sort: z
            .string()
            .min(1)
            .max(160)
            .default('score')
            .describe(
              `A column (${SCORECARD_SORT_COLUMNS.join(
                ', ',
              )}) or check:<check-id> to sort by that check's status, worst first`,
            ),
          order: z.enum(['asc', 'desc']).default('asc'),
          limit: z.number().int().min(1).max(100).default(25),
          cursor: z
            .string()
            .min(1)
            .max(800)
            .optional()
            .describe('nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          total: z
            .number()
            .describe('Rows matching the filters that the caller may see'),
          rows: z.array(
            z.object({
              entityRef: z.string(),
              title: z.string(),
              owner: z.string(),
              system: z.string(),
              namespaces: z.array(z.string()),
              provider: z.string(),
              score: z.number(),
              level: z.string(),
              stale: z.boolean(),
              failing: z.array(z.string()),
              unknown: z.array(z.string()),
              warning: z.array(z.string()),
            }),
          ),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const { sort, order, limit, cursor, ...filters } = input;
      const checkedSortValue = checkedSort(
        sort,
        filters.checks,
        scorecard.checkIds(),
      );
      const page = await scorecard.page(
        {
          ...(await toScorecardFilter(filters, credentials, userInfo)),
          sort: checkedSortValue,
          order,
          limit,
          offset: 0,
          cursor,
        },
        credentials,
      );
      return {
        output: {
          total: page.total,
          rows: page.rows.map(r => ({
            entityRef: r.entityRef,
            title: r.title,
            owner: r.owner,
            system: r.system,
            namespaces: r.namespaces,
            provider: r.provider,
            score: r.score,
            level: r.level,
            stale: r.stale,
            failing: withStatus(r, 'fail'),
            unknown: withStatus(r, 'unknown'),
            warning: withStatus(r, 'warn'),
          })),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        },
      };
    },
  });
}
