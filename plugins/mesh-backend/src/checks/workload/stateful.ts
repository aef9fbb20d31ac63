/**
 * `workload.stateful`: stateful workloads are unmeshed or carefully validated. Meshing a
 * database rarely helps, and proxy retries on non-idempotent writes can corrupt state;
 * most teams mesh the clients, not the database pods.
 *
 * Per meshed workload:
 * - a StatefulSet, or a pod running a data-store or broker image (matched on the image's
 *   repository name, see `dataStoreOf`): `warn`;
 * - `fail` when proxy retries apply to it: an HTTP-capable Service port (declared HTTP or
 *   gRPC, or undeclared so the proxy sniffs it) and, for Istio (sidecars, or ambient
 *   through a waypoint), a VirtualService HTTP route with `retries.attempts > 0` or one
 *   that leaves `retries` out (Istio's default: 2 attempts), or no VirtualService at all
 *   (the default route retries too); for Linkerd, `retry.linkerd.io/http|grpc` on the
 *   Service or on an HTTPRoute/GRPCRoute whose parent is the Service, on a port that is
 *   not opaque. Ports declared TCP (`tcp-`, `mysql-`, `mongo-`, `redis-`, `tls-`,
 *   appProtocol) and Linkerd opaque ports are plain TCP: the proxies never retry them.
 * - a meshed DaemonSet (node agents, log shippers): `warn`;
 * - anything else: `pass`.
 */
