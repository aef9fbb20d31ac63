import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import { openStores } from '.';
import { ClusterFleetInput } from './ClusterFleetStore';

const figures = (
  cluster: string,
  runAt: string,
  sidecars: number,
  nodes: number | null,
): ClusterFleetInput => ({
  cluster,
  runAt,
  entities: 4,
  sidecars: {
    count: sidecars,
    measured: sidecars - 1,
    requested: { cpuCores: sidecars * 0.1, memoryBytes: sidecars * 128e6 },
    used: { cpuCores: sidecars * 0.02, memoryBytes: sidecars * 40e6 },
  },
  doubleInstrumentation: { appSeries: 120, estimatedBytes: 360000 },
  medianPropagationRatio: 0.97,
  propagationMeasured: 3,
  nodes,
});

describe.each(TEST_DATABASES)('ClusterFleetStore on %s', engine => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("keeps each cluster's figures per run, the day's latest run winning", async () => {
    const { clusterFleet } = await openStores(db.knex);
    await clusterFleet.record([
      figures('eu', '2026-11-29T10:00:00.000Z', 10, 3),
      figures('us', '2026-11-29T10:00:00.000Z', 4, null),
    ]);
    await clusterFleet.record([
      figures('eu', '2026-11-30T09:00:00.000Z', 12, 3),
    ]);
    await clusterFleet.record([
      figures('eu', '2026-11-30T09:05:00.000Z', 20, 4),
    ]);

    const latest = await clusterFleet.latest();
    expect([...latest.keys()].sort()).toEqual(['eu', 'us']);
    expect(latest.get('eu')).toEqual({
      cluster: 'eu',
      runAt: '2026-11-30T09:05:00.000Z',
      day: '2026-11-30',
      entities: 4,
      sidecars: {
        count: 20,
        measured: 19,
        requested: { cpuCores: 2, memoryBytes: 2560e6 },
        used: { cpuCores: 0.4, memoryBytes: 800e6 },
      },
      doubleInstrumentation: { appSeries: 120, estimatedBytes: 360000 },
      medianPropagationRatio: 0.97,
      propagationMeasured: 3,
      nodes: 4,
      ambient: expect.objectContaining({
        sidecarRequests: { cpuCores: 2, memoryBytes: 2560e6 },
        ztunnel: { cpuCores: 0.24, memoryBytes: 48e6 },
        net: { cpuCores: 1.76, memoryBytes: 2560e6 - 48e6 },
      }),
    });
    // No node names in the data: no ztunnel side.
    expect(latest.get('us')).toMatchObject({
      day: '2026-11-29',
      nodes: null,
      ambient: { ztunnel: null, net: { cpuCores: 0.4, memoryBytes: 512e6 } },
    });
    expect([...(await clusterFleet.latest(['us'])).keys()]).toEqual(['us']);

    const history = await clusterFleet.history('eu', '2026-11-01');
    expect(history.map(p => [p.day, p.sidecars.count])).toEqual([
      ['2026-11-29', 10],
      ['2026-11-30', 20],
    ]);
    expect(await clusterFleet.history('eu', '2026-11-30')).toHaveLength(1);

    expect(await clusterFleet.prune('2026-12-01', 1)).toBe(2);
    expect(await clusterFleet.history('eu', '2026-01-01')).toHaveLength(1);
  });
});
