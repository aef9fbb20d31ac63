import { TracingSource } from '@mesh-readiness/plugin-mesh-node';
import type { TracingConfig } from '../../config';
import { FilesSource } from './FilesSource';
import { JaegerSource } from './JaegerSource';
import { TempoSource } from './TempoSource';
import { TracingOptions } from './types';
import { ZipkinSource } from './ZipkinSource';

const EXAMPLE_URL = {
  jaeger: 'http://jaeger-query.istio-system:16686',
  tempo: 'http://tempo.monitoring:3200',
  zipkin: 'http://zipkin.istio-system:9411',
};

/**
 * Builds the tracing source a cluster's config names. The config's settings win over
 * `options`, which carry what config cannot set (`timeoutMs`) and headers to merge with
 * the config's (the config's winning). Throws a clear error for a missing or misplaced
 * url/dir, an unknown type, or a bad option.
 */
export function createTracingSource(
  config: TracingConfig,
  options: Partial<TracingOptions> = {},
): TracingSource {
  const merged: Partial<TracingOptions> = {
    ...options,
    maxTracesPerService: config.maxTracesPerService,
    concurrency: config.concurrency,
    retries: config.retries,
    linkerdProxyService: config.linkerdProxyService,
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
