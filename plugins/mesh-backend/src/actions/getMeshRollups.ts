import { UserInfoService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { SCORECARD_ROLLUP_BY } from '@mesh-readiness/plugin-mesh-common';
import { ScorecardService } from '../service/ScorecardService';
import { filterInput, toScorecardFilter } from './filters';

/**
 * `get-mesh-rollups`: the scorecard rolled up by group, system, domain, namespace or
 * cluster, as `GET /v1/scorecard/rollups` answers, through the same service (the
 * caller's visible and readable entities only).
 */
export function registerGetMeshRollups(
  registry: ActionsRegistryService,
  scorecard: ScorecardService,
  userInfo: UserInfoService,
) {
  registry.register({
    name: 'get-mesh-rollups',
    title: 'Get mesh readiness roll-ups',
    description: `Service-mesh production readiness rolled up by owning group, system, domain, namespace or cluster: per key, the number of entities, the average score, the share at each readiness level, the checks failing on the most entities, and mesh rollout progress (meshed workloads and pods). Takes the same filters as list-mesh-scorecard.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          by: z
            .enum(SCORECARD_ROLLUP_BY)
            .describe(
              'group (the owner), system, domain, namespace or cluster',
            ),
          ...filterInput(z),
        }),
      output: z =>
        z.object({
          by: z.enum(SCORECARD_ROLLUP_BY),
          rollups: z.array(
            z.object({
              key: z
                .string()
                .describe(
                  "The group, system, domain, namespace or cluster; '' for none",
                ),
              entities: z.number(),
              averageScore: z.number(),
              levels: z
                .record(z.number())
                .describe('Share (0..1) of the entities at each level'),
              worstChecks: z.array(
                z.object({
                  id: z.string(),
                  failing: z.number(),
                  warning: z.number(),
                }),
              ),
              rollout: z.object({
                meshedWorkloads: z.number(),
                workloads: z.number(),
                meshedPods: z.number(),
                pods: z.number(),
              }),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const { by, ...filters } = input;
      return {
        output: await scorecard.rollups(
          by,
          await toScorecardFilter(filters, credentials, userInfo),
          credentials,
        ),
      };
    },
  });
}
