import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  flavorFor,
  getFlavor,
  GuideSnippet,
  MESH_GUIDE,
  meshDocsHref,
} from './meshGuide';

function snippetsOf(id: Parameters<typeof getFlavor>[0]): GuideSnippet[] {
  const f = getFlavor(id);
  return [...f.rollout, ...f.verify.steps, ...f.rollback].flatMap(
    s => s.snippets ?? [],
  );
}

function textOf(id: Parameters<typeof getFlavor>[0]): string {
  return snippetsOf(id)
    .map(s => s.template)
    .join('\n');
}

describe('MESH_GUIDE', () => {
  it('covers the three data planes, each with rollout, verify and rollback', () => {
    expect(MESH_GUIDE.flavors.map(f => f.id)).toEqual([
      'istio-sidecar',
      'istio-ambient',
      'linkerd',
    ]);
    for (const f of MESH_GUIDE.flavors) {
      expect(f.rollout.length).toBeGreaterThanOrEqual(3);
      expect(f.verify.steps.length).toBeGreaterThan(0);
      expect(f.verify.checks.length).toBeGreaterThan(0);
      expect(f.rollback.length).toBeGreaterThan(0);
      // the core checks of the brief turn green in every flavor
      const ids = f.verify.checks.map(c => c.id);
      for (const id of [
        'mesh.enrollment',
        'observability.metrics',
        'health.golden-signals',
        'security.mtls',
      ]) {
        expect(ids).toContain(id);
      }
    }
  });

  it('names only checks that exist in the catalog', () => {
    const ids = [
      ...MESH_GUIDE.flavors.flatMap(f => f.verify.checks.map(c => c.id)),
      ...MESH_GUIDE.avoid.items.flatMap(i => (i.checkId ? [i.checkId] : [])),
      MESH_GUIDE.whenNotToMesh.checkId,
    ];
    for (const id of ids) expect(CHECK_DEFINITIONS[id]).toBeDefined();
  });

  it('follows the reference document’s four-step sequence', () => {
    expect(MESH_GUIDE.sequence).toHaveLength(4);
    expect(MESH_GUIDE.sequence[0]).toMatch(/one stateless HTTP service/);
    expect(MESH_GUIDE.sequence[1]).toMatch(/for a week/);
    expect(MESH_GUIDE.sequence[3]).toMatch(/namespace by namespace/);
  });

  it('uses the exact labels and annotations of each mesh', () => {
    const sidecar = textOf('istio-sidecar');
    expect(sidecar).toContain('istio-injection=enabled');
    expect(sidecar).toContain('istio.io/rev={revision}');
    expect(sidecar).toContain('"sidecar.istio.io/inject":"false"');
    expect(sidecar).toContain('sidecar.istio.io/inject: "false"');

    const ambient = textOf('istio-ambient');
    expect(ambient).toContain('istio.io/dataplane-mode=ambient');
    expect(ambient).toContain('istioctl waypoint apply -n {namespace}');
    expect(ambient).toContain('istio.io/use-waypoint=waypoint');
    expect(ambient).toContain('istio.io/dataplane-mode-');

    const linkerd = textOf('linkerd');
    expect(linkerd).toContain('linkerd.io/inject=enabled');
    expect(linkerd).toContain('"linkerd.io/inject":"disabled"');
    expect(linkerd).toContain('linkerd check --proxy -n {namespace}');
  });

  it('covers what to avoid and when not to mesh at all', () => {
    expect(MESH_GUIDE.avoid.items.map(i => i.checkId)).toEqual([
      'workload.stateful',
      'latency.sidecar-overhead',
      'workload.protocols',
    ]);
    expect(MESH_GUIDE.whenNotToMesh.alternatives.join(' ')).toMatch(
      /NetworkPolicies/,
    );
    expect(MESH_GUIDE.whenNotToMesh.pullThePlug).toHaveLength(4);
  });

  it('uses only known placeholders in its templates', () => {
    const known = new Set([
      'namespace',
      'workload',
      'kind',
      'cluster',
      'revision',
      'service',
      // jsonpath's `{end}` closes a `{range …}`
      'end',
    ]);
    for (const f of MESH_GUIDE.flavors) {
      for (const s of snippetsOf(f.id)) {
        for (const m of s.template.matchAll(/\{([a-z]+)\}/g)) {
          expect(known).toContain(m[1]);
        }
        expect(s.title.trim()).not.toBe('');
      }
    }
  });

  it('picks the flavor of a report', () => {
    expect(flavorFor({ provider: 'istio', dataPlane: 'sidecar' })).toBe(
      'istio-sidecar',
    );
    expect(flavorFor({ provider: 'istio', dataPlane: 'ambient' })).toBe(
      'istio-ambient',
    );
    expect(flavorFor({ provider: 'linkerd', dataPlane: 'sidecar' })).toBe(
      'linkerd',
    );
    expect(flavorFor({ provider: 'none', dataPlane: 'none' })).toBeUndefined();
    expect(flavorFor(undefined)).toBeUndefined();
  });

  it('links to the page for an entity', () => {
    expect(meshDocsHref('component:default/checkout')).toBe(
      '/mesh/docs?entity=component%3Adefault%2Fcheckout',
    );
    expect(meshDocsHref()).toBe('/mesh/docs');
  });
});
