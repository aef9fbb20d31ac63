import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  NotFoundError,
  ServiceUnavailableError,
  stringifyError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  MeshReport,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { MeshConfig } from '../config';
import { resolveEntityMapping } from '../mapping/entityMapping';
import { MeshStores } from '../store';
import { dayOf } from '../store/HistoryStore';
import { CheckRegistry } from '../checks/registry';
import { ContextOptions } from '../context/entityContext';
import { buildEntityReport } from '../report/buildReport';
import { runInSlices, TimeSlices } from '../lib/timeSlices';
import { waiversByEntity } from '../report/waivers';
import { carryForward } from '../report/carryForward';
import { clusterFleetSteps } from '../report/clusterFleet';
import { Timings } from './timings';
import { TriggeredRefresh } from './triggeredRefresh';
import { scorecardEntityInfos } from './scorecardEntities';
import {
  ClusterSources,
  ClusterSourcesFactory,
  createClusterSources,
} from './clusterSources';
import {
  keepLastGood,
  notYetCollected,
  snapshotCluster,
} from './snapshotCluster';
import {
  ClusterSnapshot,
  DEFAULT_CHECK_SETTINGS,
} from '@mesh-readiness/plugin-mesh-node';
import type { CollectedSourceKind } from '@mesh-readiness/plugin-mesh-common';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { setMaxListeners } from 'node:events';

const ENTITY_FIELDS = [
  'kind',
  'metadata',
  'spec.owner',
  'spec.system',
  'spec.type',
];

export interface MeshCollectorOptions {
  config: MeshConfig;
  catalog: Pick<
    CatalogService,
    'getEntities' | 'getEntitiesByRefs' | 'getEntityByRef'
  >;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  stores: MeshStores;
  logger: LoggerService;
  registry: CheckRegistry;
  context: ContextOptions;
  sourcesFactory?: ClusterSourcesFactory;
  /**
   * How long one run may take to fetch its sources; the scheduler's `timeout` by default,
   * so a run never outlives the task that started it. For tests.
   */
  runDeadlineMs?: number;
  /** For tests: JOIN_RUNNING_WITHIN_MS by default. */
  joinRunningWithinMs?: number;
  /**
   * Set on a replica that does not collect (mesh.collector.enabled: false): requests
   * trigger the collecting replicas' tasks and wait for them instead of running here.
   */
  remote?: Pick<TriggeredRefresh, 'refresh'>;
  /** Told each cluster's collection (the `/metrics` export); never fails a run. */
  observer?: CollectionObserver;
  /**
   * Runs the collections somewhere else (collector/worker: a worker thread), so their
   * CPU and garbage stay off the event loop that answers reads. Runs here when unset.
   * Requests are still merged and serialised here.
   */
  executor?: RunExecutor;
}

/** Which entities a run reports: plain data, so that it can go to a worker. */
export interface RunEntities {
  /** Every mapped entity (a request without an entity joined the run). */
  allEntities: boolean;
  /** Entities refreshed on request, reported whether mapped or not. */
  entities: Entity[];
}

/**
 * Carries out runs. `fetched` is called once the run's sources are read, and answers
 * the entities to report: requests join a run until then, so they are known only then.
 */
export interface RunExecutor {
  execute(
    clusters: string[],
    fetched: () => Promise<RunEntities>,
  ): Promise<CollectionResult>;
}

/** One cluster's collection in a run, as the observer is told it. */
export interface ClusterCollection {
  cluster: string;
  /** Fetching the cluster's sources and building its snapshot. */
  durationSeconds: number;
  /** The configured sources that failed in this run. */
  failedSources: CollectedSourceKind[];
}

/**
 * Watches the runs without depending on how they are exported: plugin.ts passes the
 * metrics (metrics/collectionMetrics.ts), so the collector knows nothing of prom-client.
 */
export interface CollectionObserver {
  clusterCollected(collection: ClusterCollection): void;
}

/** One run and the requests merged into it. */
interface Run {
  clusters: Set<string>;
  /** A request without an entity joined: report every mapped entity. */
  allEntities: boolean;
  /** Entities refreshed on request, reported whether mapped or not. */
  entities: Map<string, Entity>;
  result: Promise<CollectionResult>;
  /** Lets the run begin; called once the run ahead of it is done. */
  start: () => void;
  /** When it began fetching; undefined while it waits. */
  startedAt?: number;
  /** Set once its sources are read: from then on nothing can join it. */
  fetched?: boolean;
}

