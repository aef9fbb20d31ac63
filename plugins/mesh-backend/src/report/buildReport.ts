import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  CHECK_IDS,
  computeReadiness,
  HealthSummary,
  isMeshed,
  MeshReport,
  SourceStatus,
  Waiver,
  WorkloadSummary,
} from '@mesh-readiness/plugin-mesh-common';
import {
  ClusterSnapshot,
  EntityHealth,
  EntityWorkload,
} from '@mesh-readiness/plugin-mesh-node';
import { CheckRegistry, missingKinds, missingSource } from '../checks/registry';
import {
  buildEntityContext,
  ContextOptions,
  snapshotsFor,
} from '../context/entityContext';
import { summarizeMesh } from '../context/meshing';
import { EntityMapping, resolveEntityMapping } from '../mapping/entityMapping';
import { buildReportLinks, WorkloadLinkTemplates } from './links';
import { applyWaivers } from './waivers';

/** What a report needs beyond the checks' context. */
export interface ReportInputs {
  /** The entity's waivers made through the API (WaiverStore), next to its annotations'. */
  waivers?: Waiver[];
  /** `mesh.links`: the tools a workload is linked to. */
  links?: WorkloadLinkTemplates;
}

/** The kinds workloads are found from: when one could not be listed, none is a guess. */
const WORKLOAD_KINDS = [
  'Pod',
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
  'batch/CronJob',
];

const UNKNOWN_HEALTH = (reason: string): HealthSummary => ({
  status: 'unknown',
  requestsPerSecond: null,
  successRate: null,
  latencyMs: { p50: null, p95: null, p99: null },
  reason,
});

export function sourceStatuses(snapshots: ClusterSnapshot[]): SourceStatus[] {
  return snapshots.flatMap(s =>
    [s.kubernetes, s.prometheus, s.tracing]
      .filter((o): o is NonNullable<typeof o> => Boolean(o?.configured))
      .map(o => ({
        name: o.name,
        cluster: s.cluster,
        ok: o.ok,
        ...(o.ok && o.error ? { partial: true } : {}),
        ...(o.error ? { error: o.error } : {}),
        fetchedAt: o.fetchedAt,
      })),
  );
}

function annotationHelp(entity: Entity): string {
  return [
    `Add the Kubernetes plugin's annotation to the entity's catalog-info.yaml and the same label to the workload's pod template:`,
    '',
    'metadata:',
    '  annotations:',
    `    ${ANNOTATION_KUBERNETES_ID}: ${entity.metadata.name}`,
    '',
    'or select the workloads by their existing labels:',
    `    backstage.io/kubernetes-label-selector: 'app=${entity.metadata.name}'`,
    `    backstage.io/kubernetes-namespace: <namespace>   # optional, narrows the search`,
  ].join('\n');
}

function unmappedReport(
  registry: CheckRegistry,
  entity: Entity,
  snapshots: ClusterSnapshot[],
  now: Date,
  reason: string,
  evidence: Record<string, unknown>,
): MeshReport {
  const checks = registry.unknownResults(`Not judged: ${reason}`, {
    [CHECK_IDS.enrollment]: {
      status: 'unknown',
      summary: reason,
      evidence,
      remediation: annotationHelp(entity),
    },
  });
  return {
    entityRef: stringifyEntityRef(entity),
    generatedAt: now.toISOString(),
    stale: false,
    mesh: { provider: 'none', dataPlane: 'none' },
    workloads: [],
    health: UNKNOWN_HEALTH(reason),
    checks,
    readiness: computeReadiness(checks, { mapped: false }),
    sources: sourceStatuses(snapshots),
  };
}

function workloadSummary(w: EntityWorkload): WorkloadSummary {
  const mesh = summarizeMesh([w]);
  return {
    cluster: w.cluster,
    namespace: w.workload.namespace,
    kind: w.workload.kind,
    name: w.workload.name,
    pods: w.workload.pods.length,
    meshedPods: w.workload.pods.filter(p => p.proxy || p.ambient).length,
    proxyVersions: [
      ...new Set(
        w.workload.pods.flatMap(p =>
          p.proxy?.version ? [p.proxy.version] : [],
        ),
      ),
    ].sort(),
    dataPlane: mesh.dataPlane,
    provider: mesh.provider,
  };
}

