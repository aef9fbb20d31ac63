import { z } from 'zod';
import { describeZodError } from './http';
import { groupSpansByTrace } from './common';
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
import {
  NormalizedSpan,
  NormalizedTrace,
} from '@mesh-readiness/plugin-mesh-node';

/**
 * OTLP-JSON trace documents as Jaeger api_v3 and Tempo write them. One parser for all
 * their dialects:
 * - wrapper: none (Tempo `/api/traces/<id>`), `{"result": …}` (Jaeger api_v3),
 *   `{"trace": …}` (Tempo `/api/v2/traces/<id>`);
 * - `resourceSpans`, or `batches` (Tempo before v2.6);
 * - `scopeSpans`/`scope`, or `instrumentationLibrarySpans`/`instrumentationLibrary`
 *   (OTLP before 1.0, Tempo before v2.5);
 * - ids in hex (OTLP-JSON, Jaeger) or base64 (Tempo's gogo jsonpb);
 * - kinds as integers (`2`) or enum names (`"SPAN_KIND_SERVER"`);
 * - 64-bit numbers (`intValue`, timestamps) as strings or numbers.
 */

const anyValueSchema = z.object({
  stringValue: z.string().nullish(),
  intValue: z.union([z.string(), z.number()]).nullish(),
  doubleValue: z.union([z.number(), z.string()]).nullish(),
  boolValue: z.boolean().nullish(),
});

const keyValuesSchema = z
  .array(z.object({ key: z.string(), value: anyValueSchema.nullish() }))
  .nullish();

const uint64Schema = z.union([
  z.string().regex(/^\d+$/),
  z.number().nonnegative(),
]);

const spanSchema = z.object({
  traceId: z.string().min(1),
  spanId: z.string().min(1),
  parentSpanId: z.string().nullish(),
  name: z.string().nullish(),
  kind: z.union([z.number(), z.string()]).nullish(),
  startTimeUnixNano: uint64Schema.nullish(),
  endTimeUnixNano: uint64Schema.nullish(),
  attributes: keyValuesSchema,
  links: z
    .array(
      z.object({
        traceId: z.string().min(1),
        spanId: z.string().min(1),
        attributes: keyValuesSchema,
      }),
    )
    .nullish(),
});

const scopeSchema = z.object({ name: z.string().nullish() }).nullish();

const scopeSpansSchema = z.object({
  scope: scopeSchema,
  instrumentationLibrary: scopeSchema,
  spans: z.array(spanSchema).nullish(),
});

const resourceSpansSchema = z.object({
  resource: z.object({ attributes: keyValuesSchema }).nullish(),
  scopeSpans: z.array(scopeSpansSchema).nullish(),
  instrumentationLibrarySpans: z.array(scopeSpansSchema).nullish(),
});

const tracesDataSchema = z.object({
  resourceSpans: z.array(resourceSpansSchema).nullish(),
  batches: z.array(resourceSpansSchema).nullish(),
});

type KeyValues = z.infer<typeof keyValuesSchema>;
type OtlpSpan = z.infer<typeof spanSchema>;

export class TraceFormatError extends Error {}

function scalar(
  value: z.infer<typeof anyValueSchema> | null | undefined,
): unknown {
  if (!value) return undefined;
  return (
    value.stringValue ??
    value.intValue ??
    value.boolValue ??
    value.doubleValue ??
    undefined
  );
}

function findAttribute(attributes: KeyValues, key: string): unknown {
  return scalar(attributes?.find(a => a.key === key)?.value);
}

/** Removes the Jaeger (`result`) or Tempo v2 (`trace`) wrapper, if there is one. */
function unwrap(doc: unknown): unknown {
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const o = doc as Record<string, unknown>;
    if ('result' in o && !('resourceSpans' in o) && !('batches' in o))
      return o.result ?? {};
    if ('trace' in o && !('resourceSpans' in o) && !('batches' in o))
      return o.trace ?? {};
  }
  return doc;
}

/**
 * Parses one OTLP-JSON document (wrapped or not) into traces, grouping spans by trace id.
 * Throws a TraceFormatError naming the first thing that is wrong.
 */
export function parseOtlpTraces(
  doc: unknown,
  mapping?: SpanMapping,
): NormalizedTrace[] {
  return groupSpansByTrace(parseOtlpSpans(doc, mapping));
}

