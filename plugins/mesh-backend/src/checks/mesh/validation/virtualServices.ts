/**
 * VirtualService routes that lead nowhere: a destination host that names nothing in the
 * registry (IST0101 / KIA1101), and a destination subset that no DestinationRule for
 * that host defines (KIA1107; istioctl reports it as IST0101 too).
 */
import {
  RouteDestinationFacts,
  VirtualServiceFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { hostMatches, serviceHost } from '../../../snapshot/facts/traffic';
import { hostExists, visibleFrom } from './hosts';
import { Finding, refText, RuleInput } from './types';

/**
 * The VirtualServices that concern this workload: those for its Services' hosts, those
 * routing to its Services, and those of its namespace that no Service owns (gateway
 * routes whose destinations all dangle would otherwise be nobody's).
 */
function concerned(input: RuleInput): VirtualServiceFacts[] {
  const { w, facts, clusters } = input;
  const domain = facts.mesh.istio.meshConfig.clusterDomain;
  const hosts = w.mesh.services.map(s => serviceHost(s, domain));
  const covers = (pattern: string) => hosts.some(h => hostMatches(pattern, h));
  const out = new Set<VirtualServiceFacts>(w.mesh.istio.virtualServices);
  for (const vs of facts.mesh.istio.virtualServices) {
    const destinations = vs.routes.flatMap(r => r.destinations);
    if (destinations.some(d => covers(d.host))) out.add(vs);
    else if (
      vs.ref.namespace === w.workload.namespace &&
      !vs.hosts.some(h => hostExists(h, clusters)) &&
      !destinations.some(d => hostExists(d.host, clusters))
    )
      out.add(vs);
  }
  return [...out];
}

function subsetDefined(
  input: RuleInput,
  vs: VirtualServiceFacts,
  d: RouteDestinationFacts,
): boolean {
  return input.clusters.some(facts =>
    facts.mesh.istio.destinationRules.some(
      dr =>
        hostMatches(dr.hostFqdn, d.host) &&
        visibleFrom(dr.exportTo, dr.ref.namespace, vs.ref.namespace) &&
        dr.subsets.some(s => s.name === d.subset),
    ),
  );
}

function rulesForHost(input: RuleInput, host: string) {
  return input.facts.mesh.istio.destinationRules.filter(dr =>
    hostMatches(dr.hostFqdn, host),
  );
}

export function virtualServiceRules(input: RuleInput): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const vs of concerned(input)) {
    for (const route of vs.routes) {
      for (const d of route.destinations) {
        const key = `${vs.ref.namespace}/${vs.ref.name}|${d.host}|${
          d.subset ?? ''
        }`;
        if (seen.has(key)) continue;
        seen.add(key);
        const ns = vs.ref.namespace;
        const edit = `kubectl edit virtualservice.networking.istio.io ${vs.ref.name} -n ${ns}`;
        if (!hostExists(d.host, input.clusters)) {
          const external = !d.host.includes('.svc.');
          findings.push({
            code: 'IST0101/KIA1101',
            level: 'error',
            object: vs.ref,
            message: `${refText(vs.ref)}: ${route.protocol} route${
              route.name ? ` '${route.name}'` : ''
            } sends traffic to host '${
              d.host
            }', which matches no Service or ServiceEntry: those requests fail (503 NR/NC).`,
            fix: external
              ? [
                  `# Route to an existing Service, or register '${d.host}' with a ServiceEntry:`,
                  'apiVersion: networking.istio.io/v1',
                  'kind: ServiceEntry',
                  'metadata:',
                  `  name: ${d.host
                    .replace(/[^a-z0-9-]/g, '-')
                    .replace(/^-+|-+$/g, '')}`,
                  `  namespace: ${ns}`,
                  'spec:',
                  `  hosts: ["${d.host}"]`,
                  '  location: MESH_EXTERNAL',
                  '  resolution: DNS',
                  `  ports: [{ number: ${
                    d.port ?? 443
                  }, name: tls, protocol: TLS }]`,
                ].join('\n')
              : [
                  `# Point the destination at an existing Service (kubectl get services -A | grep ${
                    d.host.split('.')[0]
                  }):`,
                  `${edit}   # spec.${route.protocol}[].route[].destination.host`,
                ].join('\n'),
            details: { host: d.host, route: route.name ?? null },
          });
          continue;
        }
        if (d.subset && !subsetDefined(input, vs, d)) {
          const existing = rulesForHost(input, d.host);
          findings.push({
            code: 'KIA1107/IST0101',
            level: 'error',
            object: vs.ref,
            message: `${refText(vs.ref)}: destination ${d.host} subset '${
              d.subset
            }' is defined by no DestinationRule visible from ${ns}: requests to it fail (503 NC).`,
            fix: existing.length
              ? [
                  `# Add subset '${d.subset}' to ${refText(
                    existing[0].ref,
                  )} (spec.subsets), with the labels of the pods it should reach:`,
                  `kubectl edit destinationrule.networking.istio.io ${existing[0].ref.name} -n ${existing[0].ref.namespace}`,
                  `#   - name: ${d.subset}`,
                  `#     labels: { version: ${d.subset} }`,
                  `# or remove the subset from the route: ${edit}`,
                ].join('\n')
              : [
                  `# Define the subset (labels: those of the pods it should reach), or remove it from the route (${edit}):`,
                  'apiVersion: networking.istio.io/v1',
                  'kind: DestinationRule',
                  'metadata:',
                  `  name: ${d.host.split('.')[0]}`,
                  `  namespace: ${ns}`,
                  'spec:',
                  `  host: ${d.host}`,
                  '  subsets:',
                  `    - name: ${d.subset}`,
                  `      labels: { version: ${d.subset} }`,
                ].join('\n'),
            details: {
              host: d.host,
              subset: d.subset,
              destinationRules: existing.map(dr => refText(dr.ref)),
            },
          });
        }
      }
    }
  }
  return findings;
}
