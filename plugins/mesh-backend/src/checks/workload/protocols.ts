/**
 * `workload.protocols`: non-HTTP and long-lived connections get the care they need.
 *
 * Per Service port of each meshed workload (TCP ports; the proxies do not carry UDP):
 * - a server-speaks-first port (SMTP, MySQL, NATS, FTP, POP3, IMAP) with no declaration
 *   (Istio: a non-HTTP protocol name prefix such as `tcp-`/`mysql-`, or `appProtocol`;
 *   Linkerd: `config.linkerd.io/opaque-ports` on the pods, the Service or the namespace):
 *   `fail`, the proxy waits for the client to speak first and the connection stalls.
 *   Linkerd's default opaque ports are the exception: Linkerd treats them as opaque
 *   already, so undeclared they are `warn` (they depend on the install's defaults);
 * - one of Linkerd's default opaque ports (25, 587, 3306, 4444, 5432, 6379, 9300, 11211)
 *   with no declaration: `warn`;
 * - a port with no protocol prefix and no `appProtocol` (IST0118; Istio only, Linkerd
 *   detects protocols itself): `warn`;
 * - long-lived streams: a port declared as websocket (`appProtocol: kubernetes.io/ws`
 *   or `wss`, or a `ws-`/`websocket-` port name), a route that matches the `Upgrade`
 *   header (an Istio VirtualService `http[].match[].headers.upgrade`, or a Gateway API /
 *   Linkerd HTTPRoute `matches[].headers[]` named `Upgrade`, whose parent is one of the
 *   workload's Services or Servers), or inbound requests lasting over `LONG_STREAM_MS`
 *   in the latency histogram (Istio; Linkerd's histogram is time to first byte, so it
 *   cannot show them): `warn`, because request latency and success metrics mislead for
 *   streams.
 * Istio ambient without a waypoint is `not-applicable`: ztunnel carries every port as
 * opaque TCP and sniffs nothing.
 */
