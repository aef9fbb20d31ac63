import { mapLimit } from '../limit';
import { DEFAULT_TRACING_OPTIONS, TracingOptions } from './types';
import {
  NormalizedSpan,
  NormalizedTrace,
  TracingData,
  TracingFetchRequest,
} from '@mesh-readiness/plugin-mesh-node';

/** Defaults filled in and every option checked, so a typo fails at startup, not mid-run. */
export function resolveTracingOptions(
  options: Partial<TracingOptions> = {},
): TracingOptions {
  const resolved: TracingOptions = {
    ...DEFAULT_TRACING_OPTIONS,
    ...Object.fromEntries(
      Object.entries(options).filter(([, v]) => v !== undefined),
    ),
  };
  const positiveInt = (name: keyof TracingOptions) => {
    const v = resolved[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new Error(
        `tracing option ${name} must be a positive integer, got ${String(v)}`,
      );
    }
  };
  positiveInt('maxTracesPerService');
  positiveInt('concurrency');
  positiveInt('timeoutMs');
  const invalid = serviceNameProblem(resolved.linkerdProxyService);
  if (invalid) {
    throw new Error(
      `tracing option linkerdProxyService ${JSON.stringify(
        resolved.linkerdProxyService,
      )} ${invalid}`,
    );
  }
  return resolved;
}

export function validateFetchRequest(req: TracingFetchRequest): void {
  const { start, end } = req;
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) {
    throw new Error('tracing fetch: start is not a valid date');
  }
  if (!(end instanceof Date) || Number.isNaN(end.getTime())) {
    throw new Error('tracing fetch: end is not a valid date');
  }
  if (start.getTime() > end.getTime()) {
    throw new Error(
      `tracing fetch: start ${start.toISOString()} is after end ${end.toISOString()}`,
    );
  }
}

const MAX_SERVICE_NAME = 256;

/**
 * Why a service name cannot be sent to a back end, or undefined when it can. Names are
 * free-form in OTel (`reviews.default`, `linkerd-proxy`, `Billing API`), so only what can
 * never be a name is refused: empty, absurdly long, or with control characters (which
 * could end a TraceQL string or a header line). Everything else is escaped where it goes.
 */
export function serviceNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return 'is empty';
  if (name.length > MAX_SERVICE_NAME) {
    return `is longer than ${MAX_SERVICE_NAME} characters`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  return undefined;
}

/** A TraceQL string literal: `"` and `\` escaped. */
export function traceQlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** RFC 3339 with nanoseconds, as Jaeger api_v3 wants: `2026-03-01T10:00:00.123000000Z`. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** Groups spans by trace id, traces in order of first appearance. */
export function groupSpansByTrace(spans: NormalizedSpan[]): NormalizedTrace[] {
  const byId = new Map<string, NormalizedSpan[]>();
  for (const span of spans) {
    let list = byId.get(span.traceId);
    if (!list) {
      list = [];
      byId.set(span.traceId, list);
    }
    list.push(span);
  }
  return [...byId].map(([traceId, list]) => ({ traceId, spans: list }));
}

/**
 * Collects traces from several answers, each trace once. A trace met twice (found for two
 * services, exported in two files, or split across answer chunks) is merged; a span is
 * kept once per (id, service, kind), so the two halves of a Zipkin-style shared span id
 * both survive.
 */
export class TraceSet {
  private readonly traces = new Map<string, Map<string, NormalizedSpan>>();

  add(trace: NormalizedTrace): void {
    let spans = this.traces.get(trace.traceId);
    if (!spans) {
      spans = new Map();
      this.traces.set(trace.traceId, spans);
    }
    for (const span of trace.spans) {
      const key = `${span.spanId}|${span.service}|${span.kind}`;
      if (!spans.has(key)) spans.set(key, span);
    }
  }

  has(traceId: string): boolean {
    return this.traces.has(traceId);
  }

  list(): NormalizedTrace[] {
    return [...this.traces].map(([traceId, spans]) => ({
      traceId,
      spans: [...spans.values()],
    }));
  }
}

export interface ServiceResult {
  traces: NormalizedTrace[];
  /** Partial failures inside the service's query (one trace of several). */
  problems?: string[];
}

/**
 * Runs one query per requested service, at most `concurrency` services at once, and
 * merges the answers. A refused name or a failing query becomes a `problems` entry (and
 * no `perService` entry) while the other services go on. Results are in the order of the
 * request, whatever order the answers came in, and at most `maxTracesPerService` a service.
 */
export async function collectPerService(
  req: TracingFetchRequest,
  options: TracingOptions,
  fetchService: (service: string) => Promise<ServiceResult>,
): Promise<Omit<TracingData, 'requests'>> {
  const services = [...new Set(req.services)];
  const outcomes = await mapLimit(
    services,
    options.concurrency,
    async service => {
      const invalid = serviceNameProblem(service);
      if (invalid) {
        return {
          error: `service name ${JSON.stringify(
            service,
          )} ${invalid}; not queried`,
        };
      }
      try {
        return { result: await fetchService(service) };
      } catch (e) {
        return {
          error: `service ${JSON.stringify(service)}: ${(e as Error).message}`,
        };
      }
    },
  );
  const set = new TraceSet();
  const perService: Record<string, number> = {};
  const problems: string[] = [];
  outcomes.forEach((outcome, i) => {
    const service = services[i];
    if ('error' in outcome) {
      problems.push(outcome.error!);
      return;
    }
    const { problems: partial } = outcome.result!;
    // A back end may answer more traces than the limit it was sent.
    const traces = outcome.result!.traces.slice(0, options.maxTracesPerService);
    perService[service] = traces.length;
    traces.forEach(t => set.add(t));
    for (const p of partial ?? []) {
      problems.push(`service ${JSON.stringify(service)}: ${p}`);
    }
  });
  return { traces: set.list(), perService, problems };
}
