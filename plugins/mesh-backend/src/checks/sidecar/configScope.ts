/**
 * `sidecar.config-scope` (Istio sidecar mode): a Sidecar resource restricts the hosts
 * whose config istiod pushes to this workload's proxy. Without one every proxy holds the
 * whole mesh's clusters and routes, which costs memory and push time in big clusters.
 *
 * - A Sidecar applies (workload, namespace or root-namespace level) with egress hosts
 *   other than `*` / `*\/*`: `pass`.
 * - Several Sidecars apply at the same level (IST0110/IST0111): `warn`, naming them.
 * - No Sidecar, or one that does not restrict egress: `warn` when the cluster has more
 *   Services than `mesh.checks.sidecarScope.minServices`, `pass` (small cluster) otherwise.
 * - Linkerd and Istio ambient have no Sidecar resource: `not-applicable`.
 */
import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  SidecarScopeFacts,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { sourceIndex } from '../../context/traffic';
import {
  clusterMeshFacts,
  workloadRef,
  worstStatus,
} from '../workload/support';

/** Egress hosts that import every namespace: such a Sidecar restricts nothing. */
function isUnrestricted(host: string): boolean {
  const [ns, name] = host.includes('/') ? host.split('/', 2) : ['*', host];
  return (ns === '*' || ns === '') && (name === '*' || name === '');
}

export function restrictsEgress(scope: SidecarScopeFacts): boolean {
  const hosts = scope.sidecar.egressHosts;
  return hosts.length > 0 && !hosts.some(isUnrestricted);
}

/** Namespaces the workload calls, from its proxies' outbound reports (when scraped). */
function calledNamespaces(ctx: EntityContext, w: EntityWorkload): string[] {
  const metrics = ctx.metricsFor(w);
  const key = workloadKey(w);
  const rows = metrics ? sourceIndex(metrics).bySource.get(key) ?? [] : [];
  const out = new Set<string>();
  for (const r of rows) {
    const ns = (r.destinationService ?? r.destinationWorkload)?.split('/')[0];
    if (ns && ns !== 'unknown') out.add(ns);
  }
  return [...out].sort();
}

function sidecarYaml(
  ctx: EntityContext,
  w: EntityWorkload,
  root: string,
): string {
  const ns = w.workload.namespace;
  const called = calledNamespaces(ctx, w).filter(n => n !== ns && n !== root);
  const hosts = ['./*', `${root}/*`, ...called.map(n => `${n}/*`)];
  return [
    `# Sidecar for namespace ${ns}: its proxies get config only for these hosts.${
      called.length
        ? ` Added from observed traffic: ${called.join(', ')}.`
        : ' Add "<namespace>/*" for every other namespace its workloads call.'
    }`,
    'apiVersion: networking.istio.io/v1',
    'kind: Sidecar',
    'metadata:',
    '  name: default',
    `  namespace: ${ns}`,
    'spec:',
    '  egress:',
    '    - hosts:',
    ...hosts.map(h => `        - "${h}"`),
  ].join('\n');
}

interface Judged {
  ref: string;
  status: 'pass' | 'warn';
  why: string;
  evidence: Record<string, unknown>;
  fix?: string;
}

