import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import {
  durationToMilliseconds,
  HumanDuration,
  JsonObject,
} from '@backstage/types';
import path from 'node:path';
import { z } from 'zod';
import { Tolerance, toleranceSchema } from './health/tolerances';
import { serviceNameProblem } from './sources/tracing/common';
import { DEFAULT_TRACING_OPTIONS } from './sources/tracing/types';

/** An http(s) URL; zod's `url()` alone also accepts `prom:9090`. */
const httpUrl = z
  .string()
  .url()
  .refine(
    u => /^https?:\/\/[^/]/.test(u),
    'must be an http:// or https:// URL',
  );

/** A PromQL range selector duration, e.g. `5m` or `1h30m`. */
const PROMQL_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** A cluster name: what `mesh.clusters[].name` and `backstage.io/kubernetes-cluster` accept. */
export const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

const kubernetesSchema = z
  .object({
    manifestsDir: z.string().min(1).optional(),
    url: httpUrl.optional(),
    inCluster: z.boolean().optional(),
    serviceAccountToken: z.string().optional(),
    caData: z.string().optional(),
    skipTLSVerify: z.boolean().optional(),
  })
  .strict()
  .refine(
    k => [k.manifestsDir, k.url, k.inCluster].filter(Boolean).length === 1,
    {
      message: 'set exactly one of `manifestsDir`, `url` or `inCluster: true`',
    },
  );

/**
 * `mesh.clusters[].tracing`, the one declaration of its shape and defaults (config.d.ts
 * repeats it for Backstage's config validation; a test keeps the two equal).
 */
