export interface TracingOptions {
  /** Traces fetched per requested service, at most. Default 20. */
  maxTracesPerService: number;
  /** HTTP requests in flight at once, per fetch. Default 4. */
  concurrency: number;
  /** Per-request timeout, including reading the body. Default 15000. */
  timeoutMs: number;
  /** Extra headers on every request, e.g. `X-Scope-OrgID` or `Authorization`. */
  headers?: Record<string, string>;
  /** The trace service name of Linkerd's proxies. Default `linkerd-proxy`. */
  linkerdProxyService: string;
  /** Retries of a refused connection or a 429/502/503/504, with backoff. Default 2. */
  retries: number;
}

/** The defaults; the config schema (config.ts) takes its defaults from here too. */
export const DEFAULT_TRACING_OPTIONS: TracingOptions = {
  maxTracesPerService: 20,
  concurrency: 4,
  timeoutMs: 15_000,
  retries: 2,
  // Linkerd hard-codes it unless LINKERD2_PROXY_TRACE_SERVICE_NAME is set (linkerd/linkerd2#11157).
  linkerdProxyService: 'linkerd-proxy',
};