function judge(ctx: EntityContext, w: EntityWorkload): Judged {
  const ref = workloadRef(w);
  const facts = clusterMeshFacts(ctx, w);
  const root = facts?.istio.meshConfig.rootNamespace ?? 'istio-system';
  const services = facts?.services.length ?? 0;
  const threshold = ctx.settings.sidecarScope.minServices;
  const scope = w.mesh.istio.sidecarScope;
  const sidecarRef = scope
    ? `${scope.sidecar.ref.namespace}/${scope.sidecar.ref.name}`
    : undefined;
  const evidence: Record<string, unknown> = {
    workload: ref,
    services,
    minServices: threshold,
    sidecar: scope
      ? {
          kind: 'Sidecar',
          namespace: scope.sidecar.ref.namespace,
          name: scope.sidecar.ref.name,
          level: scope.level,
          egressHosts: scope.sidecar.egressHosts,
        }
      : null,
  };
  if (scope && scope.conflicts.length > 0) {
    const names = scope.conflicts.map(c => `${c.namespace}/${c.name}`);
    evidence.conflicts = scope.conflicts;
    return {
      ref,
      status: 'warn',
      why: `${ref}: several Sidecars apply at ${
        scope.level
      } level (Sidecar ${sidecarRef}, ${names.join(
        ', ',
      )}); Istio uses only one (IST0110/IST0111)`,
      evidence,
      fix: `# Keep one Sidecar per ${
        scope.level === 'workload' ? 'set of pods' : 'namespace'
      }: merge the egress hosts into Sidecar ${sidecarRef}, then\n${names
        .map(n => {
          const [cns, cname] = n.split('/');
          return `kubectl delete sidecar.networking.istio.io ${cname} -n ${cns}`;
        })
        .join('\n')}`,
    };
  }
  if (scope && restrictsEgress(scope)) {
    return {
      ref,
      status: 'pass',
      why: `${ref}: Sidecar ${sidecarRef} limits egress to ${scope.sidecar.egressHosts.join(
        ', ',
      )}`,
      evidence,
    };
  }
  const what = scope
    ? `Sidecar ${sidecarRef} imports every namespace (egress ${
        scope.sidecar.egressHosts.join(', ') || 'not set'
      })`
    : 'no Sidecar resource applies';
  if (services > threshold) {
    return {
      ref,
      status: 'warn',
      why: `${ref}: ${what}, so its proxy receives config for all ${services} Services of the cluster (more than ${threshold})`,
      evidence,
      fix: sidecarYaml(ctx, w, root),
    };
  }
  return {
    ref,
    status: 'pass',
    why: `${ref}: ${what}, but the cluster is small (${services} Services, threshold ${threshold})`,
    evidence,
  };
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const judged: Judged[] = [];
  const other: Array<{ workload: string; dataPlane: string }> = [];
  let meshed = 0;
  for (const w of ctx.workloads) {
    const meshings = workloadMeshings(w);
    if (meshings.length === 0) continue;
    meshed++;
    if (meshings.some(m => m.provider === 'istio' && m.dataPlane === 'sidecar'))
      judged.push(judge(ctx, w));
    else
      other.push({
        workload: workloadRef(w),
        dataPlane: `${meshings[0].provider} ${meshings[0].dataPlane}`,
      });
  }
  if (meshed === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no workload runs a proxy or ambient capture (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.map(workloadRef) },
    };
  }
  if (judged.length === 0) {
    const ambient = other.some(o => o.dataPlane === 'istio ambient');
    return {
      status: 'not-applicable',
      summary: ambient
        ? 'Istio ambient: no per-pod Envoy receives pushed config; the Sidecar resource does not apply (scope waypoints instead).'
        : 'Linkerd: proxies discover destinations on demand, there is no Sidecar resource to scope pushed config.',
      evidence: { workloads: other },
    };
  }
  const status = worstStatus(judged.map(j => j.status));
  const evidence = {
    workloads: judged.map(j => ({ status: j.status, ...j.evidence })),
    ...(other.length ? { notApplicable: other } : {}),
  };
  const shown = judged.filter(j => j.status === status);
  return {
    status,
    summary: `${
      status === 'pass'
        ? 'Pushed proxy config is fine'
        : 'Pushed proxy config is not scoped'
    }: ${shown.map(j => j.why).join('; ')}.`,
    evidence,
    ...(status === 'warn'
      ? {
          remediation: [
            ...new Set(judged.filter(j => j.fix).map(j => j.fix)),
          ].join('\n---\n'),
        }
      : {}),
  };
}

export const sidecarConfigScopeCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['sidecar.config-scope'],
  requiredKinds: ['networking.istio.io/Sidecar'],
  evaluate,
};
