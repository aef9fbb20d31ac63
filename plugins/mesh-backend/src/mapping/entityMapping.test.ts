import { ConfigReader } from '@backstage/config';
import { readMeshConfig } from '../config';
import {
  deployment,
  deploymentWithPods,
  entity,
  namespace,
  pod,
  snapshot,
  statefulSetWithPods,
} from '../__testUtils__/fixtures';
import {
  EntityMapping,
  matchWorkloads,
  resolveEntityMapping,
} from './entityMapping';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';

const ID = 'backstage.io/kubernetes-id';
const SELECTOR = 'backstage.io/kubernetes-label-selector';
const NAMESPACE = 'backstage.io/kubernetes-namespace';
const CLUSTER = 'backstage.io/kubernetes-cluster';

type Mapped = Extract<EntityMapping, { kind: 'mapped' }>;

function mapped(annotations: Record<string, string>): Mapped {
  const mapping = resolveEntityMapping(entity('checkout', annotations));
  if (mapping.kind !== 'mapped')
    throw new Error(`expected mapped, got ${JSON.stringify(mapping)}`);
  return mapping;
}

describe('resolveEntityMapping', () => {
  it.each([
    ['no annotations', {}],
    [
      'unrelated annotations',
      { 'backstage.io/source-location': 'url:https://example.com' },
    ],
    ['a blank kubernetes-id', { [ID]: '   ' }],
    ['a blank label selector and no id', { [SELECTOR]: '' }],
    ['only a namespace', { [NAMESPACE]: 'shop' }],
  ])('is unmapped with %s', (_why, annotations) => {
    expect(resolveEntityMapping(entity('checkout', annotations))).toEqual({
      kind: 'unmapped',
    });
  });

  it('maps kubernetes-id to the backstage.io/kubernetes-id label, as the Kubernetes plugin does', () => {
    expect(mapped({ [ID]: 'checkout' })).toEqual({
      kind: 'mapped',
      via: ID,
      selector: [{ key: ID, op: 'in', values: ['checkout'] }],
      selectorText: 'backstage.io/kubernetes-id=checkout',
    });
  });

  it('trims the kubernetes-id', () => {
    expect(mapped({ [ID]: ' checkout ' }).selectorText).toBe(
      'backstage.io/kubernetes-id=checkout',
    );
  });

  it('prefers the label selector over kubernetes-id', () => {
    const m = mapped({
      [ID]: 'checkout',
      [SELECTOR]: 'app.kubernetes.io/name=shop-checkout',
    });
    expect(m.via).toBe(SELECTOR);
    expect(m.selectorText).toBe('app.kubernetes.io/name=shop-checkout');
  });

  it('falls back to kubernetes-id when the label selector is blank', () => {
    expect(mapped({ [ID]: 'checkout', [SELECTOR]: '  ' }).via).toBe(ID);
  });

  it.each([
    ['shop', ['shop']],
    ['shop,data', ['shop', 'data']],
    [' shop , data ', ['shop', 'data']],
    ['shop,shop', ['shop']],
  ])('reads namespace %j as %j', (raw, namespaces) => {
    expect(mapped({ [ID]: 'checkout', [NAMESPACE]: raw }).namespaces).toEqual(
      namespaces,
    );
  });

  it('leaves namespaces and clusters unset without their annotations', () => {
    const m = mapped({ [ID]: 'checkout' });
    expect(m.namespaces).toBeUndefined();
    expect(m.clusters).toBeUndefined();
  });

  it.each([
    ['prod-eu', ['prod-eu']],
    ['prod-eu, prod-us', ['prod-eu', 'prod-us']],
    // The config accepts dotted cluster names, so the annotation must be able to name them.
    ['prod.eu-1', ['prod.eu-1']],
  ])('reads cluster %j as %j', (raw, clusters) => {
    expect(mapped({ [ID]: 'checkout', [CLUSTER]: raw }).clusters).toEqual(
      clusters,
    );
  });

  it('accepts in the cluster annotation every cluster name the config accepts', () => {
    const config = readMeshConfig(
      new ConfigReader({
        mesh: {
          clusters: [
            { name: 'prod.eu-1', kubernetes: { manifestsDir: '/tmp/x' } },
            { name: 'k3d-local', kubernetes: { manifestsDir: '/tmp/y' } },
          ],
        },
      }),
    );
    for (const c of config.clusters) {
      expect(mapped({ [ID]: 'checkout', [CLUSTER]: c.name }).clusters).toEqual([
        c.name,
      ]);
    }
  });

  it.each<{
    why: string;
    annotations: Record<string, string>;
    annotation: string;
    error: string;
  }>([
    {
      why: 'a kubernetes-id with spaces and punctuation',
      annotations: { [ID]: 'Check Out!' },
      annotation: ID,
      error: "label value 'Check Out!' is not valid",
    },
    {
      why: 'a kubernetes-id longer than 63 characters',
      annotations: { [ID]: 'x'.repeat(64) },
      annotation: ID,
      error: 'at most 63 characters',
    },
    {
      why: 'a label selector with unbalanced parentheses',
      annotations: { [SELECTOR]: 'env in (prod' },
      annotation: SELECTOR,
      error: 'unbalanced parentheses',
    },
    {
      why: 'a label selector with an invalid value, even when a valid id is present',
      annotations: { [SELECTOR]: 'app=a b', [ID]: 'checkout' },
      annotation: SELECTOR,
      error: "cannot parse 'app=a b'",
    },
    {
      why: 'an upper-case namespace',
      annotations: { [ID]: 'checkout', [NAMESPACE]: 'Shop' },
      annotation: NAMESPACE,
      error: "'Shop' is not a valid namespace name",
    },
    {
      why: 'an empty entry in the namespace list',
      annotations: { [ID]: 'checkout', [NAMESPACE]: 'shop,,data' },
      annotation: NAMESPACE,
      error: "'' is not a valid namespace name",
    },
    {
      why: 'a namespace with a dot (namespaces are DNS labels)',
      annotations: { [ID]: 'checkout', [NAMESPACE]: 'shop.eu' },
      annotation: NAMESPACE,
      error: "'shop.eu' is not a valid namespace name",
    },
    {
      why: 'a namespace that tries to inject a query',
      annotations: { [ID]: 'checkout', [NAMESPACE]: 'shop"}) or vector(1)' },
      annotation: NAMESPACE,
      error: 'is not a valid namespace name',
    },
    {
      why: 'a cluster name with an underscore',
      annotations: { [ID]: 'checkout', [CLUSTER]: 'prod_eu' },
      annotation: CLUSTER,
      error: "'prod_eu' is not a valid cluster name",
    },
  ])('is invalid with $why', ({ annotations, annotation, error }) => {
    const mapping = resolveEntityMapping(entity('checkout', annotations));
    expect(mapping).toMatchObject({
      kind: 'invalid',
      annotation,
      value: annotations[annotation],
    });
    expect((mapping as { error: string }).error).toContain(error);
  });
});

