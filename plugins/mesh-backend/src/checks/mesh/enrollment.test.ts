import {
  container,
  contextFor,
  cronJob,
  daemonSet,
  deployment,
  deploymentWithPods,
  istioProxy,
  job,
  linkerdProxy,
  namespace,
  pod,
  snapshot,
  statefulSetWithPods,
} from '../../__testUtils__/fixtures';
import { howToMesh, enrollmentCheck } from './enrollment';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';

const ISTIO_NS = namespace('shop', {
  labels: { 'istio-injection': 'enabled' },
});
const AMBIENT_NS = namespace('shop', {
  labels: { 'istio.io/dataplane-mode': 'ambient' },
});
const LINKERD_NS = namespace('shop', {
  annotations: { 'linkerd.io/inject': 'enabled' },
});
const PLAIN_NS = namespace('shop');

const evaluate = (
  objects: KubeObject[],
  annotations?: Record<string, string>,
) =>
  enrollmentCheck.evaluate(
    contextFor([snapshot('prod', objects)], annotations),
  );

describe('mesh.enrollment', () => {
  it('is the mesh.enrollment check, reading Kubernetes only', () => {
    expect(enrollmentCheck.definition.id).toBe('mesh.enrollment');
    expect(enrollmentCheck.definition.sources).toEqual(['kubernetes']);
  });

  describe('passes when every pod is meshed', () => {
    it.each([
      {
        how: 'Istio sidecars',
        objects: [
          ISTIO_NS,
          ...deploymentWithPods('checkout', 'shop', { pods: 3, meshedPods: 3 }),
        ],
        summary: 'All 3 pods are meshed (istio sidecar).',
      },
      {
        how: 'Istio native sidecars (init containers with restartPolicy Always)',
        objects: [
          ISTIO_NS,
          ...deploymentWithPods('checkout', 'shop', {
            pods: 2,
            meshedPods: 2,
            nativeProxy: true,
            proxy: istioProxy('1.27.1', { native: true }),
          }),
        ],
        summary: 'All 2 pods are meshed (istio sidecar).',
      },
      {
        how: 'Istio ambient redirection',
        objects: [
          AMBIENT_NS,
          ...deploymentWithPods('checkout', 'shop', {
            pods: 2,
            podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
          }),
        ],
        summary: 'All 2 pods are meshed (istio ambient).',
      },
      {
        how: 'Linkerd proxies',
        objects: [
          LINKERD_NS,
          ...deploymentWithPods('checkout', 'shop', {
            pods: 2,
            meshedPods: 2,
            proxy: linkerdProxy(),
          }),
        ],
        summary: 'All 2 pods are meshed (linkerd sidecar).',
      },
    ])('with $how', ({ objects, summary }) => {
      const outcome = evaluate(objects);
      expect(outcome.status).toBe('pass');
      expect(outcome.summary).toBe(summary);
      expect(outcome.remediation).toBeUndefined();
      expect(outcome.evidence).toMatchObject({
        meshedPods: outcome.evidence.pods,
        unmeshedPods: [],
      });
    });
  });

  it('warns about partial injection and says to restart the pods that started before it', () => {
    const outcome = evaluate([
      ISTIO_NS,
      ...deploymentWithPods('checkout', 'shop', { pods: 3, meshedPods: 1 }),
    ]);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe(
      'Partial injection: 2 of 3 pods run without a proxy (shop/checkout-6b7f9c8d5-p1, shop/checkout-6b7f9c8d5-p2).',
    );
    expect(outcome.remediation).toContain(
      'namespace label istio-injection=enabled',
    );
    expect(outcome.remediation).toContain(
      'kubectl rollout restart deployment/checkout -n shop',
    );
    expect(outcome.evidence).toMatchObject({
      provider: 'istio',
      dataPlane: 'sidecar',
      pods: 3,
      meshedPods: 1,
      unmeshedPods: [
        'shop/checkout-6b7f9c8d5-p1',
        'shop/checkout-6b7f9c8d5-p2',
      ],
      injection: [
        {
          workload: 'prod/shop/deployment/checkout',
          via: 'namespace label istio-injection=enabled',
          optOut: null,
        },
      ],
    });
  });

  it('lists at most 10 unmeshed pods', () => {
    const outcome = evaluate([
      ISTIO_NS,
      ...deploymentWithPods('checkout', 'shop', { pods: 13, meshedPods: 1 }),
    ]);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(
      /^Partial injection: 12 of 13 pods run without a proxy \(.*, …\)\.$/,
    );
    expect(outcome.evidence.unmeshedPods).toHaveLength(10);
  });

  it('warns about partial injection with how to mesh when no injection rule applies any more', () => {
    const outcome = evaluate([
      PLAIN_NS,
      ...deploymentWithPods('checkout', 'shop', { pods: 2, meshedPods: 1 }),
    ]);
    expect(outcome.status).toBe('warn');
    // The cluster runs Istio (a pod has its proxy), so only Istio's commands are offered.
    expect(outcome.remediation).toContain(
      'kubectl label namespace shop istio-injection=enabled',
    );
    expect(outcome.remediation).toContain(
      'kubectl rollout restart deployment/checkout -n shop',
    );
    expect(outcome.remediation).not.toContain('linkerd');
  });

  it.each([
    {
      what: 'a Deployment',
      objects: [
        ISTIO_NS,
        ...deploymentWithPods('checkout', 'shop', { pods: 2 }),
      ],
      restart: 'kubectl rollout restart deployment/checkout -n shop',
    },
    {
      what: 'a StatefulSet',
      objects: [
        ISTIO_NS,
        ...statefulSetWithPods('checkout', 'shop', { pods: 2 }),
      ],
      restart: 'kubectl rollout restart statefulset/checkout -n shop',
    },
  ])(
    'fails when injection is enabled for $what but no pod has a proxy, and says to restart',
    ({ objects, restart }) => {
      const outcome = evaluate(objects);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe(
        'Injection is enabled (namespace label istio-injection=enabled) but none of the 2 pods has a proxy.',
      );
      expect(outcome.remediation).toContain('IST0103');
      expect(outcome.remediation).toContain(restart);
    },
  );

  it('does not count an init container named istio-proxy without restartPolicy Always as a proxy', () => {
    const objects = [
      ISTIO_NS,
      ...deploymentWithPods('checkout', 'shop', {
        pods: 1,
        meshedPods: 1,
        nativeProxy: true,
        proxy: { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.1' },
      }),
    ];
    const outcome = evaluate(objects);
    expect(outcome.status).toBe('fail');
    expect(outcome.evidence).toMatchObject({ pods: 1, meshedPods: 0 });
  });

  it('fails ambient capture without redirection and points at istio-cni and ztunnel', () => {
    const outcome = evaluate([
      AMBIENT_NS,
      ...deploymentWithPods('checkout', 'shop', { pods: 2 }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      'namespace label istio.io/dataplane-mode=ambient',
    );
    expect(outcome.remediation).toContain('istio-cni');
    expect(outcome.remediation).toContain(
      'kubectl get pods -n istio-system -l app=ztunnel',
    );
    expect(outcome.remediation).not.toContain('rollout restart');
  });

  it('fails an unmeshed workload with every way to mesh it when the cluster runs no mesh yet', () => {
    const outcome = evaluate([
      namespace('billing'),
      ...deploymentWithPods('checkout', 'billing', { pods: 2 }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'Not meshed: none of the 2 pods has a mesh proxy and no injection label or annotation applies.',
    );
    const remediation = outcome.remediation!;
    expect(remediation).toContain('one namespace at a time');
    expect(remediation).toContain(
      'kubectl label namespace billing istio-injection=enabled',
    );
    expect(remediation).toContain(
      'kubectl label namespace billing istio.io/dataplane-mode=ambient',
    );
    expect(remediation).toContain(
      'kubectl annotate namespace billing linkerd.io/inject=enabled',
    );
    expect(remediation).toContain(
      'kubectl rollout restart deployment/checkout -n billing',
    );
    expect(outcome.evidence).toMatchObject({
      provider: 'none',
      dataPlane: 'none',
      meshedPods: 0,
    });
  });

  it('offers only the mesh the cluster already runs', () => {
    const outcome = evaluate([
      namespace('billing'),
      namespace('payments', {
        annotations: { 'linkerd.io/inject': 'enabled' },
      }),
      ...deploymentWithPods('checkout', 'billing', { pods: 1 }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.remediation).toContain(
      'kubectl annotate namespace billing linkerd.io/inject=enabled',
    );
    expect(outcome.remediation).not.toContain('istio-injection');
    expect(outcome.remediation).not.toContain('dataplane-mode');
  });

  it('does not take the deprecated annotation alone for an opt-in', () => {
    const outcome = evaluate([
      PLAIN_NS,
      ...deploymentWithPods('checkout', 'shop', {
        pods: 1,
        templateAnnotations: { 'sidecar.istio.io/inject': 'true' },
      }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      'no injection label or annotation applies',
    );
  });

  it.each([
    {
      why: 'pod label sidecar.istio.io/inject=false',
      objects: [
        ISTIO_NS,
        ...statefulSetWithPods('checkout', 'shop', {
          pods: 2,
          templateLabels: {
            app: 'checkout',
            'sidecar.istio.io/inject': 'false',
          },
        }),
      ],
      optOut: 'pod label sidecar.istio.io/inject=false',
    },
    {
      why: 'namespace istio-injection=disabled',
      objects: [
        namespace('shop', { labels: { 'istio-injection': 'disabled' } }),
        ...deploymentWithPods('checkout', 'shop', { pods: 1 }),
      ],
      optOut: 'namespace label istio-injection=disabled',
    },
    {
      why: 'pod annotation linkerd.io/inject=disabled',
      objects: [
        LINKERD_NS,
        ...deploymentWithPods('checkout', 'shop', {
          pods: 1,
          templateAnnotations: { 'linkerd.io/inject': 'disabled' },
        }),
      ],
      optOut: 'pod annotation linkerd.io/inject=disabled',
    },
  ])(
    'is not applicable when explicitly kept out ($why)',
    ({ objects, optOut }) => {
      const outcome = evaluate(objects);
      expect(outcome.status).toBe('not-applicable');
      expect(outcome.summary).toBe(
        `Explicitly kept out of the mesh (${optOut}).`,
      );
    },
  );

  describe('with no pods running', () => {
    it('passes when new pods will be meshed', () => {
      const outcome = evaluate([
        ISTIO_NS,
        deployment('checkout', 'shop', { replicas: 0 }),
      ]);
      expect(outcome.status).toBe('pass');
      expect(outcome.summary).toBe(
        'No pods are running; new pods will be meshed (istio sidecar).',
      );
    });

    it('passes when the proxy is already in the template (manual injection)', () => {
      const outcome = evaluate([
        PLAIN_NS,
        deployment('checkout', 'shop', {
          containers: [{ name: 'checkout' }, linkerdProxy()],
        }),
      ]);
      expect(outcome.status).toBe('pass');
      expect(outcome.summary).toContain('(linkerd sidecar)');
    });

    it('fails when nothing would mesh new pods', () => {
      const outcome = evaluate([PLAIN_NS, deployment('checkout', 'shop')]);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe(
        'No pods are running and nothing would mesh new ones: no injection label or annotation applies to deployment/checkout.',
      );
      expect(outcome.remediation).toContain(
        'kubectl label namespace shop istio-injection=enabled',
      );
      expect(outcome.remediation).toContain(
        'kubectl rollout restart deployment/checkout -n shop',
      );
    });

    it('is not applicable when explicitly kept out', () => {
      const outcome = evaluate([
        ISTIO_NS,
        deployment('checkout', 'shop', {
          templateLabels: {
            app: 'checkout',
            'sidecar.istio.io/inject': 'false',
          },
        }),
      ]);
      expect(outcome.status).toBe('not-applicable');
      expect(outcome.summary).toContain(
        'pod label sidecar.istio.io/inject=false',
      );
    });
  });

  it('warns when the workloads are split between Istio and Linkerd', () => {
    const outcome = evaluate([
      ISTIO_NS,
      namespace('payments', {
        annotations: { 'linkerd.io/inject': 'enabled' },
      }),
      ...deploymentWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
      ...deploymentWithPods('checkout', 'payments', {
        pods: 1,
        meshedPods: 1,
        proxy: linkerdProxy(),
      }),
    ]);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(
      'split between meshes (istio and linkerd)',
    );
    expect(outcome.summary).toContain('not mutually authenticated');
    expect(outcome.remediation).toBe(
      'Move every workload of the service to one mesh.',
    );
  });
});

describe('howToMesh', () => {
  it('lists each namespace once and restarts each workload', () => {
    const ctx = contextFor([
      snapshot('prod', [
        namespace('a'),
        namespace('b'),
        ...deploymentWithPods('checkout', 'a', { pods: 1 }),
        ...deploymentWithPods('checkout', 'b', { pods: 1 }),
        ...statefulSetWithPods('checkout-db', 'b', {
          pods: 1,
          templateLabels: { app: 'checkout' },
        }),
      ]),
    ]);
    const text = howToMesh(ctx, ctx.workloads);
    expect(
      text.match(/kubectl label namespace a istio-injection=enabled/g),
    ).toHaveLength(1);
    expect(
      text.match(/kubectl label namespace b istio-injection=enabled/g),
    ).toHaveLength(1);
    expect(text).toContain('kubectl rollout restart deployment/checkout -n a');
    expect(text).toContain('kubectl rollout restart deployment/checkout -n b');
    expect(text).toContain(
      'kubectl rollout restart statefulset/checkout-db -n b',
    );
    expect(text).toContain('Istio (ambient, no restart needed):');
  });
});

describe('mesh.enrollment with workloads kept out on purpose', () => {
  it('judges only the other workloads, and lists the opted-out ones', () => {
    const outcome = evaluate([
      ISTIO_NS,
      ...deploymentWithPods('checkout-api', 'shop', {
        pods: 2,
        meshedPods: 2,
        templateLabels: { app: 'checkout', component: 'api' },
      }),
      ...statefulSetWithPods('checkout-db', 'shop', {
        pods: 1,
        templateLabels: { app: 'checkout', 'sidecar.istio.io/inject': 'false' },
      }),
    ]);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('All 2 pods are meshed (istio sidecar).');
    expect(outcome.evidence.optedOut).toEqual([
      'prod/shop/statefulset/checkout-db',
    ]);
  });
});

describe('mesh.enrollment remediation per workload kind', () => {
  it.each([
    [
      'a bare pod is deleted and re-created',
      'kubectl delete pod checkout-standalone -n shop',
    ],
  ])('%s', (_why, command) => {
    const outcome = evaluate([
      ISTIO_NS,
      pod('checkout-standalone', 'shop', {
        labels: { app: 'checkout' },
        containers: [container('checkout')],
      }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.remediation).toContain(command);
  });
});

/** Sets the annotations of the first `count` pods of a set of objects. */
function annotateFirstPods(
  objects: KubeObject[],
  count: number,
  annotations: Record<string, string>,
): KubeObject[] {
  objects
    .filter(o => o.kind === 'Pod')
    .slice(0, count)
    .forEach(p => {
      p.metadata.annotations = { ...p.metadata.annotations, ...annotations };
    });
  return objects;
}

const REDIRECTED = { 'ambient.istio.io/redirection': 'enabled' };

describe('mesh.enrollment and hostNetwork workloads', () => {
  it.each([
    { mesh: 'Istio sidecar', ns: ISTIO_NS },
    { mesh: 'Istio ambient', ns: AMBIENT_NS },
    { mesh: 'Linkerd', ns: LINKERD_NS },
  ])(
    'does not count a hostNetwork DaemonSet as meshable by $mesh',
    ({ ns }) => {
      const outcome = evaluate([
        ns,
        daemonSet('node-agent', 'shop', {
          hostNetwork: true,
          templateLabels: { app: 'checkout' },
        }),
        pod('node-agent-x1', 'shop', {
          labels: { app: 'checkout' },
          owner: { kind: 'DaemonSet', name: 'node-agent' },
          hostNetwork: true,
        }),
      ]);
      expect(outcome.status).toBe('not-applicable');
      expect(outcome.summary).toBe(
        'Explicitly kept out of the mesh (hostNetwork pods are never meshed).',
      );
    },
  );

  it.each([
    {
      mesh: 'Istio ambient',
      ns: AMBIENT_NS,
      meshed: { podAnnotations: REDIRECTED },
      summary: 'All 2 pods are meshed (istio ambient).',
    },
    {
      mesh: 'Linkerd',
      ns: LINKERD_NS,
      meshed: { meshedPods: 2, proxy: linkerdProxy() },
      summary: 'All 2 pods are meshed (linkerd sidecar).',
    },
  ])(
    'passes a $mesh service and lists its hostNetwork workload as kept out',
    ({ ns, meshed, summary }) => {
      const outcome = evaluate([
        ns,
        ...deploymentWithPods('checkout', 'shop', {
          pods: 2,
          ...meshed,
        }),
        ...deploymentWithPods('checkout-exporter', 'shop', {
          pods: 1,
          hostNetwork: true,
          hash: '5c4d3b2a1',
          templateLabels: { app: 'checkout', component: 'exporter' },
        }),
      ]);
      expect(outcome.status).toBe('pass');
      expect(outcome.summary).toBe(summary);
      expect(outcome.evidence.optedOut).toEqual([
        'prod/shop/deployment/checkout-exporter',
      ]);
    },
  );
});

describe('mesh.enrollment and the sidecar opt-out in an ambient namespace', () => {
  const optedOutOfSidecar = {
    templateLabels: { app: 'checkout', 'sidecar.istio.io/inject': 'false' },
  };

  it.each([
    {
      what: 'pods redirected',
      objects: [
        AMBIENT_NS,
        ...deploymentWithPods('checkout', 'shop', {
          pods: 2,
          ...optedOutOfSidecar,
          podAnnotations: REDIRECTED,
        }),
      ],
      status: 'pass',
      summary: 'All 2 pods are meshed (istio ambient).',
    },
    {
      what: 'pods not redirected',
      objects: [
        AMBIENT_NS,
        ...deploymentWithPods('checkout', 'shop', {
          pods: 2,
          ...optedOutOfSidecar,
        }),
      ],
      status: 'fail',
      summary:
        'Ambient capture is enabled (namespace label istio.io/dataplane-mode=ambient) but none of the 2 pods is captured.',
    },
    {
      what: 'no pods yet',
      objects: [
        AMBIENT_NS,
        deployment('checkout', 'shop', { replicas: 0, ...optedOutOfSidecar }),
      ],
      status: 'pass',
      summary: 'No pods are running; new pods will be meshed (istio ambient).',
    },
  ])(
    'still expects ambient capture ($what)',
    ({ objects, status, summary }) => {
      const outcome = evaluate(objects);
      expect(outcome.status).toBe(status);
      expect(outcome.summary).toBe(summary);
    },
  );
});

describe('mesh.enrollment and pods that are not running any more', () => {
  it.each(['Succeeded', 'Failed'])(
    'does not count a %s pod next to meshed ones',
    phase => {
      const objects = deploymentWithPods('checkout', 'shop', {
        pods: 3,
        meshedPods: 2,
      });
      objects.filter(o => o.kind === 'Pod')[2].status = { phase };
      const outcome = evaluate([ISTIO_NS, ...objects]);
      expect(outcome.status).toBe('pass');
      expect(outcome.summary).toBe('All 2 pods are meshed (istio sidecar).');
    },
  );

  it('judges a CronJob whose only pods completed by what new pods will get', () => {
    const outcome = evaluate([
      ISTIO_NS,
      cronJob('nightly', 'shop', { templateLabels: { app: 'checkout' } }),
      job('nightly-29012345', 'shop', {
        owner: { kind: 'CronJob', name: 'nightly' },
      }),
      pod('nightly-29012345-abcde', 'shop', {
        labels: { app: 'checkout' },
        owner: { kind: 'Job', name: 'nightly-29012345' },
        phase: 'Succeeded',
      }),
    ]);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe(
      'No pods are running; new pods will be meshed (istio sidecar).',
    );
    expect(outcome.evidence).toMatchObject({ pods: 0 });
  });
});

describe('mesh.enrollment remediation for ambient pods (no Envoy in the pod)', () => {
  it.each([
    {
      what: 'no pod captured',
      objects: [
        AMBIENT_NS,
        ...deploymentWithPods('checkout', 'shop', { pods: 2 }),
      ],
      status: 'fail',
    },
    {
      what: 'some pods captured',
      objects: [
        AMBIENT_NS,
        ...annotateFirstPods(
          deploymentWithPods('checkout', 'shop', { pods: 3 }),
          1,
          REDIRECTED,
        ),
      ],
      status: 'warn',
    },
  ])(
    'points at ztunnel, never at proxy-config or a restart ($what)',
    ({ objects, status }) => {
      const outcome = evaluate(objects);
      expect(outcome.status).toBe(status);
      expect(outcome.remediation).toContain(
        'istioctl ztunnel-config workloads --workload-namespace shop',
      );
      expect(outcome.remediation).toContain(
        'kubectl get pods -n istio-system -l app=ztunnel',
      );
      expect(outcome.remediation).not.toContain('proxy-config');
      expect(outcome.remediation).not.toContain('rollout restart');
      expect(outcome.remediation).not.toContain('IST0103');
    },
  );

  it('words partial ambient capture as capture, not injection', () => {
    const outcome = evaluate([
      AMBIENT_NS,
      ...annotateFirstPods(
        deploymentWithPods('checkout', 'shop', { pods: 3 }),
        1,
        REDIRECTED,
      ),
    ]);
    expect(outcome.summary).toBe(
      'Partial capture: 2 of 3 pods are not in the ambient mesh (shop/checkout-6b7f9c8d5-p1, shop/checkout-6b7f9c8d5-p2).',
    );
  });

  it('gives each data plane its own advice when sidecar and ambient workloads both lack the mesh', () => {
    const outcome = evaluate([
      ISTIO_NS,
      namespace('inventory', {
        labels: { 'istio.io/dataplane-mode': 'ambient' },
      }),
      ...deploymentWithPods('checkout', 'shop', { pods: 1 }),
      ...deploymentWithPods('checkout', 'inventory', { pods: 1 }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.remediation).toContain(
      'kubectl rollout restart deployment/checkout -n shop',
    );
    expect(outcome.remediation).not.toContain(
      'kubectl rollout restart deployment/checkout -n inventory',
    );
    expect(outcome.remediation).toContain(
      'istioctl ztunnel-config workloads --workload-namespace inventory',
    );
    expect(outcome.remediation).not.toContain('proxy-config');
  });
});

describe('mesh.enrollment when injection was turned off under running proxies', () => {
  it.each([
    {
      what: 'namespace label istio-injection=disabled',
      ns: namespace('shop', { labels: { 'istio-injection': 'disabled' } }),
      podAnnotations: undefined,
      proxy: undefined,
      optOut: 'namespace label istio-injection=disabled',
    },
    {
      what: 'linkerd.io/inject=disabled on the pods',
      ns: LINKERD_NS,
      podAnnotations: { 'linkerd.io/inject': 'disabled' },
      proxy: linkerdProxy(),
      optOut: 'pod annotation linkerd.io/inject=disabled',
    },
  ])(
    'warns, never not-applicable, with $what: the next restart removes the proxy',
    ({ ns, podAnnotations, proxy, optOut }) => {
      const outcome = evaluate([
        ns,
        ...deploymentWithPods('checkout', 'shop', {
          pods: 2,
          meshedPods: 2,
          ...(proxy ? { proxy } : {}),
          ...(podAnnotations
            ? { podAnnotations, templateAnnotations: podAnnotations }
            : {}),
        }),
      ]);
      expect(outcome.status).toBe('warn');
      expect(outcome.summary).toBe(
        `All 2 pods run a proxy, but injection is now off for deployment/checkout (${optOut}): the next restart removes the proxy.`,
      );
      expect(outcome.remediation).toContain(
        'kubectl rollout restart deployment/checkout -n shop',
      );
    },
  );
});
