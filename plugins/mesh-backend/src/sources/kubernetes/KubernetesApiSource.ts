import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { TimeSlices } from '../../lib/timeSlices';
import { mapLimit } from '../limit';
import { kubeGet } from './kubeHttp';
import { certificateOnly } from './issuerSecret';
import { meshResources, resourceName, ResourceSpec } from './resources';
import {
  DEFAULT_RETRY,
  describeFetchError,
  isTimeoutError,
  isTransientStatus,
  RetryPolicy,
  TRY_AGAIN,
  withRetries,
} from '../http';
import {
  KubeObject,
  kubeObjectSchema,
  KubernetesFetchResult,
  KubernetesSource,
  SourceFetchOptions,
  SourceProblem,
  UnavailableResource,
} from '@mesh-readiness/plugin-mesh-node';

const listSchema = z.object({
  metadata: z
    .object({ continue: z.string().optional() })
    .passthrough()
    .optional(),
  items: z.array(z.unknown()).nullable(),
});

const statusSchema = z
  .object({
    kind: z.literal('Status'),
    message: z.string().optional(),
    reason: z.string().optional(),
  })
  .passthrough();

export interface KubernetesApiSourceOptions {
  kubeConfig: KubeConfig;
  resources?: ResourceSpec[];
  /** Items per list page. */
  pageSize?: number;
  /** List calls in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  /** Retries of a refused connection, a 429 or a 502/503/504; `DEFAULT_RETRY` by default. */
  retry?: RetryPolicy;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

/** Shared by the lists of one fetch: what the server was found to be. */
interface Reach {
  /** A list used up its retries without reaching the server. */
  down: boolean;
  /** A list used up its retries on 502/503/504: the server (or its proxy) is not serving. */
  unavailable: boolean;
}

type ListOutcome =
  | {
      state: 'ok';
      objects: KubeObject[];
      problems: SourceProblem[];
      requests: number;
    }
  | { state: 'absent'; requests: number }
  | {
      state: 'unavailable';
      unavailable: UnavailableResource;
      requests: number;
      connection: boolean;
      unauthorized: boolean;
    };

function statusMessage(body: unknown): string {
  const parsed = statusSchema.safeParse(body);
  if (parsed.success)
    return parsed.data.message ?? parsed.data.reason ?? 'no message';
  return typeof body === 'string'
    ? body.slice(0, 200)
    : JSON.stringify(body).slice(0, 200);
}

/**
 * Lists a live cluster: one paged, cluster-wide list call per kind (`limit`/`continue`),
 * never one per entity. A CRD that is not installed (404) is absent, not an error; a kind
 * the service account may not list (403) is reported with the RBAC rule that is missing,
 * and only the checks that need it become `unknown`.
 */
export class KubernetesApiSource implements KubernetesSource {
  readonly description: string;
  private readonly resources: ResourceSpec[];

  constructor(private readonly options: KubernetesApiSourceOptions) {
    this.description = `Kubernetes API ${
      options.kubeConfig.getCurrentCluster()?.server ?? '(no server)'
    }`;
    this.resources = options.resources ?? meshResources();
  }

  async fetch(
    options: SourceFetchOptions = {},
  ): Promise<KubernetesFetchResult> {
    const { signal } = options;
    // Once one list has used up its retries without reaching the server, the others
    // try once: retrying every kind against a server that is down would spend the run's
    // deadline before the source could say it is unreachable. The same goes for a server
    // that answered 502/503/504 through all of one list's retries.
    const reach: Reach = { down: false, unavailable: false };
    const outcomes = await mapLimit(
      this.resources,
      this.options.concurrency ?? 4,
      async spec => {
        // The run gave up: list nothing more (the collector reports the deadline).
        if (signal?.aborted) throw signal.reason;
        return this.listAll(spec, reach, signal);
      },
    );
    const requests = outcomes.reduce((s, o) => s + o.requests, 0);
    const failed = outcomes.filter(
      (o): o is Extract<ListOutcome, { state: 'unavailable' }> =>
        o.state === 'unavailable',
    );
    const unauthorized = failed.find(o => o.unauthorized);
    if (unauthorized) {
      throw new Error(
        `${this.description} rejected the credentials (401): ${unauthorized.unavailable.message}`,
      );
    }
    // Nothing listed at all (every kind that exists failed): the source failed, so the
    // last good objects are kept, rather than an empty cluster taken as the truth.
    const listed = outcomes.filter(o => o.state !== 'absent');
    if (listed.length > 0 && listed.every(o => o.state === 'unavailable')) {
      throw new Error(
        `${this.description} ${
          failed.every(o => o.connection)
            ? 'is unreachable'
            : 'failed every list'
        }: ${failed[0].unavailable.message}`,
      );
    }
    const objects: KubeObject[] = [];
    const problems: SourceProblem[] = [];
    const absent: string[] = [];
    for (const [i, o] of outcomes.entries()) {
      if (o.state === 'ok') {
        objects.push(...o.objects);
        problems.push(...o.problems);
      } else if (o.state === 'absent') {
        absent.push(resourceName(this.resources[i]));
      } else if (
        !(this.resources[i].bestEffort && o.unavailable.reason === 'forbidden')
      ) {
        problems.push({
          location: o.unavailable.resource,
          message: o.unavailable.message,
        });
      }
    }
    return {
      objects,
      problems,
      requests,
      absent,
      unavailable: failed.map(o => o.unavailable),
    };
  }

