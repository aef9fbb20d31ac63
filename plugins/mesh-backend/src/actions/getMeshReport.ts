import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CheckResult } from '@mesh-readiness/plugin-mesh-common';
import { MeshReportService } from '../service/MeshReportService';

/** The statuses that keep an entity from production-ready, worst first. */
const ATTENTION = ['fail', 'unknown', 'warn'] as const;

/**
 * `get-mesh-report`: one entity's readiness and what to fix. It reads through the same
 * service as `GET /v1/reports/...`, with the caller's credentials: the catalog must show
 * the entity to them, and `mesh.report.read` must allow it.
 */
export function registerGetMeshReport(
  registry: ActionsRegistryService,
  service: MeshReportService,
) {
  registry.register({
    name: 'get-mesh-report',
    title: 'Get the mesh readiness report of an entity',
    description: `The service-mesh production readiness of one catalog entity: score (0-100), level (production-ready, almost-ready, not-ready, not-meshed, unmapped), health through the mesh, and every check that is failing, unknown or warning, with its summary and remediation. Use it to explain why a service is not production-ready and what to do about it.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(512)
            .describe(
              'The entity, e.g. component:default/checkout (kind defaults to component, namespace to default)',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          generatedAt: z.string(),
          stale: z.boolean().describe('Some data comes from an earlier run'),
          staleReason: z.string().optional(),
          provider: z.string(),
          dataPlane: z.string(),
          score: z.number(),
          level: z.string(),
          passed: z.number(),
          applicable: z.number(),
          health: z.object({
            status: z.string(),
            requestsPerSecond: z.number().nullable(),
            successRate: z.number().nullable().describe('0..1'),
            p99LatencyMs: z.number().nullable(),
          }),
          needsAttention: z
            .array(
              z.object({
                id: z.string(),
                title: z.string(),
                category: z.string(),
                status: z.enum(ATTENTION),
                severity: z.string().optional(),
                summary: z.string(),
                remediation: z.string().optional(),
              }),
            )
            .describe('Failing, unknown and warning checks, worst first'),
        }),
    },
    action: async ({ input, credentials }) => {
      let ref;
      try {
        ref = parseEntityRef(input.entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
      } catch (e) {
        throw new InputError(
          `Invalid entityRef '${input.entityRef}': ${(e as Error).message}`,
        );
      }
      const report = await service.getReport(ref, credentials);
      const rank = (c: CheckResult) =>
        ATTENTION.indexOf(c.status as (typeof ATTENTION)[number]);
      const needsAttention = report.checks
        .filter(c => rank(c) >= 0)
        .sort((a, b) => rank(a) - rank(b))
        .map(c => ({
          id: c.id,
          title: c.title,
          category: c.category,
          status: c.status as (typeof ATTENTION)[number],
          ...(c.severity ? { severity: c.severity } : {}),
          summary: c.summary,
          ...(c.remediation ? { remediation: c.remediation } : {}),
        }));
      return {
        output: {
          entityRef: report.entityRef,
          generatedAt: report.generatedAt,
          stale: report.stale,
          ...(report.staleReason ? { staleReason: report.staleReason } : {}),
          provider: report.mesh.provider,
          dataPlane: report.mesh.dataPlane,
          score: report.readiness.score,
          level: report.readiness.level,
          passed: report.readiness.passed,
          applicable: report.readiness.applicable,
          health: {
            status: report.health.status,
            requestsPerSecond: report.health.requestsPerSecond,
            successRate: report.health.successRate,
            p99LatencyMs: report.health.latencyMs.p99,
          },
          needsAttention,
        },
      };
    },
  });
}
