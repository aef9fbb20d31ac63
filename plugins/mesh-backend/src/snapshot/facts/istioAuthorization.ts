import {
  AppliedAuthorizationPolicy,
  AuthorizationRuleSummary,
  IstioAuthorizationAction,
  IstioAuthorizationPolicyFacts,
  KubeObject,
  PolicyTargetRef,
  ServiceFacts,
  WaypointUseFacts,
} from '@mesh-readiness/plugin-mesh-node';
import {
  asArray,
  asRecord,
  istioSelector,
  malformed,
  namespaceOf,
  refOf,
  str,
  strings,
  targetRef,
} from './read';
import { matchesLabels } from './selectors';

const ACTIONS = new Set(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);

function union(items: unknown[], field: string): string[] {
  return [...new Set(items.flatMap(i => strings(asRecord(i)[field])))];
}

function ruleSummary(value: unknown): AuthorizationRuleSummary {
  const rule = asRecord(value);
  const sources = asArray(rule.from).map(f => asRecord(f).source);
  const operations = asArray(rule.to).map(t => asRecord(t).operation);
  const when = asArray(rule.when);
  return {
    principals: union(sources, 'principals'),
    notPrincipals: union(sources, 'notPrincipals'),
    requestPrincipals: union(sources, 'requestPrincipals'),
    namespaces: union(sources, 'namespaces'),
    notNamespaces: union(sources, 'notNamespaces'),
    ipBlocks: union(sources, 'ipBlocks'),
    methods: union(operations, 'methods'),
    notMethods: union(operations, 'notMethods'),
    paths: union(operations, 'paths'),
    notPaths: union(operations, 'notPaths'),
    ports: union(operations, 'ports'),
    hosts: union(operations, 'hosts'),
    conditions: when.length,
    conditionKeys: [...new Set(when.flatMap(w => strings([asRecord(w).key])))],
    matchesAnyRequest:
      sources.length === 0 && operations.length === 0 && when.length === 0,
  };
}

/** A security.istio.io AuthorizationPolicy (v1 or v1beta1: same spec). */
export function istioAuthorizationPolicyFacts(
  obj: KubeObject,
): IstioAuthorizationPolicyFacts {
  const spec = asRecord(obj.spec);
  const action = spec.action ?? 'ALLOW';
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    malformed(`action '${String(action)}' is unknown`);
  }
  const ns = namespaceOf(obj);
  const targetRefs = [spec.targetRef, ...asArray(spec.targetRefs)]
    .filter(r => r !== undefined && r !== null)
    .map(r => targetRef(r, ns) ?? malformed('targetRef without kind or name'));
  const rules = asArray(spec.rules).map(ruleSummary);
  const selector = istioSelector(spec.selector);
  const provider = str(asRecord(spec.provider).name);
  return {
    ref: refOf(obj),
    action: action as IstioAuthorizationAction,
    ...(provider ? { provider } : {}),
    dryRun: obj.metadata.annotations?.['istio.io/dry-run'] === 'true',
    ...(selector ? { selector } : {}),
    targetRefs,
    rules,
    denyAll: action === 'ALLOW' && rules.length === 0,
  };
}

function targetsApply(
  refs: PolicyTargetRef[],
  services: ServiceFacts[],
  waypoints: WaypointUseFacts[],
): AppliedAuthorizationPolicy['scope'] | undefined {
  for (const ref of refs) {
    if (ref.kind === 'Service' && (ref.group === '' || ref.group === 'core')) {
      const hit = services.some(
        s => s.namespace === ref.namespace && s.name === ref.name,
      );
      if (hit) return 'service';
    }
    if (ref.kind === 'Gateway') {
      const hit = waypoints.some(
        w =>
          w.gateway.namespace === ref.namespace && w.gateway.name === ref.name,
      );
      if (hit) return 'waypoint';
    }
  }
  return undefined;
}

/**
 * The AuthorizationPolicies that apply to a workload. A policy with targetRefs binds
 * to a waypoint (for a Service or the waypoint Gateway itself) and ignores the
 * selector; otherwise the root namespace's apply mesh-wide, and the workload
 * namespace's apply namespace-wide or through a selector.
 */
export function resolveAuthorizationPolicies(
  policies: IstioAuthorizationPolicyFacts[],
  namespace: string,
  podLabels: Record<string, string>[],
  rootNamespace: string,
  services: ServiceFacts[],
  waypoints: WaypointUseFacts[],
): AppliedAuthorizationPolicy[] {
  const selects = (selector: Record<string, string>) =>
    podLabels.some(l => matchesLabels(selector, l));
  return policies.flatMap((policy): AppliedAuthorizationPolicy[] => {
    const ns = policy.ref.namespace;
    if (policy.targetRefs.length > 0) {
      const scope = targetsApply(policy.targetRefs, services, waypoints);
      return scope ? [{ policy, scope }] : [];
    }
    if (ns === namespace) {
      if (!policy.selector) {
        return [{ policy, scope: ns === rootNamespace ? 'mesh' : 'namespace' }];
      }
      return selects(policy.selector) ? [{ policy, scope: 'workload' }] : [];
    }
    if (ns === rootNamespace) {
      if (!policy.selector) return [{ policy, scope: 'mesh' }];
      return selects(policy.selector)
        ? [{ policy, scope: 'mesh-selector' }]
        : [];
    }
    return [];
  });
}
