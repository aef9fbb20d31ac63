import { mockCredentials } from '@backstage/backend-test-utils';
import { ClusterFleetFigures } from '@mesh-readiness/plugin-mesh-common';
import { ClusterFleetStore } from '../store/ClusterFleetStore';
import { ClusterRunStore } from '../store/ClusterRunStore';
import { ClusterFleetService } from './ClusterFleetService';

const figures = (cluster: string) =>
  ({ cluster, day: '2026-11-30' } as ClusterFleetFigures);

function serviceSeeing(visible: string[]) {
  const asked: Array<[string, string]> = [];
  const fleet = {
    latest: async (clusters: string[]) =>
      new Map(clusters.filter(c => c !== 'new').map(c => [c, figures(c)])),
    history: async (cluster: string, sinceDay: string) => {
      asked.push([cluster, sinceDay]);
      return [figures(cluster)];
    },
  } as unknown as ClusterFleetStore;
  const runs = {
    get: async (cluster: string) =>
      cluster === 'new'
        ? { cluster, startedRuns: 1, finishedRuns: 0 }
        : {
            cluster,
            startedRuns: 3,
            finishedRuns: 3,
            finishedAt: '2026-11-30T10:00:00.000Z',
            ok: true,
          },
  } as unknown as ClusterRunStore;
  const service = new ClusterFleetService({
    clusters: () => ['eu', 'us', 'new'],
    fleet,
    runs,
    visibleClusters: async () => new Set(visible),
  });
  return { service, asked };
}

const USER = mockCredentials.user('user:default/ana');

describe('ClusterFleetService', () => {
  it('lists the configured clusters the caller sees an entity in, in config order', async () => {
    const { service } = serviceSeeing(['new', 'eu', 'elsewhere']);
    expect(await service.list(USER)).toEqual({
      clusters: [
        {
          name: 'eu',
          lastRun: { finishedAt: '2026-11-30T10:00:00.000Z', ok: true },
          fleet: figures('eu'),
        },
        // Collecting for the first time: no finished run, no figures yet.
        { name: 'new', lastRun: null },
      ],
    });
    expect(await serviceSeeing([]).service.list(USER)).toEqual({
      clusters: [],
    });
  });

  it("serves a cluster's days only to a caller who sees an entity there", async () => {
    const { service, asked } = serviceSeeing(['eu']);
    const now = new Date('2026-11-30T12:00:00Z');
    expect(await service.history('eu', 7, USER, now)).toEqual({
      cluster: 'eu',
      days: 7,
      points: [figures('eu')],
    });
    expect(asked).toEqual([['eu', '2026-11-24']]);
    await expect(service.history('us', 7, USER, now)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(
      service.history('elsewhere', 7, USER, now),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
