import { z } from 'zod';
import {
  NormalizedSpan,
  NormalizedTrace,
  TracingFetchRequest,
} from '@mesh-readiness/plugin-mesh-node';
import { ServiceResult } from './common';
import { describeZodError, HttpRun } from './http';
import { HttpTracingSource, ServiceSearch } from './HttpTracingSource';
import { TraceFormatError } from './otlp';
import {
  buildSpan,
  keepAttribute,
  normalizeKind,
  normalizeParentSpanId,
  normalizeSpanId,
  normalizeTraceId,
  SpanMapping,
  UNKNOWN_SERVICE,
} from './proxySpans';
import { TracingOptions } from './types';

const endpointSchema = z
  .object({ serviceName: z.string().nullish() })
  .nullish();

const zipkinSpanSchema = z.object({
  traceId: z.string().min(1),
  id: z.string().min(1),
  parentId: z.string().nullish(),
  name: z.string().nullish(),
  kind: z.string().nullish(),
  timestamp: z.number().nullish(),
  duration: z.number().nullish(),
  localEndpoint: endpointSchema,
  remoteEndpoint: endpointSchema,
  tags: z.record(z.string(), z.string()).nullish(),
  shared: z.boolean().nullish(),
});

/** `GET /api/v2/traces` answers `ListOfTraces`: `[[Span…]…]`. */
export const zipkinTracesSchema = z.array(z.array(zipkinSpanSchema));

type ZipkinSpan = z.infer<typeof zipkinSpanSchema>;

/**
 * Maps Zipkin v2 spans (hex ids, `parentId`, microsecond `timestamp`/`duration`,
 * `localEndpoint.serviceName`, `tags`) to normalised traces.
 *
 * B3 "shared" spans (Envoy's Zipkin tracer default): the client and server sides of one
 * hop carry the same span id, the server side flagged `shared`. The server half keeps the
 * id, since the callee's own spans name it as their parent, and becomes the child of the
 * client half; the client half gets a derived id, its 16 digits followed by 16 zeros (a
 * 32-digit id, which no Zipkin span id can be).
 */
export function parseZipkinTraces(
  doc: unknown,
  mapping?: SpanMapping,
): NormalizedTrace[] {
  const parsed = zipkinTracesSchema.safeParse(doc);
  if (!parsed.success)
    throw new TraceFormatError(describeZodError(parsed.error));
  const byTrace = new Map<
    string,
    Array<{ span: NormalizedSpan; shared: boolean }>
  >();
  parsed.data.forEach((trace, t) =>
    trace.forEach((raw, s) => {
      let span: NormalizedSpan;
      try {
        span = toSpan(raw, mapping);
      } catch (e) {
        throw new TraceFormatError(`${t}.${s}: ${(e as Error).message}`);
      }
      const list = byTrace.get(span.traceId) ?? [];
      list.push({ span, shared: raw.shared === true });
      byTrace.set(span.traceId, list);
    }),
  );
  return [...byTrace].map(([traceId, entries]) => ({
    traceId,
    spans: splitSharedSpans(entries),
  }));
}

function toSpan(
  span: ZipkinSpan,
  mapping: SpanMapping | undefined,
): NormalizedSpan {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(span.tags ?? {}))
    keepAttribute(attributes, k, v);
  // Zipkin's remote service is what other tracers call peer.service.
  if (span.remoteEndpoint?.serviceName) {
    keepAttribute(attributes, 'peer.service', span.remoteEndpoint.serviceName);
  }
  const ts = span.timestamp;
  return buildSpan(
    {
      traceId: normalizeTraceId(span.traceId, 'hex'),
      spanId: normalizeSpanId(span.id, 'hex'),
      parentSpanId: normalizeParentSpanId(span.parentId, 'hex'),
      kind: normalizeKind(span.kind),
      service: span.localEndpoint?.serviceName || UNKNOWN_SERVICE,
      name: span.name ?? '',
      startTimeUnixNano:
        typeof ts === 'number' && ts > 0
          ? (BigInt(Math.round(ts)) * 1000n).toString()
          : undefined,
      durationMicros:
        typeof span.duration === 'number' ? span.duration : undefined,
      attributes,
    },
    mapping,
  );
}

function splitSharedSpans(
  entries: Array<{ span: NormalizedSpan; shared: boolean }>,
): NormalizedSpan[] {
  const spans = entries.map(e => e.span);
  entries.forEach((server, i) => {
    if (!server.shared) return;
    const client = entries.findIndex(
      (c, j) => j !== i && !c.shared && c.span.spanId === server.span.spanId,
    );
    if (client < 0) return;
    const clientId = server.span.spanId.padEnd(32, '0');
    spans[client] = { ...spans[client], spanId: clientId };
    spans[i] = { ...spans[i], parentSpanId: clientId };
  });
  return spans;
}

/**
 * Zipkin v2: `GET /api/v2/traces?serviceName=&endTs=<ms>&lookback=<ms>&limit=` per service.
 */
export class ZipkinSource extends HttpTracingSource {
  constructor(url: string, options: Partial<TracingOptions> = {}) {
    super('Zipkin', url, options);
  }

  protected startFetch(run: HttpRun, req: TracingFetchRequest): ServiceSearch {
    return service => this.searchService(run, service, req);
  }

  private async searchService(
    run: HttpRun,
    service: string,
    req: TracingFetchRequest,
  ): Promise<ServiceResult> {
    const endTs = req.end.getTime();
    const params = new URLSearchParams({
      serviceName: service,
      endTs: String(endTs),
      lookback: String(Math.max(endTs - req.start.getTime(), 1)),
      limit: String(this.options.maxTracesPerService),
    });
    const { answer, json } = await run.getJson(
      run.url('/api/v2/traces', params),
    );
    return {
      traces: run.mapAnswer(answer, () =>
        parseZipkinTraces(json, this.options),
      ),
    };
  }
}