import {
  CHECK_DEFINITIONS,
  CheckStatus,
  MeshName,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  ServiceFacts,
  ServicePortFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { PodMeshing, workloadMeshings } from '../../context/meshing';
import { hostMatches, serviceHost } from '../../snapshot/facts/traffic';
import {
  declaredProtocol,
  isHttpProtocol,
  LINKERD_DEFAULT_OPAQUE_PORTS,
  opaqueCoverage,
  portLabel,
  targetPortNumber,
} from './ports';
import {
  clusterMeshFacts,
  templatePatch,
  workloadRef,
  worstStatus,
} from './support';

/** Repository names of databases and brokers (`bitnami/postgresql`, `library/redis`). */
const DATA_STORES = [
  'postgres',
  'postgresql',
  'postgis',
  'timescaledb',
  'mysql',
  'mariadb',
  'percona',
  'kafka',
  'etcd',
  'redis',
  'valkey',
  'keydb',
  'mongo',
  'mongodb',
  'zookeeper',
  'rabbitmq',
  'nats',
  'cassandra',
  'scylla',
  'elasticsearch',
  'opensearch',
  'clickhouse',
  'cockroach',
  'cockroachdb',
  'couchdb',
  'influxdb',
  'pulsar',
  'memcached',
  'minio',
  'neo4j',
  'activemq',
  'artemis',
];

/**
 * Words that make an image a tool around a data store rather than the store itself:
 * `redis-exporter`, `postgres-operator`, `kafka-ui`, `mongo-express`, `redis-commander`.
 * Those are stateless; they are judged like any other workload.
 */
const TOOL_WORDS = new Set([
  'exporter',
  'operator',
  'client',
  'cli',
  'ui',
  'admin',
  'commander',
  'insight',
  'express',
  'webhook',
  'proxy',
  'backup',
  'metrics',
  'dashboard',
  'manager',
  'controller',
  'migrate',
  'migrations',
  'init',
  'tools',
  'bridge',
  'rest',
  'connect',
]);

/** Node agents and log shippers that run as DaemonSets (for naming them in evidence). */
const NODE_AGENTS = [
  'fluent-bit',
  'fluentbit',
  'fluentd',
  'promtail',
  'node-exporter',
  'datadog',
  'vector',
  'filebeat',
  'metricbeat',
  'auditbeat',
  'packetbeat',
  'logstash',
  'opentelemetry-collector',
  'otel-collector',
  'otelcol',
  'grafana-agent',
  'alloy',
  'telegraf',
  'falco',
  'kube-proxy',
  'calico',
  'cilium',
  'splunk',
  'newrelic',
  'dynatrace',
  'csi',
];

/**
 * A token naming a data store, with an optional version (`postgres16`). Built once: the
 * check runs for every workload of the fleet. Alternatives are tried in DATA_STORES'
 * order, so the first store that matches the whole token wins, as a search would.
 */
const DATA_STORE_TOKEN = new RegExp(
  `^(${DATA_STORES.map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(
    '|',
  )})\\d*$`,
);

/** `docker.io/bitnami/postgresql:16@sha256:…` → `postgresql`. */
export function repositoryName(image: string): string {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const tail = noDigest.slice(lastSlash + 1);
  const colon = tail.indexOf(':');
  return (colon >= 0 ? tail.slice(0, colon) : tail).toLowerCase();
}

/** The data store an image runs, or undefined (tools around a store do not count). */
export function dataStoreOf(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const tokens = repositoryName(image).split(/[-_.]/).filter(Boolean);
  if (tokens.some(t => TOOL_WORDS.has(t))) return undefined;
  for (const t of tokens) {
    const store = DATA_STORE_TOKEN.exec(t)?.[1];
    if (store) return store;
  }
  return undefined;
}

function nodeAgentOf(w: EntityWorkload): string | undefined {
  const names = [
    w.workload.name,
    ...[
      ...w.workload.templateContainers,
      ...w.workload.pods.flatMap(p => p.containers),
    ].map(c => (c.image ? repositoryName(c.image) : c.name)),
  ].map(n => n.toLowerCase());
  return NODE_AGENTS.find(a => names.some(n => n.includes(a)));
}

interface RetryFinding {
  port: string;
  by: string;
  attempts?: number;
}

/** HTTP-capable for the proxies: declared HTTP/gRPC, or undeclared (sniffed). */
function mayCarryHttp(port: ServicePortFacts): boolean {
  if (port.protocol !== 'TCP') return false;
  const declared = declaredProtocol(port);
  return declared === undefined || isHttpProtocol(declared);
}

function istioRetries(
  ctx: EntityContext,
  w: EntityWorkload,
  meshing: PodMeshing,
): RetryFinding[] {
  if (
    meshing.dataPlane === 'ambient' &&
    !w.mesh.istio.waypoints.some(wp => wp.gatewayFound)
  ) {
    return []; // ztunnel is L4 only: it never retries a request.
  }
  const domain =
    clusterMeshFacts(ctx, w)?.istio.meshConfig.clusterDomain ?? 'cluster.local';
  const out: RetryFinding[] = [];
  for (const s of w.mesh.services) {
    const httpPorts = s.ports.filter(mayCarryHttp);
    if (httpPorts.length === 0) continue;
    const host = serviceHost(s, domain);
    const routes = w.mesh.istio.virtualServices
      .filter(v => v.hosts.some(h => hostMatches(h, host)))
      .flatMap(v =>
        v.routes
          .filter(r => r.protocol === 'http')
          .map((r, i) => ({ v, r, i })),
      );
    const ports = httpPorts.map(p => portLabel(s, p)).join(', ');
    if (routes.length === 0) {
      out.push({
        port: ports,
        by: `no VirtualService HTTP route for ${host}: Istio's default retry policy (2 attempts)`,
        attempts: 2,
      });
      continue;
    }
    for (const { v, r, i } of routes) {
      const name = `VirtualService ${v.ref.namespace}/${v.ref.name} route ${
        r.name ?? `#${i + 1}`
      }`;
      if (!r.retries) {
        out.push({
          port: ports,
          by: `${name} sets no retries: Istio's default (2 attempts)`,
          attempts: 2,
        });
      } else if ((r.retries.attempts ?? 0) > 0) {
        out.push({
          port: ports,
          by: `${name} retries ${r.retries.attempts} time(s)${
            r.retries.retryOn ? ` on ${r.retries.retryOn}` : ''
          }`,
          attempts: r.retries.attempts,
        });
      }
    }
  }
  return out;
}

const LINKERD_RETRY = ['retry.linkerd.io/http', 'retry.linkerd.io/grpc'];

