import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Attestation, HistoryPoint } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckSettings,
  ClusterSnapshot,
  DEFAULT_CHECK_SETTINGS,
  EntityContext,
  EntityWorkload,
  MetricsData,
  TracingData,
} from '@mesh-readiness/plugin-mesh-node';
import { calculateHealth } from '../health/calculator';
import { Tolerance, tolerancesFor } from '../health/tolerances';
import { EntityMapping, matchWorkloads } from '../mapping/entityMapping';
import { resolveWorkloadMeshFacts } from '../snapshot/facts';
import { decideInjection } from '../snapshot/injection';
import { attestationsFor } from './attestations';
import { workloadMeshings } from './meshing';
import { computeRollout, runTimeOf } from './rollout';
import { joinTraffic } from './traffic';

export interface ContextOptions {
  /** The PromQL window of the snapshots' rates. */
  window: string;
  /** Request-health tolerances from config; Kiali's defaults when unset. */
  tolerances?: Tolerance[];
  /** Check thresholds from config; the defaults when unset. */
  checks?: CheckSettings;
  /**
   * Stored daily history points of the run's entities, keyed by lower-cased entity ref,
   * loaded once per run by the collector (HistoryStore.getMany); the rollout window is
   * read from them, else from the pods.
   */
  history?: ReadonlyMap<string, HistoryPoint[]>;
  /**
   * Every attestation of the run (loaded once by the collector, expired ones included
   * so a check can say when one lapsed), and the time they are judged at. Without it
   * no attestation applies, judged at the snapshots' time.
   */
  attestations?: { items: readonly Attestation[]; asOf: string };
}

/** The snapshots an entity is looked up in: those its cluster annotation names, or all. */
export function snapshotsFor(
  mapping: Extract<EntityMapping, { kind: 'mapped' }>,
  snapshots: ClusterSnapshot[],
): ClusterSnapshot[] {
  return mapping.clusters
    ? snapshots.filter(s => mapping.clusters!.includes(s.cluster))
    : snapshots;
}

/**
 * The one join of an entity with the collected data: its workloads with their facts,
 * their traffic, and their health. Production code and tests both build contexts here.
 */
export function buildEntityContext(
  entity: Entity,
  mapping: Extract<EntityMapping, { kind: 'mapped' }>,
  allSnapshots: ClusterSnapshot[],
  options: ContextOptions,
): EntityContext {
  const snapshots = snapshotsFor(mapping, allSnapshots);
  const byCluster = new Map(snapshots.map(s => [s.cluster, s]));
  const workloads: EntityWorkload[] = matchWorkloads(mapping, snapshots).map(
    m => {
      const facts = byCluster.get(m.cluster)!.kubernetes.data!;
      return {
        ...m,
        injection: decideInjection(
          m.namespace,
          m.workload.templateLabels,
          m.workload.templateAnnotations,
          m.workload.hostNetwork,
        ),
        mesh: resolveWorkloadMeshFacts(facts.mesh, m.workload, m.namespace),
      };
    },
  );
  const metricsFor = (w: EntityWorkload): MetricsData | undefined => {
    const prometheus = byCluster.get(w.cluster)?.prometheus;
    return prometheus?.ok ? prometheus.data : undefined;
  };
  const tracingFor = (w: EntityWorkload): TracingData | undefined => {
    const tracing = byCluster.get(w.cluster)?.tracing;
    return tracing?.ok ? tracing.data : undefined;
  };
  const traffic = joinTraffic(workloads, metricsFor);
  const meshings = workloads.flatMap(workloadMeshings);
  const { tolerances, error } = tolerancesFor(
    entity.metadata.annotations ?? {},
    options.tolerances,
  );
  const health = calculateHealth({
    traffic,
    tolerances,
    window: options.window,
    meshed: meshings.length > 0,
    ambientOnly:
      meshings.length > 0 && meshings.every(m => m.dataPlane === 'ambient'),
    ...(error ? { toleranceError: error } : {}),
  });
  const entityRef = stringifyEntityRef(entity);
  const settings = options.checks ?? DEFAULT_CHECK_SETTINGS;
  return {
    entityRef,
    entity,
    selectorText: mapping.selectorText,
    workloads,
    window: options.window,
    snapshots,
    traffic,
    health,
    settings,
    rollout: computeRollout(
      workloads,
      snapshots,
      settings.rollout,
      options.history?.get(entityRef.toLocaleLowerCase('en-US')),
    ),
    attestations: attestationsFor(entity, options.attestations?.items ?? []),
    attestationsAsOf:
      options.attestations?.asOf ??
      runTimeOf(snapshots) ??
      new Date(0).toISOString(),
    metricsFor,
    tracingFor,
  };
}
