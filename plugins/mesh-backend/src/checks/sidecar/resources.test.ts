import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import { deploymentWithPods } from '../../__testUtils__/fixtures';
import {
  checkoutApp,
  LINKERD_NS,
  proxyWith,
  run,
} from '../../__testUtils__/workloadChecks';
import { parseQuantity } from './quantity';
import { sidecarResourcesCheck } from './resources';

const ISTIO_ALL = {
  'sidecar.istio.io/proxyCPU': '50m',
  'sidecar.istio.io/proxyMemory': '64Mi',
  'sidecar.istio.io/proxyCPULimit': '500m',
  'sidecar.istio.io/proxyMemoryLimit': '256Mi',
};
const RENDERED = proxyWith('istio', {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
});
const DEFAULTS = proxyWith('istio', {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2000m', memory: '1024Mi' },
});

describe('sidecar.resources', () => {
  it.each<{
    what: string;
    objects: KubeObject[];
    status: CheckStatus;
    summary: string;
    remediation?: string;
  }>([
    {
      what: 'Istio: all four annotations on the template',
      objects: checkoutApp('istio', {
        templateAnnotations: ISTIO_ALL,
        proxy: RENDERED,
      }),
      status: 'pass',
      summary: 'set per workload on 1 sidecar workload',
    },
    {
      what: 'Istio: requests annotated, limits left to the injector',
      objects: checkoutApp('istio', {
        templateAnnotations: {
          'sidecar.istio.io/proxyCPU': '50m',
          'sidecar.istio.io/proxyMemory': '64Mi',
        },
        proxy: proxyWith('istio', {
          requests: { cpu: '50m', memory: '64Mi' },
          limits: { cpu: '2000m', memory: '1024Mi' },
        }),
      }),
      status: 'warn',
      summary: 'CPU limit 2000m only from the mesh-wide injector default',
      remediation: '"sidecar.istio.io/proxyMemoryLimit":"1024Mi"',
    },
    {
      what: 'Istio: the injector filled every value in (no annotation)',
      objects: checkoutApp('istio', { proxy: DEFAULTS }),
      status: 'fail',
      summary: 'CPU request 100m only from the mesh-wide injector default',
      remediation:
        'kubectl patch deployment checkout -n shop --type merge -p \'{"spec":{"template":{"metadata":{"annotations":{"sidecar.istio.io/proxyCPU":"100m"',
    },
    {
      what: 'Istio: no resources at all',
      objects: checkoutApp('istio'),
      status: 'fail',
      summary: 'no CPU request, no memory request',
      remediation: '"sidecar.istio.io/proxyMemory":"128Mi"',
    },
    {
      what: 'Istio: proxy rendered into the template with sized values (kube-inject)',
      objects: checkoutApp('istio', {
        proxy: RENDERED,
        containers: [{ name: 'checkout', image: 'a:1' }, RENDERED],
      }),
      status: 'pass',
      summary: 'set per workload',
    },
    {
      what: 'Istio: proxy rendered into the template with the chart defaults',
      objects: checkoutApp('istio', {
        proxy: DEFAULTS,
        containers: [{ name: 'checkout', image: 'a:1' }, DEFAULTS],
      }),
      status: 'fail',
      summary: 'memory request 128Mi only from the mesh-wide injector default',
    },
    {
      what: 'Linkerd: requests and memory limit annotated on the namespace',
      objects: [
        {
          ...LINKERD_NS,
          metadata: {
            ...LINKERD_NS.metadata,
            annotations: {
              'linkerd.io/inject': 'enabled',
              'config.linkerd.io/proxy-cpu-request': '20m',
              'config.linkerd.io/proxy-memory-request': '32Mi',
              'config.linkerd.io/proxy-memory-limit': '128Mi',
            },
          },
        },
        ...checkoutApp('linkerd').slice(1),
      ],
      status: 'pass',
      summary: 'set per workload',
    },
    {
      what: 'Linkerd: requests annotated, no memory limit',
      objects: checkoutApp('linkerd', {
        templateAnnotations: {
          'config.linkerd.io/proxy-cpu-request': '20m',
          'config.linkerd.io/proxy-memory-request': '32Mi',
        },
      }),
      status: 'warn',
      summary: 'no memory limit',
      remediation: '"config.linkerd.io/proxy-memory-limit":"256Mi"',
    },
    {
      what: 'Linkerd: nothing set',
      objects: checkoutApp('linkerd'),
      status: 'fail',
      summary: 'no CPU request',
      remediation: 'config.linkerd.io/proxy-cpu-request',
    },
    {
      what: 'Istio ambient',
      objects: checkoutApp('ambient'),
      status: 'not-applicable',
      summary: 'ztunnel is a node-level DaemonSet',
    },
    {
      what: 'not meshed',
      objects: checkoutApp('none'),
      status: 'not-applicable',
      summary: 'Not in the mesh',
    },
  ])('$what → $status', ({ objects, status, summary, remediation }) => {
    const out = run(sidecarResourcesCheck, objects);
    expect(out.status).toBe(status);
    expect(out.summary).toContain(summary);
    expect(out.remediation ?? '').toContain(remediation ?? '');
    expect(Boolean(out.remediation)).toBe(['warn', 'fail'].includes(status));
  });

  it('judges every workload of the entity and reports the worst', () => {
    const out = run(sidecarResourcesCheck, [
      ...checkoutApp('istio', {
        templateAnnotations: ISTIO_ALL,
        proxy: RENDERED,
      }),
      ...deploymentWithPods('checkout-worker', 'shop', {
        templateLabels: { app: 'checkout', role: 'worker' },
        pods: 1,
        meshedPods: 1,
        hash: 'aaaa1111',
      }),
    ]);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('prod/shop/deployment/checkout-worker');
    expect(
      (out.evidence.workloads as Array<{ status: string }>).map(w => w.status),
    ).toEqual(['pass', 'fail']);
  });

  it('parses quantities in every spelling', () => {
    expect(parseQuantity('100m')).toBeCloseTo(0.1);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('128Mi')).toBe(128 * 1024 * 1024);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('lots')).toBeUndefined();
  });
});