function linkerdRetryAnnotations(
  annotations: Record<string, string> | undefined,
): string | undefined {
  if (!annotations) return undefined;
  if (annotations['retry.linkerd.io/limit']?.trim() === '0') return undefined;
  const set = LINKERD_RETRY.filter(k => annotations[k]?.trim());
  return set.length
    ? set.map(k => `${k}: ${annotations[k]}`).join(', ')
    : undefined;
}

function linkerdOpaque(
  w: EntityWorkload,
  s: ServiceFacts,
  p: ServicePortFacts,
): boolean {
  if (p.protocol !== 'TCP') return true;
  if (p.appProtocol === 'linkerd.io/opaque') return true;
  const target = targetPortNumber(w, p);
  if (
    LINKERD_DEFAULT_OPAQUE_PORTS.includes(p.port) ||
    (target !== undefined && LINKERD_DEFAULT_OPAQUE_PORTS.includes(target))
  )
    return true;
  return opaqueCoverage(w, s, p).via !== undefined;
}

function linkerdRetries(ctx: EntityContext, w: EntityWorkload): RetryFinding[] {
  const routes = clusterMeshFacts(ctx, w)?.linkerd.routes ?? [];
  const out: RetryFinding[] = [];
  for (const s of w.mesh.services) {
    const open = s.ports.filter(p => !linkerdOpaque(w, s, p));
    if (open.length === 0) continue;
    const ports = open.map(p => portLabel(s, p)).join(', ');
    const onService = linkerdRetryAnnotations(s.annotations);
    if (onService)
      out.push({
        port: ports,
        by: `Service ${s.namespace}/${s.name} (${onService})`,
      });
    for (const r of routes) {
      const parent = r.parentRefs.some(
        p =>
          p.kind === 'Service' &&
          p.name === s.name &&
          p.namespace === s.namespace,
      );
      const retry = parent ? linkerdRetryAnnotations(r.annotations) : undefined;
      if (retry)
        out.push({
          port: ports,
          by: `${r.ref.kind} ${r.ref.namespace}/${r.ref.name} (${retry})`,
        });
    }
  }
  return out;
}

function optOut(w: EntityWorkload, meshing: PodMeshing): string {
  if (meshing.provider === 'linkerd')
    return templatePatch(w, {
      annotations: { 'linkerd.io/inject': 'disabled' },
    });
  if (meshing.dataPlane === 'ambient')
    return templatePatch(w, { labels: { 'istio.io/dataplane-mode': 'none' } });
  return templatePatch(w, { labels: { 'sidecar.istio.io/inject': 'false' } });
}

function retryFix(
  ctx: EntityContext,
  w: EntityWorkload,
  mesh: MeshName,
): string {
  if (mesh === 'linkerd') {
    return w.mesh.services
      .map(
        s =>
          `kubectl annotate service ${s.name} -n ${s.namespace} retry.linkerd.io/http- retry.linkerd.io/grpc-`,
      )
      .join('\n');
  }
  const domain =
    clusterMeshFacts(ctx, w)?.istio.meshConfig.clusterDomain ?? 'cluster.local';
  return w.mesh.services
    .filter(s => s.ports.some(mayCarryHttp))
    .map(s => {
      const host = serviceHost(s, domain);
      const existing = w.mesh.istio.virtualServices.filter(v =>
        v.hosts.some(h => hostMatches(h, host)),
      );
      if (existing.length > 0) {
        return `# Set retries: { attempts: 0 } on every HTTP route of ${existing
          .map(v => `VirtualService ${v.ref.namespace}/${v.ref.name}`)
          .join(', ')}, e.g.\nkubectl edit virtualservice ${
          existing[0].ref.name
        } -n ${existing[0].ref.namespace}`;
      }
      return [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata:',
        `  name: ${s.name}-no-retries`,
        `  namespace: ${s.namespace}`,
        'spec:',
        `  hosts: ["${host}"]`,
        '  http:',
        '    - route:',
        `        - destination: { host: ${host} }`,
        '      retries: { attempts: 0 }',
      ].join('\n');
    })
    .join('\n---\n');
}

