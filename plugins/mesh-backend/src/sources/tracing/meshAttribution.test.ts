import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  NormalizedTrace,
  TracingSource,
} from '@mesh-readiness/plugin-mesh-node';
import { sortedTraces } from './__testUtils__/bookinfo';
import {
  fixtureJson,
  FixtureHandler,
  FixtureServer,
  GO_NOT_FOUND,
  startFixtureServer,
  WINDOW,
} from './__testUtils__/fixtureServer';
import {
  LINKERD_POD_ATTRIBUTES,
  TA,
  TL,
  TRACE_AMBIENT,
  TRACE_LINKERD,
} from './__testUtils__/meshAttribution';
import { FilesSource } from './FilesSource';
import { parseJaegerV1Response } from './jaegerV1';
import { JaegerSource } from './JaegerSource';
import { parseOtlpTraces } from './otlp';
import { TempoSource } from './TempoSource';
import { TracingOptions } from './types';
import { parseZipkinTraces, ZipkinSource } from './ZipkinSource';

const EXPECTED = sortedTraces([TRACE_AMBIENT, TRACE_LINKERD]);
/** One service of each trace, so the files source (which filters by service) keeps both. */
const SERVICES = ['voting', 'waypoint.bookinfo'];

/** Newer Linkerd proxies name their service after the workload (`<name>-linkerd-proxy`). */
const RENAMED = 'voting-linkerd-proxy';

/** The fixture with the Linkerd proxy's service renamed, in whichever format it is. */
function renameProxyService(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc), (key, value) => {
    if (key === 'serviceName' && value === 'linkerd-proxy') return RENAMED;
    if (
      value?.key === 'service.name' &&
      value.value?.stringValue === 'linkerd-proxy'
    ) {
      return { key: 'service.name', value: { stringValue: RENAMED } };
    }
    return value;
  });
}

function withService(traces: NormalizedTrace[], service: string) {
  return traces.map(t => ({
    ...t,
    spans: t.spans.map(s =>
      s.service === 'linkerd-proxy' ? { ...s, service } : s,
    ),
  }));
}

const tempoTrace = (id: string) =>
  fixtureJson(`tempo-new/trace-${id === TA ? 'ambient' : 'linkerd'}.json`);

describe('spans attributed to a workload, in every back end format', () => {
  it.each<[string, () => NormalizedTrace[]]>([
    [
      'OTLP-JSON, hex ids and integer kinds (Jaeger api_v3)',
      () => parseOtlpTraces(fixtureJson('otlp-ambient-linkerd.json')),
    ],
    [
      'OTLP-JSON, base64 ids and enum kinds (Tempo ≥ 2.6)',
      () => [TA, TL].flatMap(id => parseOtlpTraces(tempoTrace(id))),
    ],
    [
      'Jaeger v1 (resource attributes as process tags)',
      () =>
        parseJaegerV1Response(fixtureJson('jaeger-v1-ambient-linkerd.json'))
          .traces,
    ],
    [
      'Zipkin v2 (resource attributes as tags)',
      () => parseZipkinTraces(fixtureJson('zipkin-ambient-linkerd.json')),
    ],
  ])('%s', (_name, parse) => {
    expect(sortedTraces(parse())).toEqual(EXPECTED);
  });

  it('keeps pod labels on Linkerd proxy spans only, k8s attributes on any span', () => {
    const traces = parseOtlpTraces(
      renameProxyService(fixtureJson('otlp-ambient-linkerd.json')),
    );
    // Not named as configured: the proxy's spans read as an app's.
    const proxySpans = traces
      .flatMap(t => t.spans)
      .filter(s => s.service === RENAMED);
    expect(proxySpans.map(s => [s.isProxy, s.proxyDirection])).toEqual([
      [false, undefined],
      [false, undefined],
    ]);
    expect(proxySpans[0].attributes).toEqual({
      direction: 'inbound',
      'http.status_code': '200',
      'otel.scope.name': 'linkerd2-proxy',
      'k8s.pod.ip': LINKERD_POD_ATTRIBUTES['k8s.pod.ip'],
      'k8s.pod.uid': LINKERD_POD_ATTRIBUTES['k8s.pod.uid'],
      'k8s.container.name': 'linkerd-proxy',
    });
  });
});

describe('linkerdProxyService reaches every source', () => {
  let server: FixtureServer | undefined;
  let tmp: string | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  type Rename = (doc: unknown) => unknown;
  const http =
    (
      make: (url: string, options: Partial<TracingOptions>) => TracingSource,
      handler: (rename: Rename) => FixtureHandler,
    ) =>
    async (rename: Rename, options: Partial<TracingOptions>) => {
      server = await startFixtureServer(handler(rename));
      return make(server.url, options);
    };

  const sources: Array<
    [
      string,
      (
        rename: Rename,
        options: Partial<TracingOptions>,
      ) => Promise<TracingSource>,
    ]
  > = [
    [
      'Jaeger api_v3',
      http(
        (url, o) => new JaegerSource(url, o),
        rename => req => {
          if (req.path === '/api/v3/services')
            return { body: { services: [] } };
          if (req.path !== '/api/v3/traces') return GO_NOT_FOUND;
          const doc = rename(fixtureJson('otlp-ambient-linkerd.json'));
          return { body: { result: doc } };
        },
      ),
    ],
    [
      'Jaeger v1',
      http(
        (url, o) => new JaegerSource(url, o),
        rename => req =>
          req.path === '/api/traces'
            ? { body: rename(fixtureJson('jaeger-v1-ambient-linkerd.json')) }
            : GO_NOT_FOUND,
      ),
    ],
    [
      'Tempo',
      http(
        (url, o) => new TempoSource(url, o),
        rename => req => {
          if (req.path === '/api/search') {
            return { body: { traces: [{ traceID: TA }, { traceID: TL }] } };
          }
          const id = /^\/api\/traces\/([0-9a-f]{32})$/.exec(req.path)?.[1];
          return id ? { body: rename(tempoTrace(id)) } : GO_NOT_FOUND;
        },
      ),
    ],
    [
      'Zipkin',
      http(
        (url, o) => new ZipkinSource(url, o),
        rename => req =>
          req.path === '/api/v2/traces'
            ? { body: rename(fixtureJson('zipkin-ambient-linkerd.json')) }
            : GO_NOT_FOUND,
      ),
    ],
    [
      'trace files',
      async (rename, options) => {
        tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'mesh-attribution-'));
        const doc = rename(fixtureJson('jaeger-v1-ambient-linkerd.json'));
        await fs.writeFile(path.join(tmp, 'export.json'), JSON.stringify(doc));
        return new FilesSource(tmp, options);
      },
    ],
  ];

  it.each(sources)('%s: the default name', async (_name, make) => {
    const source = await make(doc => doc, {});
    const data = await source.fetch({ services: SERVICES, ...WINDOW });
    expect(data.problems).toEqual([]);
    expect(sortedTraces(data.traces)).toEqual(EXPECTED);
  });

  it.each(sources)('%s: a configured name', async (_name, make) => {
    const source = await make(renameProxyService, {
      linkerdProxyService: RENAMED,
    });
    const data = await source.fetch({ services: SERVICES, ...WINDOW });
    expect(data.problems).toEqual([]);
    expect(sortedTraces(data.traces)).toEqual(withService(EXPECTED, RENAMED));
  });
});
