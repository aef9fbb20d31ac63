import { Config } from '@backstage/config';
import {
  KubeObject,
  SourceProblem,
  UnavailableResource,
} from './snapshot/kubernetes';
import { VectorSample } from './snapshot/metrics';
import { MetricsData } from './snapshot/queryCatalog';
import { TracingData } from './snapshot/tracing';

export interface KubernetesFetchResult {
  objects: KubeObject[];
  problems: SourceProblem[];
  /** Files read or API requests made, for the benchmark and the logs. */
  requests: number;
  /** Kinds that could not be listed (RBAC or errors). */
  unavailable?: UnavailableResource[];
  /** Optional kinds whose CRD is not installed, e.g. `sidecars.networking.istio.io`. */
  absent?: string[];
}

/**
 * What the collector passes to a source's fetch. Optional, so sources written before it
 * keep compiling; a source that ignores it is still bounded by the run's deadline, but
 * keeps its connections open until it finishes on its own.
 */
export interface SourceFetchOptions {
  /** Aborted when the run's deadline passes: stop sending and release connections. */
  signal?: AbortSignal;
}

/** Fetches every object of a cluster at once; never per entity. */
export interface KubernetesSource {
  readonly description: string;
  fetch(options?: SourceFetchOptions): Promise<KubernetesFetchResult>;
}

/** Fetches the query catalog's series for a whole cluster. */
export interface MetricsSource {
  readonly description: string;
  fetch(at?: Date, options?: SourceFetchOptions): Promise<MetricsData>;
}

export interface TracingFetchRequest {
  /** Trace service names as the tracer reports them (Istio default: `<app>.<namespace>`). */
  services: string[];
  start: Date;
  end: Date;
  /** Aborted when the run's deadline passes (see `SourceFetchOptions`). */
  signal?: AbortSignal;
}

export interface TracingSource {
  readonly description: string;
  /**
   * Rejects only when the whole source is unusable (back end unreachable, directory
   * missing, API undetectable); a failure limited to one service is a `problems` entry.
   */
  fetch(req: TracingFetchRequest): Promise<TracingData>;
}

/** The answer to one instant query. */
export interface InstantQueryResult {
  samples: VectorSample[];
  /** Samples dropped because their value was NaN or infinite. */
  dropped: number;
  warnings: string[];
}

/**
 * Runs PromQL instant queries. The built-in one speaks Prometheus's HTTP API; an adopter
 * can put Thanos, Mimir or Cortex behind an auth header or a tenant header instead.
 */
export interface PromQuerier {
  /**
   * `signal` is aborted when the run gives up (a sibling query failed, or the run's
   * deadline passed): the request should be cancelled so its connection is released.
   */
  instantQuery(
    promql: string,
    at: Date,
    signal?: AbortSignal,
  ): Promise<InstantQueryResult>;
}

/** One entry of `mesh.clusters`, as a source factory sees it. */
export interface MeshClusterInfo {
  name: string;
  /** The raw `mesh.clusters[]` entry, for adopters' own keys. */
  config: Config;
}
