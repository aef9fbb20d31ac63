/**
 * Builders for the mesh.config-validation tests: a cluster of YAML objects (as
 * `kubectl get -o yaml` prints them) around one entity, turned into the input each rule
 * family reads, through the same snapshot and context join a collection run uses.
 */
import {
  KubeObject,
  MetricSeries,
  SourceReportedRequest,
} from '@mesh-readiness/plugin-mesh-node';
import { objects } from '../snapshot/facts/__testUtils__/objects';
import { RuleInput } from '../checks/mesh/validation/types';
import { contextFor, metrics, snapshot } from './fixtures';

export { objects as yamlObjects };

export interface ValidationCluster {
  /** Objects of the cluster; the entity is `app=checkout`. */
  objects: KubeObject[];
  /** Raw series, e.g. `istioSourceRequests`. */
  series?: Partial<MetricSeries>;
  /** Leave Prometheus out (unconfigured). */
  noPrometheus?: boolean;
  /** Kinds the Kubernetes source could not list, as `group/Kind`. */
  unavailable?: string[];
  selector?: string;
}

export function validationContext(c: ValidationCluster) {
  const snap = snapshot('prod', c.objects, {
    metrics: metrics({}, '5m', c.series ?? {}),
    ...(c.noPrometheus
      ? {
          prometheus: {
            configured: false,
            ok: false,
            data: undefined,
          },
        }
      : {}),
  });
  for (const key of c.unavailable ?? []) {
    const slash = key.lastIndexOf('/');
    snap.kubernetes.data!.unavailable.push({
      kind: key.slice(slash + 1),
      group: slash > 0 ? key.slice(0, slash) : '',
      resource: `${key.slice(slash + 1).toLowerCase()}s.${key.slice(0, slash)}`,
      reason: 'forbidden',
      message: 'forbidden by RBAC',
    });
  }
  return contextFor([snap], {
    'backstage.io/kubernetes-label-selector': c.selector ?? 'app=checkout',
  });
}

/** The rule input of the entity's first workload. */
export function ruleInput(c: ValidationCluster): RuleInput {
  const ctx = validationContext(c);
  const w = ctx.workloads[0];
  if (!w) throw new Error('the test entity maps no workload');
  const facts = ctx.snapshots[0].kubernetes.data!;
  return {
    w,
    facts,
    clusters: [facts],
    metrics: ctx.metricsFor(w),
  };
}

/** A caller's source-reported request to a Service. */
export function sourceRequest(
  service: string,
  o: Partial<SourceReportedRequest> = {},
): SourceReportedRequest {
  return {
    source: 'shop/frontend',
    destinationService: service,
    protocol: 'http',
    code: '200',
    responseFlags: '-',
    rate: 1,
    ...o,
  };
}
