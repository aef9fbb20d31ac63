import { JsonObject } from '@backstage/types';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { SerializedError } from '@backstage/errors';
import type {
  ClusterCollection,
  CollectionResult,
  RunEntities,
} from '../MeshCollector';

/**
 * The messages between the plugin and its collection worker. Everything crosses as
 * structured clones: plain data, no functions, no class instances.
 */

/** How the worker reaches the plugin's database: the plugin's own knex settings. */
export interface WorkerDatabase {
  client: string;
  connection: JsonObject | string;
  searchPath?: string | string[];
  useNullAsDefault?: boolean;
}

/** `workerData`: what the worker builds its collector from. */
export interface WorkerData {
  meshCollectorWorker: true;
  /** The backend's `mesh` and `kubernetes` config, as read (secrets included). */
  config: JsonObject;
  database: WorkerDatabase;
  /** For tests, as MeshCollectorOptions.runDeadlineMs. */
  runDeadlineMs?: number;
}

/** The catalog calls a run makes, answered by the plugin with its own credentials. */
export type CatalogCall =
  | { method: 'getEntities'; request: JsonObject }
  | { method: 'getEntitiesByRefs'; request: JsonObject };

export type ToWorker =
  | { type: 'run'; id: number; clusters: string[] }
  | { type: 'entities'; id: number; value: RunEntities }
  | { type: 'answer'; id: number; value?: unknown; error?: SerializedError };

export type FromWorker =
  | { type: 'fetched'; id: number }
  | ({ type: 'call'; id: number } & CatalogCall)
  | { type: 'log'; level: 'error' | 'warn' | 'info' | 'debug'; message: string }
  | { type: 'collected'; collection: ClusterCollection }
  /**
   * Reports committed, their JSON as UTF-8 in `bytes` (moved, not copied, to the
   * plugin's thread): [lower-cased ref, generatedAt, start, end] each.
   */
  | {
      type: 'written';
      reports: Array<[string, string, number, number]>;
      bytes: ArrayBuffer;
    }
  | { type: 'done'; id: number; result: CollectionResult }
  | { type: 'failed'; id: number; error: SerializedError };

/** Stands for CATALOG_FILTER_EXISTS, a Symbol, which cannot cross to another thread. */
const EXISTS = '\u0000catalog-filter-exists';

/** A catalog request's filter values, with CATALOG_FILTER_EXISTS swapped for `to`. */
function mapFilter(request: any, from: unknown, to: unknown): any {
  if (!request?.filter) return request;
  const swap = (x: unknown) => (x === from ? to : x);
  const one = (f: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(f).map(([k, v]) => [
        k,
        Array.isArray(v) ? v.map(swap) : swap(v),
      ]),
    );
  return {
    ...request,
    filter: Array.isArray(request.filter)
      ? request.filter.map(one)
      : one(request.filter),
  };
}

/** A catalog request as it crosses to the plugin's thread. */
export function encodeCatalogRequest(request: unknown): JsonObject {
  return mapFilter(request, CATALOG_FILTER_EXISTS, EXISTS);
}

/** A catalog request as the worker made it. */
export function decodeCatalogRequest(request: JsonObject): any {
  return mapFilter(request, EXISTS, CATALOG_FILTER_EXISTS);
}
