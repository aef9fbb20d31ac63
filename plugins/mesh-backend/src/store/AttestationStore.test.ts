import { Attestation } from '@mesh-readiness/plugin-mesh-common';
import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import { openStores } from '.';
import { AttestationStore } from './AttestationStore';

const attestation = (o: Partial<Attestation>): Attestation => ({
  id: '00000000-0000-4000-8000-000000000001',
  entityRef: 'component:default/checkout',
  checkId: 'operations.runbook',
  note: 'runbook reviewed ✓ ünïcödé',
  link: 'https://wiki.example.com/runbooks/checkout',
  createdBy: 'user:default/alice',
  createdAt: '2026-02-01T09:00:00.000Z',
  expiresAt: '2026-08-01T09:00:00.000Z',
  ...o,
});

describe.each(TEST_DATABASES)('AttestationStore on %s', kind => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: AttestationStore;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    store = (await openStores(db.knex)).attestations;
  }, 30_000);

  afterAll(async () => {
    await db?.dispose();
  });

  beforeEach(async () => {
    await db.knex('mesh_attestations').delete();
  });

  it('round-trips an attestation exactly, with and without a link', async () => {
    const withLink = attestation({});
    const { link: _link, ...withoutLink } = attestation({
      id: '00000000-0000-4000-8000-000000000002',
    });
    await store.add(withLink);
    await store.add(withoutLink);
    await expect(store.get(withLink.id)).resolves.toEqual(withLink);
    await expect(store.get(withoutLink.id)).resolves.toEqual(withoutLink);
    await expect(
      store.get('00000000-0000-4000-8000-00000000000f'),
    ).resolves.toBeUndefined();
  });

  it('lists those of any of the refs, whatever their case, newest first', async () => {
    await store.add(
      attestation({ id: 'a', entityRef: 'Component:default/Checkout' }),
    );
    await store.add(
      attestation({
        id: 'b',
        entityRef: 'group:default/team-shop',
        createdAt: '2026-03-01T00:00:00.000Z',
      }),
    );
    await store.add(
      attestation({ id: 'c', entityRef: 'group:default/team-pay' }),
    );
    const found = await store.listFor([
      'component:default/checkout',
      'GROUP:default/team-shop',
    ]);
    expect(found.map(a => [a.id, a.entityRef])).toEqual([
      ['b', 'group:default/team-shop'],
      ['a', 'Component:default/Checkout'],
    ]);
    await expect(store.listFor([])).resolves.toEqual([]);
  });

  it('lists for a run those still valid and those lapsed since the given time, in one query', async () => {
    await store.add(
      attestation({ id: 'valid', expiresAt: '2026-08-01T00:00:00.000Z' }),
    );
    await store.add(
      attestation({
        id: 'lapsed-lately',
        expiresAt: '2026-02-01T00:00:00.000Z',
      }),
    );
    await store.add(
      attestation({
        id: 'lapsed-long-ago',
        expiresAt: '2025-01-01T00:00:00.000Z',
      }),
    );
    const found = await store.listSince('2025-06-01T00:00:00.000Z');
    expect(found.map(a => a.id).sort()).toEqual(['lapsed-lately', 'valid']);
  });

  it('lists attestations declared in config with the stored ones, and knows them apart', async () => {
    const declared = attestation({
      id: 'config-0',
      entityRef: 'group:default/team-shop',
      checkId: 'operations.on-call',
      createdAt: '2026-03-01T09:00:00.000Z',
      expiresAt: '2026-04-01T09:00:00.000Z',
    });
    const withDeclared = new AttestationStore(db.knex, [declared]);
    const stored = attestation({});
    await withDeclared.add(stored);
    await expect(
      withDeclared.listFor([
        'component:default/checkout',
        'Group:default/Team-Shop',
      ]),
    ).resolves.toEqual([declared, stored]);
    await expect(
      withDeclared.listFor(['component:default/other']),
    ).resolves.toEqual([]);
    // Lapsed before the run's horizon: left out, like a stored one.
    await expect(
      withDeclared.listSince('2026-05-01T00:00:00.000Z'),
    ).resolves.toEqual([stored]);
    await expect(
      withDeclared.listSince('2026-03-15T00:00:00.000Z'),
    ).resolves.toEqual([stored, declared]);
    await expect(withDeclared.get('config-0')).resolves.toEqual(declared);
    expect(withDeclared.isDeclared('config-0')).toBe(true);
    expect(withDeclared.isDeclared(stored.id)).toBe(false);
  });

  it('deletes one, and says when there was none', async () => {
    await store.add(attestation({}));
    await expect(store.delete(attestation({}).id)).resolves.toBe(true);
    await expect(store.delete(attestation({}).id)).resolves.toBe(false);
    await expect(store.get(attestation({}).id)).resolves.toBeUndefined();
  });
});
