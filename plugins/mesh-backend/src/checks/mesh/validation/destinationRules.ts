/**
 * DestinationRules that break a workload's traffic: a subset whose labels select none of
 * the Service's pods (IST0173 / KIA0203: the callers' Envoys answer 503 `UH`), and a
 * host that names nothing in the registry (IST0174 / KIA0202).
 */
import {
  DestinationRuleFacts,
  ServiceFacts,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { hostMatches, serviceHost } from '../../../snapshot/facts/traffic';
import { sourceIndex } from '../../../context/traffic';
import { hostExists } from './hosts';
import {
  Finding,
  matchesLabels,
  namespacePods,
  podLabelsOf,
  refText,
  RuleInput,
} from './types';

/** Source-reported requests to a Service, and those the caller's Envoy answered `UH`. */
function observedToService(input: RuleInput, s: ServiceFacts) {
  if (!input.metrics?.series.istioSourceRequests) return undefined;
  const index = sourceIndex(input.metrics);
  const service = `${s.namespace}/${s.name}`;
  const key = workloadKey(input.w);
  let total = 0;
  let uh = 0;
  // The Service's requests and the workload's, each once.
  const rows = new Set([
    ...(index.byService.get(service) ?? []),
    ...(index.byDestinationWorkload.get(key) ?? []),
  ]);
  for (const row of rows) {
    total += row.rate;
    if (row.responseFlags.split(',').includes('UH')) uh += row.rate;
  }
  return { requestsPerSecond: total, uhRequestsPerSecond: uh };
}

/** The values the Service's pods carry for the subset's label keys, for the fix. */
function carriedValues(
  labels: Record<string, string>[],
  keys: string[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of keys) {
    out[key] = [
      ...new Set(labels.map(l => l[key]).filter((v): v is string => !!v)),
    ].sort();
  }
  return out;
}

function proxyView(input: RuleInput, cluster: string): string {
  const { w } = input;
  const sidecarPod = w.workload.pods.find(p => p.proxy?.provider === 'istio');
  const target = sidecarPod
    ? `${sidecarPod.name}.${sidecarPod.namespace}`
    : `deploy/<a-client> -n ${w.workload.namespace}`;
  return `istioctl proxy-config endpoints ${target} --cluster "${cluster}"`;
}

function subsetFindings(input: RuleInput): Finding[] {
  const { w, facts } = input;
  const domain = facts.mesh.istio.meshConfig.clusterDomain;
  const findings: Finding[] = [];
  const routedSubsets = new Set(
    w.mesh.istio.virtualServices.flatMap(v =>
      v.routes.flatMap(r =>
        r.destinations.filter(d => d.subset).map(d => `${d.host}|${d.subset}`),
      ),
    ),
  );
  for (const dr of w.mesh.istio.destinationRules) {
    if (dr.subsets.length === 0) continue;
    const wildcard = dr.hostFqdn.startsWith('*');
    for (const s of w.mesh.services) {
      const host = serviceHost(s, domain);
      if (!hostMatches(dr.hostFqdn, host)) continue;
      // The pods behind the Service: every workload it selects, not only this one.
      const behind = namespacePods(facts, s.namespace)
        .map(p => p.labels)
        .filter(labels => matchesLabels(s.selector, labels));
      for (const subset of dr.subsets) {
        // A wildcard rule's subsets are meant for some of the hosts it covers: only
        // the ones a route sends this Service's traffic to must select its pods.
        if (wildcard && !routedSubsets.has(`${host}|${subset.name}`)) continue;
        if (behind.some(labels => matchesLabels(subset.labels, labels)))
          continue;
        const observed = observedToService(input, s);
        const keys = Object.keys(subset.labels);
        const values = carriedValues(
          behind.length > 0 ? behind : podLabelsOf(w.workload),
          keys,
        );
        const port = s.ports[0]?.port ?? 80;
        const envoyCluster = `outbound|${port}|${subset.name}|${host}`;
        const selector = Object.entries(subset.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        const carried = Object.entries(values)
          .map(([k, v]) => `${k}=${v.length ? v.join('|') : '(absent)'}`)
          .join(', ');
        findings.push({
          code: 'IST0173/KIA0203',
          level: 'error',
          object: dr.ref,
          message: `${refText(dr.ref)}: subset '${
            subset.name
          }' (${selector}) selects none of the ${
            behind.length
          } pod(s) behind Service ${s.namespace}/${
            s.name
          }: requests routed to it fail with 503 UH (no healthy upstream)${
            observed && observed.uhRequestsPerSecond > 0
              ? `; callers' proxies report ${observed.uhRequestsPerSecond.toFixed(
                  2,
                )} req/s of 503 UH to this Service`
              : ''
          }.`,
          fix: [
            `# The pods behind Service ${s.namespace}/${s.name} carry ${
              carried || 'none of these labels'
            }.`,
            `# Point subset '${subset.name}' at labels they carry, or deploy pods with ${selector}:`,
            `kubectl edit destinationrule.networking.istio.io ${dr.ref.name} -n ${dr.ref.namespace}   # spec.subsets[name=${subset.name}].labels`,
            `kubectl get pods -n ${s.namespace} -l '${Object.entries(s.selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(',')}' --show-labels`,
            '# Then check what the proxies see (no endpoints means 503 UH):',
            proxyView(input, envoyCluster),
          ].join('\n'),
          details: {
            subset: subset.name,
            subsetLabels: subset.labels,
            service: `${s.namespace}/${s.name}`,
            podsBehindService: behind.length,
            labelValuesCarried: values,
            observed: observed ?? 'no Prometheus data for this cluster',
          },
        });
      }
    }
  }
  return findings;
}

/**
 * A rule whose host matches nothing. Only the rules that concern this workload: one whose
 * `workloadSelector` selects it, or a selector-less one in its namespace (it belongs to
 * no other workload, so the namespace's teams own it).
 */
function unknownHostFindings(input: RuleInput): Finding[] {
  const { w, facts, clusters } = input;
  const ns = w.workload.namespace;
  const labels = podLabelsOf(w.workload);
  const concerns = (dr: DestinationRuleFacts) =>
    dr.ref.namespace === ns &&
    (!dr.workloadSelector ||
      labels.some(l => matchesLabels(dr.workloadSelector!, l)));
  return facts.mesh.istio.destinationRules
    .filter(concerns)
    .filter(dr => !hostExists(dr.hostFqdn, clusters))
    .map(dr => ({
      code: 'IST0174/KIA0202',
      level: 'warning' as const,
      object: dr.ref,
      message: `${refText(dr.ref)}: host '${
        dr.host
      }' matches no Service or ServiceEntry, so its traffic policy applies to nothing.`,
      fix: [
        `# Set spec.host to an existing Service (FQDN: <name>.${ns}.svc.${facts.mesh.istio.meshConfig.clusterDomain}) or add a ServiceEntry for '${dr.host}':`,
        `kubectl get services -n ${ns}`,
        `kubectl edit destinationrule.networking.istio.io ${dr.ref.name} -n ${ns}   # spec.host`,
      ].join('\n'),
      details: { host: dr.host, resolved: dr.hostFqdn },
    }));
}

export function destinationRuleRules(input: RuleInput): Finding[] {
  return [...subsetFindings(input), ...unknownHostFindings(input)];
}