import {
  CHECK_DEFINITIONS,
  CheckStatus,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  LatencyBucket,
  MeshCheck,
  ServiceFacts,
  ServicePortFacts,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { PodMeshing, workloadMeshings } from '../../context/meshing';
import {
  declaredProtocol,
  isHttpProtocol,
  LINKERD_DEFAULT_OPAQUE_PORTS,
  OPAQUE_PORTS_ANNOTATION,
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

/** Ports whose protocol has the server speak first (SMTP, submission, FTP, POP3, IMAP, MySQL, NATS). */
const SERVER_FIRST_PORTS: Record<number, string> = {
  21: 'FTP',
  25: 'SMTP',
  110: 'POP3',
  143: 'IMAP',
  587: 'SMTP submission',
  3306: 'MySQL',
  4222: 'NATS',
};

/** Other well-known data-store ports, to suggest `tcp` rather than `http` for them. */
const TCP_PORTS = new Set([
  ...LINKERD_DEFAULT_OPAQUE_PORTS,
  2181,
  2379,
  2380,
  5672,
  9042,
  9092,
  9093,
  26257,
  27017,
]);

/** Requests lasting longer than this are streams (gRPC streaming, websockets, SSE). */
export const LONG_STREAM_MS = 60_000;
/**
 * The share of requests past LONG_STREAM_MS from which they are taken for streams: a
 * few requests that hang until a timeout are a latency problem, not a protocol.
 */
export const LONG_STREAM_MIN_SHARE = 0.01;

const WEBSOCKET = new Set([
  'kubernetes.io/ws',
  'kubernetes.io/wss',
  'ws',
  'wss',
]);

interface Finding {
  status: CheckStatus;
  code: string;
  port?: string;
  message: string;
  fix: string;
}

const STREAM_FIX = [
  '# Long-lived streams: judge them by connections and messages, not request latency.',
  '# Leave stream routes out of latency SLOs, watch istio_tcp_connections_opened_total /',
  '# istio_request_messages_total (gRPC), and keep route timeouts off for them (VirtualService http[].timeout: 0s).',
].join('\n');

function appProtocolPatch(
  s: ServiceFacts,
  index: number,
  value: string,
): string {
  return `kubectl patch service ${s.name} -n ${s.namespace} --type json -p '[{"op":"add","path":"/spec/ports/${index}/appProtocol","value":"${value}"}]'`;
}

function opaqueFix(
  w: EntityWorkload,
  s: ServiceFacts,
  port: number,
  target: number | undefined,
): string {
  return [
    `kubectl annotate service ${s.name} -n ${s.namespace} ${OPAQUE_PORTS_ANNOTATION}=${port} --overwrite`,
    templatePatch(w, {
      annotations: { [OPAQUE_PORTS_ANNOTATION]: String(target ?? port) },
    }),
  ].join('\n');
}

function portFindings(
  w: EntityWorkload,
  meshing: PodMeshing,
  s: ServiceFacts,
  p: ServicePortFacts,
  index: number,
  sawGrpc: boolean,
): Finding[] {
  if (p.protocol !== 'TCP') return [];
  const label = portLabel(s, p);
  const target = targetPortNumber(w, p);
  const numbers = [p.port, ...(target !== undefined ? [target] : [])];
  const declared = declaredProtocol(p);
  const linkerd = meshing.provider === 'linkerd';
  const opaque = opaqueCoverage(w, s, p).via !== undefined;
  const covered =
    opaque ||
    p.appProtocol !== undefined ||
    (declared !== undefined && !isHttpProtocol(declared));
  const out: Finding[] = [];
  const serverFirst = numbers.map(n => SERVER_FIRST_PORTS[n]).find(Boolean);
  const linkerdDefault = numbers.find(n =>
    LINKERD_DEFAULT_OPAQUE_PORTS.includes(n),
  );
  // Linkerd's default opaque list means nothing to Istio: there only a server-first
  // protocol stalls, and the port falls to the IST0118 rule below.
  const opaqueByDefault = linkerd && linkerdDefault !== undefined;
  if ((serverFirst || opaqueByDefault) && !covered) {
    const fix = linkerd
      ? opaqueFix(w, s, p.port, target)
      : appProtocolPatch(s, index, 'tcp');
    const what = serverFirst
      ? `${serverFirst} (the server speaks first)`
      : `Linkerd default opaque port ${linkerdDefault}`;
    const stalls = serverFirst && !(linkerd && linkerdDefault !== undefined);
    let consequence = ': the proxy has to sniff it';
    if (stalls)
      consequence =
        ': the proxy waits for the client to speak and the connection stalls';
    else if (linkerd)
      consequence = ': only the install-wide default list makes it opaque';
    out.push({
      status: stalls ? 'fail' : 'warn',
      code: serverFirst ? 'server-first' : 'opaque-port',
      port: label,
      message: `${label} carries ${what} but is not declared ${
        linkerd
          ? `opaque (${OPAQUE_PORTS_ANNOTATION})`
          : 'TCP (tcp-/mysql- name prefix or appProtocol)'
      }${consequence}`,
      fix,
    });
    return out;
  }
  if (!linkerd && declared === undefined && p.appProtocol === undefined) {
    let guess = 'http';
    if (numbers.some(n => TCP_PORTS.has(n))) guess = 'tcp';
    else if (sawGrpc) guess = 'grpc';
    out.push({
      status: 'warn',
      code: 'IST0118',
      port: label,
      message: `${label}: port name '${
        p.name ?? ''
      }' has no protocol prefix and no appProtocol (IST0118), so Istio sniffs the protocol`,
      fix: `# Declare the protocol the port really speaks (${guess} suggested):\n${appProtocolPatch(
        s,
        index,
        guess,
      )}`,
    });
  }
  if (
    WEBSOCKET.has(p.appProtocol ?? '') ||
    /^(ws|wss|websocket)(-|$)/.test(p.name ?? '')
  ) {
    out.push({
      status: 'warn',
      code: 'long-lived',
      port: label,
      message: `${label} carries websockets: long-lived connections make request latency and success metrics mislead`,
      fix: STREAM_FIX,
    });
  }
  return out;
}

/** Routes sending protocol upgrades (websockets) to the workload's Services or Servers. */
function upgradeRouteFindings(
  ctx: EntityContext,
  w: EntityWorkload,
): Finding[] {
  const out: Finding[] = [];
  const message = (route: string, value: string, target: string) =>
    `${route} matches header Upgrade: ${value} for ${target}: upgraded connections (websockets) are long-lived, so request latency and success metrics mislead`;
  for (const v of w.mesh.istio.virtualServices) {
    v.routes.forEach((r, i) => {
      if (r.protocol !== 'http' || r.upgradeHeader === undefined) return;
      out.push({
        status: 'warn',
        code: 'long-lived',
        message: message(
          `VirtualService ${v.ref.namespace}/${v.ref.name} route ${
            r.name ?? `#${i + 1}`
          }`,
          r.upgradeHeader,
          v.hosts.join(', '),
        ),
        fix: STREAM_FIX,
      });
    });
  }
  const routes = clusterMeshFacts(ctx, w)?.linkerd.routes ?? [];
  const servers = w.mesh.linkerd.servers;
  for (const r of routes) {
    if (r.upgradeHeader === undefined) continue;
    const parent = r.parentRefs.find(
      p =>
        (p.kind === 'Service' &&
          w.mesh.services.some(
            s => s.name === p.name && s.namespace === p.namespace,
          )) ||
        (p.kind === 'Server' &&
          servers.some(
            s => s.ref.name === p.name && s.ref.namespace === p.namespace,
          )),
    );
    if (!parent) continue;
    out.push({
      status: 'warn',
      code: 'long-lived',
      message: message(
        `${r.ref.kind} ${r.ref.namespace}/${r.ref.name}`,
        r.upgradeHeader,
        `${parent.kind} ${parent.namespace}/${parent.name}`,
      ),
      fix: STREAM_FIX,
    });
  }
  return out;
}

/** The rate of requests slower than `ms` in a cumulative histogram. */
function slowerThan(
  buckets: LatencyBucket[],
  ms: number,
): {
  total: number;
  slow: number;
} {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.length ? sorted[sorted.length - 1].rate : 0;
  const below = sorted.filter(b => b.le <= ms).pop()?.rate ?? 0;
  return { total, slow: Math.max(0, total - below) };
}

function streamFindings(
  ctx: EntityContext,
  w: EntityWorkload,
  meshing: PodMeshing,
  evidence: Record<string, unknown>,
): Finding[] {
  const metrics = ctx.metricsFor(w);
  if (!metrics) {
    evidence.streams =
      'no Prometheus data for this cluster: long-lived streams not judged';
    return [];
  }
  const key = workloadKey(w);
  const { series } = metrics;
  const requests = [
    ...(series.istioRequests[key] ?? []),
    ...(series.linkerdResponses[key] ?? []),
  ];
  const grpc = requests
    .filter(r => r.protocol === 'grpc')
    .reduce((sum, r) => sum + r.rate, 0);
  if (meshing.provider === 'linkerd') {
    evidence.streams = {
      grpcRequestsPerSecond: grpc,
      note: "Linkerd's response_latency_ms is time to first byte: stream durations are not visible",
    };
    return [];
  }
  const rows = series.istioLatency[key] ?? [];
  let total = 0;
  let slow = 0;
  for (const r of rows) {
    const x = slowerThan(r.buckets, LONG_STREAM_MS);
    total += x.total;
    slow += x.slow;
  }
  evidence.streams = {
    grpcRequestsPerSecond: grpc,
    requestsPerSecond: total,
    longerThanMsPerSecond: slow,
    thresholdMs: LONG_STREAM_MS,
    minShare: LONG_STREAM_MIN_SHARE,
  };
  if (slow <= 0 || total <= 0 || slow / total < LONG_STREAM_MIN_SHARE)
    return [];
  const share = ((100 * slow) / total).toFixed(1);
  return [
    {
      status: 'warn',
      code: 'long-lived',
      message: `${share}% of inbound requests to ${workloadRef(w)} last over ${
        LONG_STREAM_MS / 1000
      } s${
        grpc > 0 ? ' (gRPC streams)' : ' (streams or websockets)'
      }: their latency and success metrics mislead`,
      fix: STREAM_FIX,
    },
  ];
}

interface Judged {
  ref: string;
  status: CheckStatus;
  findings: Finding[];
  evidence: Record<string, unknown>;
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const judged: Judged[] = [];
  const l4Only: string[] = [];
  for (const w of ctx.workloads) {
    const meshings = workloadMeshings(w);
    if (meshings.length === 0) continue;
    const meshing =
      meshings.find(m => m.dataPlane === 'sidecar') ?? meshings[0];
    const ref = workloadRef(w);
    if (
      meshing.dataPlane === 'ambient' &&
      !w.mesh.istio.waypoints.some(wp => wp.gatewayFound)
    ) {
      l4Only.push(ref);
      continue;
    }
    const evidence: Record<string, unknown> = {
      workload: ref,
      dataPlane: `${meshing.provider} ${meshing.dataPlane}`,
      services: w.mesh.services.map(s => ({
        service: `${s.namespace}/${s.name}`,
        ports: s.ports.map(p => ({
          name: p.name ?? null,
          port: p.port,
          protocol: p.protocol,
          appProtocol: p.appProtocol ?? null,
          declared: declaredProtocol(p) ?? null,
        })),
      })),
    };
    const key = workloadKey(w);
    const sawGrpc = Boolean(
      ctx
        .metricsFor(w)
        ?.series.istioRequests[key]?.some(r => r.protocol === 'grpc'),
    );
    const findings = [
      ...w.mesh.services.flatMap(s =>
        s.ports.flatMap((p, i) => portFindings(w, meshing, s, p, i, sawGrpc)),
      ),
      ...upgradeRouteFindings(ctx, w),
      ...streamFindings(ctx, w, meshing, evidence),
    ];
    judged.push({
      ref,
      status: findings.length
        ? worstStatus(findings.map(f => f.status))
        : 'pass',
      findings,
      evidence: {
        ...evidence,
        findings: findings.map(f => ({
          status: f.status,
          code: f.code,
          port: f.port ?? null,
          message: f.message,
        })),
      },
    });
  }
  if (judged.length === 0) {
    return {
      status: 'not-applicable',
      summary: l4Only.length
        ? 'Istio ambient without a waypoint: ztunnel carries every port as opaque TCP, with no protocol detection to get wrong.'
        : 'Not in the mesh: no workload runs a proxy or ambient capture (mesh.enrollment judges enrollment).',
      evidence: l4Only.length
        ? { ambientL4: l4Only }
        : { workloads: ctx.workloads.map(workloadRef) },
    };
  }
  const status = worstStatus(judged.map(j => j.status));
  const evidence = {
    workloads: judged.map(j => ({ status: j.status, ...j.evidence })),
    ...(l4Only.length ? { ambientL4: l4Only } : {}),
  };
  if (status === 'pass') {
    return {
      status,
      summary: `Every Service port of ${judged
        .map(j => j.ref)
        .join(', ')} declares its protocol; no long-lived streams seen.`,
      evidence,
    };
  }
  const shown = judged
    .flatMap(j => j.findings)
    .filter(f => f.status === status);
  const all = judged.flatMap(j => j.findings);
  return {
    status,
    summary: `${shown
      .slice(0, 3)
      .map(f => f.message)
      .join('; ')}${shown.length > 3 ? ` (+${shown.length - 3} more)` : ''}.`,
    evidence,
    remediation: [...new Set(all.map(f => f.fix))].join('\n\n'),
  };
}

export const protocolsCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['workload.protocols'],
  requiredKinds: ['Pod', 'Service'],
  evaluate,
};
