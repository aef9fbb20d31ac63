import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import type { TrafficSpec } from 'mesh-devtools/metrics';

/** Where the scenario folders live; the demo is a scenario too. */
export const REPO_ROOT = path.resolve(resolvePackagePath('mesh-test'), '..');
export const SCENARIO_DIRS = [
  path.join(REPO_ROOT, 'demo'),
  ...fs
    .readdirSync(path.join(REPO_ROOT, 'test/scenarios'), {
      withFileTypes: true,
    })
    .filter(d => d.isDirectory())
    .map(d => path.join(REPO_ROOT, 'test/scenarios', d.name)),
];

export interface ExpectedEntity {
  provider?: string;
  dataPlane?: string;
  health?: string;
  readiness?: string;
  pods?: number;
  meshedPods?: number;
  checks: Record<string, string>;
  /** Words the summary of a check must contain. */
  summaries?: Record<string, string>;
  /** Words the remediation of a check must contain. */
  remediations?: Record<string, string>;
  /** Bounds of the requests per second through the mesh (rates extrapolate at the edges). */
  rps?: { min: number; max: number };
  /** `cluster/namespace/Kind/name` of every workload, sorted. */
  workloads?: string[];
}

export interface ScenarioCluster {
  name: string;
  /** `manifests`: the directory itself; `api`: served by the fixture Kubernetes API. */
  source: 'manifests' | 'api';
  kubernetesDir: string;
  metrics?: TrafficSpec;
  /** With source `api`: resources the service account may not list, e.g. `pods`. */
  forbidden?: string[];
  /** A directory of Jaeger API JSON exports, read by the `files` tracing source. */
  tracesDir?: string;
}

export interface Scenario {
  name: string;
  dir: string;
  entities: Entity[];
  clusters: ScenarioCluster[];
  expected: {
    entities: Record<string, ExpectedEntity>;
    sources?: Record<
      string,
      { ok: boolean; partial?: boolean; errorContains?: string | string[] }
    >;
  };
}

/**
 * A scenario folder (DESIGN.md "Testing"): catalog.yaml, kubernetes/*.yaml, metrics.yaml
 * (a traffic spec for the generator) and expected.yaml. A multi-cluster scenario has a
 * scenario.yaml listing its clusters, each in clusters/<name>/ with the same files.
 */
export function loadScenario(dir: string): Scenario {
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  const entities = parseAllDocuments(read('catalog.yaml'))
    .map(d => d.toJS() as Entity)
    .filter(Boolean)
    .map(e => ({ ...e, metadata: { namespace: 'default', ...e.metadata } }));
  const metricsIn = (folder: string) =>
    fs.existsSync(path.join(folder, 'metrics.yaml'))
      ? (parse(
          fs.readFileSync(path.join(folder, 'metrics.yaml'), 'utf8'),
        ) as TrafficSpec)
      : undefined;
  const clusters: ScenarioCluster[] = fs.existsSync(
    path.join(dir, 'scenario.yaml'),
  )
    ? (
        parse(read('scenario.yaml')).clusters as Omit<
          ScenarioCluster,
          'kubernetesDir' | 'metrics'
        >[]
      ).map(c => ({
        ...c,
        kubernetesDir: path.join(dir, 'clusters', c.name, 'kubernetes'),
        metrics: metricsIn(path.join(dir, 'clusters', c.name)),
      }))
    : [
        {
          name: 'scenario',
          source: 'manifests',
          kubernetesDir: path.join(dir, 'kubernetes'),
          metrics: metricsIn(dir),
          tracesDir: fs.existsSync(path.join(dir, 'traces'))
            ? path.join(dir, 'traces')
            : undefined,
        },
      ];
  return {
    name: path.basename(dir),
    dir,
    entities,
    clusters,
    expected: parse(read('expected.yaml')),
  };
}

/** Every object in a manifests directory, for the fixture Kubernetes API to serve. */
export function readManifests(dir: string): any[] {
  const out: any[] = [];
  for (const entry of fs.readdirSync(dir, {
    withFileTypes: true,
    recursive: true,
  })) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
    const text = fs.readFileSync(
      path.join(entry.parentPath ?? (entry as any).path, entry.name),
      'utf8',
    );
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS();
      if (!value) continue;
      out.push(
        ...(/List$/.test(value.kind) && Array.isArray(value.items)
          ? value.items
          : [value]),
      );
    }
  }
  return out;
}