/**
 * A request that arrives this soon after a run began fetching joins that run instead of
 * queueing behind it: the run's sources were read from (about) the moment it was asked,
 * and a burst of refreshes then costs one run deadline, not two.
 */
export const JOIN_RUNNING_WITHIN_MS = 2_000;

/**
 * The share of the run deadline the sources may use: the rest is left to build and
 * store the reports, so that the whole run, and every caller waiting on it, is done
 * within the deadline even when a source hangs. With every source failed, a run of
 * 1,000 services spends 2–2.8 s building and storing (the previous reports read back to
 * carry forward), measured by the load benchmark against a 20 s deadline: 10 % left no
 * margin.
 */
export const SOURCES_SHARE_OF_DEADLINE = 0.85;

/** How long after it lapsed an attestation is still named ("expired on …"). */
const ATTESTATIONS_LAPSED_MS = 365 * 86_400_000;

/** `3m`, `90s` or `250ms`: how the deadline reads in a source's error. */
function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** The schedule's timeout, which is one run's deadline, in milliseconds. */
export function runDeadlineOf(config: Pick<MeshConfig, 'schedule'>): number {
  return toMilliseconds(config.schedule.timeout);
}

function toMilliseconds(timeout: MeshConfig['schedule']['timeout']): number {
  // The scheduler also accepts a luxon Duration.
  const maybeDuration = timeout as { toMillis?: () => number };
  return typeof maybeDuration.toMillis === 'function'
    ? maybeDuration.toMillis()
    : durationToMilliseconds(timeout as HumanDuration);
}

/** What one collection did, for logs, the refresh answer and the benchmark. */
export interface CollectionResult extends RefreshResponse {
  reports: number;
  durationMs: number;
  /** Where the time went, in milliseconds, for the logs and the benchmark. */
  timings: Record<string, number>;
}

function hasFailedSource(snapshot: ClusterSnapshot): boolean {
  return [snapshot.kubernetes, snapshot.prometheus, snapshot.tracing].some(
    o => o.configured && !o.ok,
  );
}

/**
 * One collection: sources → snapshots → entity mapping → checks → reports → store.
 * Each cluster is fetched by its own scheduled task; its snapshot is stored, and reports
 * are rebuilt from the latest snapshot of every cluster, so an entity spanning clusters
 * gets one report whichever replica ran the task.
 *
 * Runs are serialised within a process (two runs building every report at once would
 * overwrite each other's view of the other clusters), and requests are merged: a request
 * joins the run in flight when that run began fetching moments ago
 * (JOIN_RUNNING_WITHIN_MS) and covers its clusters, else the run that has not started
 * yet, so behind a slow run there is at most one run waiting, whatever the number of
 * callers. Each run is bounded by one deadline, building the reports included.
 */
export class MeshCollector {
  private readonly sources: Map<string, ClusterSources>;
  private readonly runDeadlineMs: number;
  /** The run executing, if any: it has started fetching, nothing joins it any more. */
  private current?: Run;
  /** The one run waiting behind it, which every new request joins. */
  private next?: Run;

  constructor(private readonly options: MeshCollectorOptions) {
    const factory = options.sourcesFactory ?? createClusterSources;
    this.sources = new Map(
      options.config.clusters.map(c => [
        c.name,
        factory(c, options.config.window),
      ]),
    );
    this.runDeadlineMs =
      options.runDeadlineMs ?? toMilliseconds(options.config.schedule.timeout);
  }

  /**
   * Whether runs asked of this collector execute in this process (its thread or its
   * worker), which then sees every report they write; false on a replica that triggers
   * the collecting replicas' runs instead.
   */
  get runsHere(): boolean {
    return !this.options.remote;
  }

