import { z } from 'zod';

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

export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

export interface QueryResult {
  samples: VectorSample[];
  /** Samples dropped because their value was NaN or infinite. */
  dropped: number;
  warnings: string[];
}

export interface PrometheusClientOptions {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  fetchFn?: typeof fetch;
  /** Ask Prometheus for its query statistics and add up its evaluation time. */
  collectStats?: boolean;
}

/**
 * A small client for the Prometheus HTTP API's instant queries. Every answer is
 * validated, so a proxy's HTML error page or a wrong result type becomes a clear error
 * rather than an empty result.
 */
export class PrometheusClient {
  private readonly fetchFn: typeof fetch;
  /** Requests sent, for the benchmark. */
  requests = 0;
  /** Milliseconds Prometheus itself spent evaluating, with `collectStats`. */
  evalMs = 0;

  constructor(private readonly options: PrometheusClientOptions) {
    this.fetchFn = options.fetchFn ?? fetch;
  }

  async instantQuery(query: string, time?: Date): Promise<QueryResult> {
    const body = new URLSearchParams({ query });
    if (time) body.set('time', (time.getTime() / 1000).toFixed(3));
    if (this.options.collectStats) body.set('stats', 'all');
    this.requests += 1;
    let response: Response;
    try {
      response = await this.fetchFn(`${this.options.url}/api/v1/query`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...this.options.headers,
        },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new Error(
        `Prometheus at ${this.options.url} is unreachable: ${describeFetchError(
          e,
        )}`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(
        `Prometheus at ${this.options.url} answered HTTP ${
          response.status
        } with a body that is not JSON: ${text.slice(0, 120)}`,
      );
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `Prometheus at ${this.options.url} answered HTTP ${response.status} in an unexpected shape: ${parsed.error.issues[0].message}`,
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
    let dropped = 0;
    const out: VectorSample[] = [];
    if (!Array.isArray(result)) {
      throw new Error(
        'Prometheus answered a malformed vector: the result is not an array',
      );
    }
    for (const [index, item] of result.entries()) {
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
        Object.values(item.metric).every(v => typeof v === 'string');
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
    return { samples: out, dropped, warnings: parsed.data.warnings ?? [] };
  }
}

function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'the request timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
