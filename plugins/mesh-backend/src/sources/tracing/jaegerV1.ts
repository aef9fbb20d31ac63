import { z } from 'zod';
import { describeZodError } from './http';
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
import { TraceFormatError } from './otlp';
import {
  NormalizedSpan,
  NormalizedTrace,
} from '@mesh-readiness/plugin-mesh-node';

/**
 * Jaeger's v1 JSON (`/api/traces`, `/api/traces/<id>`, and what Jaeger's UI exports):
 * `{"data":[trace…],"total","limit","offset","errors"}`, times in microseconds, parents as
 * `references` (CHILD_OF / FOLLOWS_FROM), the service in `processes[processID]`, the kind
 * in the `span.kind` tag.
 */

const tagSchema = z.object({
  key: z.string(),
  type: z.string().nullish(),
  value: z.unknown(),
});

const processSchema = z.object({
  serviceName: z.string(),
  tags: z.array(tagSchema).nullish(),
});

const referenceSchema = z.object({
  refType: z.string(),
  traceID: z.string().min(1),
  spanID: z.string().min(1),
});

const spanSchema = z.object({
  traceID: z.string().min(1),
  spanID: z.string().min(1),
  operationName: z.string().nullish(),
  references: z.array(referenceSchema).nullish(),
  /** Deprecated, still written by old versions. */
  parentSpanID: z.string().nullish(),
  startTime: z.number().nullish(),
  duration: z.number().nullish(),
  tags: z.array(tagSchema).nullish(),
  processID: z.string().nullish(),
  /** Inline process, when the trace's processes were not deduplicated. */
  process: processSchema.nullish(),
});

const traceSchema = z.object({
  traceID: z.string().min(1),
  spans: z.array(spanSchema).nullish(),
  processes: z.record(z.string(), processSchema).nullish(),
});

export const jaegerV1ResponseSchema = z.object({
  data: z.array(traceSchema).nullable(),
  errors: z
    .array(
      z.object({
        code: z.number().nullish(),
        msg: z.string().nullish(),
        traceID: z.string().nullish(),
      }),
    )
    .nullish(),
});

export type JaegerV1Response = z.infer<typeof jaegerV1ResponseSchema>;
type V1Trace = z.infer<typeof traceSchema>;
type V1Span = z.infer<typeof spanSchema>;

export interface JaegerV1Parsed {
  traces: NormalizedTrace[];
  /** The `errors` the answer carried next to its data (partial results). */
  errors: string[];
}

/** Validates and maps a Jaeger v1 answer. Throws a TraceFormatError on a wrong shape. */
export function parseJaegerV1Response(
  doc: unknown,
  mapping?: SpanMapping,
): JaegerV1Parsed {
  if (
    !doc ||
    typeof doc !== 'object' ||
    Array.isArray(doc) ||
    !('data' in doc)
  ) {
    throw new TraceFormatError('not a Jaeger v1 answer: no "data" field');
  }
  const parsed = jaegerV1ResponseSchema.safeParse(doc);
  if (!parsed.success)
    throw new TraceFormatError(describeZodError(parsed.error));
  const traces = (parsed.data.data ?? []).map((t, i) => {
    try {
      return toTrace(t, mapping);
    } catch (e) {
      throw new TraceFormatError(`data.${i}: ${(e as Error).message}`);
    }
  });
  const errors = (parsed.data.errors ?? []).map(
    e =>
      `${e.code ?? 'error'}: ${e.msg ?? 'no message'}${
        e.traceID ? ` (trace ${e.traceID})` : ''
      }`,
  );
  return { traces, errors };
}

function tagValue(tags: V1Span['tags'], key: string): unknown {
  return tags?.find(t => t.key === key)?.value;
}

function toTrace(
  trace: V1Trace,
  mapping: SpanMapping | undefined,
): NormalizedTrace {
  const traceId = normalizeTraceId(trace.traceID, 'hex');
  const spans = (trace.spans ?? []).map((span, i) => {
    try {
      return toSpan(span, trace, mapping);
    } catch (e) {
      throw new TraceFormatError(`spans.${i}: ${(e as Error).message}`);
    }
  });
  return { traceId, spans };
}

function toSpan(
  span: V1Span,
  trace: V1Trace,
  mapping: SpanMapping | undefined,
): NormalizedSpan {
  const traceId = normalizeTraceId(span.traceID, 'hex');
  const spanId = normalizeSpanId(span.spanID, 'hex');
  const process =
    span.process ??
    (span.processID ? trace.processes?.[span.processID] : undefined);

  // The first CHILD_OF in the same trace is the parent; failing that a FOLLOWS_FROM
  // (async: causal, not a caller). References to other traces only mark the span as
  // following from something.
  const refs = (span.references ?? []).map(r => ({
    type: r.refType.toUpperCase(),
    traceId: normalizeTraceId(r.traceID, 'hex'),
    spanId: normalizeSpanId(r.spanID, 'hex'),
  }));
  const childOf = refs.find(
    r => r.type === 'CHILD_OF' && r.traceId === traceId,
  );
  const followsFromRef = refs.find(
    r => r.type === 'FOLLOWS_FROM' && r.traceId === traceId,
  );
  let parentSpanId: string | undefined;
  let followsFrom = false;
  if (childOf) {
    parentSpanId = childOf.spanId;
  } else if (followsFromRef) {
    parentSpanId = followsFromRef.spanId;
    followsFrom = true;
  } else if (refs.length > 0) {
    followsFrom = true;
  } else {
    parentSpanId = normalizeParentSpanId(span.parentSpanID, 'hex');
  }

  const attributes: Record<string, string> = {};
  for (const t of span.tags ?? []) keepAttribute(attributes, t.key, t.value);
  for (const t of process?.tags ?? [])
    keepAttribute(attributes, t.key, t.value);
  const start = span.startTime;
  return buildSpan(
    {
      traceId,
      spanId,
      parentSpanId,
      kind: normalizeKind(tagValue(span.tags, 'span.kind')),
      service: process?.serviceName || UNKNOWN_SERVICE,
      name: span.operationName ?? '',
      startTimeUnixNano:
        typeof start === 'number' && start > 0
          ? (BigInt(Math.round(start)) * 1000n).toString()
          : undefined,
      durationMicros:
        typeof span.duration === 'number' ? span.duration : undefined,
      followsFrom,
      attributes,
    },
    mapping,
  );
}