  /**
   * Collects the given clusters (all by default), then rebuilds the reports. Resolves
   * with the result of the run the request joined, which may cover more clusters.
   */
  async collect(
    request: { entityRef?: string; clusters?: string[] } = {},
  ): Promise<CollectionResult> {
    const { config } = this.options;
    // Resolved before joining, so an unknown entity fails alone and a run never waits
    // on the catalog.
    const entity = request.entityRef
      ? await this.getEntity(request.entityRef)
      : undefined;
    let clusters = request.clusters ?? config.clusters.map(c => c.name);
    if (entity) {
      const mapping = resolveEntityMapping(entity);
      if (mapping.kind === 'mapped' && mapping.clusters) {
        clusters = clusters.filter(c => mapping.clusters!.includes(c));
      }
    }
    if (this.options.remote) {
      const started = Date.now();
      const answer = await this.options.remote.refresh(clusters);
      return {
        ...answer,
        reports: 0,
        durationMs: Date.now() - started,
        timings: {},
      };
    }

    const current = this.current;
    if (
      current &&
      !current.fetched &&
      current.startedAt !== undefined &&
      Date.now() - current.startedAt <=
        (this.options.joinRunningWithinMs ?? JOIN_RUNNING_WITHIN_MS) &&
      clusters.every(c => current.clusters.has(c))
    ) {
      if (entity) current.entities.set(stringifyEntityRef(entity), entity);
      else current.allEntities = true;
      return current.result;
    }

    let run = this.next;
    if (!run) {
      run = this.newRun();
      this.next = run;
      // Nothing running: start on the next microtask, so requests made in the same tick
      // (the scheduled tasks of every cluster, concurrent refreshes) join this run.
      if (!this.current) queueMicrotask(() => this.startNext());
    }
    for (const c of clusters) run.clusters.add(c);
    if (entity) run.entities.set(stringifyEntityRef(entity), entity);
    else run.allEntities = true;
    return run.result;
  }

  private newRun(): Run {
    let start!: () => void;
    const started = new Promise<void>(resolve => {
      start = resolve;
    });
    const run: Run = {
      clusters: new Set<string>(),
      allEntities: false,
      entities: new Map<string, Entity>(),
      start,
      result: started.then(() => this.runOnce(run)),
    };
    return run;
  }

  /** Moves the waiting run to the front and runs it; the next one waits for it. */
  private startNext(): void {
    const run = this.next;
    if (!run || this.current) return;
    this.next = undefined;
    this.current = run;
    run.startedAt = Date.now();
    run.start();
    run.result
      .catch(() => undefined)
      .finally(() => {
        this.current = undefined;
        this.startNext();
      });
  }

  /**
   * Runs and counts the run per cluster in the database, where a replica that does not
   * collect waits for it (TriggeredRefresh). Counting never fails the run.
   */
  private async runOnce(run: Run): Promise<CollectionResult> {
    const clusters = [...run.clusters];
    await this.countRuns(clusters, runs =>
      Promise.all(clusters.map(c => runs.started(c, new Date()))),
    );
    let result: CollectionResult | undefined;
    const fetched = async (): Promise<RunEntities> => {
      run.fetched = true;
      return {
        allEntities: run.allEntities,
        entities: [...run.entities.values()],
      };
    };
    try {
      result = await (this.options.executor ?? this).execute(clusters, fetched);
      return result;
    } finally {
      const outcome = (c: string) =>
        result?.clusters.find(r => r.name === c) ?? {
          ok: false,
          error: 'the collection failed before it could store its reports',
        };
      await this.countRuns(clusters, runs =>
        Promise.all(
          clusters.map(c => runs.finished(c, new Date(), outcome(c))),
        ),
      );
    }
  }

  private async countRuns(
    clusters: string[],
    write: (runs: MeshStores['runs']) => Promise<unknown>,
  ): Promise<void> {
    try {
      await write(this.options.stores.runs);
    } catch (e) {
      this.options.logger.warn(
        `Could not count the mesh collection of ${clusters.join(
          ', ',
        )} in the database (a refresh waiting on another replica will time out): ${stringifyError(
          e,
        )}`,
      );
    }
  }

