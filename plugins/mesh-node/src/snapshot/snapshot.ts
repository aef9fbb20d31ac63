import { CollectedSourceKind } from '@mesh-readiness/plugin-mesh-common';
import { UnavailableResource } from './kubernetes';
import { MeshConfigFacts } from './meshFacts';
import { MetricsData } from './queryCatalog';
import { TracingData } from './tracing';
import { NamespaceFacts, WorkloadFacts } from './workloads';

/** What the Kubernetes source told about one cluster, as typed facts. */
export interface KubernetesFacts {
  namespaces: Record<string, NamespaceFacts>;
  workloads: WorkloadFacts[];
  /** Services, PDBs and the mesh's own resources, parsed. */
  mesh: MeshConfigFacts;
  /** Kinds that could not be listed; the checks that need them are `unknown`. */
  unavailable: UnavailableResource[];
  /** Optional kinds whose CRD is not installed. */
  absent: string[];
  objectCount: number;
}

/** What one source gave in one run. */
export interface SourceOutcome<T> {
  name: CollectedSourceKind;
  /** False when the cluster's config does not name this source at all. */
  configured: boolean;
  ok: boolean;
  /** Why the source failed, or the parts of its input it had to skip. */
  error?: string;
  fetchedAt: string;
  /**
   * Set when the source failed and `data` is what it last gave, at this time. Checks
   * still treat the source as failed; the data serves only to show what was known.
   */
  lastGoodAt?: string;
  data?: T;
}

/** Everything known about one cluster in one run. Plain data, built once per run. */
export interface ClusterSnapshot {
  cluster: string;
  kubernetes: SourceOutcome<KubernetesFacts>;
  prometheus: SourceOutcome<MetricsData>;
  tracing: SourceOutcome<TracingData>;
  /** Milliseconds each source took in the run that made this snapshot. */
  timings?: Record<string, number>;
}
