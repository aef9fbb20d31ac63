import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  CHECK_IDS,
  computeReadiness,
  HealthSummary,
  MeshReport,
  SourceStatus,
  WorkloadSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { summarizeHealth } from '../checks/healthSummary';
import { summarizeMesh, workloadMeshings } from '../checks/meshing';
import { missingSource, runChecks, unknownResults } from '../checks/registry';
import { EntityContext, EntityWorkload } from '../checks/types';
import { matchWorkloads, resolveEntityMapping } from '../mapping/entityMapping';
import { decideInjection } from '../snapshot/injection';
import { ClusterSnapshot } from '../snapshot/types';

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
  entity: Entity,
  snapshots: ClusterSnapshot[],
  now: Date,
  reason: string,
  evidence: Record<string, unknown>,
): MeshReport {
  const checks = unknownResults(`Not judged: ${reason}`, {
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
  mapping: Extract<ReturnType<typeof resolveEntityMapping>, { kind: 'mapped' }>,
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

/**
 * Builds one entity's report from the cluster snapshots of a run. Pure: the same
 * snapshots give the same report, which is what the scenario tests rely on.
 */
export function buildEntityReport(
  entity: Entity,
  allSnapshots: ClusterSnapshot[],
  window: string,
  now: Date = new Date(),
): MeshReport {
  const entityRef = stringifyEntityRef(entity);
  const mapping = resolveEntityMapping(entity);
  if (mapping.kind === 'unmapped') {
    return unmappedReport(
      entity,
      [],
      now,
      'The entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation, so no workloads are mapped to it.',
      { annotations: Object.keys(entity.metadata.annotations ?? {}) },
    );
  }
  if (mapping.kind === 'invalid') {
    return unmappedReport(
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

  const snapshots = mapping.clusters
    ? allSnapshots.filter(s => mapping.clusters!.includes(s.cluster))
    : allSnapshots;
  const workloads: EntityWorkload[] = matchWorkloads(mapping, snapshots).map(
    m => {
      const snapshot = snapshots.find(s => s.cluster === m.cluster)!;
      return {
        ...m,
        injection: decideInjection(
          m.namespace,
          m.workload.templateLabels,
          m.workload.templateAnnotations,
          m.workload.hostNetwork,
        ),
        traffic:
          snapshot.prometheus.data?.workloads[
            `${m.workload.namespace}/${m.workload.name}`
          ],
      };
    },
  );
  const ctx: EntityContext = {
    entityRef,
    entity,
    selectorText: mapping.selectorText,
    workloads,
    window,
    snapshots,
  };
  const sources = sourceStatuses(snapshots);
  const kubernetesProblem = missingSource(['kubernetes'], ctx);

  if (workloads.length === 0) {
    const where = noWorkloadsReason(mapping, snapshots);
    const reason = kubernetesProblem ?? `Nothing to judge: ${where}.`;
    // A failed source is marked as such, so the last known statuses are carried forward.
    const checks = unknownResults(reason).map(c =>
      kubernetesProblem
        ? { ...c, evidence: { ...c.evidence, missingSource: true } }
        : c,
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
      readiness: computeReadiness(checks),
      sources,
    };
  }

  const checks = runChecks(ctx);
  const metricsProblem = missingSource(['prometheus'], ctx);
  const meshed = workloads.some(w => workloadMeshings(w).length > 0);
  const health = metricsProblem
    ? UNKNOWN_HEALTH(metricsProblem)
    : summarizeHealth(
        workloads.flatMap(w => (w.traffic ? [w.traffic] : [])),
        window,
      );
  if (!metricsProblem && !meshed && health.status === 'idle') {
    health.status = 'unknown';
    health.reason = 'not meshed: no proxy reports this service’s traffic';
  }
  return {
    entityRef,
    generatedAt: now.toISOString(),
    stale: false,
    mesh: summarizeMesh(workloads),
    workloads: workloads.map(workloadSummary),
    health,
    checks,
    readiness: computeReadiness(checks),
    sources,
  };
}
