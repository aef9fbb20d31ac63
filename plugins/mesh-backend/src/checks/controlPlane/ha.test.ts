import { KubeObject, MetricsData } from '@mesh-readiness/plugin-mesh-node';
import {
  appWithProxies,
  istiod,
  linkerdControlPlane,
} from '../../__testUtils__/controlPlane';
import {
  buckets,
  contextFor,
  istioProxy,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
  unconfiguredSource,
} from '../../__testUtils__/fixtures';
import { controlPlaneHaCheck } from './ha';

const SHOP = namespace('shop', { labels: { 'istio-injection': 'enabled' } });

/** Puts a controller-written status on the Deployment among `objects`. */
const withStatus = (objects: KubeObject[], status: Record<string, unknown>) =>
  objects.map(o => (o.kind === 'Deployment' ? { ...o, status } : o));
const APP = appWithProxies('shop', [istioProxy()]);
const LINKERD_APP = appWithProxies('shop', [linkerdProxy()]);

/** istiod pods' convergence histograms: `fast` has p99 ≈ 0.1 s, `slow` ≈ 2.98 s (rank 99 of 100 falls 79/80 into the 1–3 s bucket). */
const convergence = (slow: boolean): MetricsData =>
  metrics({}, '5m', {
    pilotConvergence: {
      'istio-system/istiod-7d4f9c8b6-x0': slow
        ? buckets([0.1, 10], [1, 20], [3, 100], [Infinity, 100])
        : buckets([0.1, 100], [1, 100], [3, 100], [Infinity, 100]),
    },
  });