  /**
   * One run, here: sources → snapshots → reports → store. Called by `collect` (through
   * the executor when one is set) and by a worker's own collector (collector/worker).
   */
  async execute(
    requestedClusters: string[],
    fetched: () => Promise<RunEntities>,
  ): Promise<CollectionResult> {
    const started = Date.now();
    const now = new Date();
    const { logger, stores, config } = this.options;
    // Configured clusters only, in config order, as before.
    const requested = new Set(requestedClusters);
    const clusters = config.clusters
      .map(c => c.name)
      .filter(n => requested.has(n));

    const timings = new Timings();
    const timed = timings.time.bind(timings);

    // One deadline for the whole run: when it passes, every fetch still pending is
    // aborted and fails with it, so its checks are unknown and the reports stale (the
    // usual failed-source path), instead of the run hanging behind a dead back end.
    const deadline = new AbortController();
    // Every fetch of the run listens to this one signal: more than Node's default of 10.
    setMaxListeners(0, deadline.signal);
    const sourcesMs = Math.floor(
      this.runDeadlineMs * SOURCES_SHARE_OF_DEADLINE,
    );
    const timer = setTimeout(
      () =>
        deadline.abort(
          new Error(
            `run deadline of ${formatMs(
              this.runDeadlineMs,
            )} passed for the sources (${formatMs(
              sourcesMs,
            )}; the rest is kept to build the reports)`,
          ),
        ),
      sourcesMs,
    );
    let fresh: ClusterSnapshot[];
    let joined: Promise<RunEntities> | undefined;
    try {
      fresh = await timed('fetchSources', () =>
        Promise.all(
          clusters.map(async name => {
            const clusterStarted = Date.now();
            const snapshot = await snapshotCluster(
              name,
              this.sources.get(name)!,
              now,
              { signal: deadline.signal },
            );
            this.observe(snapshot, Date.now() - clusterStarted);
            if (!hasFailedSource(snapshot)) return snapshot;
            const before = await timed('loadSnapshots', () =>
              stores.snapshots.load([name]),
            );
            return keepLastGood(snapshot, before.get(name));
          }),
        ),
      );
    } finally {
      clearTimeout(timer);
      joined = fetched();
      // Awaited below; when the fetch failed, the run ends here with that failure.
      joined.catch(() => undefined);
    }
    // The last run's snapshots are read only where they are needed: clusters this run
    // does not collect, and clusters where a source failed (to keep what it last gave).
    // A fleet's snapshot is large; not decoding it on every healthy run keeps memory flat.
    const collecting = new Set(clusters);
    const previous = await timed('loadSnapshots', () =>
      stores.snapshots.load(
        config.clusters.map(c => c.name).filter(n => !collecting.has(n)),
      ),
    );
    for (const snapshot of fresh) {
      for (const [phase, ms] of Object.entries(snapshot.timings ?? {})) {
        timings.ms[`${snapshot.cluster}.${phase}`] = ms;
      }
    }
    await timed('saveSnapshots', () =>
      this.storing('saveSnapshots', () =>
        Promise.all(fresh.map(snapshot => stores.snapshots.save(snapshot))),
      ),
    );
    const snapshots: ClusterSnapshot[] = config.clusters.map(
      c =>
        fresh.find(s => s.cluster === c.name) ??
        previous.get(c.name) ??
        notYetCollected(c.name, Boolean(c.prometheus), Boolean(c.tracing)),
    );

    const spec = await joined;
    const entities = await timed('listEntities', async () => {
      if (!spec.allEntities) return spec.entities;
      const mapped = await this.listMappedEntities();
      const refs = new Set(mapped.map(e => stringifyEntityRef(e)));
      return [
        ...mapped,
        ...spec.entities.filter(e => !refs.has(stringifyEntityRef(e))),
      ];
    });
    const reports = await this.storeReports(entities, snapshots, now, timed);

    const result = fresh.map(s => {
      const failed = [s.kubernetes, s.prometheus, s.tracing].filter(
        (o): o is NonNullable<typeof o> => Boolean(o?.configured && !o.ok),
      );
      return failed.length === 0
        ? { name: s.cluster, ok: true }
        : {
            name: s.cluster,
            ok: false,
            error: failed.map(o => `${o.name}: ${o.error}`).join('; '),
          };
    });
    for (const c of result.filter(x => !x.ok)) {
      logger.warn(
        `Mesh collection for cluster '${c.name}' is degraded: ${c.error}`,
      );
    }
    if (spec.allEntities) {
      await timed('saveClusterFleet', () =>
        this.saveClusterFleet(
          result.filter(c => c.ok).map(c => c.name),
          reports,
          fresh,
          now,
        ),
      );
    }
    const durationMs = Date.now() - started;
    logger.info(
      `Mesh collection of ${clusters.join(', ') || 'no clusters'} stored ${
        reports.length
      } report(s) in ${durationMs} ms`,
    );
    return {
      clusters: result,
      reports: reports.length,
      durationMs,
      timings: timings.ms,
    };
  }

