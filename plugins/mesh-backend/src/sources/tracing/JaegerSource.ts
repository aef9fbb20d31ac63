import { TracingFetchRequest } from '@mesh-readiness/plugin-mesh-node';
import { rfc3339Nano, ServiceResult } from './common';
import {
  HttpAnswer,
  HttpRun,
  isSuccess,
  snippet,
  TransportError,
} from './http';
import { HttpTracingSource, ServiceSearch } from './HttpTracingSource';
import { parseJaegerV1Response } from './jaegerV1';
import { parseOtlpDocuments } from './otlp';
import { TracingOptions } from './types';

export type JaegerApi = 'v3' | 'v1';

/**
 * Jaeger's query service. api_v3 (`/api/v3/traces`, OTLP-JSON) when the deployment has it,
 * else the v1 JSON API (`/api/traces`), which Jaeger is removing from its newest versions.
 *
 * Which one is decided once per instance by `GET /api/v3/services`:
 * - 2xx with a JSON object listing `services` (or `{}`) → api_v3;
 * - 404 (a newer Jaeger, or a proxy, without the route) → v1;
 * - 2xx with a body that is not a JSON object: older Jaeger query services answer every
 *   unknown path with the UI's index.html, so this is "no api_v3" too → v1;
 * - anything else (401, 5xx, timeout) decides nothing: the fetch fails with that answer
 *   and the next fetch asks again. A connection failure is "unreachable".
 *
 * api_v3 parameter names changed (snake_case up to v2.x, camelCase since, with the old
 * names kept as deprecated aliases and the canonical name winning), so both spellings
 * are sent and every api_v3 version reads the query.
 */
export class JaegerSource extends HttpTracingSource {
  private api?: JaegerApi;
  private detection?: Promise<JaegerApi>;

  constructor(url: string, options: Partial<TracingOptions> = {}) {
    super('Jaeger', url, options);
  }

  /** The API detected so far, if any. */
  get detectedApi(): JaegerApi | undefined {
    return this.api;
  }

  protected async startFetch(
    run: HttpRun,
    req: TracingFetchRequest,
  ): Promise<ServiceSearch> {
    const api = await this.detectApi(run);
    return service =>
      api === 'v3'
        ? this.searchV3(run, service, req)
        : this.searchV1(run, service, req);
  }

  private async detectApi(run: HttpRun): Promise<JaegerApi> {
    if (this.api) return this.api;
    if (!this.detection) {
      this.detection = this.probe(run).then(
        api => {
          this.api = api;
          return api;
        },
        e => {
          this.detection = undefined;
          throw e;
        },
      );
    }
    return this.detection;
  }

  private async probe(run: HttpRun): Promise<JaegerApi> {
    let answer: HttpAnswer;
    try {
      answer = await run.get(run.url('/api/v3/services'), { probe: true });
    } catch (e) {
      if (e instanceof TransportError) {
        throw new Error(
          `Jaeger at ${this.baseUrl} is unreachable: ${
            e.reason
          } (probing ${run.url('/api/v3/services')})`,
        );
      }
      throw e;
    }
    if (answer.status === 404) return 'v1';
    if (isSuccess(answer)) {
      let json: unknown;
      try {
        json = JSON.parse(answer.text);
      } catch {
        return 'v1'; // the UI's index.html served for an unknown path
      }
      const isObject =
        !!json && typeof json === 'object' && !Array.isArray(json);
      const services = isObject
        ? (json as Record<string, unknown>).services
        : undefined;
      if (
        isObject &&
        (Array.isArray(services) || Object.keys(json as object).length === 0)
      ) {
        return 'v3';
      }
      return 'v1';
    }
    throw new Error(
      `Jaeger at ${this.baseUrl}: cannot tell whether api_v3 is available, ${
        answer.url
      } answered HTTP ${answer.status}: ${snippet(answer.text)}`,
    );
  }

  private async searchV3(
    run: HttpRun,
    service: string,
    req: TracingFetchRequest,
  ): Promise<ServiceResult> {
    const limit = String(this.options.maxTracesPerService);
    const start = rfc3339Nano(req.start);
    const end = rfc3339Nano(req.end);
    const params = new URLSearchParams([
      ['query.serviceName', service],
      ['query.startTimeMin', start],
      ['query.startTimeMax', end],
      ['query.searchDepth', limit],
      // Deprecated aliases, the only names Jaeger ≤ v2.x api_v3 reads.
      ['query.service_name', service],
      ['query.start_time_min', start],
      ['query.start_time_max', end],
      ['query.search_depth', limit],
      ['query.num_traces', limit],
    ]);
    const answer = await run.get(run.url('/api/v3/traces', params));
    if (answer.status === 404) {
      if (isNoTracesFound(answer.text)) return { traces: [] };
      throw run.httpError(
        answer,
        `api_v3 search route not found: ${snippet(answer.text)}`,
      );
    }
    if (!isSuccess(answer))
      throw run.httpError(answer, jaegerErrorMessage(answer.text));
    // Older api_v3 gateways streamed the answer as one JSON document per line.
    if (answer.text.trim() === '') return { traces: [] };
    const docs = parseJsonOrNdjson(run, answer);
    return {
      traces: run.mapAnswer(answer, () =>
        parseOtlpDocuments(docs, this.options),
      ),
    };
  }

  private async searchV1(
    run: HttpRun,
    service: string,
    req: TracingFetchRequest,
  ): Promise<ServiceResult> {
    const params = new URLSearchParams({
      service,
      start: String(req.start.getTime() * 1000),
      end: String(req.end.getTime() * 1000),
      limit: String(this.options.maxTracesPerService),
    });
    const { answer, json } = await run.getJson(
      run.url('/api/traces', params),
      jaegerErrorMessage,
    );
    const { traces, errors } = run.mapAnswer(answer, () =>
      parseJaegerV1Response(json, this.options),
    );
    return {
      traces,
      problems: errors.map(
        e => `Jaeger reported an error next to its data: ${e}`,
      ),
    };
  }
}

/** Jaeger api_v3's "no match" 404: `{"error":{"httpCode":404,"message":"No traces found"}}`. */
function isNoTracesFound(text: string): boolean {
  return /no traces found/i.test(text);
}

/** The message inside a Jaeger error body (api_v3 `error.message`, v1 `errors[0].msg`), else the body's start. */
function jaegerErrorMessage(text: string): string {
  try {
    const json = JSON.parse(text) as {
      error?: { message?: unknown };
      message?: unknown;
      errors?: Array<{ msg?: unknown }> | null;
    };
    const message =
      json?.error?.message ?? json?.errors?.[0]?.msg ?? json?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: quote it
  }
  return snippet(text);
}

function parseJsonOrNdjson(run: HttpRun, answer: HttpAnswer): unknown[] {
  try {
    return [JSON.parse(answer.text)];
  } catch {
    const lines = answer.text.split('\n').filter(l => l.trim() !== '');
    if (lines.length > 1) {
      try {
        const docs = lines.map(l => JSON.parse(l) as unknown);
        const failed = docs.find(
          d => !!d && typeof d === 'object' && 'error' in (d as object),
        ) as { error?: { message?: string } } | undefined;
        if (failed) {
          throw run.httpError(
            answer,
            failed.error?.message ?? 'error in streamed answer',
          );
        }
        return docs;
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
      }
    }
    return [run.json(answer)]; // throws the "not JSON" error
  }
}
