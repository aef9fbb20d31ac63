import { Entity } from '@backstage/catalog-model';
import {
  CheckDefinition,
  CheckStatus,
} from '@mesh-readiness/plugin-mesh-common';
import { MatchedWorkload } from '../mapping/entityMapping';
import { InjectionDecision } from '../snapshot/injection';
import { ClusterSnapshot } from '../snapshot/types';
import { WorkloadTraffic } from '../sources/prometheus/PrometheusSource';

/** One workload of the entity, with the facts every check reads. */
export interface EntityWorkload extends MatchedWorkload {
  injection: InjectionDecision;
  /** Inbound mesh traffic, when Prometheus had any for this workload. */
  traffic?: WorkloadTraffic;
}

/** Everything a check may read about one entity. Built once per entity per run. */
export interface EntityContext {
  entityRef: string;
  entity: Entity;
  /** The selector that mapped the entity, for messages. */
  selectorText: string;
  workloads: EntityWorkload[];
  /** The PromQL window the traffic figures cover. */
  window: string;
  /** The cluster snapshots the entity's workloads were looked up in. */
  snapshots: ClusterSnapshot[];
}

export interface CheckOutcome {
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
  remediation?: string;
}

/** A readiness check: a pure function over the entity context. No I/O, no store. */
export interface MeshCheck {
  definition: CheckDefinition;
  /**
   * Kubernetes kinds the check reads (`Pod`, `apps/Deployment`,
   * `security.istio.io/PeerAuthentication`); when one could not be listed the check is
   * `unknown` and names the missing permission.
   */
  requiredKinds?: string[];
  evaluate(ctx: EntityContext): CheckOutcome;
}