function noWorkloadsReason(
  mapping: Extract<EntityMapping, { kind: 'mapped' }>,
  snapshots: ClusterSnapshot[],
): string {
  if (snapshots.length === 0) {
    return mapping.clusters
      ? `no configured cluster is named ${mapping.clusters.join(', ')}`
      : 'no clusters are configured (mesh.clusters)';
  }
  const inNamespaces = mapping.namespaces
    ? ` in namespace ${mapping.namespaces.join(', ')}`
    : '';
  return `no workloads in ${snapshots
    .map(s => `'${s.cluster}'`)
    .join(', ')} match ${mapping.selectorText}${inNamespaces}`;
}

/** The health part of a report: the calculator's figures, without its working. */
function healthSummary(health: EntityHealth): HealthSummary {
  const { signal: _signal, ...summary } = health;
  return summary;
}

/**
 * Builds one entity's report from the cluster snapshots of a run. Pure: the same
 * snapshots give the same report, which is what the scenario tests rely on.
 */
export function buildEntityReport(
  registry: CheckRegistry,
  entity: Entity,
  allSnapshots: ClusterSnapshot[],
  options: ContextOptions,
  now: Date = new Date(),
  inputs: ReportInputs = {},
): MeshReport {
  const entityRef = stringifyEntityRef(entity);
  const mapping = resolveEntityMapping(entity);
  if (mapping.kind === 'unmapped') {
    return unmappedReport(
      registry,
      entity,
      [],
      now,
      'The entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation, so no workloads are mapped to it.',
      { annotations: Object.keys(entity.metadata.annotations ?? {}) },
    );
  }
  if (mapping.kind === 'invalid') {
    return unmappedReport(
      registry,
      entity,
      [],
      now,
      `The annotation ${mapping.annotation} is invalid: ${mapping.error}. It was not used.`,
      {
        annotation: mapping.annotation,
        value: mapping.value,
        error: mapping.error,
      },
    );
  }

  const ctx = buildEntityContext(entity, mapping, allSnapshots, options);
  const snapshots = snapshotsFor(mapping, allSnapshots);
  const sources = sourceStatuses(snapshots);
  // No workloads is a verdict only when every kind that defines them was listed.
  const kubernetesProblem =
    missingSource(['kubernetes'], ctx) ??
    (ctx.workloads.length === 0
      ? missingKinds(WORKLOAD_KINDS, ctx)
      : undefined);

  if (ctx.workloads.length === 0) {
    const where = noWorkloadsReason(mapping, snapshots);
    const reason = kubernetesProblem ?? `Nothing to judge: ${where}.`;
    // A failed source is marked as such, so the last known statuses are carried forward.
    const { checks, problems } = applyWaivers(
      entity,
      registry
        .unknownResults(reason)
        .map(c =>
          kubernetesProblem
            ? { ...c, evidence: { ...c.evidence, missingSource: 'kubernetes' } }
            : c,
        ),
      now,
      inputs.waivers,
    );
    return {
      entityRef,
      generatedAt: now.toISOString(),
      stale: false,
      mesh: {
        provider: kubernetesProblem ? 'unknown' : 'none',
        dataPlane: 'none',
      },
      workloads: [],
      health: UNKNOWN_HEALTH(reason),
      checks,
      // Not `not-meshed`: with no workloads found, the mapping is what is wrong, and
      // the checks say so.
      readiness: computeReadiness(checks),
      sources,
      ...(problems.length ? { problems } : {}),
    };
  }

  const { checks, problems } = applyWaivers(
    entity,
    registry.run(ctx),
    now,
    inputs.waivers,
  );
  const metricsProblem = missingSource(['prometheus'], ctx);
  const workloads = ctx.workloads.map(workloadSummary);
  const links = buildReportLinks(workloads, inputs.links ?? {});
  return {
    entityRef,
    generatedAt: now.toISOString(),
    stale: false,
    mesh: summarizeMesh(ctx.workloads),
    workloads,
    health: metricsProblem
      ? UNKNOWN_HEALTH(metricsProblem)
      : healthSummary(ctx.health),
    checks,
    // Unmeshed pods prove nothing while a cluster that may hold meshed ones failed.
    readiness: computeReadiness(checks, {
      meshed: isMeshed(workloads) || (kubernetesProblem ? undefined : false),
    }),
    sources,
    ...(problems.length ? { problems } : {}),
    ...(links.length ? { links } : {}),
  };
}
