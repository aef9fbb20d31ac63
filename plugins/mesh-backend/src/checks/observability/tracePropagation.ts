import {
  CHECK_DEFINITIONS,
  CheckStatus,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  NormalizedSpan,
  NormalizedTrace,
  TracingData,
} from '@mesh-readiness/plugin-mesh-node';
import { PodMeshing, workloadMeshings } from '../../context/meshing';
import {
  DEFAULT_LINKERD_PROXY_SERVICE,
  proxySpanSide,
  spansById,
  workloadTraces,
} from '../../context/spans';

/** Below this propagation ratio the check warns (the issue's 99%). */
export const WARN_BELOW_RATIO = 0.99;
/** Below this propagation ratio the check fails (the issue's 90%). */
export const FAIL_BELOW_RATIO = 0.9;
/** Example broken hand-offs listed per workload. */
const MAX_EXAMPLES = 5;
/** Ancestors walked at most from one outbound span (guards against cyclic parents). */
const MAX_DEPTH = 1000;

type Classification =
  | 'ok'
  | 'new-root'
  | 'detached'
  /** A FOLLOWS_FROM / link hop on the way up: a legitimate async branch, not judged. */
  | 'async'
  /** A parent that is not in the trace: the trace is incomplete, not judged. */
  | 'incomplete';

interface BrokenExample {
  traceId: string;
  link?: string;
  reason: 'new-root' | 'detached';
  downstream?: string;
}

interface WorkloadFinding {
  workload: string;
  mesh: string;
  status: CheckStatus;
  summary: string;
  ok?: number;
  broken?: number;
  brokenNewRoot?: number;
  brokenDetached?: number;
  asyncSkipped?: number;
  incompleteSkipped?: number;
  inboundSpans?: number;
  tracesWithWorkload?: number;
  propagationRatio?: number;
  examples?: BrokenExample[];
  downstreamAffected?: string[];
  remediation?: string;
}

const STATUS_ORDER: CheckStatus[] = [
  'not-applicable',
  'pass',
  'unknown',
  'warn',
  'fail',
];

function worst(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>(
    (a, b) => (STATUS_ORDER.indexOf(b) > STATUS_ORDER.indexOf(a) ? b : a),
    'not-applicable',
  );
}

function ref(w: EntityWorkload): string {
  return `${w.cluster}/${w.workload.namespace}/${w.workload.kind}/${w.workload.name}`;
}

function percent(ratio: number): string {
  return `${(Math.floor(ratio * 1000) / 10).toFixed(1)}%`;
}

/** Where a broken outbound hop was going: the Service, the workload, or the next service. */
function downstreamOf(
  span: NormalizedSpan,
  children: Map<string, NormalizedSpan[]>,
): string | undefined {
  const a = span.attributes;
  const cluster = a.upstream_cluster;
  if (cluster?.startsWith('outbound|')) {
    const host = cluster.split('|')[3];
    if (host) return host;
  }
  const dest = a['istio.destination_workload'];
  if (dest) {
    const ns = a['istio.destination_namespace'];
    return ns ? `${dest}.${ns}` : dest;
  }
  for (const child of children.get(span.spanId) ?? []) {
    const c = child.attributes;
    const owner = Object.entries(c).find(([k]) =>
      k.startsWith('linkerd.io/proxy-'),
    );
    const ns = c['linkerd.io/workload-ns'] ?? c['k8s.namespace.name'];
    if (owner && owner[0] !== 'linkerd.io/proxy-root-parent') {
      return ns ? `${owner[1]}.${ns}` : owner[1];
    }
    if (child.service && child.service !== span.service) return child.service;
  }
  return a['peer.service'];
}

interface TraceTally {
  ok: number;
  newRoot: number;
  detached: number;
  async: number;
  incomplete: number;
  inbound: number;
  traces: number;
  examples: BrokenExample[];
  downstream: Set<string>;
}

function classify(
  outbound: NormalizedSpan,
  byId: Map<string, NormalizedSpan>,
  isInbound: (s: NormalizedSpan) => boolean,
): Classification {
  if (outbound.parentSpanId === undefined) {
    return outbound.followsFrom ? 'async' : 'new-root';
  }
  let current: NormalizedSpan = outbound;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const parentId = current.parentSpanId;
    if (parentId === undefined) {
      return current.followsFrom ? 'async' : 'detached';
    }
    const parent = byId.get(parentId);
    if (!parent) return 'incomplete';
    if (isInbound(parent)) return 'ok';
    current = parent;
  }
  return 'incomplete';
}

