import { mockCredentials } from '@backstage/backend-test-utils';
import { principalKey, VisibilityCache } from './visibilityCache';

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let now = 1_000_000;
  const cache = new VisibilityCache<string | undefined>({
    ...options,
    clock: () => now,
  });
  const calls: string[] = [];
  const loader =
    (answer: string | undefined, what = 'load') =>
    async () => {
      calls.push(what);
      return answer;
    };
  return {
    cache,
    calls,
    loader,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');
const REF = 'component:default/checkout';

describe('VisibilityCache', () => {
  it('asks the catalog once per caller and ref within the TTL', async () => {
    const { cache, calls, loader } = setup({ ttlMs: 5_000 });
    await expect(cache.get(alice, REF, loader('e'))).resolves.toBe('e');
    await expect(cache.get(alice, REF, loader('other'))).resolves.toBe('e');
    await expect(
      cache.get(alice, 'Component:default/Checkout', loader('other')),
    ).resolves.toBe('e');
    expect(calls).toHaveLength(1);
  });

  it('keys by principal: one user never gets the answer given to another', async () => {
    const { cache, calls, loader } = setup();
    await expect(cache.get(alice, REF, loader('for alice'))).resolves.toBe(
      'for alice',
    );
    await expect(cache.get(bob, REF, loader(undefined))).resolves.toBe(
      undefined,
    );
    const service = mockCredentials.service('plugin:scaffolder');
    await expect(cache.get(service, REF, loader('for svc'))).resolves.toBe(
      'for svc',
    );
    expect(calls).toHaveLength(3);
  });

  it('keeps "no such entity" too, and asks again after the TTL', async () => {
    const { cache, calls, loader, advance } = setup({ ttlMs: 5_000 });
    await expect(cache.get(alice, REF, loader(undefined))).resolves.toBe(
      undefined,
    );
    await expect(cache.get(alice, REF, loader('new'))).resolves.toBe(undefined);
    advance(5_001);
    await expect(cache.get(alice, REF, loader('new'))).resolves.toBe('new');
    expect(calls).toHaveLength(2);
  });

  it('shares one look-up between concurrent readers', async () => {
    const { cache } = setup();
    let calls = 0;
    let release!: (v: string) => void;
    const load = () => {
      calls++;
      return new Promise<string | undefined>(r => {
        release = r;
      });
    };
    const all = Promise.all([1, 2, 3].map(() => cache.get(alice, REF, load)));
    release('e');
    await expect(all).resolves.toEqual(['e', 'e', 'e']);
    expect(calls).toBe(1);
  });

  it('never keeps a failed look-up', async () => {
    const { cache, calls, loader } = setup();
    await expect(
      cache.get(alice, REF, async () => {
        throw new Error('catalog down');
      }),
    ).rejects.toThrow('catalog down');
    await expect(cache.get(alice, REF, loader('e'))).resolves.toBe('e');
    expect(calls).toHaveLength(1);
  });

  it('reloads a key read near its expiry in the background, never serving past the TTL', async () => {
    const { cache, calls, loader, advance } = setup({ ttlMs: 5_000 });
    await cache.get(alice, REF, loader('v1', 'first'));
    advance(4_500); // in the last fifth of its life
    await expect(cache.get(alice, REF, loader('v2', 'ahead'))).resolves.toBe(
      'v1',
    );
    await new Promise(r => setImmediate(r));
    advance(1_000); // past v1's expiry: v2, loaded ahead, is served without a wait
    await expect(cache.get(alice, REF, loader('v3', 'late'))).resolves.toBe(
      'v2',
    );
    expect(calls).toEqual(['first', 'ahead']);
  });

  it('by default serves an answer up to 30 s old, reloading it behind once 5 s old', async () => {
    const { cache, calls, loader, advance } = setup();
    await cache.get(alice, REF, loader('v1', 'first'));
    advance(4_999);
    await expect(cache.get(alice, REF, loader('x', 'early'))).resolves.toBe(
      'v1',
    );
    advance(1); // 5 s old: served, and reloaded behind
    await expect(cache.get(alice, REF, loader('v2', 'behind'))).resolves.toBe(
      'v1',
    );
    await new Promise(r => setImmediate(r));
    await expect(cache.get(alice, REF, loader('x', 'again'))).resolves.toBe(
      'v2',
    );
    advance(30_000); // v2 is 30 s old: never served, the read waits for the catalog
    await expect(cache.get(alice, REF, loader('v3', 'expired'))).resolves.toBe(
      'v3',
    );
    expect(calls).toEqual(['first', 'behind', 'expired']);
  });

  it('stays within its bound, dropping the oldest answers first', async () => {
    const { cache, calls, loader } = setup({ maxEntries: 2 });
    for (const name of ['a', 'b', 'c'])
      await cache.get(alice, `component:default/${name}`, loader(name, name));
    expect(cache.size).toBe(2);
    await cache.get(alice, 'component:default/c', loader('c', 'c again'));
    await cache.get(alice, 'component:default/a', loader('a', 'a again'));
    expect(calls).toEqual(['a', 'b', 'c', 'a again']);
  });

  it('does not cache when off or when the principal is unknown', async () => {
    const off = setup({ ttlMs: 0 });
    await off.cache.get(alice, REF, off.loader('e'));
    await off.cache.get(alice, REF, off.loader('e'));
    expect(off.calls).toHaveLength(2);
    expect(
      principalKey({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'alien' },
      } as any),
    ).toBeUndefined();
    expect(principalKey(mockCredentials.none())).toBe('none');
    expect(principalKey(alice)).toBe('user:user:default/alice');
  });
});
