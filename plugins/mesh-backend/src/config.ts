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
import {
  CheckSettings,
  DEFAULT_CHECK_SETTINGS,
} from '@mesh-readiness/plugin-mesh-node';
import {
  Attestation,
  ATTESTABLE_CHECK_IDS,
  ATTESTATION_LIMITS,
  CheckSeverity,
} from '@mesh-readiness/plugin-mesh-common';
import { Tolerance, toleranceSchema } from './health/tolerances';
import {
  WORKLOAD_LINK_PLACEHOLDERS,
  WorkloadLinkTemplates,
} from './report/links';
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
    retries: z.number().int().min(0).max(5).optional(),
  })
  .strict()
  .refine(
    k => [k.manifestsDir, k.url, k.inCluster].filter(Boolean).length === 1,
    {
      message: 'set exactly one of `manifestsDir`, `url` or `inCluster: true`',
    },
  )
  .refine(k => !(k.manifestsDir && k.retries !== undefined), {
    message:
      '`retries` applies to an API server (`url` or `inCluster`), not to `manifestsDir`',
  });

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
    retries: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(DEFAULT_TRACING_OPTIONS.retries),
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

const positive = z.number().positive();
const comparisonDays = z.number().int().min(1).max(90);
const checkSettingsSchema = z
  .object({
    sidecarScope: z
      .object({ minServices: z.number().int().min(0).optional() })
      .strict()
      .optional(),
    controlPlane: z
      .object({ convergenceP99Seconds: positive.optional() })
      .strict()
      .optional(),
    certificates: z
      .object({
        warnDays: positive.optional(),
        failDays: positive.optional(),
        requireRotationDrill: z.boolean().optional(),
      })
      .strict()
      .refine(
        c =>
          (c.warnDays ?? DEFAULT_CHECK_SETTINGS.certificates.warnDays) >
          (c.failDays ?? DEFAULT_CHECK_SETTINGS.certificates.failDays),
        'warnDays must be greater than failDays',
      )
      .optional(),
    tracePropagation: z
      .object({ minSamples: z.number().int().min(1).optional() })
      .strict()
      .optional(),
    rollout: z
      .object({
        /** Deprecated: `mesh.rollout.comparisonDays`. */
        comparisonDays: comparisonDays.optional(),
        maxP99IncreasePercent: positive.optional(),
        maxErrorRateIncreasePoints: positive.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * A link template from config: an http(s) URL whose only placeholders are those listed,
 * so a template is filled with validated values only and never points elsewhere.
 */
function linkTemplate(placeholders: readonly string[]) {
  return z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
    .superRefine((t, ctx) => {
      for (const [, name] of t.matchAll(/\{([^}]*)\}/g)) {
        if (!placeholders.includes(name)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown placeholder {${name}}; use ${placeholders
              .map(p => `{${p}}`)
              .join(', ')}`,
          });
          return;
        }
      }
      // The host is config's to name: a workload called `phish.example.com` must not
      // move a link to another site. Only the cluster's name (from config) may be in it.
      const authority = /^https?:\/\/([^/?#]*)/.exec(t)?.[1] ?? '';
      for (const [, name] of authority.matchAll(/\{([^}]*)\}/g)) {
        if (name !== 'cluster') {
          ctx.addIssue({
            code: 'custom',
            message: `{${name}} cannot be part of the host; only {cluster} can`,
          });
          return;
        }
      }
      // Filled in, it must still be an absolute http(s) URL with a host: a brace left
      // over, or a template that is a URL only by its placeholders, is refused.
      const sample = t.replace(/\{[^}]*\}/g, 'x');
      let url: URL | undefined;
      try {
        url = new URL(sample);
      } catch {
        url = undefined;
      }
      if (/[{}]/.test(sample) || !url?.hostname) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be an absolute http(s) URL once its placeholders are filled in (a `{` or `}` left over?)',
        });
      }
    });
}

const isoTime = z
  .string()
  .refine(
    t =>
      /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(t) &&
      !Number.isNaN(Date.parse(t)),
    'must be an ISO date or time, e.g. 2026-12-01 or 2026-12-01T09:00:00Z',
  );

/**
 * Attestations as code: a person's answer to a checklist line, kept in app-config beside
 * the runbook it points to. Stored ones (`POST /v1/attestations`) come on top.
 */
const declaredAttestationSchema = z
  .object({
    entityRef: z
      .string()
      .regex(
        /^[a-z]+:[a-zA-Z0-9][-_.a-zA-Z0-9]*\/[a-zA-Z0-9][-_.a-zA-Z0-9]*$/,
        'must be a full entity ref, e.g. group:default/team-shop',
      ),
    checkId: z
      .string()
      .refine(
        id => ATTESTABLE_CHECK_IDS.includes(id),
        `must be one of ${ATTESTABLE_CHECK_IDS.join(', ')}`,
      ),
    note: z.string().min(1).max(ATTESTATION_LIMITS.noteMaxLength),
    link: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .max(ATTESTATION_LIMITS.linkMaxLength)
      .optional(),
    by: z
      .string()
      .regex(
        /^user:[^/]+\/\S+$/,
        'must be a user entity ref, e.g. user:default/ana',
      ),
    at: isoTime,
    expiresAt: isoTime,
  })
  .strict()
  .refine(a => Date.parse(a.expiresAt) > Date.parse(a.at), {
    message: 'expiresAt must be after at',
  });

const workloadLinkTemplate = linkTemplate(WORKLOAD_LINK_PLACEHOLDERS);

const linksSchema = z
  .object({
    tracing: linkTemplate(['traceId']).optional(),
    kiali: workloadLinkTemplate.optional(),
    linkerdViz: workloadLinkTemplate.optional(),
    grafana: workloadLinkTemplate.optional(),
    tracingSearch: workloadLinkTemplate.optional(),
  })
  .strict();

/** The templates of `mesh.links` that open a workload; `tracing` opens a trace. */
function workloadLinks(
  links: z.infer<typeof linksSchema> | undefined,
): WorkloadLinkTemplates {
  const { tracing: _trace, ...workload } = links ?? {};
  return workload;
}

/**
 * The rollout comparison window: `mesh.rollout.comparisonDays`, or its old name under
 * `mesh.checks.rollout` (read with a warning; the new key wins when both are set).
 */
function rolloutComparisonDays(
  value: z.infer<typeof meshSchema>,
  warn: (message: string) => void,
): number {
  const current = value.rollout?.comparisonDays;
  const old = value.checks?.rollout?.comparisonDays;
  if (old !== undefined) {
    warn(
      current === undefined
        ? `mesh.checks.rollout.comparisonDays is deprecated: rename it to mesh.rollout.comparisonDays (read as ${old} days for now)`
        : `mesh.checks.rollout.comparisonDays is deprecated and ignored: mesh.rollout.comparisonDays (${current} days) is set`,
    );
  }
  return current ?? old ?? DEFAULT_CHECK_SETTINGS.rollout.comparisonDays;
}

/** `mesh.checks` over the defaults. */
function checkSettings(
  value: z.infer<typeof checkSettingsSchema> | undefined,
  links: z.infer<typeof linksSchema> | undefined,
  comparisonDaysValue: number,
): CheckSettings {
  const d = DEFAULT_CHECK_SETTINGS;
  return {
    sidecarScope: { ...d.sidecarScope, ...value?.sidecarScope },
    controlPlane: { ...d.controlPlane, ...value?.controlPlane },
    certificates: { ...d.certificates, ...value?.certificates },
    tracePropagation: { ...d.tracePropagation, ...value?.tracePropagation },
    rollout: {
      ...d.rollout,
      ...value?.rollout,
      comparisonDays: comparisonDaysValue,
    },
    links: {
      ...d.links,
      ...(links?.tracing ? { tracing: links.tracing } : {}),
    },
  };
}

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
    metrics: z
      .object({
        allowUnauthenticated: z.boolean().optional(),
        checkStatusZeros: z.boolean().optional(),
      })
      .strict()
      .optional(),
    collector: z
      .object({
        enabled: z.boolean().optional(),
        worker: z.boolean().optional(),
      })
      .strict()
      .optional(),
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
    checks: checkSettingsSchema.optional(),
    rollout: z
      .object({ comparisonDays: comparisonDays.optional() })
      .strict()
      .optional(),
    // Ids are checked against the registered checks when the registry is built.
    severities: z
      .record(z.string(), z.enum(['critical', 'high', 'medium']))
      .optional(),
    links: linksSchema.optional(),
    attestations: z.array(declaredAttestationSchema).max(10_000).optional(),
    clusters: z.array(clusterSchema).optional(),
  })
  .strict();

export interface ClusterConfig {
  name: string;
  kubernetes:
    | { type: 'manifests'; manifestsDir: string }
    | {
        type: 'in-cluster';
        /** Retries of a refused connection, a 429 or a 502/503/504. */
        retries?: number;
      }
    | {
        type: 'api';
        url: string;
        serviceAccountToken?: string;
        caData?: string;
        skipTLSVerify?: boolean;
        retries?: number;
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
  /** `GET /metrics` (README "Prometheus export and Grafana"). */
  metrics: { allowUnauthenticated: boolean; checkStatusZeros: boolean };
  /**
   * Whether this replica runs the collection (`mesh.collector.enabled`, default true).
   * A replica that does not only serves: its refreshes trigger the collecting replicas'
   * tasks and wait for them, so reads never share a process with a collection.
   */
  collector: {
    enabled: boolean;
    /**
     * Whether runs execute in a worker thread (`mesh.collector.worker`, default false):
     * see collector/worker/host.ts.
     */
    worker: boolean;
  };
  /** Request-health tolerances; Kiali's defaults when unset. */
  health: { tolerances?: Tolerance[] };
  history: { retentionDays: number };
  /** Check thresholds, defaults filled in. */
  checks: CheckSettings;
  /** `mesh.links` that open a workload in a tool (Kiali, Linkerd viz, Grafana, tracing). */
  links: WorkloadLinkTemplates;
  /** Attestations declared in config (`mesh.attestations`), with ids `config-<n>`. */
  attestations: Attestation[];
  /** Severity per check id, over the definitions' (`mesh.severities`). */
  severities: Record<string, CheckSeverity>;
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
  options: {
    baseDir?: string;
    /** Told of deprecated keys in use; startup warns with it (plugin.ts passes the logger). */
    logger?: { warn(message: string): void };
  } = {},
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
    metrics: {
      allowUnauthenticated: value.metrics?.allowUnauthenticated ?? false,
      checkStatusZeros: value.metrics?.checkStatusZeros ?? false,
    },
    collector: {
      enabled: value.collector?.enabled ?? true,
      worker: value.collector?.worker ?? false,
    },
    history: { retentionDays: value.history?.retentionDays ?? 365 },
    health: { tolerances: value.health?.tolerances },
    checks: checkSettings(
      value.checks,
      value.links,
      rolloutComparisonDays(value, m => options.logger?.warn(m)),
    ),
    links: workloadLinks(value.links),
    attestations: (value.attestations ?? []).map((a, i) => ({
      id: `config-${i}`,
      entityRef: a.entityRef,
      checkId: a.checkId,
      note: a.note,
      ...(a.link ? { link: a.link } : {}),
      createdBy: a.by,
      createdAt: new Date(a.at).toISOString(),
      expiresAt: new Date(a.expiresAt).toISOString(),
    })),
    severities: value.severities ?? {},
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
  const retries = k.retries === undefined ? {} : { retries: k.retries };
  if (k.inCluster) return { type: 'in-cluster', ...retries };
  return {
    type: 'api',
    url: k.url!,
    serviceAccountToken: k.serviceAccountToken,
    caData: k.caData,
    skipTLSVerify: k.skipTLSVerify,
    ...retries,
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
