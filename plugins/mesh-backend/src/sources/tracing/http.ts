import { z } from 'zod';
import {
  DEFAULT_RETRY,
  describeFetchError,
  isTimeoutError,
  isTransientStatus,
  TRY_AGAIN,
  withRetries,
} from '../http';
import { createLimiter, Limiter } from '../limit';
import { TracingOptions } from './types';

/** The request never got an HTTP answer: connection refused or reset, DNS, timeout. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

export interface HttpAnswer {
  url: string;
  status: number;
  contentType: string;
  text: string;
}

/** The first `max` characters of a body, on one line, for an error message. */
export function snippet(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty body)';
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** The first issue of a zod error, with where it is: `resourceSpans.0.scopeSpans: expected array`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Strips trailing slashes and checks the URL is http(s), so errors name a usable URL. */
export function normalizeBaseUrl(backend: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${backend} url '${url}' is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`${backend} url '${url}' must be http or https`);
  }
  return url.replace(/\/+$/, '');
}

/**
 * The HTTP side of one `fetch()` of an HTTP tracing source: every request goes through
 * one limiter (so the back end never sees more than `concurrency` requests in flight from
 * this fetch, searches and per-trace gets together), has its own timeout, and is counted.
 * Transport failures are counted apart, so the source can tell "the back end is down"
 * (every request failed that way) from "one query failed".
 */
export class HttpRun {
  requests = 0;
  private dataRequests = 0;
  private transportFailures = 0;
  private lastTransportError?: TransportError;
  /** A request gave up without an answer: the others do not retry. */
  private unreachable = false;
  private readonly limit: Limiter;

  constructor(
    readonly backend: string,
    readonly baseUrl: string,
    private readonly options: TracingOptions,
    /** The run gave up: cancel what is in flight and send nothing more. */
    private readonly signal?: AbortSignal,
    private readonly random?: () => number,
  ) {
    this.limit = createLimiter(options.concurrency);
  }

  url(path: string, params?: URLSearchParams): string {
    const query = params?.toString();
    return `${this.baseUrl}${path}${query ? `?${query}` : ''}`;
  }

  /**
   * GETs a URL. Rejects only with a TransportError; any HTTP status is an answer. A
   * `probe` (API detection) is counted in `requests` but not in the "every request
   * failed" rule, which is about the data requests.
   */
  get(
    url: string,
    { accept = 'application/json', probe = false } = {},
  ): Promise<HttpAnswer> {
    return this.limit(async () => {
      if (!probe) this.dataRequests += 1;
      try {
        // A refused connection and a 429/502/503/504 are often over in a moment.
        return await withRetries(
          { ...DEFAULT_RETRY, retries: this.options.retries },
          last => this.getOnce(url, accept, last),
          { signal: this.signal, random: this.random },
        );
      } catch (e) {
        if (this.signal?.aborted) throw this.signal.reason;
        // Retries used up without an answer: the back end is down for this fetch, and
        // the requests still to come try once rather than spend the deadline retrying.
        if (!isTimeoutError(e)) this.unreachable = true;
        const reason = describeFetchError(e, this.options.timeoutMs);
        const error = new TransportError(
          `${this.backend} at ${url} did not answer: ${reason}`,
          reason,
          isTimeoutError(e),
        );
        if (!probe) {
          this.transportFailures += 1;
          this.lastTransportError = error;
        }
        throw error;
      }
    });
  }

  private async getOnce(
    url: string,
    accept: string,
    last: boolean,
  ): Promise<HttpAnswer | typeof TRY_AGAIN> {
    if (this.signal?.aborted) throw this.signal.reason;
    this.requests += 1;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        headers: { accept, ...this.options.headers },
        signal: this.signal ? AbortSignal.any([timeout, this.signal]) : timeout,
      });
      text = await response.text();
    } catch (e) {
      // A timeout already spent its time, and an abort means the run gave up.
      const retriable =
        !timeout.aborted && !this.signal?.aborted && !this.unreachable;
      if (!last && retriable) return TRY_AGAIN;
      throw e;
    }
    const busy = response.status === 429 || isTransientStatus(response.status);
    if (busy && !last) return TRY_AGAIN;
    return {
      url,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text,
    };
  }

  /**
   * Throws when data requests were sent and every one failed without an HTTP answer
   * (connection refused or reset, DNS, timeout): the back end is down for this fetch, and
   * one clear error says so instead of a problem per service.
   */
  assertReachable(): void {
    const last = this.lastTransportError;
    if (last && this.transportFailures === this.dataRequests) {
      const what = last.timedOut ? 'is not answering' : 'is unreachable';
      throw new Error(
        `${this.backend} at ${this.baseUrl} ${what}: ${last.reason} (all ${this.dataRequests} requests failed)`,
      );
    }
  }

  /**
   * GETs a JSON answer. One that is not a 2xx throws, quoting `errorDetail` of its body
   * (else the body's start); so does a body that is not JSON.
   */
  async getJson(
    url: string,
    errorDetail?: (text: string) => string,
  ): Promise<{ answer: HttpAnswer; json: unknown }> {
    const answer = await this.get(url);
    if (!isSuccess(answer)) {
      throw this.httpError(answer, errorDetail?.(answer.text));
    }
    return { answer, json: this.json(answer) };
  }

  /** Runs a back end's mapper on an answer; what it throws is an unexpected shape. */
  mapAnswer<T>(answer: HttpAnswer, map: () => T): T {
    try {
      return map();
    } catch (e) {
      throw this.shapeError(answer, e);
    }
  }

  /** An HTTP answer that is not a success, as an error naming the back end and URL. */
  httpError(answer: HttpAnswer, detail?: string): Error {
    return new Error(
      `${this.backend} at ${answer.url} answered HTTP ${answer.status}: ${
        detail ?? snippet(answer.text)
      }`,
    );
  }

  /** Parses an answer's JSON, or throws an error that quotes the start of the body. */
  json(answer: HttpAnswer): unknown {
    try {
      return JSON.parse(answer.text);
    } catch {
      throw new Error(
        `${this.backend} at ${answer.url} answered HTTP ${
          answer.status
        } with a body that is not JSON: ${snippet(answer.text)}`,
      );
    }
  }

  /** Validates a parsed answer, or throws an error naming the back end, URL and first issue. */
  validate<T>(answer: HttpAnswer, schema: z.ZodType<T>, json: unknown): T {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `${this.backend} at ${
          answer.url
        } answered in an unexpected shape: ${describeZodError(parsed.error)}`,
      );
    }
    return parsed.data;
  }

  /** Wraps an error thrown while mapping an answer (a bad id) with the back end and URL. */
  shapeError(answer: HttpAnswer, e: unknown): Error {
    return new Error(
      `${this.backend} at ${answer.url} answered in an unexpected shape: ${
        (e as Error).message
      }`,
    );
  }
}

export function isSuccess(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}
