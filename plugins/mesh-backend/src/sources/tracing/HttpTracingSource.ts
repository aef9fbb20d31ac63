import {
  TracingData,
  TracingFetchRequest,
  TracingSource,
} from '@mesh-readiness/plugin-mesh-node';
import {
  collectPerService,
  resolveTracingOptions,
  ServiceResult,
  validateFetchRequest,
} from './common';
import { HttpRun, normalizeBaseUrl } from './http';
import { TracingOptions } from './types';

/** A back end's search for one service, within one fetch. */
export type ServiceSearch = (service: string) => Promise<ServiceResult>;

/**
 * What Jaeger, Tempo and Zipkin share: options checked at construction, one HttpRun per
 * fetch (one limiter for every request, timeouts, counts), one search per requested
 * service whose failure stays that service's problem, at most `maxTracesPerService`
 * traces a service, and one clear error when the back end never answered. A back end
 * only says how to search one service: its URLs, its answer schema, its mapping.
 */
export abstract class HttpTracingSource implements TracingSource {
  readonly description: string;
  protected readonly baseUrl: string;
  protected readonly options: TracingOptions;

  protected constructor(
    private readonly backend: string,
    url: string,
    options: Partial<TracingOptions>,
  ) {
    this.baseUrl = normalizeBaseUrl(backend, url);
    this.options = resolveTracingOptions(options);
    this.description = `${backend} ${this.baseUrl}`;
  }

  async fetch(req: TracingFetchRequest): Promise<TracingData> {
    validateFetchRequest(req);
    if (req.services.length === 0) {
      return {
        traces: [],
        perService: {},
        problems: [],
        requests: 0,
        linkerdProxyService: this.options.linkerdProxyService,
      };
    }
    const run = new HttpRun(
      this.backend,
      this.baseUrl,
      this.options,
      req.signal,
    );
    const search = await this.startFetch(run, req);
    const collected = await collectPerService(req, this.options, search);
    run.assertReachable();
    // Every search answered, and every answer was an error: the back end is unusable
    // for this run (a 5xx everywhere, or a body no search could read), not partly so.
    const searched = Object.keys(collected.perService).length;
    const failed = collected.problems.filter(p => !p.endsWith('not queried'));
    if (searched === 0 && failed.length > 0) {
      throw new Error(
        `${this.description}: every search failed (${failed.length} service(s)); the first: ${failed[0]}`,
      );
    }
    return {
      ...collected,
      requests: run.requests,
      linkerdProxyService: this.options.linkerdProxyService,
    };
  }

  /**
   * Called once per fetch, before any search: whatever the fetch needs first (Jaeger
   * detects its API) and any state its searches share (Tempo's downloads), then the
   * per-service search. Rejecting fails the whole fetch.
   */
  protected abstract startFetch(
    run: HttpRun,
    req: TracingFetchRequest,
  ): ServiceSearch | Promise<ServiceSearch>;
}
