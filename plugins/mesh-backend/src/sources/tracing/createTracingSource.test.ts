import type { TracingConfig } from '../../config';
import { createTracingSource } from './createTracingSource';
import { FilesSource } from './FilesSource';
import { JaegerSource } from './JaegerSource';
import { TempoSource } from './TempoSource';
import { ZipkinSource } from './ZipkinSource';
import {
  FixtureServer,
  GO_NOT_FOUND,
  startFixtureServer,
  WINDOW,
} from './__testUtils__/fixtureServer';
import { DEFAULT_TRACING_OPTIONS } from './types';

/** A cluster's `tracing` as readMeshConfig gives it: the schema's defaults filled in. */
const tracing = (
  c: Pick<TracingConfig, 'type'> & Partial<TracingConfig>,
): TracingConfig => ({
  maxTracesPerService: DEFAULT_TRACING_OPTIONS.maxTracesPerService,
  concurrency: DEFAULT_TRACING_OPTIONS.concurrency,
  retries: DEFAULT_TRACING_OPTIONS.retries,
  linkerdProxyService: DEFAULT_TRACING_OPTIONS.linkerdProxyService,
  ...c,
});

describe('createTracingSource', () => {
  it.each<[Partial<TracingConfig>, unknown, string]>([
    [
      { type: 'jaeger', url: 'http://jaeger-query.istio-system:16686/' },
      JaegerSource,
      'Jaeger http://jaeger-query.istio-system:16686',
    ],
    [
      { type: 'tempo', url: 'http://tempo.monitoring:3200' },
      TempoSource,
      'Tempo http://tempo.monitoring:3200',
    ],
    [
      { type: 'zipkin', url: 'https://zipkin.example.com/zipkin' },
      ZipkinSource,
      'Zipkin https://zipkin.example.com/zipkin',
    ],
    [
      { type: 'files', dir: './traces' },
      FilesSource,
      'trace files in ./traces',
    ],
  ])('builds %j', (config, type, description) => {
    const source = createTracingSource(tracing(config as TracingConfig));
    expect(source).toBeInstanceOf(type as new (...args: never[]) => unknown);
    expect(source.description).toBe(description);
  });

  it.each<[string, Partial<TracingConfig>, RegExp]>([
    [
      'jaeger without a url',
      { type: 'jaeger' },
      /^tracing type 'jaeger' needs a url/,
    ],
    [
      'tempo with an empty url',
      { type: 'tempo', url: '' },
      /^tracing type 'tempo' needs a url/,
    ],
    [
      'zipkin with a dir',
      { type: 'zipkin', dir: './x', url: 'http://z:9411' },
      /^tracing type 'zipkin' takes a url, not a dir$/,
    ],
    [
      'files without a dir',
      { type: 'files' },
      /^tracing type 'files' needs a dir/,
    ],
    [
      'files with a url',
      { type: 'files', url: 'http://x', dir: './x' },
      /^tracing type 'files' takes a dir, not a url$/,
    ],
    [
      'an unknown type',
      { type: 'datadog' as never, url: 'http://x' },
      /^unknown tracing type 'datadog'/,
    ],
    [
      'a url that is not one',
      { type: 'jaeger', url: 'jaeger:16686' },
      /^Jaeger url 'jaeger:16686' must be http or https$/,
    ],
    [
      'a url that does not parse',
      { type: 'tempo', url: 'not a url' },
      /^Tempo url 'not a url' is not a valid URL$/,
    ],
    [
      'a bad option',
      { type: 'zipkin', url: 'http://z:9411', concurrency: 0 },
      /^tracing option concurrency must be a positive integer, got 0$/,
    ],
    [
      'an empty Linkerd proxy service name',
      { type: 'zipkin', url: 'http://z:9411', linkerdProxyService: ' ' },
      /^tracing option linkerdProxyService " " is empty$/,
    ],
  ])('refuses %s', (_name, config, message) => {
    expect(() => createTracingSource(tracing(config as TracingConfig))).toThrow(
      message,
    );
  });

  describe('options', () => {
    let server: FixtureServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('applies the options, then the config, merging headers', async () => {
      server = await startFixtureServer(req =>
        req.path === '/api/v2/traces' ? { body: [] } : GO_NOT_FOUND,
      );
      const source = createTracingSource(
        tracing({
          type: 'zipkin',
          url: server.url,
          maxTracesPerService: 7,
          headers: { 'x-team': 'mesh' },
        }),
        {
          maxTracesPerService: 3,
          headers: { authorization: 'Bearer t', 'x-team': 'other' },
        },
      );
      await source.fetch({ services: ['reviews'], ...WINDOW });
      const [request] = server.requests;
      expect(request.query.get('limit')).toBe('7');
      expect(request.headers.authorization).toBe('Bearer t');
      expect(request.headers['x-team']).toBe('mesh');
    });
  });
});
