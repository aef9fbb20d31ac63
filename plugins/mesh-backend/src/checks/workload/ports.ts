/**
 * How the proxies classify a Service port: Istio by the port name's protocol prefix
 * (`<protocol>[-<suffix>]`) or `appProtocol`, Linkerd by `config.linkerd.io/opaque-ports`
 * and its default opaque ports; anything else is sniffed.
 */
import {
  EntityWorkload,
  ServiceFacts,
  ServicePortFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { podAnnotation } from './support';

/** Istio's port-name protocols (istio.io "Protocol Selection"). */
const ISTIO_PROTOCOLS = [
  'grpc-web',
  'grpc',
  'http2',
  'https',
  'http',
  'mongo',
  'mysql',
  'redis',
  'tcp',
  'tls',
  'udp',
];

/** Protocols the proxies parse as HTTP: these requests can be retried. */
const HTTP_PROTOCOLS = new Set([
  'http',
  'http2',
  'grpc',
  'grpc-web',
  'h2c',
  'kubernetes.io/h2c',
  'kubernetes.io/ws',
  'kubernetes.io/wss',
  'ws',
  'wss',
]);

/** Linkerd proxies treat these as opaque unless the install changes `proxy.opaquePorts`. */
export const LINKERD_DEFAULT_OPAQUE_PORTS = [
  25, 587, 3306, 4444, 5432, 6379, 9300, 11211,
];

export const OPAQUE_PORTS_ANNOTATION = 'config.linkerd.io/opaque-ports';

/** The protocol the port declares, by `appProtocol` first, then the name's prefix. */
export function declaredProtocol(port: ServicePortFacts): string | undefined {
  if (port.appProtocol) return port.appProtocol.toLowerCase();
  const name = (port.name ?? '').toLowerCase();
  return ISTIO_PROTOCOLS.find(p => name === p || name.startsWith(`${p}-`));
}

export function isHttpProtocol(protocol: string | undefined): boolean {
  return protocol !== undefined && HTTP_PROTOCOLS.has(protocol);
}

/** The port number the pods listen on: `targetPort`, resolved through container port names. */
export function targetPortNumber(
  w: EntityWorkload,
  port: ServicePortFacts,
): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const containers = [
    ...w.workload.templateContainers,
    ...w.workload.pods.flatMap(p => p.containers),
  ];
  for (const c of containers) {
    const found = c.ports.find(p => p.name === target);
    if (found) return found.containerPort;
  }
  return undefined;
}

/** Parses `3306,5432,8000-8010,mysql`: numbers, ranges, and port names. */
function parsePortList(value: string | undefined): {
  numbers: Array<[number, number]>;
  names: string[];
} {
  const numbers: Array<[number, number]> = [];
  const names: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
    if (range) numbers.push([Number(range[1]), Number(range[2])]);
    else if (/^\d+$/.test(item)) numbers.push([Number(item), Number(item)]);
    else names.push(item);
  }
  return { numbers, names };
}

export interface OpaqueCoverage {
  /** Where an opaque-ports annotation covers the port: `workload`, `service` or `namespace`. */
  via?: 'workload' | 'service' | 'namespace';
  value?: string;
}

/**
 * Whether a `config.linkerd.io/opaque-ports` annotation (pod template, Service, or the
 * namespace, most specific first) marks the port opaque.
 */
export function opaqueCoverage(
  w: EntityWorkload,
  service: ServiceFacts,
  port: ServicePortFacts,
): OpaqueCoverage {
  const target = targetPortNumber(w, port);
  const candidates: Array<[OpaqueCoverage['via'], string | undefined]> = [
    ['workload', podAnnotation(w, OPAQUE_PORTS_ANNOTATION)],
    ['service', service.annotations?.[OPAQUE_PORTS_ANNOTATION]],
    ['namespace', w.namespace?.annotations[OPAQUE_PORTS_ANNOTATION]],
  ];
  for (const [via, value] of candidates) {
    if (value === undefined) continue;
    const list = parsePortList(value);
    const covers = (n: number | undefined) =>
      n !== undefined && list.numbers.some(([a, b]) => n >= a && n <= b);
    const byName =
      (port.name !== undefined && list.names.includes(port.name)) ||
      (typeof port.targetPort === 'string' &&
        list.names.includes(port.targetPort));
    // Service annotations name Service ports; pod annotations name container ports.
    const hit =
      via === 'service' ? covers(port.port) : covers(target) || byName;
    if (hit || (via === 'service' && byName)) return { via, value };
  }
  return {};
}

/** `name:port/PROTOCOL`, for evidence and messages. */
export function portLabel(
  service: ServiceFacts,
  port: ServicePortFacts,
): string {
  return `${service.namespace}/${service.name}:${
    port.name ? `${port.name}/` : ''
  }${port.port}`;
}
