/**
 * Helpers shared by every source that talks HTTP (tracing back ends, Prometheus, the
 * Kubernetes API), so a dead back end reads the same whichever source met it.
 */

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: ErrorLike;
  errors?: ErrorLike[];
}

/** The request was given up by its AbortSignal (`AbortSignal.timeout` or an abort). */
export function isTimeoutError(e: unknown): boolean {
  const name = (e as ErrorLike | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/**
 * Why a request got no HTTP answer, in a few words: the system error code (ECONNREFUSED,
 * ENOTFOUND, ECONNRESET…) when there is one, else the message. fetch() (undici) hides the
 * code in `cause`, node:http puts it on the error itself, and either may wrap one attempt
 * per address in an AggregateError. With `timeoutMs`, a timeout says how long was waited.
 */
export function describeFetchError(e: unknown, timeoutMs?: number): string {
  if (isTimeoutError(e)) {
    return timeoutMs === undefined
      ? 'the request timed out'
      : `no answer within ${timeoutMs} ms`;
  }
  const err = e as ErrorLike | undefined;
  return (
    codeOf(err?.cause) ??
    codeOf(err) ??
    textOf(err?.cause?.message) ??
    textOf(err?.message) ??
    String(e)
  );
}

function codeOf(err: ErrorLike | undefined): string | undefined {
  // DOMExceptions carry numeric codes, which say nothing to a reader.
  if (typeof err?.code === 'string' && err.code) return err.code;
  const inner = err?.errors?.find(x => typeof x?.code === 'string' && x.code);
  return inner?.code as string | undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** Bounded retries with exponential backoff and full jitter. */
export interface RetryPolicy {
  /** Tries after the first one. 0 turns retrying off. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 2,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
};

/**
 * How long to wait before try `attempt` (1 for the first retry): a random time up to the
 * exponential bound, so clients that failed together do not retry together.
 */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const bound = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** (attempt - 1),
  );
  return Math.floor(random() * bound);
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Statuses that say "try again shortly": a proxy or the server is overloaded or restarting. */
export function isTransientStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** What an attempt answers to be tried again (after a backoff), unless it was the last. */
export const TRY_AGAIN = Symbol('try again');

/**
 * Runs `attempt` until it answers something other than TRY_AGAIN, at most
 * `policy.retries` more times, waiting `backoffMs` between tries. `last` tells the
 * attempt it must answer (or throw) this time. The wait ends early when `signal` aborts.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (last: boolean) => Promise<T | typeof TRY_AGAIN>,
  options: { signal?: AbortSignal; random?: () => number } = {},
): Promise<T> {
  for (let n = 0; ; n++) {
    if (n > 0) {
      await sleep(backoffMs(n, policy, options.random), options.signal);
    }
    const answer = await attempt(n >= policy.retries);
    if (answer !== TRY_AGAIN) return answer;
  }
}
