import {
  InstantQueryResult,
  PromQuerier,
  VectorSample,
} from '@mesh-readiness/plugin-mesh-node';
import { z } from 'zod';
import { TimeSlices } from '../../lib/timeSlices';
import {
  DEFAULT_RETRY,
  describeFetchError,
  isTransientStatus,
  RetryPolicy,
  TRY_AGAIN,
  withRetries,
} from '../http';

const sampleSchema = z.object({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
});

const responseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.string(),
      result: z.unknown(),
      stats: z
        .object({
          timings: z.object({ evalTotalTime: z.number() }).passthrough(),
        })
        .passthrough()
        .optional(),
    }),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({
    status: z.literal('error'),
    errorType: z.string().optional(),
    error: z.string().optional(),
  }),
]);

const labelValuesSchema = z.object({
  status: z.string(),
  data: z.array(z.string()).nullable().optional(),
});

const rulesSchema = z.object({
  status: z.string(),
  data: z
    .object({
      groups: z.array(
        z.object({
          name: z.string(),
          interval: z.number().optional(),
          rules: z.array(
            z
              .object({
                type: z.string(),
                name: z.string(),
                query: z.string(),
                health: z.string().optional(),
              })
              .passthrough(),
          ),
        }),
      ),
    })
    .optional(),
});

/** A recording rule as Prometheus's rules API describes it. */
export interface RecordingRuleInfo {
  name: string;
  /** The expression, as Prometheus prints it after parsing. */
  query: string;
  /** `ok`, `err` or `unknown` (not evaluated yet). */
  health: string;
  group: string;
  intervalSeconds?: number;
}

/**
 * What a querier may offer besides instant queries. The runner uses these when they
 * are there (the built-in client has them) and manages without otherwise.
 */
export interface PromMetadataQuerier {
  labelValues?(
    label: string,
    start: Date,
    end: Date,
    signal?: AbortSignal,
  ): Promise<string[]>;
  recordingRules?(signal?: AbortSignal): Promise<RecordingRuleInfo[]>;
}

export interface PrometheusClientOptions {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  fetchFn?: typeof fetch;
  /** Ask Prometheus for its query statistics and add up its evaluation time. */
  collectStats?: boolean;
  /** Retries of a refused connection or a 502/503/504; `DEFAULT_RETRY` by default. */
  retry?: RetryPolicy;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

/**
 * A small client for the Prometheus HTTP API's instant queries. Every answer is
 * validated, so a proxy's HTML error page or a wrong result type becomes a clear error
 * rather than an empty result.
 */
export class PrometheusClient implements PromQuerier, PromMetadataQuerier {
  private readonly fetchFn: typeof fetch;
  private readonly random: () => number;
  /** Requests sent, for the benchmark. */
  requests = 0;
  /** Milliseconds Prometheus itself spent evaluating, with `collectStats`. */
  evalMs = 0;
  /** Milliseconds spent here decoding and checking answers, for the benchmark. */
  decodeMs = 0;

  constructor(private readonly options: PrometheusClientOptions) {
    this.fetchFn = options.fetchFn ?? fetch;
    this.random = options.random ?? Math.random;
  }

  async instantQuery(
    query: string,
    time?: Date,
    signal?: AbortSignal,
  ): Promise<InstantQueryResult> {
    const body = new URLSearchParams({ query });
    if (time) body.set('time', (time.getTime() / 1000).toFixed(3));
    if (this.options.collectStats) body.set('stats', 'all');
    const json = await this.request('/api/v1/query', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      signal,
    });
    const parsed = responseSchema.safeParse(json.body);
    if (!parsed.success) {
      throw new Error(
        `Prometheus at ${this.options.url} answered HTTP ${json.status} in an unexpected shape: ${parsed.error.issues[0].message}`,
      );
    }
    if (parsed.data.status === 'error') {
      throw new Error(
        `Prometheus rejected the query (${parsed.data.errorType ?? 'error'}): ${
          parsed.data.error ?? 'no message'
        }`,
      );
    }
    const { resultType, result, stats } = parsed.data.data;
    if (stats) this.evalMs += stats.timings.evalTotalTime * 1000;
    if (resultType !== 'vector') {
      throw new Error(
        `Prometheus answered a ${resultType} where a vector was expected`,
      );
    }
    const t = performance.now();
    let dropped = 0;
    const out: VectorSample[] = [];
    if (!Array.isArray(result)) {
      throw new Error(
        'Prometheus answered a malformed vector: the result is not an array',
      );
    }
    // Checked in time slices, so that reads are served meanwhile.
    const slices = new TimeSlices();
    for (const [index, item] of result.entries()) {
      if (index % 256 === 0) await slices.pause();
      // A fleet answer has tens of thousands of samples: the well-formed ones take a
      // quick path; anything else gets zod's full explanation.
      const ok =
        item &&
        typeof item === 'object' &&
        Array.isArray(item.value) &&
        item.value.length === 2 &&
        typeof item.value[0] === 'number' &&
        typeof item.value[1] === 'string' &&
        item.metric &&
        typeof item.metric === 'object' &&
        allStrings(item.metric);
      if (!ok) {
        const issue = sampleSchema.safeParse(item).error?.issues[0];
        throw new Error(
          `Prometheus answered a malformed vector: result[${index}]${
            issue ? `.${issue.path.join('.')}: ${issue.message}` : ''
          }`,
        );
      }
      const value = Number(item.value[1]);
      if (!Number.isFinite(value)) {
        dropped += 1;
        continue;
      }
      out.push({ labels: item.metric as Record<string, string>, value });
    }
    this.decodeMs += performance.now() - t;
    return { samples: out, dropped, warnings: parsed.data.warnings ?? [] };
  }