function tallyTraces(
  w: EntityWorkload,
  traces: NormalizedTrace[],
  linkerdProxyService: string,
  linkTemplate: string | undefined,
): TraceTally {
  const tally: TraceTally = {
    ok: 0,
    newRoot: 0,
    detached: 0,
    async: 0,
    incomplete: 0,
    inbound: 0,
    traces: 0,
    examples: [],
    downstream: new Set(),
  };
  const opts = { linkerdProxyService };
  for (const trace of workloadTraces(traces, w, opts)) {
    const sides = new Map<NormalizedSpan, 'inbound' | 'outbound'>();
    for (const span of trace.spans) {
      const side = proxySpanSide(span, w, opts);
      if (side) sides.set(span, side.direction);
    }
    if (sides.size === 0) continue;
    tally.traces++;
    const byId = spansById(trace);
    let children: Map<string, NormalizedSpan[]> | undefined;
    const isInbound = (s: NormalizedSpan) => sides.get(s) === 'inbound';
    for (const [span, direction] of sides) {
      if (direction === 'inbound') {
        tally.inbound++;
        continue;
      }
      // One hand-off per hop: a Linkerd proxy's client span under its own server span,
      // or a waypoint's second span, is the same hop as its parent.
      const parent = span.parentSpanId
        ? byId.get(span.parentSpanId)
        : undefined;
      if (parent && sides.get(parent) === 'outbound') continue;
      const verdict = classify(span, byId, isInbound);
      if (verdict === 'ok') tally.ok++;
      else if (verdict === 'async') tally.async++;
      else if (verdict === 'incomplete') tally.incomplete++;
      else {
        if (verdict === 'new-root') tally.newRoot++;
        else tally.detached++;
        if (!children) {
          children = new Map();
          for (const s of trace.spans) {
            if (!s.parentSpanId) continue;
            const list = children.get(s.parentSpanId) ?? [];
            list.push(s);
            children.set(s.parentSpanId, list);
          }
        }
        const downstream = downstreamOf(span, children);
        if (downstream) tally.downstream.add(downstream);
        if (
          tally.examples.length < MAX_EXAMPLES &&
          !tally.examples.some(e => e.traceId === trace.traceId)
        ) {
          const example: BrokenExample = {
            traceId: trace.traceId,
            reason: verdict,
          };
          if (linkTemplate) {
            example.link = linkTemplate.split('{traceId}').join(trace.traceId);
          }
          if (downstream) example.downstream = downstream;
          tally.examples.push(example);
        }
      }
    }
  }
  return tally;
}

/** The language of the workload's app containers, guessed from their images. */
function guessLanguage(w: EntityWorkload): string | undefined {
  const images = [
    ...w.workload.pods.flatMap(p => p.containers),
    ...w.workload.templateContainers,
  ]
    .map(c => (c.image ?? '').toLowerCase())
    .join(' ');
  if (/spring|java|jdk|jre|temurin|corretto|tomcat|quarkus/.test(images))
    return 'java';
  if (/node|npm|deno|bun/.test(images)) return 'node';
  if (/python|django|flask|fastapi|gunicorn|uvicorn/.test(images))
    return 'python';
  if (/golang|\bgo\b|distroless\/static/.test(images)) return 'go';
  if (/dotnet|aspnet|mcr\.microsoft\.com/.test(images)) return 'dotnet';
  if (/ruby|rails/.test(images)) return 'ruby';
  return undefined;
}

const LIBRARIES: Record<string, string> = {
  java: "Java: Spring Boot 3 - add io.micrometer:micrometer-tracing-bridge-otel (Micrometer Tracing propagates W3C traceparent through RestTemplate/WebClient built from Spring's builders); without Spring, the OpenTelemetry Java agent (-javaagent:opentelemetry-javaagent.jar, OTEL_PROPAGATORS=tracecontext,baggage,b3multi).",
  node: "Node.js: @opentelemetry/sdk-node with @opentelemetry/auto-instrumentations-node (http/undici), OTEL_PROPAGATORS=tracecontext,baggage,b3multi; started before the app's first require.",
  python:
    'Python: opentelemetry-distro + opentelemetry-instrument (requests/httpx/aiohttp instrumentations), OTEL_PROPAGATORS=tracecontext,baggage,b3multi.',
  go: 'Go: go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp - wrap the server handler with otelhttp.NewHandler and the client transport with otelhttp.NewTransport, pass r.Context() to outgoing requests, and set otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})).',
  dotnet:
    '.NET: OpenTelemetry.Extensions.Hosting with AddAspNetCoreInstrumentation() and AddHttpClientInstrumentation() (HttpClient propagates traceparent from the current Activity).',
  ruby: 'Ruby: opentelemetry-sdk + opentelemetry-instrumentation-all (Rack, Net::HTTP, Faraday), OTEL_PROPAGATORS=tracecontext,baggage,b3multi.',
};

