import { mockCredentials } from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  BackstageNonePrincipal,
} from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogEntities } from './catalogEntities';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {},
});
const ref = (name: string) => `component:default/${name}`;

/** A catalog that shows alice every entity but `secret`, and records its calls. */
function fakeCatalog(options: { fail?: () => boolean } = {}) {
  const calls: { who: string; refs: string[] }[] = [];
  const single: string[] = [];
  const who = (c: BackstageCredentials) =>
    (c.principal as { userEntityRef?: string; subject?: string })
      .userEntityRef ??
    (c.principal as { subject?: string }).subject ??
    (c.principal as { type: string }).type;
  const visible = (r: string) => {
    const { name } = parseEntityRef(r);
    return name === 'secret' ? undefined : entity(name);
  };
  const catalog = {
    async getEntitiesByRefs(
      request: { entityRefs: string[] },
      { credentials }: { credentials: BackstageCredentials },
    ) {
      calls.push({ who: who(credentials), refs: request.entityRefs });
      if (options.fail?.()) throw new Error('catalog is down');
      return { items: request.entityRefs.map(visible) };
    },
    async getEntityByRef(r: string) {
      single.push(r);
      return visible(r);
    },
  } as unknown as CatalogService;
  return { catalog, calls, single };
}

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');
const nextTurn = () => new Promise(r => setImmediate(r));

describe('CatalogEntities', () => {
  it.each([
    {
      name: 'look-ups of one caller in one turn share one call',
      lookups: [
        [alice, 'a'],
        [alice, 'b'],
        [alice, 'secret'],
      ],
      calls: [{ who: 'user:default/alice', refs: ['a', 'b', 'secret'] }],
    },
    {
      name: 'the same ref twice is asked once, and both get the answer',
      lookups: [
        [alice, 'a'],
        [alice, 'a'],
      ],
      calls: [{ who: 'user:default/alice', refs: ['a'] }],
    },
    {
      name: 'each caller gets a call of its own, with its credentials',
      lookups: [
        [alice, 'a'],
        [bob, 'a'],
        [alice, 'b'],
      ],
      calls: [
        { who: 'user:default/alice', refs: ['a', 'b'] },
        { who: 'user:default/bob', refs: ['a'] },
      ],
    },
  ] as const)('$name', async ({ lookups, calls: expected }) => {
    const { catalog, calls } = fakeCatalog();
    const entities = new CatalogEntities(catalog);
    const answers = await Promise.all(
      lookups.map(([who, name]) => entities.lookUp(ref(name), who)),
    );
    expect(answers.map(e => e?.metadata.name)).toEqual(
      lookups.map(([, name]) => (name === 'secret' ? undefined : name)),
    );
    expect(calls).toEqual(
      expected.map(c => ({ who: c.who, refs: c.refs.map(ref) })),
    );
  });

  it('splits a batch past 500 refs into calls of at most 500', async () => {
    const { catalog, calls } = fakeCatalog();
    const entities = new CatalogEntities(catalog);
    const names = Array.from({ length: 1_201 }, (_, i) => `svc-${i}`);
    const answers = await Promise.all(
      names.map(n => entities.lookUp(ref(n), alice)),
    );
    expect(answers.map(e => e?.metadata.name)).toEqual(names);
    expect(calls.map(c => c.refs.length)).toEqual([500, 500, 201]);
  });

  it('answers from its cache within the TTL, without a call', async () => {
    const { catalog, calls } = fakeCatalog();
    const entities = new CatalogEntities(catalog, { ttlMs: 5_000 });
    await entities.lookUp(ref('a'), alice);
    await entities.lookUp(ref('a'), alice);
    await expect(entities.lookUp(ref('secret'), alice)).resolves.toBe(
      undefined,
    );
    await expect(entities.lookUp(ref('secret'), alice)).resolves.toBe(
      undefined,
    );
    expect(calls.flatMap(c => c.refs)).toEqual([ref('a'), ref('secret')]);
  });

  it('gathers refreshes ahead for the window, and a waiting look-up sends them at once', async () => {
    let now = 1_000_000;
    const { catalog, calls } = fakeCatalog();
    const entities = new CatalogEntities(catalog, {
      ttlMs: 5_000,
      backgroundWindowMs: 60_000,
      clock: () => now,
    });
    await Promise.all(['a', 'b'].map(n => entities.lookUp(ref(n), alice)));
    expect(calls).toHaveLength(1);

    // Both in the last fifth of their life: served from the cache, reloaded behind.
    now += 4_500;
    await entities.lookUp(ref('a'), alice);
    await nextTurn();
    await entities.lookUp(ref('b'), alice);
    await nextTurn();
    expect(calls).toHaveLength(1); // still gathering

    // A look-up someone waits for (a miss) goes now and takes the gathered ones along.
    await entities.lookUp(ref('c'), alice);
    expect(calls).toHaveLength(2);
    expect(calls[1].refs).toEqual([ref('a'), ref('b'), ref('c')]);
  });

  it('sends gathered refreshes ahead when the window ends', async () => {
    let now = 1_000_000;
    const { catalog, calls } = fakeCatalog();
    const entities = new CatalogEntities(catalog, {
      ttlMs: 5_000,
      backgroundWindowMs: 20,
      clock: () => now,
    });
    await entities.lookUp(ref('a'), alice);
    now += 4_500;
    await entities.lookUp(ref('a'), alice);
    expect(calls).toHaveLength(1);
    await new Promise(r => setTimeout(r, 50));
    expect(calls).toHaveLength(2);
    expect(calls[1].refs).toEqual([ref('a')]);
  });

  it('fails every look-up of a failed call, keeps none of them, and asks again', async () => {
    let down = true;
    const { catalog, calls } = fakeCatalog({ fail: () => down });
    const entities = new CatalogEntities(catalog, { ttlMs: 5_000 });
    const failed = await Promise.allSettled(
      ['a', 'b'].map(n => entities.lookUp(ref(n), alice)),
    );
    expect(failed.map(f => f.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toHaveLength(1);
    down = false;
    await expect(entities.lookUp(ref('a'), alice)).resolves.toEqual(
      entity('a'),
    );
    expect(calls).toHaveLength(2);
  });

  it('asks one ref at a time for a caller it cannot key', async () => {
    const { catalog, calls, single } = fakeCatalog();
    const entities = new CatalogEntities(catalog);
    const odd = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'robot' } as unknown as BackstageNonePrincipal,
    } as BackstageCredentials;
    await Promise.all(['a', 'b'].map(n => entities.lookUp(ref(n), odd)));
    expect(calls).toEqual([]);
    expect(single).toEqual([ref('a'), ref('b')]);
  });
});
