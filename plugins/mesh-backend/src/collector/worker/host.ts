import { Worker } from 'node:worker_threads';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { Config } from '@backstage/config';
import {
  deserializeError,
  serializeError,
  ServiceUnavailableError,
  stringifyError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import type {
  CollectionObserver,
  CollectionResult,
  RunEntities,
  RunExecutor,
} from '../MeshCollector';
import type { StoredReportBytes } from '../../store/recentReports';
import type { MeshCheck } from '@mesh-readiness/plugin-mesh-node';
import { hasSourceExtensions, SourceExtensions } from '../clusterSources';
import {
  decodeCatalogRequest,
  FromWorker,
  ToWorker,
  WorkerData,
  WorkerDatabase,
} from './protocol';
import { WORKER_FILE } from './thread';

interface PendingRun {
  resolve: (result: CollectionResult) => void;
  reject: (e: Error) => void;
  fetched: () => Promise<RunEntities>;
}

export interface WorkerRunsOptions {
  /** The backend's `mesh` and `kubernetes` config. */
  config: JsonObject;
  database: WorkerDatabase;
  catalog: Pick<CatalogService, 'getEntities' | 'getEntitiesByRefs'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  logger: LoggerService;
  observer?: CollectionObserver;
  /** Told the reports the worker committed (the serving side's RecentReports). */
  written: (reports: Array<[key: string, value: StoredReportBytes]>) => void;
  runDeadlineMs?: number;
}

/**
 * Runs the collections in a worker thread (collector/worker/thread.ts). A run's CPU
 * (parsing the sources' answers, building a fleet's reports, encoding them) and its
 * garbage then live in another V8 isolate: its collections no longer pause the event
 * loop that answers reads, which time slices alone could not promise, since a slice
 * still waits for the isolate's garbage collections.
 *
 * The worker starts with the first run, and again after it failed: a run in flight
 * when it fails ends with a 503 naming the cause.
 */
export class WorkerRuns implements RunExecutor {
  private worker?: Worker;
  private nextId = 0;
  private readonly runs = new Map<number, PendingRun>();

  constructor(private readonly options: WorkerRunsOptions) {}

  execute(
    clusters: string[],
    fetched: () => Promise<RunEntities>,
  ): Promise<CollectionResult> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<CollectionResult>((resolve, reject) => {
      this.runs.set(id, { resolve, reject, fetched });
      this.post(worker, { type: 'run', id, clusters });
    });
  }

  /** Stops the worker (backend shutdown); runs in flight fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failRuns('the backend is shutting down');
    await worker?.terminate();
  }

  private failRuns(cause: string): void {
    if (this.runs.size === 0) return;
    const error = new ServiceUnavailableError(
      `The mesh collection worker stopped (${cause}); the next run starts a new one`,
    );
    this.options.logger.error(error.message);
    for (const run of this.runs.values()) run.reject(error);
    this.runs.clear();
  }

  private start(): Worker {
    const data: WorkerData = {
      meshCollectorWorker: true,
      config: this.options.config,
      database: this.options.database,
      runDeadlineMs: this.options.runDeadlineMs,
    };
    const worker = new Worker(WORKER_FILE, {
      workerData: data,
      execArgv: transformArgs(),
    });
    // A backend with nothing else to do may exit while the worker idles.
    worker.unref();
    worker.on('message', (message: FromWorker) =>
      this.receive(worker, message),
    );
    const stopped = (cause: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failRuns(cause);
    };
    worker.on('error', e => stopped(stringifyError(e)));
    worker.on('exit', code => stopped(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  private receive(worker: Worker, message: FromWorker): void {
    const { logger } = this.options;
    switch (message.type) {
      case 'log':
        logger[message.level](message.message, { thread: 'collection-worker' });
        return;
      case 'collected':
        try {
          this.options.observer?.clusterCollected(message.collection);
        } catch (e) {
          logger.warn(
            `The mesh collection's observer failed: ${stringifyError(e)}`,
          );
        }
        return;
      case 'written': {
        const bytes = Buffer.from(message.bytes);
        this.options.written(
          message.reports.map(([key, generatedAt, start, end]) => [
            key,
            { bytes: bytes.subarray(start, end), generatedAt },
          ]),
        );
        return;
      }
      case 'fetched': {
        const run = this.runs.get(message.id);
        run
          ?.fetched()
          .then(value =>
            this.post(worker, { type: 'entities', id: message.id, value }),
          );
        return;
      }
      case 'call':
        this.answer(worker, message).catch(() => undefined);
        return;
      case 'done':
      case 'failed': {
        const run = this.runs.get(message.id);
        this.runs.delete(message.id);
        if (message.type === 'done') run?.resolve(message.result);
        else run?.reject(deserializeError(message.error));
        return;
      }
      default:
    }
  }

  private async answer(
    worker: Worker,
    call: Extract<FromWorker, { type: 'call' }>,
  ): Promise<void> {
    const { catalog, auth } = this.options;
    try {
      const credentials = await auth.getOwnServiceCredentials();
      const request = decodeCatalogRequest(call.request);
      const value =
        call.method === 'getEntities'
          ? await catalog.getEntities(request, { credentials })
          : await catalog.getEntitiesByRefs(request, { credentials });
      this.post(worker, { type: 'answer', id: call.id, value });
    } catch (e) {
      this.post(worker, {
        type: 'answer',
        id: call.id,
        error: serializeError(e instanceof Error ? e : new Error(String(e))),
      });
    }
  }
}

/**
 * The worker loads this plugin's modules as the backend does. From a build they are
 * JavaScript; from the sources (tests, `backstage-cli package start` without its hook
 * in execArgv) the worker needs the CLI's TypeScript hook, which the backend's own
 * `--require` would otherwise pass down.
 */
function transformArgs(): string[] | undefined {
  if (!WORKER_FILE.endsWith('.ts')) return undefined;
  if (process.execArgv.some(a => a.includes('nodeTransform'))) return undefined;
  return [
    '--require',
    require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
  ];
}

/**
 * The worker for `mesh.collector.worker: true`, or none (the runs stay in this thread)
 * when it cannot run them as this thread would; the log says why.
 */
export async function collectionWorker(
  options: Omit<WorkerRunsOptions, 'config' | 'database'> & {
    config: Config;
    database: Knex;
    /** What modules added: functions, which stay in this thread. */
    extensions: { checks: MeshCheck[]; sources: SourceExtensions };
  },
): Promise<WorkerRuns | undefined> {
  const { config, database, extensions, ...rest } = options;
  const target = workerDatabaseOf(database);
  const stay = (why: string) => {
    rest.logger.warn(
      `mesh.collector.worker is true, but the collections run in the backend's thread: ${why}`,
    );
    return undefined;
  };
  if (extensions.checks.length > 0 || hasSourceExtensions(extensions.sources))
    return stay(
      'modules added checks or sources, which run in this thread only',
    );
  if ('unavailable' in target) return stay(target.unavailable);
  rest.logger.info('Mesh collections run in a worker thread');
  return new WorkerRuns({
    ...rest,
    database: target,
    config: {
      mesh: config.getOptional('mesh') ?? {},
      kubernetes: config.getOptional('kubernetes') ?? {},
    } as JsonObject,
  });
}

/**
 * How a worker reaches the plugin's database, from the plugin's knex, or why it cannot:
 * an in-memory SQLite database lives in this thread only, and settings that are not
 * plain data (a connection function) do not cross to a thread.
 */
export function workerDatabaseOf(
  knex: Knex,
): WorkerDatabase | { unavailable: string } {
  const config = knex.client.config as Knex.Config;
  const client = typeof config.client === 'string' ? config.client : undefined;
  const connection = config.connection;
  if (!client)
    return { unavailable: 'the database client is not named by a string' };
  if (typeof connection !== 'string' && !isPlainData(connection))
    return { unavailable: 'the database connection is not plain settings' };
  const filename = (connection as { filename?: unknown })?.filename;
  if (
    /sqlite/.test(client) &&
    (filename === ':memory:' ||
      (typeof filename === 'string' && filename.includes('mode=memory')))
  )
    return { unavailable: 'the database is an in-memory SQLite database' };
  return {
    client,
    connection: connection as JsonObject | string,
    ...(config.searchPath !== undefined
      ? { searchPath: config.searchPath as string | string[] }
      : {}),
    ...(config.useNullAsDefault !== undefined
      ? { useNullAsDefault: config.useNullAsDefault }
      : {}),
  };
}

function isPlainData(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  try {
    // Throws on what cannot cross to a thread: functions, at any depth.
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