function remediationFor(
  w: EntityWorkload,
  provider: string,
  tally: TraceTally,
): string {
  const { namespace, name, kind } = w.workload;
  const istio = provider === 'istio';
  const headers = istio
    ? [
        'traceparent',
        'tracestate',
        'x-request-id',
        'x-b3-traceid',
        'x-b3-spanid',
        'x-b3-parentspanid',
        'x-b3-sampled',
        'x-b3-flags',
        'b3',
      ]
    : ['traceparent', 'tracestate', 'b3 (if your clients send B3)'];
  const language = guessLanguage(w);
  const libraries = language ? [LIBRARIES[language]] : Object.values(LIBRARIES);
  const downstream = [...tally.downstream].sort();
  const lines = [
    `${kind} ${namespace}/${name} does not pass the incoming trace context on to its outgoing calls${
      downstream.length ? ` (to ${downstream.join(', ')})` : ''
    }. ${
      istio
        ? 'Envoy starts a new trace for every outgoing request that arrives without these headers.'
        : 'Linkerd only continues a trace the app hands on; it never stitches the two halves together.'
    }`,
    `Copy these headers from each incoming request to every outgoing request made while serving it: ${headers.join(
      ', ',
    )}.`,
    `Or let a library do it (${
      language ? `${language}, guessed from the image` : 'by language'
    }):`,
    ...libraries.map(l => `  - ${l}`),
    'Keep the context across thread pools, queues and async callbacks (context propagation, not only the HTTP client).',
  ];
  if (tally.examples.length > 0) {
    lines.push(
      `Verify with a broken trace: ${tally.examples
        .map(e => e.link ?? e.traceId)
        .join(
          ', ',
        )}; after the fix its outbound proxy spans sit under ${name}'s inbound span.`,
    );
  }
  return lines.join('\n');
}

function tracingFor(
  ctx: EntityContext,
  w: EntityWorkload,
): TracingData | undefined {
  try {
    return ctx.tracingFor(w);
  } catch {
    return undefined;
  }
}

function judgeWorkload(
  ctx: EntityContext,
  w: EntityWorkload,
  meshings: PodMeshing[],
): WorkloadFinding {
  const workload = ref(w);
  const provider = meshings.some(m => m.provider === 'linkerd')
    ? 'linkerd'
    : 'istio';
  const ambientOnly = meshings.every(m => m.dataPlane === 'ambient');
  const mesh = ambientOnly ? 'istio-ambient' : provider;
  if (ambientOnly && w.mesh.istio.waypoints.length === 0) {
    return {
      workload,
      mesh,
      status: 'not-applicable',
      summary: `${workload} is in Istio ambient without a waypoint: ztunnel is L4 only and emits no spans, so there is nothing to trace (add a waypoint for L7 tracing)`,
    };
  }
  const tracing = tracingFor(ctx, w);
  if (!tracing) {
    return {
      workload,
      mesh,
      status: 'unknown',
      summary: `no tracing back end answered for cluster '${w.cluster}' (mesh.clusters[].tracing), so ${workload}'s traces cannot be sampled`,
    };
  }
  const tally = tallyTraces(
    w,
    tracing.traces,
    tracing.linkerdProxyService ?? DEFAULT_LINKERD_PROXY_SERVICE,
    ctx.settings.links.tracing,
  );
  const ok = tally.ok;
  const broken = tally.newRoot + tally.detached;
  const base: WorkloadFinding = {
    workload,
    mesh,
    status: 'unknown',
    summary: '',
    ok,
    broken,
    brokenNewRoot: tally.newRoot,
    brokenDetached: tally.detached,
    asyncSkipped: tally.async,
    incompleteSkipped: tally.incomplete,
    inboundSpans: tally.inbound,
    tracesWithWorkload: tally.traces,
  };
  if (tally.traces === 0) {
    return {
      ...base,
      status: 'unknown',
      summary: `no sampled trace contains a proxy span of ${workload} (${tracing.traces.length} traces fetched for the cluster): tracing may be off or unsampled for its proxies`,
    };
  }
  const minSamples = ctx.settings.tracePropagation.minSamples;
  if (ok + broken === 0) {
    if (tally.async + tally.incomplete > 0) {
      return {
        ...base,
        status: 'unknown',
        summary: `${workload}'s ${
          tally.async + tally.incomplete
        } outbound proxy span(s) are all async (FOLLOWS_FROM) or in incomplete traces; none can be judged`,
      };
    }
    return {
      ...base,
      status: 'not-applicable',
      summary: `${workload} makes no outbound calls in ${tally.traces} sampled trace(s) (${tally.inbound} inbound proxy spans): there is no context to hand on`,
    };
  }
  const ratio = ok / (ok + broken);
  const withRatio: WorkloadFinding = {
    ...base,
    propagationRatio: Math.round(ratio * 10000) / 10000,
    examples: tally.examples,
    downstreamAffected: [...tally.downstream].sort(),
  };
  if (ok + broken < minSamples) {
    return {
      ...withRatio,
      status: 'unknown',
      summary: `only ${
        ok + broken
      } outbound hand-off(s) of ${workload} sampled, fewer than the ${minSamples} needed (mesh.checks.tracePropagation.minSamples) to judge propagation`,
    };
  }
  let status: CheckStatus = 'pass';
  if (ratio < FAIL_BELOW_RATIO) status = 'fail';
  else if (ratio < WARN_BELOW_RATIO) status = 'warn';
  const summary =
    status === 'pass'
      ? `${workload} propagates trace context on ${percent(ratio)} of ${
          ok + broken
        } outbound hand-offs`
      : `${workload} breaks trace context on ${broken} of ${
          ok + broken
        } outbound hand-offs (propagation ${percent(ratio)}, ${
          tally.newRoot
        } new traces, ${tally.detached} detached)`;
  return {
    ...withRatio,
    status,
    summary,
    remediation:
      status === 'pass' ? undefined : remediationFor(w, provider, tally),
  };
}