  /**
   * The values a label takes in series with samples between `start` and `end`: an index
   * lookup, far cheaper than any query.
   */
  async labelValues(
    label: string,
    start: Date,
    end: Date,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const params = new URLSearchParams({
      start: (start.getTime() / 1000).toFixed(3),
      end: (end.getTime() / 1000).toFixed(3),
    });
    const json = await this.request(
      `/api/v1/label/${encodeURIComponent(label)}/values?${params}`,
      { signal },
    );
    const parsed = labelValuesSchema.safeParse(json.body);
    if (!parsed.success || parsed.data.status !== 'success') {
      throw new Error(
        `Prometheus at ${this.options.url} answered HTTP ${json.status} to a label values request in an unexpected shape`,
      );
    }
    return parsed.data.data ?? [];
  }

  /** The recording rules Prometheus evaluates, from its rules API. */
  async recordingRules(signal?: AbortSignal): Promise<RecordingRuleInfo[]> {
    const json = await this.request('/api/v1/rules?type=record', { signal });
    const parsed = rulesSchema.safeParse(json.body);
    if (!parsed.success || parsed.data.status !== 'success') {
      throw new Error(
        `Prometheus at ${this.options.url} answered HTTP ${json.status} to a rules request in an unexpected shape`,
      );
    }
    return parsed.data.data!.groups.flatMap(group =>
      group.rules
        .filter(rule => rule.type === 'recording')
        .map(rule => ({
          name: rule.name,
          query: rule.query,
          health: rule.health ?? 'unknown',
          group: group.name,
          intervalSeconds: group.interval,
        })),
    );
  }

  /** One request to the HTTP API; its JSON body, or an error that says what came back. */
  private async request(
    path: string,
    init: {
      method?: string;
      body?: URLSearchParams;
      headers?: Record<string, string>;
      /** The caller gave up: cancel the request and release its connection. */
      signal?: AbortSignal;
    } = {},
  ): Promise<{ status: number; body: unknown }> {
    // A refused or reset connection and a 502/503/504 are often over in a moment: try
    // again a few times, with backoff and jitter, within the caller's signal.
    return withRetries(
      this.options.retry ?? DEFAULT_RETRY,
      last => this.requestOnce(path, init, last),
      { signal: init.signal, random: this.random },
    );
  }

  private async requestOnce(
    path: string,
    init: {
      method?: string;
      body?: URLSearchParams;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    },
    last: boolean,
  ): Promise<{ status: number; body: unknown } | typeof TRY_AGAIN> {
    if (init.signal?.aborted) throw abortReason(init.signal);
    this.requests += 1;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(`${this.options.url}${path}`, {
        method: init.method ?? 'GET',
        body: init.body,
        headers: { ...init.headers, ...this.options.headers },
        signal: init.signal ? AbortSignal.any([timeout, init.signal]) : timeout,
      });
      // Read under the same signals: a body that stalls holds the connection as well.
      text = await response.text();
    } catch (e) {
      // Cancelled by the caller, not timed out: say why the caller gave up.
      if (init.signal?.aborted && !timeout.aborted) {
        throw abortReason(init.signal);
      }
      // A timeout already spent its time: only connection failures are retried.
      if (!last && !timeout.aborted) return TRY_AGAIN;
      throw new Error(
        `Prometheus at ${this.options.url} is unreachable: ${describeFetchError(
          e,
        )}`,
      );
    }
    if (!last && isTransientStatus(response.status)) return TRY_AGAIN;
    const t = performance.now();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      throw new Error(
        `Prometheus at ${this.options.url} answered HTTP ${
          response.status
        } with a body that is not JSON: ${text.slice(0, 120)}`,
      );
    } finally {
      this.decodeMs += performance.now() - t;
    }
  }
}

/** Why `signal` was aborted, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new Error(String(reason ?? 'the request was cancelled'));
}

function allStrings(labels: Record<string, unknown>): boolean {
  for (const key in labels) if (typeof labels[key] !== 'string') return false;
  return true;
}
