import { FilesSource } from './FilesSource';
import { JaegerSource } from './JaegerSource';
import { TempoSource } from './TempoSource';
import { TracingOptions, TracingSource } from './types';
import { ZipkinSource } from './ZipkinSource';

export type TracingSourceType = 'jaeger' | 'tempo' | 'zipkin' | 'files';

/** A cluster's `tracing` block, plus the options a deployment may tune per back end. */
export interface TracingSourceConfig {
  type: TracingSourceType;
  /** Base URL of the query API (jaeger, tempo, zipkin), with any path prefix. */
  url?: string;
  /** Directory of exported trace JSON (files). */
  dir?: string;
  headers?: Record<string, string>;
  maxTracesPerService?: number;
  concurrency?: number;
  timeoutMs?: number;
}

const EXAMPLE_URL = {
  jaeger: 'http://jaeger-query.istio-system:16686',
  tempo: 'http://tempo.monitoring:3200',
  zipkin: 'http://zipkin.istio-system:9411',
};

/**
 * Builds the tracing source a config names. Options: defaults, then `options`, then
 * what the config itself sets (headers are merged, the config's winning). Throws a clear
 * error for a missing or misplaced url/dir, an unknown type, or a bad option.
 */
export function createTracingSource(
  config: TracingSourceConfig,
  options: Partial<TracingOptions> = {},
): TracingSource {
  const merged: Partial<TracingOptions> = {
    ...options,
    ...definedOnly({
      maxTracesPerService: config.maxTracesPerService,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
    }),
  };
  if (options.headers || config.headers) {
    merged.headers = { ...options.headers, ...config.headers };
  }
  const type = config.type;
  switch (type) {
    case 'jaeger':
    case 'tempo':
    case 'zipkin': {
      if (config.dir !== undefined) {
        throw new Error(`tracing type '${type}' takes a url, not a dir`);
      }
      if (!config.url) {
        throw new Error(
          `tracing type '${type}' needs a url (the query API's base URL, e.g. ${EXAMPLE_URL[type]})`,
        );
      }
      if (type === 'jaeger') return new JaegerSource(config.url, merged);
      if (type === 'tempo') return new TempoSource(config.url, merged);
      return new ZipkinSource(config.url, merged);
    }
    case 'files':
      if (config.url !== undefined) {
        throw new Error(`tracing type 'files' takes a dir, not a url`);
      }
      if (!config.dir) {
        throw new Error(
          `tracing type 'files' needs a dir (a directory of Jaeger API JSON files)`,
        );
      }
      return new FilesSource(config.dir, merged);
    default:
      throw new Error(
        `unknown tracing type '${String(
          type,
        )}'; expected jaeger, tempo, zipkin or files`,
      );
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