  private async listAll(
    spec: ResourceSpec,
    reach: Reach,
    signal?: AbortSignal,
  ): Promise<ListOutcome> {
    let requests = 0;
    for (const version of spec.versions) {
      const apiVersion = spec.group ? `${spec.group}/${version}` : version;
      const base = `${spec.group ? `/apis/${apiVersion}` : `/api/${version}`}${
        spec.namespace
          ? `/namespaces/${encodeURIComponent(spec.namespace)}`
          : ''
      }/${spec.plural}${spec.name ? `/${encodeURIComponent(spec.name)}` : ''}`;
      const objects: KubeObject[] = [];
      const problems: SourceProblem[] = [];
      let token: string | undefined;
      let restarted = false;
      for (;;) {
        const query = new URLSearchParams(
          spec.name ? {} : { limit: String(this.options.pageSize ?? 500) },
        );
        if (token) query.set('continue', token);
        const path = query.toString() ? `${base}?${query}` : base;
        let res;
        let tries = 0;
        try {
          res = await withRetries(
            this.options.retry ?? DEFAULT_RETRY,
            async last => {
              tries += 1;
              try {
                const answer = await kubeGet(
                  this.options.kubeConfig,
                  path,
                  this.options.timeoutMs ?? 30_000,
                  signal,
                );
                // 429: API priority and fairness shed the request; it asks to come back,
                // whatever the other lists met.
                const transient = isTransientStatus(answer.status);
                if (
                  answer.status === 429 ||
                  (transient && !reach.unavailable)
                ) {
                  if (!last) return TRY_AGAIN;
                }
                if (transient && tries > 1) reach.unavailable = true;
                return answer;
              } catch (e) {
                // A timeout already spent its time, and an abort means the run gave up.
                const retriable =
                  !isTimeoutError(e) && !signal?.aborted && !reach.down;
                if (retriable && !last) return TRY_AGAIN;
                if (!isTimeoutError(e)) reach.down = true;
                throw e;
              }
            },
            { signal, random: this.options.random },
          );
          requests += tries;
        } catch (e) {
          requests += tries;
          if (signal?.aborted) throw signal.reason;
          return this.unavailable(
            spec,
            'error',
            `list ${resourceName(spec)} failed: ${describeFetchError(
              e,
              this.options.timeoutMs ?? 30_000,
            )}`,
            requests,
            true,
          );
        }
        if (res.status === 404 && !token) break; // try an older version, or the CRD is absent
        if (res.status === 410 && token && !restarted) {
          // The continue token expired mid-list: start over once, from a fresh snapshot.
          restarted = true;
          token = undefined;
          objects.length = 0;
          continue;
        }
        if (res.status === 401) {
          return this.unavailable(
            spec,
            'error',
            statusMessage(res.body),
            requests,
            false,
            true,
          );
        }
        if (res.status === 403) {
          return this.unavailable(
            spec,
            'forbidden',
            `forbidden: ${statusMessage(res.body)}. ${
              spec.name
                ? `Not readable without a grant: the verb "get" on resource "${spec.plural}" with resourceNames ["${spec.name}"] in namespace "${spec.namespace}" (see the README's Role)`
                : `Grant the verb "list" on resource "${spec.plural}" in API group "${spec.group}" (see the README's ClusterRole)`
            }.`,
            requests,
          );
        }
        if (res.status !== 200) {
          return this.unavailable(
            spec,
            'error',
            `list ${resourceName(spec)} answered HTTP ${
              res.status
            }: ${statusMessage(res.body)}`,
            requests,
          );
        }
        // A GET by name answers the object itself: a page of one. A body that is no
        // object stays as it is, so it fails the shape check like a broken list would.
        const page = listSchema.safeParse(
          spec.name &&
            typeof res.body === 'object' &&
            res.body !== null &&
            !Array.isArray(res.body)
            ? { items: [res.body] }
            : res.body,
        );
        if (!page.success) {
          return this.unavailable(
            spec,
            'error',
            `list ${resourceName(spec)} answered an unexpected shape: ${
              page.error.issues[0].message
            }`,
            requests,
          );
        }
        // A page of 500 objects takes tens of ms to check: reads get their turn.
        const slices = new TimeSlices();
        for (const [index, item] of (page.data.items ?? []).entries()) {
          await slices.pause();
          // List items carry no kind or apiVersion of their own.
          const parsed = kubeObjectSchema.safeParse({
            apiVersion,
            kind: spec.kind,
            ...(item as object),
          });
          if (parsed.success) {
            // A Secret never enters the snapshot with more than its certificate.
            objects.push(
              spec.kind === 'Secret'
                ? certificateOnly(parsed.data)
                : parsed.data,
            );
          } else {
            const issue = parsed.error.issues[0];
            problems.push({
              location: `${resourceName(spec)} items[${index}]`,
              message: `object skipped: ${issue.path.join('.') || 'object'}: ${
                issue.message
              }`,
            });
          }
        }
        token = page.data.metadata?.continue || undefined;
        if (!token) return { state: 'ok', objects, problems, requests };
      }
    }
    if (spec.optional) return { state: 'absent', requests };
    return this.unavailable(
      spec,
      'error',
      `list ${resourceName(spec)}: the API server does not serve it (404)`,
      requests,
    );
  }

  private unavailable(
    spec: ResourceSpec,
    reason: UnavailableResource['reason'],
    message: string,
    requests: number,
    connection = false,
    unauthorized = false,
  ): ListOutcome {
    return {
      state: 'unavailable',
      requests,
      connection,
      unauthorized,
      unavailable: {
        kind: spec.kind,
        group: spec.group,
        resource: resourceName(spec),
        reason,
        message,
      },
    };
  }
}