export const tracingSchema = z
  .object({
    type: z.enum(['jaeger', 'tempo', 'zipkin', 'files']),
    url: httpUrl.optional(),
    dir: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    maxTracesPerService: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(DEFAULT_TRACING_OPTIONS.maxTracesPerService),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(DEFAULT_TRACING_OPTIONS.concurrency),
    linkerdProxyService: z
      .string()
      .superRefine((name, ctx) => {
        const problem = serviceNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default(DEFAULT_TRACING_OPTIONS.linkerdProxyService),
  })
  .strict()
  .refine(t => (t.type === 'files' ? Boolean(t.dir) : Boolean(t.url)), {
    message: 'type `files` needs `dir`; the other types need `url`',
  });

/** A cluster's tracing back end, defaults applied. */
export type TracingConfig = z.output<typeof tracingSchema>;

const clusterSchema = z
  .object({
    name: z
      .string()
      .regex(
        CLUSTER_NAME,
        'must be a lowercase DNS-style name (letters, digits, "-", ".")',
      ),
    // Optional: without it, the cluster of the same name in the Kubernetes plugin's
    // config (kubernetes.clusterLocatorMethods) is used.
    kubernetes: kubernetesSchema.optional(),
    // Settings of adopters' own modules (sources extension point), passed through.
    extensions: z.record(z.string(), z.unknown()).optional(),
    prometheus: z
      .object({
        url: httpUrl,
        headers: z.record(z.string(), z.string()).optional(),
        timeout: z.unknown().optional(),
        concurrency: z.number().int().min(1).max(8).optional(),
        shards: z.number().int().min(1).max(32).optional(),
        recordingRules: z.union([z.literal('auto'), z.boolean()]).optional(),
        retries: z.number().int().min(0).max(5).optional(),
      })
      .strict()
      .optional(),
    tracing: tracingSchema.optional(),
  })
  .strict();

const meshSchema = z
  .object({
    schedule: z.unknown().optional(),
    staleAfter: z.unknown().optional(),
    refreshLimit: z
      .object({
        requests: z.number().int().min(1).max(10_000).optional(),
        per: z.unknown().optional(),
      })
      .strict()
      .optional(),
    window: z
      .string()
      .regex(PROMQL_DURATION, 'must be a PromQL duration such as `5m`')
      .optional(),
    requireAuth: z.boolean().optional(),
    history: z
      .object({ retentionDays: z.number().int().min(1).max(3650).optional() })
      .strict()
      .optional(),
    health: z
      .object({
        tolerances: z.array(toleranceSchema).min(1).optional(),
      })
      .strict()
      .optional(),
    clusters: z.array(clusterSchema).optional(),
  })
  .strict();

export interface ClusterConfig {
  name: string;
  kubernetes:
    | { type: 'manifests'; manifestsDir: string }
    | { type: 'in-cluster' }
    | {
        type: 'api';
        url: string;
        serviceAccountToken?: string;
        caData?: string;
        skipTLSVerify?: boolean;
      };
  prometheus?: {
    url: string;
    headers: Record<string, string>;
    timeoutMs: number;
    /** Queries in flight at once. */
    concurrency: number;
    /** Namespace shards per catalog query; 1: none. */
    shards: number;
    recordingRules: 'auto' | boolean;
    /** Retries of a refused connection or a 502/503/504, with backoff and jitter. */
    retries: number;
  };
  /** Defaults applied, `dir` made absolute. */
  tracing?: TracingConfig;
}

export interface MeshConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** A stored report older than this is served as stale, whatever its sources said. */
  staleAfterMs: number;
  /** `POST /v1/refresh` calls allowed per user per period. */
  refreshLimit: { requests: number; periodMs: number };
  window: string;
  requireAuth: boolean;
  /** Request-health tolerances; Kiali's defaults when unset. */
  health: { tolerances?: Tolerance[] };
  history: { retentionDays: number };
  clusters: ClusterConfig[];
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
};

/**
 * Reads and validates `mesh:` at startup, so a typo fails the backend with the exact
 * path at fault instead of surfacing later as empty reports.
 */
export function readMeshConfig(
  config: Config,
  options: { baseDir?: string } = {},
): MeshConfig {
  const meshConfig = config.getOptionalConfig('mesh');
  const raw = meshConfig?.get() ?? {};
  const parsed = meshSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      issue =>
        `mesh${issue.path
          .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')}: ${issue.message}`,
    );
    throw new Error(`Invalid mesh configuration:\n  ${problems.join('\n  ')}`);
  }
  const value = parsed.data;

  const names = new Set<string>();
  for (const c of value.clusters ?? []) {
    if (names.has(c.name)) {
      throw new Error(
        `Invalid mesh configuration: cluster name '${c.name}' appears twice in mesh.clusters`,
      );
    }
    names.add(c.name);
  }

  let schedule = DEFAULT_SCHEDULE;
  if (meshConfig?.has('schedule')) {
    try {
      // Every key is optional (config.d.ts); the reader requires frequency and timeout,
      // so the defaults fill in what the config leaves out before it reads.
      schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
        new ConfigReader(
          {
            ...(DEFAULT_SCHEDULE as unknown as JsonObject),
            ...meshConfig.getConfig('schedule').get<JsonObject>(),
          },
          'mesh.schedule',
        ),
      );
    } catch (e) {
      throw new Error(
        `Invalid mesh configuration: mesh.schedule: ${(e as Error).message}`,
      );
    }
  }

  const baseDir = options.baseDir ?? process.cwd();
  const clusters: ClusterConfig[] = (value.clusters ?? []).map((c, i) => {
    const kubernetes = resolveKubernetes(
      c.name,
      c.kubernetes,
      i,
      config,
      baseDir,
    );
    let timeoutMs = 30_000;
    if (c.prometheus?.timeout !== undefined) {
      try {
        timeoutMs = durationToMilliseconds(
          readDurationFromConfig(
            meshConfig!.getConfigArray('clusters')[i].getConfig('prometheus'),
            { key: 'timeout' },
          ),
        );
      } catch (e) {
        throw new Error(
          `Invalid mesh configuration: mesh.clusters[${i}].prometheus.timeout: ${
            (e as Error).message
          }`,
        );
      }
    }
    return {
      name: c.name,
      kubernetes,
      prometheus: c.prometheus
        ? {
            url: c.prometheus.url.replace(/\/+$/, ''),
            headers: c.prometheus.headers ?? {},
            timeoutMs,
            concurrency: c.prometheus.concurrency ?? 4,
            shards: c.prometheus.shards ?? c.prometheus.concurrency ?? 4,
            recordingRules: c.prometheus.recordingRules ?? 'auto',
            retries: c.prometheus.retries ?? 2,
          }
        : undefined,
      tracing: c.tracing && {
        ...c.tracing,
        ...(c.tracing.dir ? { dir: path.resolve(baseDir, c.tracing.dir) } : {}),
      },
    };
  });

  return {
    schedule,
    staleAfterMs: readStaleAfter(meshConfig, schedule),
    refreshLimit: {
      requests: value.refreshLimit?.requests ?? 6,
      periodMs: readRefreshPeriod(meshConfig),
    },
    window: value.window ?? '5m',
    requireAuth: value.requireAuth ?? true,
    history: { retentionDays: value.history?.retentionDays ?? 90 },
    health: { tolerances: value.health?.tolerances },
    clusters,
  };
}

