/**
 * Whether a host of a DestinationRule or a route destination names anything in the
 * service registry: a Kubernetes Service or a ServiceEntry host, in any cluster the
 * entity was looked up in (a multi-cluster mesh merges their registries).
 */
import {
  KubernetesFacts,
  ServiceEntryFacts,
  ServiceFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { hostMatches, serviceHost } from '../../../snapshot/facts/traffic';

/** What a host resolved to: the Services and ServiceEntries it covers. */
export interface HostLookup {
  services: ServiceFacts[];
  serviceEntries: ServiceEntryFacts[];
}

/**
 * `reviews.prod` and `reviews.prod.svc` are how people write a Service of another
 * namespace; Istio's registry knows only the FQDN, but Kiali accepts both, and so do we
 * rather than report a host that works through DNS search paths.
 */
function shortForms(s: ServiceFacts): string[] {
  return [`${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc`];
}

/** Either side may be a wildcard (`*.example.com` against `api.example.com`, or back). */
function hostsOverlap(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

export function lookupHost(
  host: string,
  clusters: KubernetesFacts[],
): HostLookup {
  const services: ServiceFacts[] = [];
  const serviceEntries: ServiceEntryFacts[] = [];
  for (const facts of clusters) {
    const domain = facts.mesh.istio.meshConfig.clusterDomain;
    for (const s of facts.mesh.services) {
      if (
        hostMatches(host, serviceHost(s, domain)) ||
        shortForms(s).includes(host)
      )
        services.push(s);
    }
    for (const se of facts.mesh.istio.serviceEntries) {
      if (se.hosts.some(h => hostsOverlap(h, host))) serviceEntries.push(se);
    }
  }
  return { services, serviceEntries };
}

export function hostExists(host: string, clusters: KubernetesFacts[]): boolean {
  const found = lookupHost(host, clusters);
  return found.services.length > 0 || found.serviceEntries.length > 0;
}

/** `exportTo` as Istio reads it: empty or `*` is everywhere, `.` the object's own namespace. */
export function visibleFrom(
  exportTo: string[],
  ownNamespace: string,
  namespace: string,
): boolean {
  if (exportTo.length === 0 || exportTo.includes('*')) return true;
  if (exportTo.includes('.') && ownNamespace === namespace) return true;
  return exportTo.includes(namespace);
}
