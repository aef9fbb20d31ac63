import {
  isMainThread,
  MessagePort,
  parentPort,
  workerData,
} from 'node:worker_threads';
import { ConfigReader } from '@backstage/config';
import { deserializeError, serializeError } from '@backstage/errors';
import {
  AuthService,
  BackstageCredentials,
  BackstageServicePrincipal,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import { readMeshConfig } from '../../config';
import { openStores } from '../../store';
import { NO_SOURCE_EXTENSIONS } from '../clusterSources';
import {
  MeshCollector,
  MeshCollectorOptions,
  RunEntities,
} from '../MeshCollector';
import { collectorParts } from '../wiring';
import {
  CatalogCall,
  encodeCatalogRequest,
  FromWorker,
  ToWorker,
  WorkerData,
} from './protocol';

/** This module's file: the plugin starts its collection worker from it. */
export const WORKER_FILE = __filename;

/** Reports' JSON per `written` message. */
const WRITTEN_BYTES = 1024 * 1024;

/**
 * The collection worker: a MeshCollector of its own (the built-in checks and sources,
 * its own connection to the plugin's database) that carries out the runs the plugin's
 * collector hands it. Catalog calls, logs, the `/metrics` observer and the reports it
 * commits go back to the plugin as messages.
 */
async function serve(port: MessagePort, data: WorkerData): Promise<void> {
  const send = (message: FromWorker) => port.postMessage(message);
  let nextCall = 0;
  const calls = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  const entities = new Map<number, (value: RunEntities) => void>();
  const call = (c: CatalogCall) =>
    new Promise<any>((resolve, reject) => {
      const id = nextCall++;
      calls.set(id, { resolve, reject });
      send({ type: 'call', id, ...c });
    });

  const log =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, meta?: Error | object) =>
      send({
        type: 'log',
        level,
        message:
          meta instanceof Error ? `${message} ${meta.stack ?? meta}` : message,
      });
  const logger = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  } as unknown as LoggerService;

  const config = new ConfigReader(data.config);
  // The plugin has read (and warned about) this config already.
  const meshConfig = readMeshConfig(config);
  const knex = knexFactory({
    client: data.database.client,
    connection: data.database.connection as any,
    searchPath: data.database.searchPath,
    useNullAsDefault: data.database.useNullAsDefault,
    pool: { min: 0, max: 4 },
  });
  const database: DatabaseService = {
    getClient: async () => knex,
    // The plugin migrated the database before it started this worker.
    migrations: { skip: true },
  };
  const stores = await openStores(database, {
    declaredAttestations: meshConfig.attestations,
    reportsWritten: reports => {
      for (let i = 0; i < reports.length; ) {
        const batch: Array<[string, string, number, number]> = [];
        let size = 0;
        const first = i;
        for (
          ;
          i < reports.length && (i === first || size < WRITTEN_BYTES);
          i++
        ) {
          const [key, value] = reports[i];
          const length = Buffer.byteLength(value.json, 'utf8');
          batch.push([key, value.generatedAt, size, size + length]);
          size += length;
        }
        // Its own memory, not the shared pool's, so that it can be moved.
        const bytes = Buffer.allocUnsafeSlow(size);
        for (let j = 0; j < batch.length; j++)
          bytes.write(reports[first + j][1].json, batch[j][2], 'utf8');
        port.postMessage(
          {
            type: 'written',
            reports: batch,
            bytes: bytes.buffer,
          } satisfies FromWorker,
          [bytes.buffer],
        );
      }
    },
  });
  const parts = collectorParts(config, meshConfig, {
    checks: [],
    sources: NO_SOURCE_EXTENSIONS,
  });
  const catalog: MeshCollectorOptions['catalog'] = {
    getEntities: request =>
      call({ method: 'getEntities', request: encodeCatalogRequest(request) }),
    getEntitiesByRefs: request =>
      call({
        method: 'getEntitiesByRefs',
        request: encodeCatalogRequest(request),
      }),
    getEntityByRef: async () => {
      throw new Error('the collection worker does not look entities up');
    },
  };
  // The plugin answers catalog calls with its own credentials; these are never read.
  const auth: Pick<AuthService, 'getOwnServiceCredentials'> = {
    getOwnServiceCredentials: async () =>
      ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'service', subject: 'plugin:mesh' },
      } as BackstageCredentials<BackstageServicePrincipal>),
  };
  const collector = new MeshCollector({
    config: meshConfig,
    catalog,
    auth,
    stores,
    logger,
    ...parts,
    runDeadlineMs: data.runDeadlineMs,
    observer: {
      clusterCollected: collection => send({ type: 'collected', collection }),
    },
  });

  port.on('message', (message: ToWorker) => {
    if (message.type === 'answer') {
      const pending = calls.get(message.id);
      calls.delete(message.id);
      if (message.error) pending?.reject(deserializeError(message.error));
      else pending?.resolve(message.value);
    } else if (message.type === 'entities') {
      entities.get(message.id)?.(message.value);
      entities.delete(message.id);
    } else if (message.type === 'run') {
      const { id } = message;
      collector
        .execute(
          message.clusters,
          () =>
            new Promise<RunEntities>(resolve => {
              entities.set(id, resolve);
              send({ type: 'fetched', id });
            }),
        )
        .then(
          result => send({ type: 'done', id, result }),
          e =>
            send({
              type: 'failed',
              id,
              error: serializeError(
                e instanceof Error ? e : new Error(String(e)),
              ),
            }),
        );
    }
  });
}

if (!isMainThread && (workerData as WorkerData)?.meshCollectorWorker) {
  serve(parentPort!, workerData as WorkerData).catch(e => {
    // The plugin sees the thread exit with this error and fails the runs waiting.
    throw e;
  });
}