export const tracePropagationCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['observability.trace-propagation'],
  requiredKinds: ['Pod'],
  evaluate(ctx: EntityContext): CheckOutcome {
    const meshed = ctx.workloads
      .map(w => ({ w, meshings: workloadMeshings(w) }))
      .filter(x => x.meshings.length > 0);
    if (meshed.length === 0) {
      return {
        status: 'not-applicable',
        summary:
          'The entity is not in the mesh (no proxy, not ambient): no proxy spans to verify propagation with (see mesh.enrollment)',
        evidence: {
          workloads: ctx.workloads.map(ref),
        },
      };
    }
    const findings = meshed.map(({ w, meshings }) =>
      judgeWorkload(ctx, w, meshings),
    );
    const status = worst(findings.map(f => f.status));
    const deciding = findings.filter(f => f.status === status);
    const totalOk = findings.reduce((n, f) => n + (f.ok ?? 0), 0);
    const totalBroken = findings.reduce((n, f) => n + (f.broken ?? 0), 0);
    const judged = totalOk + totalBroken;
    const summary =
      deciding.length === 1 || status === 'not-applicable'
        ? deciding[0].summary
        : `${deciding[0].summary} (and ${
            deciding.length - 1
          } more workload(s))`;
    const remediation = deciding
      .map(f => f.remediation)
      .filter((r): r is string => Boolean(r))
      .join('\n\n');
    // A summary that opens with a workload (`prod/shop/Deployment/x`) keeps its case:
    // the cluster name is an identifier.
    const opensWithWorkload = ctx.workloads.some(w =>
      summary.startsWith(`${w.cluster}/`),
    );
    const outcome: CheckOutcome = {
      status,
      summary: opensWithWorkload
        ? summary
        : summary.charAt(0).toUpperCase() + summary.slice(1),
      evidence: {
        propagationRatio:
          judged > 0 ? Math.round((totalOk / judged) * 10000) / 10000 : null,
        ok: totalOk,
        broken: totalBroken,
        minSamples: ctx.settings.tracePropagation.minSamples,
        thresholds: {
          warnBelow: WARN_BELOW_RATIO,
          failBelow: FAIL_BELOW_RATIO,
        },
        examples: findings
          .flatMap(f => f.examples ?? [])
          .slice(0, MAX_EXAMPLES),
        downstreamAffected: [
          ...new Set(findings.flatMap(f => f.downstreamAffected ?? [])),
        ].sort(),
        workloads: findings.map(({ remediation: _r, ...f }) => f),
      },
    };
    if (remediation) outcome.remediation = remediation;
    return outcome;
  },
};