describe('matchWorkloads', () => {
  const prod = snapshot('prod', [
    namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
    namespace('staging'),
    ...deploymentWithPods('checkout', 'shop', {
      pods: 2,
      templateLabels: {
        app: 'checkout',
        'backstage.io/kubernetes-id': 'checkout',
      },
    }),
    ...deploymentWithPods('checkout', 'staging', {
      pods: 1,
      templateLabels: {
        app: 'checkout',
        'backstage.io/kubernetes-id': 'checkout',
      },
    }),
    ...deploymentWithPods('cart', 'shop', { pods: 1 }),
    ...statefulSetWithPods('checkout-cache', 'shop', {
      pods: 1,
      templateLabels: {
        app: 'checkout-cache',
        'app.kubernetes.io/part-of': 'checkout',
      },
    }),
  ]);
  const dr = snapshot('dr', [
    ...deploymentWithPods('checkout', 'shop', {
      pods: 1,
      templateLabels: {
        app: 'checkout',
        'backstage.io/kubernetes-id': 'checkout',
      },
    }),
  ]);
  const refs = (m: Mapped, snapshots = [prod, dr]) =>
    matchWorkloads(m, snapshots)
      .map(
        w =>
          `${w.cluster}/${w.workload.namespace}/${w.workload.kind}/${w.workload.name}`,
      )
      .sort();

  it('matches by the kubernetes-id label across namespaces and clusters', () => {
    expect(refs(mapped({ [ID]: 'checkout' }))).toEqual([
      'dr/shop/Deployment/checkout',
      'prod/shop/Deployment/checkout',
      'prod/staging/Deployment/checkout',
    ]);
  });

  it('restricts to the namespaces of the namespace annotation', () => {
    expect(refs(mapped({ [ID]: 'checkout', [NAMESPACE]: 'staging' }))).toEqual([
      'prod/staging/Deployment/checkout',
    ]);
  });

  it('restricts to the clusters of the cluster annotation', () => {
    expect(refs(mapped({ [ID]: 'checkout', [CLUSTER]: 'dr' }))).toEqual([
      'dr/shop/Deployment/checkout',
    ]);
  });

  it('matches set-based selectors', () => {
    expect(
      refs(
        mapped({
          [SELECTOR]: 'app in (checkout, checkout-cache),!canary',
          [NAMESPACE]: 'shop',
        }),
        [prod],
      ),
    ).toEqual([
      'prod/shop/Deployment/checkout',
      'prod/shop/StatefulSet/checkout-cache',
    ]);
  });

  it('matches on template labels even when the workload object has other labels', () => {
    expect(
      refs(mapped({ [SELECTOR]: 'app.kubernetes.io/part-of=checkout' }), [
        prod,
      ]),
    ).toEqual(['prod/shop/StatefulSet/checkout-cache']);
  });

  it('matches on pod labels when only pods were collected', () => {
    const podsOnly = snapshot('prod', [
      pod('legacy-1', 'shop', {
        labels: { 'backstage.io/kubernetes-id': 'legacy' },
      }),
    ]);
    expect(refs(mapped({ [ID]: 'legacy' }), [podsOnly])).toEqual([
      'prod/shop/Pod/legacy-1',
    ]);
  });

  it('attaches the namespace facts', () => {
    const [m] = matchWorkloads(
      mapped({ [ID]: 'checkout', [NAMESPACE]: 'shop', [CLUSTER]: 'prod' }),
      [prod],
    );
    expect(m.namespace?.labels['istio-injection']).toBe('enabled');
  });

  it('skips a cluster whose Kubernetes source gave no data', () => {
    const failed = snapshot('prod', [], {
      kubernetes: { ok: false, error: 'boom', data: undefined },
    });
    expect(matchWorkloads(mapped({ [ID]: 'checkout' }), [failed])).toEqual([]);
  });

  it('matches nothing when nothing carries the label', () => {
    expect(refs(mapped({ [ID]: 'nothing-here' }))).toEqual([]);
  });

  describe('judges the workload and its template, never a single pod', () => {
    // One pod of the Deployment carries a label added by hand.
    const withStrayPod = (objects: KubeObject[]) => {
      const first = objects.find(o => o.kind === 'Pod')!;
      first.metadata.labels = { ...first.metadata.labels, debug: 'true' };
      return objects;
    };
    const seen = snapshot('prod', [
      namespace('shop'),
      ...withStrayPod(deploymentWithPods('checkout', 'shop', { pods: 2 })),
    ]);
    // Only pods were collected: the Deployment is inferred from them.
    const podsOnly = snapshot('prod', [
      ...withStrayPod(
        deploymentWithPods('checkout', 'shop', {
          pods: 2,
          withoutReplicaSet: true,
        }).filter(o => o.kind === 'Pod'),
      ),
    ]);

    it.each([
      // `debug=true` goes through the label index; `debug` scans every workload.
      ['debug=true', seen],
      ['debug', seen],
      ['app=checkout,debug=true', seen],
      ['app=checkout,pod-template-hash=6b7f9c8d5', seen],
      ['pod-template-hash=6b7f9c8d5', seen],
      ['debug=true', podsOnly],
      ['app=checkout,debug', podsOnly],
    ])(
      'does not match %j that only a stray pod satisfies',
      (selector, snap) => {
        expect(refs(mapped({ [SELECTOR]: selector }), [snap])).toEqual([]);
      },
    );

    it.each([
      ['app=checkout', seen, 'prod/shop/Deployment/checkout'],
      ['app=checkout,!debug', seen, 'prod/shop/Deployment/checkout'],
      ['app=checkout', podsOnly, 'prod/shop/Deployment/checkout'],
    ])('still matches %j', (selector, snap, ref) => {
      expect(refs(mapped({ [SELECTOR]: selector }), [snap])).toEqual([ref]);
    });

    it('requires the whole selector of one label set: workload labels and template labels are not mixed', () => {
      const split = snapshot('prod', [
        deployment('checkout', 'shop', {
          labels: { team: 'payments' },
          templateLabels: { app: 'checkout' },
        }),
      ]);
      expect(
        refs(mapped({ [SELECTOR]: 'team=payments,app=checkout' }), [split]),
      ).toEqual([]);
      expect(refs(mapped({ [SELECTOR]: 'team=payments' }), [split])).toEqual([
        'prod/shop/Deployment/checkout',
      ]);
    });
  });
});
