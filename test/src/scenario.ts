import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import type { TrafficSpec } from 'mesh-devtools/metrics';
import type { MeshReport } from '@mesh-readiness/plugin-mesh-common';

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
  /** `attestations.yaml`: attestations as code, passed as `mesh.attestations`. */
  attestations?: unknown[];
  expected: {
    entities: Record<string, ExpectedEntity>;
    sources?: Record<
      string,
      { ok: boolean; partial?: boolean; errorContains?: string | string[] }
    >;
  };
}

/** `${NOW}`, `${NOW-2d}`, `${NOW+90m}`: a time relative to when the scenario is loaded. */
const RELATIVE_TIME = /\$\{NOW(?:([+-])(\d+)([smhd]))?\}/g;
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
/** A manifest template: read only by the scenario loader, never by the backend. */
const TEMPLATE_FILE = /\.ya?ml\.tmpl$/;

/**
 * Replaces every `${NOW}` / `${NOW±<n><s|m|h|d>}` in a manifest template with that time,
 * as Kubernetes writes it (`2025-11-02T08:00:00Z`). Throws on a `${NOW…}` it cannot read.
 */
export function substituteRelativeTimes(text: string, nowMs: number): string {
  const out = text.replace(
    RELATIVE_TIME,
    (_m, sign?: string, n?: string, unit?: string) => {
      const delta = sign ? Number(n) * UNIT_MS[unit!] : 0;
      const ms = sign === '-' ? nowMs - delta : nowMs + delta;
      return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    },
  );
  const bad = out.match(/\$\{NOW[^}]*\}?/);
  if (bad) throw new Error(`cannot read the relative time ${bad[0]}`);
  return out;
}

/**
 * Removes a materialised folder after the test file (a top-level `afterAll`: the loader
 * runs when the file's tests are collected), or at exit outside Jest.
 */
function removeLater(dir: string) {
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    afterAll(remove);
  } catch {
    process.once('exit', remove);
  }
}

/**
 * Relative times in manifests, opt-in: a kubernetes folder with `*.yaml.tmpl` files (see
 * `substituteRelativeTimes`) is copied into a temporary directory with each template
 * substituted and renamed without `.tmpl`, and the scenario reads that directory (the
 * backend reads `manifestsDir` itself). Pod and workload ages thus stay the same
 * whatever the day the tests run. A folder without templates is used as it is.
 */
function withRelativeTimes(dir: string, nowMs: number): string {
  if (!fs.existsSync(dir)) return dir;
  const files = fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile())
    .map(e =>
      path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)),
    );
  if (!files.some(f => TEMPLATE_FILE.test(f))) return dir;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-scenario-'));
  removeLater(out);
  for (const f of files) {
    const target = path.join(out, f.replace(/\.tmpl$/, ''));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    fs.writeFileSync(
      target,
      TEMPLATE_FILE.test(f) ? substituteRelativeTimes(text, nowMs) : text,
    );
  }
  return out;
}

/**
 * A scenario folder (DESIGN.md "Testing"): catalog.yaml, kubernetes/*.yaml, metrics.yaml
 * (a traffic spec for the generator) and expected.yaml. A multi-cluster scenario has a
 * scenario.yaml listing its clusters, each in clusters/<name>/ with the same files.
 * Manifests named `*.yaml.tmpl` may hold relative times, `${NOW-2d}` (see
 * `withRelativeTimes`); metrics.yaml may add a `baseline` window days back.
 */
export function loadScenario(dir: string): Scenario {
  // Not a parameter: `SCENARIO_DIRS.map(loadScenario)` passes the index second.
  const nowMs = Date.now();
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
        kubernetesDir: withRelativeTimes(
          path.join(dir, 'clusters', c.name, 'kubernetes'),
          nowMs,
        ),
        metrics: metricsIn(path.join(dir, 'clusters', c.name)),
      }))
    : [
        {
          name: 'scenario',
          source: 'manifests',
          kubernetesDir: withRelativeTimes(path.join(dir, 'kubernetes'), nowMs),
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
    attestations: fs.existsSync(path.join(dir, 'attestations.yaml'))
      ? (parse(read('attestations.yaml')) as unknown[])
      : undefined,
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

/** The expected range when the value lies in it; the value itself otherwise. */
function inRange(value: number | null, range: { min: number; max: number }) {
  return value !== null && value >= range.min && value <= range.max
    ? range
    : { min: value ?? NaN, max: value ?? NaN };
}

/**
 * The report seen through the keys expected.yaml names, so that one `toEqual` compares
 * them and a mismatch shows the actual value.
 */
export function actualFor(
  report: MeshReport,
  expected: ExpectedEntity,
): ExpectedEntity {
  const statuses = Object.fromEntries(report.checks.map(c => [c.id, c.status]));
  const words = (
    wanted: Record<string, string> | undefined,
    field: 'summary' | 'remediation',
  ) =>
    wanted &&
    Object.fromEntries(
      Object.entries(wanted).map(([id, w]) => {
        const text = report.checks.find(c => c.id === id)?.[field] ?? '';
        return [id, text.includes(w) ? w : text];
      }),
    );
  const actual: ExpectedEntity = {
    checks: Object.fromEntries(
      Object.keys(expected.checks).map(id => [id, statuses[id]]),
    ),
    provider: report.mesh.provider,
    dataPlane: report.mesh.dataPlane,
    health: report.health.status,
    readiness: report.readiness.level,
    pods: report.workloads.reduce((s, w) => s + w.pods, 0),
    meshedPods: report.workloads.reduce((s, w) => s + w.meshedPods, 0),
    rps: expected.rps && inRange(report.health.requestsPerSecond, expected.rps),
    workloads: report.workloads
      .map(w => `${w.cluster}/${w.namespace}/${w.kind}/${w.name}`)
      .sort(),
    summaries: words(expected.summaries, 'summary'),
    remediations: words(expected.remediations, 'remediation'),
  };
  return Object.fromEntries(
    Object.entries(actual).filter(([k]) => k in expected),
  ) as ExpectedEntity;
}
