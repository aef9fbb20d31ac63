import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import meshPlugin from '@mesh-readiness/plugin-mesh-backend';
import knexFactory, { Knex } from 'knex';

export interface TestBackend {
  server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  stop(): Promise<void>;
}

/**
 * A real Backstage backend running the mesh plugin, with the catalog served from the
 * scenario's entities and a config pointing at the scenario's sources.
 */
export async function startMeshBackend(options: {
  entities: Entity[];
  mesh: Record<string, unknown>;
  /** The plugin's database; SQLite in memory unless given (e.g. a shared PostgreSQL). */
  knex?: Knex;
  /**
   * Backstage's real scheduler (database-locked, periodic) instead of the test mock,
   * which runs each task once at startup.
   */
  realScheduler?: boolean;
  /** More backend features, e.g. an adopter's module that extends the mesh plugin. */
  features?: BackendFeature[];
  /** Collects the plugin's log lines here (message and fields) instead of printing them. */
  logs?: Array<{ level: string; message: string; meta?: unknown }>;
}): Promise<TestBackend> {
  // The test backend does not close the databases it opens, so the test owns the
  // connection and closes it after the backend stops.
  const knex =
    options.knex ??
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
  const backend = await startTestBackend({
    features: [
      meshPlugin,
      ...(options.features ?? []),
      mockServices.database.factory({ knex }),
      ...(options.realScheduler ? [schedulerServiceFactory] : []),
      ...(options.logs ? [recordingLogger(options.logs).factory] : []),
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
            // Tests refresh often as one user; the limit has a test of its own.
            refreshLimit: { requests: 10_000 },
            ...options.mesh,
          },
        },
      }),
    ],
  });
  return {
    server: backend.server,
    stop: async () => {
      await backend.stop();
      if (!options.knex) await knex.destroy();
    },
  };
}

function recordingLogger(
  logs: Array<{ level: string; message: string; meta?: unknown }>,
) {
  const line = (level: string) => (message: string, meta?: unknown) => {
    logs.push({ level, message, meta });
  };
  const logger = mockServices.logger.mock({
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    child: () => logger,
  });
  return logger;
}