interface Judged {
  ref: string;
  status: CheckStatus;
  why: string;
  evidence: Record<string, unknown>;
  fix?: string;
}

function judge(
  ctx: EntityContext,
  w: EntityWorkload,
  meshing: PodMeshing,
): Judged {
  const ref = workloadRef(w);
  const images = [
    ...w.workload.templateContainers,
    ...w.workload.pods.flatMap(p => p.containers),
  ]
    .map(c => c.image)
    .filter((i): i is string => Boolean(i));
  const store = images.map(dataStoreOf).find(Boolean);
  const evidence: Record<string, unknown> = {
    workload: ref,
    kind: w.workload.kind,
    dataPlane: `${meshing.provider} ${meshing.dataPlane}`,
    images: [...new Set(images)],
    services: w.mesh.services.map(s => `${s.namespace}/${s.name}`),
  };
  if (w.workload.kind === 'DaemonSet') {
    const agent = nodeAgentOf(w);
    evidence.nodeAgent = agent ?? null;
    return {
      ref,
      status: 'warn',
      why: `${ref} is a meshed DaemonSet${
        agent ? ` (${agent})` : ''
      }: node agents and log shippers gain little from a proxy and start before it is ready`,
      evidence,
      fix: `# Take the node agent out of the mesh:\n${optOut(w, meshing)}`,
    };
  }
  const reasons = [
    ...(w.workload.kind === 'StatefulSet' ? ['a StatefulSet'] : []),
    ...(store ? [`runs ${store}`] : []),
  ];
  evidence.statefulBecause = reasons;
  if (reasons.length === 0) {
    return { ref, status: 'pass', why: `${ref} is stateless`, evidence };
  }
  const retries =
    meshing.provider === 'linkerd'
      ? linkerdRetries(ctx, w)
      : istioRetries(ctx, w, meshing);
  evidence.retries = retries;
  const mesh = `${meshing.provider} ${meshing.dataPlane}`;
  if (retries.length > 0) {
    return {
      ref,
      status: 'fail',
      why: `${ref} (${reasons.join(
        ', ',
      )}) is meshed and proxy retries apply to it: ${retries[0].by} on ${
        retries[0].port
      }`,
      evidence,
      fix: [
        `# Mesh the clients, not the database. Either take ${ref} out of the mesh (${mesh}):`,
        optOut(w, meshing),
        '# or turn the proxy retries off for its hosts (retries replay non-idempotent writes):',
        retryFix(ctx, w, meshing.provider),
      ].join('\n'),
    };
  }
  return {
    ref,
    status: 'warn',
    why: `${ref} (${reasons.join(
      ', ',
    )}) is meshed: no proxy retries apply to it, but validate it under load or mesh only its clients`,
    evidence,
    fix: `# Most teams mesh the clients, not the database. To take ${ref} out of the mesh (${mesh}):\n${optOut(
      w,
      meshing,
    )}`,
  };
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const judged: Judged[] = [];
  for (const w of ctx.workloads) {
    const meshing = workloadMeshings(w)[0];
    if (meshing) judged.push(judge(ctx, w, meshing));
  }
  if (judged.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no workload runs a proxy or ambient capture, so no stateful pod is meshed (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.map(workloadRef) },
    };
  }
  const status = worstStatus(judged.map(j => j.status));
  const shown = judged.filter(j => j.status === status);
  const fixes = judged.filter(j => j.fix && j.status !== 'pass');
  return {
    status,
    summary:
      status === 'pass'
        ? `No stateful workload is meshed: ${judged
            .map(j => j.ref)
            .join(', ')} run stateless pods.`
        : `${shown.map(j => j.why).join('; ')}.`,
    evidence: {
      workloads: judged.map(j => ({ status: j.status, ...j.evidence })),
    },
    ...(fixes.length
      ? { remediation: fixes.map(j => j.fix).join('\n\n') }
      : {}),
  };
}

export const statefulCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['workload.stateful'],
  requiredKinds: ['Pod', 'Service'],
  evaluate,
};
