import { Waiver } from '@mesh-readiness/plugin-mesh-common';
import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import { openStores } from '.';
import { WaiverStore } from './WaiverStore';

const waiver = (o: Partial<Waiver>): Waiver => ({
  id: '00000000-0000-4000-8000-000000000001',
  entityRef: 'component:default/checkout',
  checkId: 'security.egress',
  reason: 'egress gateway lands next sprint ✓ ünïcödé',
  until: '2026-12-31',
  createdBy: 'user:default/alice',
  createdAt: '2026-02-01T09:00:00.000Z',
  ...o,
});

describe.each(TEST_DATABASES)('WaiverStore on %s', kind => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: WaiverStore;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    store = (await openStores(db.knex)).waivers;
  }, 30_000);

  afterAll(async () => {
    await db?.dispose();
  });

  beforeEach(async () => {
    await db.knex('mesh_waivers').delete();
  });

  it('round-trips a waiver exactly, with and without an end day', async () => {
    const withEnd = waiver({});
    const { until: _until, ...openEnded } = waiver({
      id: '00000000-0000-4000-8000-000000000002',
    });
    await store.add(withEnd);
    await store.add(openEnded);
    await expect(store.get(withEnd.id)).resolves.toEqual(withEnd);
    await expect(store.get(openEnded.id)).resolves.toEqual(openEnded);
    await expect(
      store.get('00000000-0000-4000-8000-00000000000f'),
    ).resolves.toBeUndefined();
  });

  it('lists an entity’s waivers whatever the case of its ref, newest first, lapsed ones too', async () => {
    await store.add(
      waiver({ id: 'a', entityRef: 'Component:default/Checkout' }),
    );
    await store.add(
      waiver({
        id: 'b',
        until: '2020-01-01',
        createdAt: '2026-03-01T00:00:00.000Z',
      }),
    );
    await store.add(waiver({ id: 'c', entityRef: 'component:default/cart' }));
    const found = await store.listFor('COMPONENT:default/checkout');
    expect(found.map(w => [w.id, w.entityRef])).toEqual([
      ['b', 'component:default/checkout'],
      ['a', 'Component:default/Checkout'],
    ]);
    await expect(store.listFor('component:default/nope')).resolves.toEqual([]);
  });

  it('lists for a run those without an end and those ending on or after a day, in one query', async () => {
    await store.add(waiver({ id: 'ends-later', until: '2026-12-31' }));
    await store.add(waiver({ id: 'ends-that-day', until: '2026-06-01' }));
    await store.add(waiver({ id: 'ended-before', until: '2026-05-31' }));
    const { until: _u, ...open } = waiver({ id: 'open-ended' });
    await store.add(open);
    const ids = (await store.listSince('2026-06-01')).map(w => w.id).sort();
    expect(ids).toEqual(['ends-later', 'ends-that-day', 'open-ended']);
  });

  it('deletes one, and says when there was none', async () => {
    await store.add(waiver({}));
    await expect(store.delete(waiver({}).id)).resolves.toBe(true);
    await expect(store.delete(waiver({}).id)).resolves.toBe(false);
    await expect(store.get(waiver({}).id)).resolves.toBeUndefined();
  });
});