const cases: Array<{
  name: string;
  objects: KubeObject[];
  metrics?: MetricsData;
  status: string;
  summary: string;
  remediation?: string;
}> = [
  {
    name: 'istiod with 2 running replicas, requests and fast pushes',
    objects: [SHOP, ...istiod('default', { pdb: true }), ...APP],
    metrics: convergence(false),
    status: 'pass',
    summary: 'istiod istio-system/istiod runs 2 replicas',
  },
  {
    name: 'istiod with one replica',
    objects: [SHOP, ...istiod('default', { pods: 1 }), ...APP],
    status: 'fail',
    summary: 'istio-system/istiod has 1 running pod(s) of 1 desired',
    remediation: 'kubectl scale deployment/istiod -n istio-system --replicas=2',
  },
  {
    name: 'istiod with 2 desired but one pending',
    objects: [SHOP, ...istiod('default', { pods: 1, pendingPods: 1 }), ...APP],
    status: 'fail',
    summary: '1 running pod(s) of 2 desired',
    remediation: 'kind: PodDisruptionBudget',
  },
  {
    // Running is not serving: a pod failing its readiness probe gets no traffic.
    name: 'istiod with 2 running pods but only 1 ready',
    objects: [SHOP, ...istiod('default', { unreadyPods: 1 }), ...APP],
    status: 'fail',
    summary:
      'istio-system/istiod has 1 ready pod(s) of 2 desired (2 running, 1 of them not ready)',
    remediation: 'kubectl scale deployment/istiod -n istio-system --replicas=2',
  },
  {
    name: 'istiod with 2 ready pods',
    objects: [
      SHOP,
      ...istiod('default', { unreadyPods: 0, pdb: true }),
      ...APP,
    ],
    status: 'pass',
    summary:
      'istiod istio-system/istiod runs 2 replicas with requests (2 ready pod(s))',
  },
  {
    name: 'istiod pods not collected, Deployment status says 1 of 2 ready',
    objects: [
      SHOP,
      ...withStatus(istiod('default', { pods: 0, replicas: 2 }), {
        observedGeneration: 3,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 1,
        availableReplicas: 1,
        unavailableReplicas: 1,
      }),
      ...APP,
    ],
    status: 'fail',
    summary:
      'has 1 ready replica(s) (Deployment status.readyReplicas) of 2 desired',
  },
  {
    // The API leaves readyReplicas out when it is 0.
    name: 'istiod pods not collected, Deployment status with none ready',
    objects: [
      SHOP,
      ...withStatus(istiod('default', { pods: 0, replicas: 2 }), {
        observedGeneration: 3,
        replicas: 2,
        updatedReplicas: 2,
        unavailableReplicas: 2,
      }),
      ...APP,
    ],
    status: 'fail',
    summary: 'has 0 ready replica(s)',
  },
  {
    name: 'istiod with its one pod running and ready',
    objects: [SHOP, ...istiod('default', { pods: 1, unreadyPods: 0 }), ...APP],
    status: 'fail',
    summary: 'istio-system/istiod has 1 running pod(s) of 1 desired',
  },
  {
    name: 'istiod without requests',
    objects: [SHOP, ...istiod('default', { requests: false }), ...APP],
    status: 'warn',
    summary: 'sets no cpu or memory request',
    remediation: '--set resources.requests.cpu=500m',
  },
  {
    name: 'istiod whose HPA may scale to one',
    objects: [SHOP, ...istiod('default', { hpaMinReplicas: 1 }), ...APP],
    status: 'warn',
    summary: 'minReplicas 1',
    remediation: 'kubectl patch hpa istiod -n istio-system',
  },
  {
    name: 'istiod with slow config pushes',
    objects: [SHOP, ...istiod(), ...APP],
    metrics: convergence(true),
    status: 'warn',
    summary:
      'config push p99 (pilot_proxy_convergence_time) is 2.98 s, above 1 s',
    remediation: 'Slow pushes',
  },
  {
    name: 'the revision picks its istiod',
    objects: [
      SHOP,
      ...istiod('default', { pods: 1 }),
      ...istiod('canary'),
      ...appWithProxies('shop', [istioProxy()], {
        annotations: [{ 'sidecar.istio.io/status': '{"revision":"canary"}' }],
      }),
    ],
    status: 'pass',
    summary: 'istio-system/istiod-canary',
  },
  {
    name: 'ambient uses istiod too',
    objects: [
      ...istiod('default', { pods: 1 }),
      ...appWithProxies('shop', [undefined], {
        annotations: [{ 'ambient.istio.io/redirection': 'enabled' }],
      }),
    ],
    status: 'fail',
    summary: 'istio-system/istiod has 1 running pod',
  },
  {
    name: 'no istiod collected',
    objects: [SHOP, ...APP],
    status: 'unknown',
    summary: 'no istiod Deployment was collected',
  },
  {
    name: 'Linkerd HA',
    objects: [...linkerdControlPlane({ pdb: true }), ...LINKERD_APP],
    status: 'pass',
    summary: 'linkerd-destination, linkerd-identity, linkerd-proxy-injector',
  },
  {
    name: 'Linkerd default install (one replica each)',
    objects: [
      ...linkerdControlPlane({ pods: 1, requests: false }),
      ...LINKERD_APP,
    ],
    status: 'fail',
    summary: 'linkerd/linkerd-identity has 1 running pod(s)',
    remediation: 'values-ha.yaml',
  },
  {
    name: 'Linkerd with one identity pod ready of two running',
    objects: [
      ...linkerdControlPlane({ pdb: true, unreadyPods: 0 }).filter(
        o => !o.metadata.name.startsWith('linkerd-identity'),
      ),
      ...linkerdControlPlane({ pdb: true, unreadyPods: 1 }).filter(o =>
        o.metadata.name.startsWith('linkerd-identity'),
      ),
      ...LINKERD_APP,
    ],
    status: 'fail',
    summary:
      'linkerd/linkerd-identity has 1 ready pod(s) of 2 desired (2 running, 1 of them not ready)',
    remediation: 'values-ha.yaml',
  },
  {
    name: 'Linkerd HA with every pod ready',
    objects: [
      ...linkerdControlPlane({ pdb: true, unreadyPods: 0 }),
      ...LINKERD_APP,
    ],
    status: 'pass',
    summary: 'runs 2+ ready replicas with requests',
  },
  {
    name: 'Linkerd with one component missing',
    objects: [
      ...linkerdControlPlane().filter(
        o => !o.metadata.name.startsWith('linkerd-identity'),
      ),
      ...LINKERD_APP,
    ],
    status: 'unknown',
    summary: 'linkerd-identity not collected in linkerd',
  },
  {
    name: 'not meshed',
    objects: [SHOP, ...istiod(), ...appWithProxies('shop', [undefined])],
    status: 'not-applicable',
    summary: 'Not in the mesh',
  },
];

describe('control-plane.ha', () => {
  it.each(cases)(
    '$name → $status',
    ({ objects, status, summary, remediation, metrics: m }) => {
      const out = controlPlaneHaCheck.evaluate(
        contextFor([snapshot('prod', objects, { metrics: m })]),
      );
      expect({ status: out.status, summary: out.summary }).toEqual({
        status,
        summary: expect.stringContaining(summary),
      });
      expect(out.remediation ?? '').toContain(remediation ?? '');
      expect(Boolean(out.remediation)).toBe(
        status === 'fail' || status === 'warn',
      );
    },
  );

  it('reads the threshold from settings and says when Prometheus is absent', () => {
    const ctx = contextFor([
      snapshot('prod', [SHOP, ...istiod(), ...APP], {
        metrics: convergence(true),
      }),
    ]);
    expect(
      controlPlaneHaCheck.evaluate({
        ...ctx,
        settings: {
          ...ctx.settings,
          controlPlane: { convergenceP99Seconds: 5 },
        },
      }).status,
    ).toBe('pass');
    const none = contextFor([
      snapshot('prod', [SHOP, ...istiod(), ...APP], {
        prometheus: unconfiguredSource,
      }),
    ]);
    const out = controlPlaneHaCheck.evaluate(none);
    expect(out.status).toBe('pass');
    expect(JSON.stringify(out.evidence)).toContain(
      "no Prometheus for cluster 'prod'",
    );
  });
});