  /**
   * Rebuilds the stored reports of the mapped entities `affects` picks from the stored
   * snapshots, fetching no source: an attestation made or withdrawn shows at once. It
   * waits for the run in flight, which might otherwise store reports judged on the
   * attestations it read before. Nothing is built before a cluster was ever collected.
   */
  async rebuildReports(affects: (entity: Entity) => boolean): Promise<number> {
    await this.current?.result.catch(() => undefined);
    const { stores, config } = this.options;
    const stored = await stores.snapshots.load(
      config.clusters.map(c => c.name),
    );
    if (stored.size === 0) return 0;
    const entities = (await this.listMappedEntities()).filter(affects);
    if (entities.length === 0) return 0;
    const snapshots = config.clusters.map(
      c =>
        stored.get(c.name) ??
        notYetCollected(c.name, Boolean(c.prometheus), Boolean(c.tracing)),
    );
    const timings = new Timings();
    const reports = await this.storeReports(
      entities,
      snapshots,
      new Date(),
      timings.time.bind(timings),
    );
    return reports.length;
  }

  private async storeReports(
    entities: Entity[],
    snapshots: ClusterSnapshot[],
    now: Date,
    timed: Timings['time'],
  ): Promise<MeshReport[]> {
    const { stores, config } = this.options;
    // The rollout window (ctx.rollout) reads each entity's stored history: ONE query for
    // the run's entities, the comparison window, as many days before it (the unmeshed
    // baseline rollout.comparison falls back on) and a day more. Without it (the
    // database failed the read) the window is told from the pods alone.
    const rolloutDays =
      2 *
        (this.options.context.checks ?? DEFAULT_CHECK_SETTINGS).rollout
          .comparisonDays +
      1;
    const history = await timed('loadHistory', async () => {
      try {
        return await stores.history.getMany(
          entities.map(e => stringifyEntityRef(e)),
          dayOf(
            new Date(now.getTime() - rolloutDays * 86_400_000).toISOString(),
          ),
        );
      } catch (e) {
        this.options.logger.warn(
          `Mesh collection could not read the history for the rollout windows; told from the pods instead: ${stringifyError(
            e,
          )}`,
        );
        return undefined;
      }
    });
    // Attestations (operations.runbook, operations.on-call, cert rotation): ONE query
    // per run. Those that lapsed within a year are kept so a check can say when. A
    // failed read fails the run: judging without them would store false `fail`s.
    const attestations = await timed('loadAttestations', () =>
      stores.attestations.listSince(
        new Date(now.getTime() - ATTESTATIONS_LAPSED_MS).toISOString(),
      ),
    );
    // Waivers made through the API: ONE query per run, those in force and those that
    // lapsed within a year (a report says so). A failed read fails the run, as above.
    const waivers = await timed('loadWaivers', async () =>
      waiversByEntity(
        await stores.waivers.listSince(
          dayOf(new Date(now.getTime() - ATTESTATIONS_LAPSED_MS).toISOString()),
        ),
      ),
    );
    const context: ContextOptions = {
      ...this.options.context,
      ...(history ? { history } : {}),
      attestations: { items: attestations, asOf: now.toISOString() },
    };
    const fresh = await timed('buildReports', async () => {
      const built: MeshReport[] = [];
      // A fleet's reports take seconds of CPU: reads get their turn every few ms.
      const slices = new TimeSlices();
      for (const e of entities) {
        await slices.pause();
        built.push(
          buildEntityReport(this.options.registry, e, snapshots, context, now, {
            waivers: waivers.get(
              stringifyEntityRef(e).toLocaleLowerCase('en-US'),
            ),
            links: config.links,
          }),
        );
      }
      return built;
    });
    // Only a report with a failed or partial source carries anything forward.
    const previous = await timed('loadReports', () =>
      stores.reports.getReports(
        fresh
          .filter(r => r.sources.some(x => !x.ok || x.partial))
          .map(r => r.entityRef),
      ),
    );
    const reports = fresh.map(r =>
      carryForward(r, previous.get(r.entityRef.toLocaleLowerCase('en-US'))),
    );
    // The scorecard's catalog fields (title, owner, system, the system's domain): one
    // catalog call for the run's systems; without it the domains are left empty.
    const infos = await timed('loadSystems', async () =>
      scorecardEntityInfos(
        entities,
        this.options.catalog,
        await this.options.auth.getOwnServiceCredentials(),
        e =>
          this.options.logger.warn(
            `Mesh collection could not read the systems for the scorecard's domains: ${stringifyError(
              e,
            )}`,
          ),
      ),
    );
    // One transaction: the run's reports are all stored, or none are.
    await timed('saveReports', () =>
      this.storing('saveReports', () =>
        stores.reports.saveReports(reports, infos),
      ),
    );
    await timed('saveHistory', () =>
      this.storing('saveHistory', async () => {
        await stores.history.record(reports);
        // The roll-ups' daily points, from the whole stored scorecard after this run.
        await stores.history.recordRollups(
          dayOf(now.toISOString()),
          await stores.scorecard.allRollups(),
        );
        await stores.history.recordFleet(dayOf(now.toISOString()));
        await stores.history.prune(
          dayOf(now.toISOString()),
          config.history.retentionDays,
        );
      }),
    );
    return reports;
  }

