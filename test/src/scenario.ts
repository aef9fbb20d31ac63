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
}

export interface Scenario {
  name: string;
  dir: string;
  entities: Entity[];
  kubernetesDir: string;
  metrics?: TrafficSpec;
  expected: {
    entities: Record<string, ExpectedEntity>;
    sources?: Record<
      string,
      { ok: boolean; errorContains?: string | string[] }
    >;
  };
}

/**
 * A scenario folder (DESIGN.md "Testing"): catalog.yaml, kubernetes/*.yaml, metrics.yaml
 * (a traffic spec for the generator) and expected.yaml.
 */
export function loadScenario(dir: string): Scenario {
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  const entities = parseAllDocuments(read('catalog.yaml'))
    .map(d => d.toJS() as Entity)
    .filter(Boolean)
    .map(e => ({ ...e, metadata: { namespace: 'default', ...e.metadata } }));
  return {
    name: path.basename(dir),
    dir,
    entities,
    kubernetesDir: path.join(dir, 'kubernetes'),
    metrics: fs.existsSync(path.join(dir, 'metrics.yaml'))
      ? (parse(read('metrics.yaml')) as TrafficSpec)
      : undefined,
    expected: parse(read('expected.yaml')),
  };
}
