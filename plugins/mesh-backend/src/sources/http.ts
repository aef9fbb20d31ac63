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
