import { z } from 'zod';
import {
  collectPerService,
  resolveTracingOptions,
  ServiceResult,
  traceQlString,
  validateFetchRequest,
} from './common';
import { HttpRun, isSuccess, normalizeBaseUrl } from './http';
import { parseOtlpTraces } from './otlp';
import { normalizeTraceId } from './proxySpans';
import {
  NormalizedTrace,
  TracingData,
  TracingFetchRequest,
  TracingOptions,
  TracingSource,
} from './types';

/**
 * `/api/search` answer. gogo jsonpb leaves out empty fields, so `traces` is absent when
 * nothing matched. Trace ids are hex with leading zeros trimmed.
 */
const searchSchema = z.object({
  traces: z
    .array(
      z.object({
        traceID: z
          .string()
          .regex(/^[0-9a-fA-F]{1,32}$/, 'expected a hex trace id'),
        rootServiceName: z.string().nullish(),
      }),
    )
    .nullish(),
});

/**
 * Grafana Tempo: a TraceQL search per service (`{ resource.service.name = "S" }`, epoch
 * seconds), then `GET /api/traces/<id>` for each hit. A trace found for several services
 * is downloaded once per fetch.
 */
export class TempoSource implements TracingSource {
  readonly description: string;
  private readonly baseUrl: string;
  private readonly options: TracingOptions;

  constructor(url: string, options: Partial<TracingOptions> = {}) {
    this.baseUrl = normalizeBaseUrl('Tempo', url);
    this.options = resolveTracingOptions(options);
    this.description = `Tempo ${this.baseUrl}`;
  }

  async fetch(req: TracingFetchRequest): Promise<TracingData> {
    validateFetchRequest(req);
    const run = new HttpRun('Tempo', this.baseUrl, this.options);
    const downloads = new Map<string, Promise<NormalizedTrace>>();
    const collected = await collectPerService(req, this.options, service =>
      this.searchService(run, service, req, downloads),
    );
    run.assertReachable();
    return { ...collected, requests: run.requests };
  }

  private async searchService(
    run: HttpRun,
    service: string,
    req: TracingFetchRequest,
    downloads: Map<string, Promise<NormalizedTrace>>,
  ): Promise<ServiceResult> {
    const start = Math.floor(req.start.getTime() / 1000);
    // Tempo wants end > start; a zero-length window still searches its second.
    const end = Math.max(Math.ceil(req.end.getTime() / 1000), start + 1);
    const params = new URLSearchParams({
      q: `{ resource.service.name = ${traceQlString(service)} }`,
      start: String(start),
      end: String(end),
      limit: String(this.options.maxTracesPerService),
    });
    const answer = await run.get(run.url('/api/search', params));
    if (!isSuccess(answer)) throw run.httpError(answer);
    const search = run.validate(answer, searchSchema, run.json(answer));
    const ids = [
      ...new Set(
        (search.traces ?? []).map(t => normalizeTraceId(t.traceID, 'hex')),
      ),
    ].slice(0, this.options.maxTracesPerService);

    const results = await Promise.all(
      ids.map(async id => {
        let download = downloads.get(id);
        if (!download) {
          download = this.downloadTrace(run, id);
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
  ): Promise<NormalizedTrace> {
    const answer = await run.get(run.url(`/api/traces/${id}`));
    if (!isSuccess(answer)) throw run.httpError(answer);
    const json = run.json(answer);
    let traces: NormalizedTrace[];
    try {
      traces = parseOtlpTraces(json);
    } catch (e) {
      throw run.shapeError(answer, e);
    }
    const trace = traces.find(t => t.traceId === id);
    if (!trace || trace.spans.length === 0) {
      throw new Error(
        `Tempo at ${answer.url} answered without spans of trace ${id}`,
      );
    }
    return trace;
  }
}