/** Like parseOtlpTraces, for an answer split in several documents (NDJSON chunks). */
export function parseOtlpDocuments(
  docs: unknown[],
  mapping?: SpanMapping,
): NormalizedTrace[] {
  return groupSpansByTrace(docs.flatMap(doc => parseOtlpSpans(doc, mapping)));
}

function parseOtlpSpans(raw: unknown, mapping?: SpanMapping): NormalizedSpan[] {
  const doc = unwrap(raw);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new TraceFormatError(
      'not an OTLP trace document (expected an object)',
    );
  }
  const keys = Object.keys(doc);
  if (
    keys.length > 0 &&
    !keys.includes('resourceSpans') &&
    !keys.includes('batches')
  ) {
    throw new TraceFormatError(
      `not an OTLP trace document: no resourceSpans or batches (keys: ${keys
        .slice(0, 5)
        .join(', ')})`,
    );
  }
  const parsed = tracesDataSchema.safeParse(doc);
  if (!parsed.success) {
    throw new TraceFormatError(describeZodError(parsed.error));
  }
  const spans: NormalizedSpan[] = [];
  const resources = [
    ...(parsed.data.resourceSpans ?? []),
    ...(parsed.data.batches ?? []),
  ];
  resources.forEach((rs, r) => {
    const resourceAttributes = rs.resource?.attributes;
    const serviceName = findAttribute(resourceAttributes, 'service.name');
    const service =
      typeof serviceName === 'string' && serviceName !== ''
        ? serviceName
        : UNKNOWN_SERVICE;
    const scopes = [
      ...(rs.scopeSpans ?? []),
      ...(rs.instrumentationLibrarySpans ?? []),
    ];
    scopes.forEach((ss, s) => {
      const scopeName =
        ss.scope?.name ?? ss.instrumentationLibrary?.name ?? undefined;
      (ss.spans ?? []).forEach((span, i) => {
        try {
          spans.push(
            toSpan(span, service, scopeName, resourceAttributes, mapping),
          );
        } catch (e) {
          throw new TraceFormatError(
            `resourceSpans.${r}.scopeSpans.${s}.spans.${i}: ${
              (e as Error).message
            }`,
          );
        }
      });
    });
  });
  return spans;
}

function toSpan(
  span: OtlpSpan,
  service: string,
  scopeName: string | undefined,
  resourceAttributes: KeyValues,
  mapping: SpanMapping | undefined,
): NormalizedSpan {
  const traceId = normalizeTraceId(span.traceId);
  const spanId = normalizeSpanId(span.spanId);
  let parentSpanId = normalizeParentSpanId(span.parentSpanId);
  let followsFrom = false;
  if (!parentSpanId && span.links && span.links.length > 0) {
    // No synchronous parent but a causal link (a FOLLOWS_FROM reference once it went
    // through Jaeger's OTLP translation, or a messaging consumer): a legitimate new branch.
    followsFrom = true;
    const sameTrace = span.links.find(
      l => normalizeTraceId(l.traceId) === traceId,
    );
    if (sameTrace) parentSpanId = normalizeSpanId(sameTrace.spanId);
  }
  const attributes: Record<string, string> = {};
  for (const a of span.attributes ?? [])
    keepAttribute(attributes, a.key, scalar(a.value));
  if (scopeName) keepAttribute(attributes, 'otel.scope.name', scopeName);
  for (const a of resourceAttributes ?? []) {
    keepAttribute(attributes, a.key, scalar(a.value));
  }
  const start = toBigInt(span.startTimeUnixNano);
  const end = toBigInt(span.endTimeUnixNano);
  return buildSpan(
    {
      traceId,
      spanId,
      parentSpanId,
      kind: normalizeKind(span.kind),
      service,
      name: span.name ?? '',
      startTimeUnixNano:
        start !== undefined && start > 0n ? start.toString() : undefined,
      durationMicros:
        start !== undefined && end !== undefined && start > 0n && end >= start
          ? Number(end - start) / 1000
          : undefined,
      followsFrom,
      attributes,
    },
    mapping,
  );
}

function toBigInt(
  value: string | number | null | undefined,
): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? BigInt(Math.round(value)) : undefined;
  }
  return BigInt(value);
}
