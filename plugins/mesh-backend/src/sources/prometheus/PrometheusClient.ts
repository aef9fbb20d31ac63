import { z } from 'zod';

const sampleSchema = z.object({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
});

const responseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({ resultType: z.string(), result: z.unknown() }),
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

  constructor(private readonly options: PrometheusClientOptions) {
    this.fetchFn = options.fetchFn ?? fetch;
  }

  async instantQuery(query: string, time?: Date): Promise<QueryResult> {
    const body = new URLSearchParams({ query });
    if (time) body.set('time', (time.getTime() / 1000).toFixed(3));
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
    const { resultType, result } = parsed.data.data;
    if (resultType !== 'vector') {
      throw new Error(
        `Prometheus answered a ${resultType} where a vector was expected`,
      );
    }
    const samples = z.array(sampleSchema).safeParse(result);
    if (!samples.success) {
      throw new Error(
        `Prometheus answered a malformed vector: ${samples.error.issues[0].message}`,
      );
    }
    let dropped = 0;
    const out: VectorSample[] = [];
    for (const s of samples.data) {
      const value = Number(s.value[1]);
      if (!Number.isFinite(value)) {
        dropped += 1;
        continue;
      }
      out.push({ labels: s.metric, value });
    }
    return { samples: out, dropped, warnings: parsed.data.warnings ?? [] };
  }
}

function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'the request timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
