import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { durationToMilliseconds, JsonObject } from '@backstage/types';
import path from 'node:path';
import { z } from 'zod';

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
    serviceAccountToken: z.string().optional(),
    caData: z.string().optional(),
    skipTLSVerify: z.boolean().optional(),
  })
  .strict()
  .refine(k => Boolean(k.manifestsDir) !== Boolean(k.url), {
    message: 'set exactly one of `manifestsDir` or `url`',
  });

const clusterSchema = z
  .object({
    name: z
      .string()
      .regex(
        CLUSTER_NAME,
        'must be a lowercase DNS-style name (letters, digits, "-", ".")',
      ),
    kubernetes: kubernetesSchema,
    prometheus: z
      .object({
        url: httpUrl,
        headers: z.record(z.string(), z.string()).optional(),
        timeout: z.unknown().optional(),
      })
      .strict()
      .optional(),
    tracing: z
      .object({
        type: z.enum(['jaeger', 'tempo', 'zipkin', 'files']),
        url: httpUrl.optional(),
        dir: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const meshSchema = z
  .object({
    schedule: z.unknown().optional(),
    window: z
      .string()
      .regex(PROMQL_DURATION, 'must be a PromQL duration such as `5m`')
      .optional(),
    requireAuth: z.boolean().optional(),
    clusters: z.array(clusterSchema).optional(),
  })
  .strict();

export interface ClusterConfig {
  name: string;
  kubernetes:
    | { type: 'manifests'; manifestsDir: string }
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
  };
  tracing?: {
    type: 'jaeger' | 'tempo' | 'zipkin' | 'files';
    url?: string;
    dir?: string;
  };
}

export interface MeshConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  window: string;
  requireAuth: boolean;
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
    const kubernetes: ClusterConfig['kubernetes'] = c.kubernetes.manifestsDir
      ? {
          type: 'manifests',
          manifestsDir: path.resolve(baseDir, c.kubernetes.manifestsDir),
        }
      : {
          type: 'api',
          url: c.kubernetes.url!,
          serviceAccountToken: c.kubernetes.serviceAccountToken,
          caData: c.kubernetes.caData,
          skipTLSVerify: c.kubernetes.skipTLSVerify,
        };
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
          }
        : undefined,
      tracing: c.tracing,
    };
  });

  return {
    schedule,
    window: value.window ?? '5m',
    requireAuth: value.requireAuth ?? true,
    clusters,
  };
}