  /**
   * The fleet figures of the clusters this run collected without a failed source, from
   * every mapped entity's report (a run for one entity has too few to count). A cluster
   * whose source failed keeps the day's figures of its last good run. A failed write
   * only warns: the reports are stored, and the next run writes the figures again.
   */
  private async saveClusterFleet(
    clusters: string[],
    reports: MeshReport[],
    snapshots: ClusterSnapshot[],
    now: Date,
  ): Promise<void> {
    if (clusters.length === 0) return;
    const { stores, config, logger } = this.options;
    try {
      await stores.clusterFleet.record(
        await runInSlices(
          clusterFleetSteps(clusters, reports, snapshots, now.toISOString()),
        ),
      );
      await stores.clusterFleet.prune(
        dayOf(now.toISOString()),
        config.history.retentionDays,
      );
    } catch (e) {
      logger.warn(
        `Mesh collection could not store the fleet figures of ${clusters.join(
          ', ',
        )}; the next run writes them again: ${stringifyError(e)}`,
      );
    }
  }

  /**
   * Runs one write of the store. When the database fails it, the run ends there with a
   * 503: what was stored before is still served, and the next run (scheduled or
   * requested) writes everything again. The database's own error, which names tables and
   * SQL, goes to the log only; the answer carries its kind and code.
   */
  private async storing<T>(step: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      this.options.logger.error(
        `Mesh collection could not store its results (${step}); the next run retries: ${stringifyError(
          e,
        )}`,
        e instanceof Error ? e : undefined,
      );
      const { code } = (e ?? {}) as { code?: unknown };
      const cause = new Error(
        `the database failed the write${
          typeof code === 'string' || typeof code === 'number'
            ? ` (${code})`
            : ''
        }`,
      );
      // pg names its errors `error`; the class says more (DatabaseError, SqliteError).
      cause.name = e instanceof Error ? e.constructor.name : 'Error';
      delete cause.stack;
      throw new ServiceUnavailableError(
        `Storing the results of the mesh collection failed at ${step}; ${
          step === 'saveHistory'
            ? "this run's reports are stored but not their history point"
            : 'the reports stored before are still served'
        } and the next run retries`,
        cause,
      );
    }
  }

  private observe(snapshot: ClusterSnapshot, ms: number): void {
    try {
      this.options.observer?.clusterCollected({
        cluster: snapshot.cluster,
        durationSeconds: ms / 1000,
        failedSources: [
          snapshot.kubernetes,
          snapshot.prometheus,
          snapshot.tracing,
        ].flatMap(o => (o.configured && !o.ok ? [o.name] : [])),
      });
    } catch (e) {
      this.options.logger.warn(
        `The mesh collection's observer failed: ${stringifyError(e)}`,
      );
    }
  }

  private async getEntity(entityRef: string): Promise<Entity> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity)
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return entity;
  }

  /** Entities carrying a mapping annotation; the others get their report on request. */
  private async listMappedEntities(): Promise<Entity[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [
          {
            [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${ANNOTATION_KUBERNETES_LABEL_SELECTOR}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
        fields: ENTITY_FIELDS,
      },
      { credentials },
    );
    const seen = new Set<string>();
    return items.filter(e => {
      const ref = stringifyEntityRef(e);
      if (seen.has(ref)) return false;
      seen.add(ref);
      return true;
    });
  }
}
