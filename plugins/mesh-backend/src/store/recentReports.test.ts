import { RecentReports, StoredReportJson } from './recentReports';

const report = (json: string): StoredReportJson => ({
  json,
  generatedAt: '2026-11-30T10:00:00.000Z',
});

/**
 * Answers of `get` as a read uses them: the JSON and when it was made. A held report
 * also carries its bytes, which a test of its own checks.
 */
function answeringPlainly(recent: RecentReports): RecentReports {
  const get = recent.get.bind(recent);
  recent.get = (...args) =>
    get(...args).then(v => v && { json: v.json, generatedAt: v.generatedAt });
  return recent;
}

function setup(options: { ttlMs?: number; maxChars?: number } = {}) {
  let now = 1_000_000;
  const recent = answeringPlainly(
    new RecentReports({ ...options, clock: () => now }),
  );
  const loads: string[] = [];
  const loader = (key: string, value: StoredReportJson | undefined) => () => {
    loads.push(key);
    return Promise.resolve(value);
  };
  return {
    recent,
    loads,
    loader,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('RecentReports', () => {
  it('serves a report up to 30 s old, reading it again behind once 5 s old', async () => {
    const { recent, loads, loader, advance } = setup();
    await expect(recent.get('a', loader('a', report('1')))).resolves.toEqual(
      report('1'),
    );
    advance(4_999);
    await expect(recent.get('a', loader('a', report('x')))).resolves.toEqual(
      report('1'),
    );
    expect(loads).toEqual(['a']);
    advance(1); // 5 s old: served, and read again behind
    await expect(recent.get('a', loader('a', report('2')))).resolves.toEqual(
      report('1'),
    );
    await new Promise(r => setImmediate(r));
    await expect(recent.get('a', loader('a', report('x')))).resolves.toEqual(
      report('2'),
    );
    advance(30_000); // 30 s old: never served, the read waits for the database
    await expect(recent.get('a', loader('a', report('3')))).resolves.toEqual(
      report('3'),
    );
    expect(loads).toEqual(['a', 'a', 'a']);
  });

  describe('revalidating with a check of what the database holds', () => {
    const ask =
      (answers: boolean[], asked: string[]) =>
      async (held: StoredReportJson) => {
        asked.push(held.json);
        return answers.shift() ?? false;
      };
    const settle = () => new Promise(r => setImmediate(r));

    it('keeps the held report when it is still current, without reading it whole', async () => {
      const { recent, loads, loader, advance } = setup();
      const asked: string[] = [];
      const current = ask([true, true], asked);
      await recent.get('a', loader('a', report('1')), current);
      advance(5_000);
      await expect(
        recent.get('a', loader('a', report('x')), current),
      ).resolves.toEqual(report('1'));
      await settle();
      expect(asked).toEqual(['1']);
      expect(loads).toEqual(['a']);
      // Confirmed 5 s after it was read: its 30 s start again from there.
      advance(26_000);
      await expect(
        recent.get('a', loader('a', report('x')), current),
      ).resolves.toEqual(report('1'));
      await settle();
      expect(asked).toEqual(['1', '1']);
      expect(loads).toEqual(['a']);
    });

    it('reads the report whole when the database holds another', async () => {
      const { recent, loads, loader, advance } = setup();
      const asked: string[] = [];
      const current = ask([false], asked);
      await recent.get('a', loader('a', report('1')), current);
      advance(5_000);
      await recent.get('a', loader('a', report('2')), current);
      await settle();
      expect(asked).toEqual(['1']);
      expect(loads).toEqual(['a', 'a']);
      await expect(
        recent.get('a', loader('a', report('x')), current),
      ).resolves.toEqual(report('2'));
    });

    it('asks nothing of a report younger than 5 s, and never serves one 30 s old', async () => {
      const { recent, loads, loader, advance } = setup();
      const asked: string[] = [];
      const current = ask([true, true], asked);
      await recent.get('a', loader('a', report('1')), current);
      advance(4_999);
      await recent.get('a', loader('a', report('x')), current);
      await settle();
      expect(asked).toEqual([]);
      advance(25_001); // 30 s, never confirmed: read whole, and waited for
      await expect(
        recent.get('a', loader('a', report('3')), current),
      ).resolves.toEqual(report('3'));
      expect(asked).toEqual([]);
      expect(loads).toEqual(['a', 'a']);
    });

    it('keeps the held report when the check fails, until it is 30 s old', async () => {
      const { recent, loads, loader, advance } = setup();
      const failing = () => Promise.reject(new Error('database is down'));
      await recent.get('a', loader('a', report('1')), failing);
      advance(5_000);
      await expect(
        recent.get('a', loader('a', report('x')), failing),
      ).resolves.toEqual(report('1'));
      await settle();
      expect(loads).toEqual(['a']);
      advance(25_000);
      await expect(
        recent.get('a', loader('a', report('2')), failing),
      ).resolves.toEqual(report('2'));
    });

    it('does not confirm over a write that ended while it asked', async () => {
      const { recent, loader, advance } = setup();
      let answer!: (same: boolean) => void;
      const slow = () =>
        new Promise<boolean>(resolve => {
          answer = resolve;
        });
      await recent.get('a', loader('a', report('1')), slow);
      advance(5_000);
      await recent.get('a', loader('a', report('x')), slow);
      recent.written([['a', report('2')]]);
      answer(true);
      await settle();
      await expect(
        recent.get('a', loader('a', report('x')), slow),
      ).resolves.toEqual(report('2'));
    });
  });

  it('keeps the held report when the read behind fails', async () => {
    const { recent, advance } = setup();
    await recent.get('a', () => Promise.resolve(report('1')));
    advance(6_000);
    await expect(
      recent.get('a', () => Promise.reject(new Error('database is down'))),
    ).resolves.toEqual(report('1'));
    await new Promise(r => setImmediate(r));
    await expect(
      recent.get('a', () => Promise.resolve(report('2'))),
    ).resolves.toEqual(report('1'));
  });

  it('shares one read between concurrent readers of a key', async () => {
    const { recent, loads, loader } = setup();
    const answers = await Promise.all([
      recent.get('a', loader('a', report('1'))),
      recent.get('a', loader('a', report('1'))),
      recent.get('b', loader('b', report('2'))),
    ]);
    expect(answers.map(a => a?.json)).toEqual(['1', '1', '2']);
    expect(loads).toEqual(['a', 'b']);
  });

  it.each([
    ['no report yet', undefined],
    ['a failed read', 'fail'],
  ] as const)('keeps nothing of %s', async (_name, outcome) => {
    const { recent, loads } = setup();
    const load = () => {
      loads.push('a');
      return outcome === 'fail'
        ? Promise.reject(new Error('database is down'))
        : Promise.resolve(undefined);
    };
    await recent.get('a', load).catch(() => undefined);
    await recent.get('a', load).catch(() => undefined);
    expect(loads).toEqual(['a', 'a']);
    expect(recent.size).toBe(0);
  });

  it('forgets written keys, or all of them', async () => {
    const { recent, loads, loader } = setup();
    await recent.get('a', loader('a', report('1')));
    await recent.get('b', loader('b', report('1')));
    recent.forget(['a']);
    await recent.get('a', loader('a', report('2')));
    await recent.get('b', loader('b', report('2')));
    expect(loads).toEqual(['a', 'b', 'a']);
    recent.forget();
    expect(recent.size).toBe(0);
    await expect(recent.get('b', loader('b', report('3')))).resolves.toEqual(
      report('3'),
    );
  });

  it('replaces held reports with what this process wrote, and adds no others', async () => {
    const { recent, loads, loader } = setup();
    await recent.get('a', loader('a', report('old a')));
    recent.written([
      ['a', report('new a')],
      ['b', report('new b')],
    ]);
    await expect(recent.get('a', loader('a', report('db a')))).resolves.toEqual(
      report('new a'),
    );
    await expect(recent.get('b', loader('b', report('db b')))).resolves.toEqual(
      report('db b'),
    );
    expect(loads).toEqual(['a', 'b']);
  });

  it('keeps nothing a read saw before this process wrote', async () => {
    const { recent, loads, loader } = setup();
    await recent.get('a', loader('a', report('1')));
    let finish!: (v: StoredReportJson) => void;
    recent.forget(['a']);
    const slow = recent.get(
      'a',
      () => new Promise<StoredReportJson>(r => (finish = r)),
    );
    recent.written([['a', report('2')]]);
    finish(report('1'));
    await expect(slow).resolves.toEqual(report('1'));
    await expect(recent.get('a', loader('a', report('2')))).resolves.toEqual(
      report('2'),
    );
    expect(loads).toEqual(['a', 'a']);
  });

  it('never keeps what a read saw before a write that ended while it ran', async () => {
    const { recent, loads, loader } = setup();
    let finish!: (v: StoredReportJson) => void;
    const slow = recent.get(
      'a',
      () => new Promise<StoredReportJson>(r => (finish = r)),
    );
    recent.forget(['a']); // the write committed while the read was under way
    finish(report('old'));
    await expect(slow).resolves.toEqual(report('old'));
    await expect(recent.get('a', loader('a', report('new')))).resolves.toEqual(
      report('new'),
    );
    expect(loads).toEqual(['a']);
  });

  it('keeps at most maxChars of JSON, dropping the oldest reads first', async () => {
    const { recent, loads, loader } = setup({ maxChars: 10 });
    await recent.get('a', loader('a', report('aaaa')));
    await recent.get('b', loader('b', report('bbbb')));
    await recent.get('c', loader('c', report('cccc'))); // 12 > 10: a goes
    expect(recent.size).toBe(8);
    await recent.get('b', loader('b', report('x')));
    await recent.get('a', loader('a', report('aaaa')));
    await recent.get('big', loader('big', report('x'.repeat(11)))); // never kept
    expect(loads).toEqual(['a', 'b', 'c', 'a', 'big']);
    expect(recent.size).toBeLessThanOrEqual(10);
  });

  it('with a TTL of 0, reads the database every time', async () => {
    const { recent, loads, loader } = setup({ ttlMs: 0 });
    await recent.get('a', loader('a', report('1')));
    await recent.get('a', loader('a', report('1')));
    expect(loads).toEqual(['a', 'a']);
  });

  it('holds reports as UTF-8 bytes, and serves bytes written by a worker as they are', async () => {
    let now = 1_000_000;
    const recent = new RecentReports({ clock: () => now });
    const json = '{"summary":"ünïcödé ✓ ≥ 90"}';
    const loaded = { json, generatedAt: '2026-11-30T10:00:00.000Z' };
    await recent.get('a', async () => loaded);
    const held = await recent.get('a', async () => undefined);
    expect(held?.bytes).toEqual(Buffer.from(json, 'utf8'));
    expect(held?.json).toBe(json);
    expect(recent.size).toBe(Buffer.byteLength(json, 'utf8'));

    const bytes = Buffer.from('{"b":"ß"}', 'utf8');
    recent.written([['a', { bytes, generatedAt: '2026-11-30T10:01:00.000Z' }]]);
    now += 1;
    const written = await recent.get('a', async () => undefined);
    expect(written?.bytes).toBe(bytes);
    expect(written).toMatchObject({
      json: '{"b":"ß"}',
      generatedAt: '2026-11-30T10:01:00.000Z',
    });
    expect(recent.size).toBe(bytes.length);
  });
});
