import { Timings } from './timings';

describe('Timings', () => {
  it('adds up repeated phases and records a phase that throws', async () => {
    const timings = new Timings();
    const wait = (ms: number) => new Promise(r => setTimeout(r, ms));
    await timings.time('fetch', () => wait(20));
    await timings.time('fetch', () => wait(20));
    await expect(
      timings.time('parse', async () => {
        await wait(10);
        throw new Error('bad');
      }),
    ).rejects.toThrow('bad');
    expect(await timings.time('sync', () => 42)).toBe(42);
    expect(Object.keys(timings.ms).sort()).toEqual(['fetch', 'parse', 'sync']);
    expect(timings.ms.fetch).toBeGreaterThanOrEqual(38);
    expect(timings.ms.parse).toBeGreaterThanOrEqual(8);
  });
});
