import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import meshPlugin from '@mesh-readiness/plugin-mesh-backend';

export type TestBackend = Awaited<ReturnType<typeof startTestBackend>>;

/**
 * A real Backstage backend running the mesh plugin, with the catalog served from the
 * scenario's entities and a config pointing at the scenario's sources.
 */
export async function startMeshBackend(options: {
  entities: Entity[];
  mesh: Record<string, unknown>;
}): Promise<TestBackend> {
  return startTestBackend({
    features: [
      meshPlugin,
      catalogServiceMock.factory({ entities: options.entities }),
      // A request without a token must be anonymous here, as in a real backend.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          mesh: {
            // The scheduled run would race the test's own refresh; tests trigger runs.
            schedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 1 },
              initialDelay: { hours: 24 },
            },
            ...options.mesh,
          },
        },
      }),
    ],
  });
}