/** With a cron or manual schedule there is no interval to multiply: one hour. */
const STALE_AFTER_FALLBACK_MS = 60 * 60_000;

function frequencyMs(
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'],
): number | undefined {
  if ('cron' in frequency || 'trigger' in frequency) return undefined;
  const luxon = frequency as { toMillis?: () => number };
  if (typeof luxon.toMillis === 'function') return luxon.toMillis();
  return durationToMilliseconds(frequency as HumanDuration);
}

/** `mesh.refreshLimit.per`, one minute by default. */
function readRefreshPeriod(meshConfig: Config | undefined): number {
  if (!meshConfig?.has('refreshLimit.per')) return 60_000;
  try {
    return durationToMilliseconds(
      readDurationFromConfig(meshConfig.getConfig('refreshLimit'), {
        key: 'per',
      }),
    );
  } catch (e) {
    throw new Error(
      `Invalid mesh configuration: mesh.refreshLimit.per: ${
        (e as Error).message
      }`,
    );
  }
}

/** `mesh.staleAfter`, or three times the schedule's frequency. */
function readStaleAfter(
  meshConfig: Config | undefined,
  schedule: SchedulerServiceTaskScheduleDefinition,
): number {
  if (meshConfig?.has('staleAfter')) {
    try {
      return durationToMilliseconds(
        readDurationFromConfig(meshConfig, { key: 'staleAfter' }),
      );
    } catch (e) {
      throw new Error(
        `Invalid mesh configuration: mesh.staleAfter: ${(e as Error).message}`,
      );
    }
  }
  const every = frequencyMs(schedule.frequency);
  return every ? 3 * every : STALE_AFTER_FALLBACK_MS;
}

function resolveKubernetes(
  name: string,
  k: z.infer<typeof kubernetesSchema> | undefined,
  index: number,
  config: Config,
  baseDir: string,
): ClusterConfig['kubernetes'] {
  if (!k) {
    const fromPlugin = readKubernetesPluginClusters(config).get(name);
    if (!fromPlugin) {
      throw new Error(
        `Invalid mesh configuration: mesh.clusters[${index}] ('${name}') has no kubernetes section, and kubernetes.clusterLocatorMethods declares no cluster named '${name}'`,
      );
    }
    if (fromPlugin.type === 'unsupported') {
      throw new Error(
        `Invalid mesh configuration: mesh.clusters[${index}]: ${fromPlugin.error}`,
      );
    }
    return fromPlugin;
  }
  if (k.manifestsDir) {
    return {
      type: 'manifests',
      manifestsDir: path.resolve(baseDir, k.manifestsDir),
    };
  }
  if (k.inCluster) return { type: 'in-cluster' };
  return {
    type: 'api',
    url: k.url!,
    serviceAccountToken: k.serviceAccountToken,
    caData: k.caData,
    skipTLSVerify: k.skipTLSVerify,
  };
}

/**
 * The clusters the Kubernetes plugin already declares (`kubernetes.clusterLocatorMethods`
 * of type `config`), so adopters configure each cluster once. Only service-account
 * authentication can be reused; other auth providers need their own mesh entry.
 */
export function readKubernetesPluginClusters(
  config: Config,
): Map<
  string,
  ClusterConfig['kubernetes'] | { type: 'unsupported'; error: string }
> {
  const out = new Map<
    string,
    ClusterConfig['kubernetes'] | { type: 'unsupported'; error: string }
  >();
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      const authProvider =
        cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') {
        out.set(name, {
          type: 'unsupported',
          error: `the Kubernetes plugin's cluster '${name}' uses authProvider '${authProvider}', which the mesh plugin cannot reuse; give it a kubernetes section with url and serviceAccountToken`,
        });
        continue;
      }
      out.set(name, {
        type: 'api',
        url: cluster.getString('url'),
        serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
        caData: cluster.getOptionalString('caData'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify'),
      });
    }
  }
  return out;
}
