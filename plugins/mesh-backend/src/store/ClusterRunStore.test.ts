import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import { openStores } from '.';

describe.each(TEST_DATABASES)('ClusterRunStore on %s', engine => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await db.dispose();
  });

  it('counts started and finished runs per cluster, with the last outcome', async () => {
    const { runs } = await openStores(db.knex);
    expect(await runs.get('eu')).toEqual({
      cluster: 'eu',
      startedRuns: 0,
      finishedRuns: 0,
    });
    await runs.started('eu', new Date('2026-11-30T10:00:00Z'));
    await runs.started('us', new Date('2026-11-30T10:00:00Z'));
    expect(await runs.get('eu')).toMatchObject({
      startedRuns: 1,
      finishedRuns: 0,
      startedAt: '2026-11-30T10:00:00.000Z',
    });
    await runs.finished('eu', new Date('2026-11-30T10:00:05Z'), {
      ok: false,
      error: 'prometheus: run deadline passed',
    });
    expect(await runs.get('eu')).toEqual({
      cluster: 'eu',
      startedRuns: 1,
      finishedRuns: 1,
      startedAt: '2026-11-30T10:00:00.000Z',
      finishedAt: '2026-11-30T10:00:05.000Z',
      ok: false,
      error: 'prometheus: run deadline passed',
    });
    await runs.started('eu', new Date('2026-11-30T10:05:00Z'));
    await runs.finished('eu', new Date('2026-11-30T10:05:04Z'), { ok: true });
    expect(await runs.get('eu')).toMatchObject({
      startedRuns: 2,
      finishedRuns: 2,
      ok: true,
    });
    expect((await runs.get('eu')).error).toBeUndefined();
    expect(await runs.get('us')).toMatchObject({
      startedRuns: 1,
      finishedRuns: 0,
    });
  });
});
