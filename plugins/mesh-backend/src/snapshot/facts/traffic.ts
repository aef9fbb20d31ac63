/** Istio's routing config: DestinationRules, VirtualServices, ServiceEntries. */
import {
  DestinationRuleFacts,
  KubeObject,
  RouteDestinationFacts,
  ServiceEntryFacts,
  ServiceFacts,
  VirtualServiceFacts,
  VirtualServiceRouteFacts,
} from '@mesh-readiness/plugin-mesh-node';
import {
  asArray,
  asRecord,
  istioSelector,
  malformed,
  namespaceOf,
  num,
  portNumber,
  refOf,
  str,
  stringMap,
  strings,
} from './read';

/**
 * Istio reads a dotless host as a short Service name in the object's own namespace;
 * anything with a dot (including `reviews.prod`) is taken as written.
 */
export function resolveHost(
  host: string,
  namespace: string,
  clusterDomain = 'cluster.local',
): string {
  if (host === '*' || host.includes('.') || host.includes(':')) return host;
  return `${host}.${namespace}.svc.${clusterDomain}`;
}

/** `*.shop.svc.cluster.local` covers `cart.shop.svc.cluster.local`; `*` covers all. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  return pattern.startsWith('*') && host.endsWith(pattern.slice(1));
}

export function serviceHost(s: ServiceFacts, clusterDomain = 'cluster.local') {
  return `${s.name}.${s.namespace}.svc.${clusterDomain}`;
}

function tlsMode(policy: unknown): string | undefined {
  return str(asRecord(asRecord(policy).tls).mode);
}

export function destinationRuleFacts(
  obj: KubeObject,
  clusterDomain?: string,
): DestinationRuleFacts {
  const spec = asRecord(obj.spec);
  const host = str(spec.host) ?? malformed('host is missing');
  const policy = asRecord(spec.trafficPolicy);
  const portSettings = asArray(policy.portLevelSettings).map(asRecord);
  const anyPolicy = [policy, ...portSettings];
  const selector = istioSelector(spec.workloadSelector);
  const mode = tlsMode(policy);
  return {
    ref: refOf(obj),
    host,
    hostFqdn: resolveHost(host, namespaceOf(obj), clusterDomain),
    exportTo: strings(spec.exportTo),
    ...(selector ? { workloadSelector: selector } : {}),
    subsets: asArray(spec.subsets).map(raw => {
      const subset = asRecord(raw);
      const subsetTls = tlsMode(subset.trafficPolicy);
      return {
        name: str(subset.name) ?? malformed('subset without name'),
        labels: stringMap(subset.labels),
        ...(subsetTls ? { tlsMode: subsetTls } : {}),
      };
    }),
    ...(mode ? { tlsMode: mode } : {}),
    portLevelTls: portSettings.flatMap(p => {
      const port = portNumber(asRecord(p.port).number);
      const portMode = tlsMode(p);
      return port && portMode ? [{ port, mode: portMode }] : [];
    }),
    hasOutlierDetection: anyPolicy.some(p => p.outlierDetection),
    hasConnectionPool: anyPolicy.some(p => p.connectionPool),
  };
}

function destinations(
  routes: unknown,
  namespace: string,
  clusterDomain?: string,
): RouteDestinationFacts[] {
  return asArray(routes).flatMap(r => {
    const route = asRecord(r);
    const dest = asRecord(route.destination);
    const host = str(dest.host);
    if (!host) return [];
    const subset = str(dest.subset);
    const port = portNumber(asRecord(dest.port).number);
    const weight = num(route.weight);
    return [
      {
        host: resolveHost(host, namespace, clusterDomain),
        ...(subset ? { subset } : {}),
        ...(port ? { port } : {}),
        ...(weight !== undefined ? { weight } : {}),
      },
    ];
  });
}

/**
 * What an HTTP route's `match` entries require of the `upgrade` header: Istio header
 * names are lower case, and the value is a StringMatch (exact, prefix or regex).
 */
function upgradeHeaderOf(match: unknown): string | undefined {
  for (const m of asArray(match)) {
    const headers = asRecord(asRecord(m).headers);
    const key = Object.keys(headers).find(k => k.toLowerCase() === 'upgrade');
    if (key === undefined) continue;
    const sm = asRecord(headers[key]);
    return str(sm.exact) ?? str(sm.prefix) ?? str(sm.regex) ?? '*';
  }
  return undefined;
}

function httpRoute(
  value: unknown,
  namespace: string,
  clusterDomain?: string,
): VirtualServiceRouteFacts {
  const http = asRecord(value);
  const name = str(http.name);
  const timeout = str(http.timeout);
  const retries = asRecord(http.retries);
  const attempts = num(retries.attempts);
  const perTryTimeout = str(retries.perTryTimeout);
  const retryOn = str(retries.retryOn);
  const upgrade = upgradeHeaderOf(http.match);
  return {
    protocol: 'http',
    ...(name ? { name } : {}),
    destinations: destinations(http.route, namespace, clusterDomain),
    ...(timeout ? { timeout } : {}),
    ...(http.retries
      ? {
          retries: {
            ...(attempts !== undefined ? { attempts } : {}),
            ...(perTryTimeout ? { perTryTimeout } : {}),
            ...(retryOn ? { retryOn } : {}),
          },
        }
      : {}),
    hasFault: Boolean(http.fault),
    ...(upgrade !== undefined ? { upgradeHeader: upgrade } : {}),
  };
}

export function virtualServiceFacts(
  obj: KubeObject,
  clusterDomain?: string,
): VirtualServiceFacts {
  const spec = asRecord(obj.spec);
  const ns = namespaceOf(obj);
  const hosts = strings(spec.hosts);
  if (hosts.length === 0) malformed('hosts is empty');
  const l4 = (protocol: 'tcp' | 'tls') =>
    asArray(spec[protocol]).map((r): VirtualServiceRouteFacts => {
      const name = str(asRecord(r).name);
      return {
        protocol,
        ...(name ? { name } : {}),
        destinations: destinations(asRecord(r).route, ns, clusterDomain),
        hasFault: false,
      };
    });
  return {
    ref: refOf(obj),
    hosts: hosts.map(h => resolveHost(h, ns, clusterDomain)),
    gateways: strings(spec.gateways),
    exportTo: strings(spec.exportTo),
    routes: [
      ...asArray(spec.http).map(h => httpRoute(h, ns, clusterDomain)),
      ...l4('tcp'),
      ...l4('tls'),
    ],
  };
}

export function serviceEntryFacts(obj: KubeObject): ServiceEntryFacts {
  const spec = asRecord(obj.spec);
  const hosts = strings(spec.hosts);
  if (hosts.length === 0) malformed('hosts is empty');
  return {
    ref: refOf(obj),
    hosts,
    location: str(spec.location) ?? 'MESH_EXTERNAL',
    resolution: str(spec.resolution) ?? 'NONE',
    ports: asArray(spec.ports).flatMap(p => {
      const port = asRecord(p);
      const number = portNumber(port.number);
      if (!number) return [];
      const protocol = str(port.protocol);
      const name = str(port.name);
      return [
        {
          number,
          ...(protocol ? { protocol } : {}),
          ...(name ? { name } : {}),
        },
      ];
    }),
    exportTo: strings(spec.exportTo),
  };
}

/** Groups objects under each host they name, for lookups by FQDN. */
export function indexByHost<T>(
  items: T[],
  hostsOf: (item: T) => string[],
): Record<string, T[]> {
  const index: Record<string, T[]> = {};
  for (const item of items) {
    for (const host of new Set(hostsOf(item))) (index[host] ??= []).push(item);
  }
  return index;
}
