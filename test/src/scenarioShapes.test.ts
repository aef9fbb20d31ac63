/**
 * The scenarios' inputs look like what adopters' clusters give: every Kubernetes object
 * as `kubectl get -o yaml` prints it (what the API server fills in is there, no YAML
 * anchors), and every scenario asserts every check for every entity it names. A fixture
 * that skips the server-filled fields would let a check lean on a shape real clusters
 * never have; an entity with unasserted checks would let a wrong status pass unseen.
 */
import { CHECK_IDS } from '@mesh-readiness/plugin-mesh-common';
import fs from 'node:fs';
import path from 'node:path';
import { isAlias, parseAllDocuments, visit } from 'yaml';
import { loadScenario, REPO_ROOT, SCENARIO_DIRS } from './scenario';

/** The bad-input scenario's manifests are broken on purpose. */
const DELIBERATELY_BROKEN = new Set(['bad-input']);

function manifestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && /\.ya?ml(\.tmpl)?$/.test(e.name))
    .map(e => path.join(e.parentPath ?? (e as any).path, e.name))
    .filter(f => f.split(path.sep).includes('kubernetes'));
}

type Obj = Record<string, any>;

/** What `kubectl get -o yaml` would print that this object lacks. */
function kubectlGaps(o: Obj): string[] {
  const gaps: string[] = [];
  const md = o.metadata ?? {};
  for (const field of ['uid', 'resourceVersion', 'creationTimestamp']) {
    if (md[field] === undefined || md[field] === null)
      gaps.push(`metadata.${field}`);
  }
  switch (o.kind) {
    case 'Namespace':
      if (!o.status?.phase) gaps.push('status.phase');
      break;
    case 'Service':
      if (!o.spec?.type) gaps.push('spec.type');
      if (o.spec?.type !== 'ExternalName' && !o.spec?.clusterIP)
        gaps.push('spec.clusterIP');
      break;
    case 'Pod':
      if (!o.status?.phase) gaps.push('status.phase');
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      if (!o.status) gaps.push('status');
      if (o.kind !== 'ReplicaSet' && md.generation === undefined)
        gaps.push('metadata.generation');
      break;
    default:
  }
  return gaps;
}

const scenarios = SCENARIO_DIRS.filter(
  d => !DELIBERATELY_BROKEN.has(path.basename(d)),
);

describe('scenario manifests are in `kubectl get -o yaml` form', () => {
  const files = scenarios.flatMap(d =>
    manifestFiles(d).map(f => [path.relative(REPO_ROOT, f), f] as const),
  );

  it('finds the manifests', () => {
    expect(files.length).toBeGreaterThan(scenarios.length);
  });

  it.each(files)('%s', (_name, file) => {
    const gaps: string[] = [];
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      visit(doc, {
        Node(_key, node) {
          if (isAlias(node))
            gaps.push(`YAML alias *${node.source}: kubectl prints no aliases`);
          else if ((node as { anchor?: string }).anchor)
            gaps.push(`YAML anchor &${(node as { anchor?: string }).anchor}`);
        },
      });
      const top = doc.toJS() as Obj | null;
      if (!top) continue;
      const items: Obj[] = Array.isArray(top.items) ? top.items : [top];
      for (const o of items) {
        const missing = kubectlGaps(o);
        if (missing.length)
          gaps.push(
            `${o.kind} ${o.metadata?.namespace ?? ''}/${
              o.metadata?.name
            }: ${missing.join(', ')}`,
          );
      }
    }
    expect(gaps).toEqual([]);
  });
});

describe('every scenario asserts every check for every entity it names', () => {
  it.each(
    // Loaded here, not in the test: a templated scenario registers its cleanup hook.
    SCENARIO_DIRS.map(
      d => [path.relative(REPO_ROOT, d), loadScenario(d)] as const,
    ),
  )('%s', (_name, scenario) => {
    const unasserted = Object.entries(scenario.expected.entities).flatMap(
      ([ref, e]) =>
        Object.values(CHECK_IDS)
          .filter(id => !(id in (e.checks ?? {})))
          .map(id => `${ref}: ${id}`),
    );
    expect(unasserted).toEqual([]);
  });
});
