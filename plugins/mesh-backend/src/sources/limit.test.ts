import { createLimiter, mapLimit } from './limit';

const tick = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('mapLimit', () => {
  it.each([1, 2, 5])(
    'keeps the order and at most %i calls in flight',
    async limit => {
      let inFlight = 0;
      let max = 0;
      const items = [30, 5, 20, 1, 10, 15, 2, 8];
      const out = await mapLimit(items, limit, async (ms, i) => {
        inFlight += 1;
        max = Math.max(max, inFlight);
        await tick(ms);
        inFlight -= 1;
        return `${i}:${ms}`;
      });
      expect(out).toEqual(items.map((ms, i) => `${i}:${ms}`));
      expect(max).toBe(limit);
    },
  );

  it('rejects with the error of a failing call', async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async n => {
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
  });

  it('handles no items', async () => {
    await expect(mapLimit([], 3, async x => x)).resolves.toEqual([]);
  });
});

describe('createLimiter', () => {
  it('frees a slot when a task fails, including one that throws synchronously', async () => {
    const run = createLimiter(1);
    await expect(
      run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(
      run(async () => {
        throw new Error('async');
      }),
    ).rejects.toThrow('async');
    await expect(run(async () => 'ok')).resolves.toBe('ok');
  });

  it.each([0, -1, 1.5, NaN])('refuses a concurrency of %p', n => {
    expect(() => createLimiter(n)).toThrow(/positive integer/);
  });
});
