import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  sortedTraces,
  T1,
  T2,
  T3,
  TRACE_1,
  TRACE_2,
  TRACE_3,
} from './__testUtils__/bookinfo';
import {
  fixtureJson,
  fixturePath,
  fixtureText,
  WINDOW,
} from './__testUtils__/fixtureServer';
import { FilesSource } from './FilesSource';

/**
 * The exported traces plus one export cut short (as a failed download leaves it). The
 * truncated file is written here rather than kept in __fixtures__, where it would fail
 * the repository's prettier check.
 */
let DIR: string;
let BROKEN: string;
beforeAll(async () => {
  DIR = await fs.mkdtemp(path.join(os.tmpdir(), 'mesh-jaeger-files-'));
  await fs.cp(fixturePath('jaeger-files'), DIR, { recursive: true });
  BROKEN = path.join(DIR, 'broken', 'truncated-export.json');
  await fs.mkdir(path.dirname(BROKEN));
  await fs.writeFile(
    BROKEN,
    fixtureText('jaeger-files/bookinfo/trace-4bf92f35.json').slice(0, 400),
  );
});
afterAll(async () => {
  if (DIR) await fs.rm(DIR, { recursive: true, force: true });
});

describe('FilesSource', () => {
  let tmp: string | undefined;
  afterEach(async () => {
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    tmp = undefined;
  });
  const tmpDir = async (files: Record<string, unknown>) => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'mesh-traces-'));
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(tmp, name);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(
        file,
        typeof content === 'string' ? content : JSON.stringify(content),
      );
    }
    return tmp;
  };

  it('reads every JSON file under the directory, skipping and naming a malformed one', async () => {
    const data = await new FilesSource(DIR).fetch({ services: [], ...WINDOW });
    expect(sortedTraces(data.traces)).toEqual(
      sortedTraces([TRACE_1, TRACE_2, TRACE_3]),
    );
    expect(data.problems).toEqual([
      expect.stringMatching(/^file .* skipped: not JSON \(/),
    ]);
    expect(data.problems[0]).toContain(BROKEN);
    // Four .json files read; README.txt ignored.
    expect(data.requests).toBe(4);
    expect(data.perService).toEqual({
      'productpage.default': 2,
      'details.default': 1,
      'istio-ingressgateway.istio-system': 1,
      productpage: 1,
      'reviews.default': 1,
      'orders.shop': 1,
      'billing.shop': 1,
    });
  });

  it.each<[string, string[], string[], Record<string, number>]>([
    [
      'the traces with a span of a requested service',
      ['productpage.default', 'billing.shop', 'ratings.default'],
      [T2, T1, T3],
      { 'productpage.default': 2, 'billing.shop': 1, 'ratings.default': 0 },
    ],
    ['only those', ['details.default'], [T2], { 'details.default': 1 }],
    [
      'an app service, not its sidecar',
      ['productpage'],
      [T1],
      { productpage: 1 },
    ],
  ])('keeps %s', async (_name, services, traceIds, perService) => {
    const data = await new FilesSource(DIR).fetch({ services, ...WINDOW });
    expect(data.traces.map(t => t.traceId)).toEqual(traceIds);
    expect(data.perService).toEqual(perService);
  });

  it('keeps at most maxTracesPerService traces per service, in path order', async () => {
    const source = new FilesSource(DIR, { maxTracesPerService: 1 });
    const one = await source.fetch({
      services: ['productpage.default'],
      ...WINDOW,
    });
    expect(one.traces.map(t => t.traceId)).toEqual([T2]);
    expect(one.perService).toEqual({ 'productpage.default': 1 });

    const all = await source.fetch({ services: [], ...WINDOW });
    expect(Math.max(...Object.values(all.perService))).toBe(1);
    // T1 is still kept: it was the first trace of the gateway, productpage and reviews.
    expect(all.traces.map(t => t.traceId)).toEqual([T2, T1, T3]);
  });

  it('merges a trace exported in two files', async () => {
    const v1 = fixtureJson('jaeger-files/bookinfo/trace-4bf92f35.json') as {
      data: Array<{ spans: unknown[] }>;
    };
    const half = (from: number, to: number) => ({
      ...v1,
      data: [{ ...v1.data[0], spans: v1.data[0].spans.slice(from, to) }],
    });
    const dir = await tmpDir({
      'a.json': half(0, 4),
      'nested/b.json': half(3, 6),
    });
    const data = await new FilesSource(dir).fetch({ services: [], ...WINDOW });
    expect(data.problems).toEqual([]);
    expect(sortedTraces(data.traces)).toEqual(sortedTraces([TRACE_1]));
  });

  it('reads an OTLP-JSON file too, and names a JSON file that is no trace document', async () => {
    const dir = await tmpDir({
      'tempo-T1.json': fixtureJson('tempo-new/trace-T1.json'),
      'config.json': { apiVersion: 'v1', kind: 'ConfigMap' },
    });
    const data = await new FilesSource(dir).fetch({
      services: ['reviews.default'],
      ...WINDOW,
    });
    expect(data.traces.map(t => t.traceId)).toEqual([T1]);
    expect(data.problems).toEqual([
      `file ${path.join(
        dir,
        'config.json',
      )} skipped: neither a Jaeger API answer ({"data":[…]}) nor an OTLP-JSON trace document`,
    ]);
  });

  it('names a file whose traces have the wrong shape', async () => {
    const dir = await tmpDir({
      'bad.json': {
        data: [{ traceID: T1, spans: [{ traceID: T1, spanID: 'xyz' }] }],
      },
    });
    const data = await new FilesSource(dir).fetch({ services: [], ...WINDOW });
    expect(data.traces).toEqual([]);
    expect(data.problems).toEqual([
      `file ${path.join(
        dir,
        'bad.json',
      )} skipped: data.0: spans.0: span id 'xyz' is neither a hex id (at most 16 digits) nor a base64 id (8 bytes)`,
    ]);
  });

  it('rejects a directory that cannot be read', async () => {
    await expect(
      new FilesSource(path.join(DIR, 'no-such-dir')).fetch({
        services: [],
        ...WINDOW,
      }),
    ).rejects.toThrow(
      /^cannot read trace files directory .*no-such-dir: ENOENT/,
    );
  });
});
