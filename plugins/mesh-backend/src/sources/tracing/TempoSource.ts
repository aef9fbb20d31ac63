import { z } from 'zod';
import {
  NormalizedTrace,
  TracingFetchRequest,
} from '@mesh-readiness/plugin-mesh-node';
import { ServiceResult, traceQlString } from './common';
import { HttpRun } from './http';
import { HttpTracingSource, ServiceSearch } from './HttpTracingSource';
import { parseOtlpTraces } from './otlp';
import { normalizeTraceId } from './proxySpans';
import { TracingOptions } from './types';

/**
 * `/api/search` answer. gogo jsonpb leaves out empty fields, so `traces` is absent when
 * nothing matched, while `metrics` is always there. Trace ids are hex with leading zeros trimmed.
 */
const searchSchema = z
  .object({
    traces: z
      .array(
        z.object({
          traceID: z
            .string()
            .regex(/^[0-9a-fA-F]{1,32}$/, 'expected a hex trace id'),
          rootServiceName: z.string().nullish(),
          // Only widen a download's time range: a value that cannot be read is ignored.
          startTimeUnixNano: z
            .string()
            .regex(/^\d+$/)
            .nullish()
            .catch(undefined),
          durationMs: z.number().nonnegative().nullish().catch(undefined),
        }),
      )
      .nullish(),
    // Always written, even when nothing matched: an answer with neither field is not a
    // search answer (a proxy's or another API's JSON), not an empty result.
    metrics: z.unknown().optional(),
  })
  .refine(
    a =>
      (a.traces !== null && a.traces !== undefined) || a.metrics !== undefined,
    {
      message: 'neither `traces` nor `metrics`: not a Tempo search answer',
    },
  );

type SearchHit = NonNullable<z.infer<typeof searchSchema>['traces']>[number];

/** Epoch seconds, as Tempo's `start` and `end` parameters take them. */
interface Range {
  start: number;
  end: number;
}

/**
 * Grafana Tempo: a TraceQL search per service (`{ resource.service.name = "S" }`, epoch
 * seconds), then `GET /api/traces/<id>?start=&end=` for each hit, so Tempo reads only the
 * blocks of that range rather than every block it holds. A trace found for several
 * services is downloaded once per fetch.
 */
export class TempoSource extends HttpTracingSource {
  constructor(url: string, options: Partial<TracingOptions> = {}) {
    super('Tempo', url, options);
  }

  protected startFetch(run: HttpRun, req: TracingFetchRequest): ServiceSearch {
    const start = Math.floor(req.start.getTime() / 1000);
    // Tempo wants end > start; a zero-length window still searches its second.
    const end = Math.max(Math.ceil(req.end.getTime() / 1000), start + 1);
    const downloads = new Map<string, Promise<NormalizedTrace>>();
    return service =>
      this.searchService(run, service, { start, end }, downloads);
  }

  private async searchService(
    run: HttpRun,
    service: string,
    window: Range,
    downloads: Map<string, Promise<NormalizedTrace>>,
  ): Promise<ServiceResult> {
    const params = new URLSearchParams({
      q: `{ resource.service.name = ${traceQlString(service)} }`,
      start: String(window.start),
      end: String(window.end),
      limit: String(this.options.maxTracesPerService),
    });
    const { answer, json } = await run.getJson(run.url('/api/search', params));
    const search = run.validate(answer, searchSchema, json);
    const hits = new Map<string, SearchHit>();
    for (const hit of search.traces ?? []) {
      const id = normalizeTraceId(hit.traceID, 'hex');
      if (!hits.has(id)) hits.set(id, hit);
    }

    const results = await Promise.all(
      [...hits]
        .slice(0, this.options.maxTracesPerService)
        .map(async ([id, hit]) => {
          let download = downloads.get(id);
          if (!download) {
            download = this.downloadTrace(run, id, traceRange(window, hit));
            downloads.set(id, download);
          }
          try {
            return { trace: await download };
          } catch (e) {
            return { problem: `trace ${id}: ${(e as Error).message}` };
          }
        }),
    );
    const traces: NormalizedTrace[] = [];
    const problems: string[] = [];
    for (const r of results) {
      if (r.trace) traces.push(r.trace);
      else problems.push(r.problem!);
    }
    return { traces, problems };
  }

  private async downloadTrace(
    run: HttpRun,
    id: string,
    range: Range,
  ): Promise<NormalizedTrace> {
    const params = new URLSearchParams({
      start: String(range.start),
      end: String(range.end),
    });
    const { answer, json } = await run.getJson(
      run.url(`/api/traces/${id}`, params),
    );
    const traces = run.mapAnswer(answer, () =>
      parseOtlpTraces(json, this.options),
    );
    const trace = traces.find(t => t.traceId === id);
    if (!trace || trace.spans.length === 0) {
      throw new Error(
        `Tempo at ${answer.url} answered without spans of trace ${id}`,
      );
    }
    return trace;
  }
}

/**
 * The window, widened to the whole trace when its search hit says it began before the
 * window or ended after it: a trace-by-id limited to the window would miss the spans
 * stored in blocks outside it.
 */
function traceRange(window: Range, hit: SearchHit): Range {
  if (!hit.startTimeUnixNano || /^0+$/.test(hit.startTimeUnixNano)) {
    return window;
  }
  const startNs = BigInt(hit.startTimeUnixNano);
  const endNs = startNs + BigInt(Math.ceil((hit.durationMs ?? 0) * 1e6));
  const second = 1_000_000_000n;
  return {
    start: Math.min(window.start, Number(startNs / second)),
    end: Math.max(window.end, Number((endNs + second - 1n) / second)),
  };
}
