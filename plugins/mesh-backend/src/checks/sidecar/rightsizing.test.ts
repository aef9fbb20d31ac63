import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject, MetricSeries } from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  istioProxy,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
  unconfiguredSource,
} from '../../__testUtils__/fixtures';
import { suggestedRequest, sidecarRightsizingCheck } from './rightsizing';

const MI = 1024 ** 2;
const POD = (i: number) => `checkout-6b7f9c8d5-p${i}`;

type Mesh = 'istio' | 'linkerd' | 'ambient' | 'none';

function objects(
  mesh: Mesh,
  requests?: { cpu?: string; memory?: string },
  limits: { cpu?: string; memory?: string } = {},
): KubeObject[] {
  const base = mesh === 'linkerd' ? linkerdProxy() : istioProxy();
  return [
    namespace('shop', {
      labels:
        mesh === 'ambient' ? { 'istio.io/dataplane-mode': 'ambient' } : {},
    }),
    ...deploymentWithPods('checkout', 'shop', {
      pods: 2,
      meshedPods: mesh === 'istio' || mesh === 'linkerd' ? 2 : 0,
      proxy: { ...base, resources: { requests: requests ?? {}, limits } },
      ...(mesh === 'ambient'
        ? { podAnnotations: { 'ambient.istio.io/redirection': 'enabled' } }
        : {}),
    }),
  ];
}

/** p95 usage per pod: [cpu cores, memory bytes]. */
function usage(
  container: string,
  ...pods: Array<[number, number]>
): Partial<MetricSeries> {
  return {
    proxyUsage: {
      shop: pods.map(([cpuCores, memoryBytes], i) => ({
        pod: POD(i),
        container,
        cpuCores,
        memoryBytes,
      })),
    },
  };
}

function evaluate(objs: KubeObject[], series: Partial<MetricSeries>) {
  return sidecarRightsizingCheck.evaluate(
    contextFor([
      snapshot('prod', objs, { metrics: metrics({}, '5m', series) }),
    ]),
  );
}

const SIZED = { cpu: '100m', memory: '128Mi' };

describe('sidecar.rightsizing', () => {
  it('is the sidecar.rightsizing check, reading Kubernetes and Prometheus', () => {
    expect(sidecarRightsizingCheck.definition.id).toBe('sidecar.rightsizing');
    expect(sidecarRightsizingCheck.definition.sources).toEqual([
      'kubernetes',
      'prometheus',
    ]);
  });

  it.each<{
    what: string;
    objects: KubeObject[];
    series: Partial<MetricSeries>;
    status: CheckStatus;
    summary: string;
    remediation?: string;
  }>([
    {
      what: 'the workload is not meshed',
      objects: objects('none'),
      series: {},
      status: 'not-applicable',
      summary: 'Not in the mesh',
    },
    {
      what: 'it is Istio ambient',
      objects: objects('ambient'),
      series: {},
      status: 'not-applicable',
      summary: 'Istio ambient: the pods run no sidecar to size',
    },
    {
      what: 'the requests fit the p95 usage',
      objects: objects('istio', SIZED),
      series: usage('istio-proxy', [0.05, 60 * MI], [0.03, 50 * MI]),
      status: 'pass',
      summary:
        'Proxy requests fit their p95 usage (2 sidecar(s): 200m CPU and 268 MB requested, 80m and 115 MB used at p95)',
    },
    {
      what: 'the requests are over 4× the p95 usage',
      objects: objects('istio', { cpu: '1', memory: '1Gi' }),
      series: usage('istio-proxy', [0.02, 40 * MI], [0.01, 30 * MI]),
      status: 'warn',
      summary:
        'cpu request 1000m vs p95 usage 20m, suggested 30m; memory request 1024Mi vs p95 usage 40Mi, suggested 64Mi',
      remediation: `kubectl patch deployment checkout -n shop --type merge -p '{"spec":{"template":{"metadata":{"annotations":{"sidecar.istio.io/proxyCPU":"30m","sidecar.istio.io/proxyMemory":"64Mi"}}}}}'`,
    },
    {
      what: 'one pod uses more memory than its request',
      objects: objects('istio', SIZED, { memory: '256Mi' }),
      series: usage('istio-proxy', [0.05, 60 * MI], [0.05, 200 * MI]),
      status: 'fail',
      summary:
        'memory request 128Mi vs p95 usage 200Mi (pods checkout-6b7f9c8d5-p1); request 272Mi',
      remediation: 'raise sidecar.istio.io/proxyMemoryLimit too',
    },
    {
      what: 'a Linkerd proxy is oversized',
      objects: objects('linkerd', { memory: '256Mi' }),
      series: usage('linkerd-proxy', [0.001, 10 * MI]),
      status: 'warn',
      summary: 'memory request 256Mi vs p95 usage 10Mi, suggested 16Mi',
      remediation: '"config.linkerd.io/proxy-memory-request":"16Mi"',
    },
    {
      what: 'the proxy sets no request',
      objects: objects('istio'),
      series: usage('istio-proxy', [0.05, 60 * MI]),
      status: 'not-applicable',
      summary:
        '(sidecar.resources fails that); suggested: cpu 70m, memory 80Mi',
    },
    {
      what: 'cAdvisor has no series for the pods',
      objects: objects('istio', SIZED),
      series: {},
      status: 'unknown',
      summary:
        "is the kubelet's cAdvisor endpoint (/metrics/cadvisor) scraped?",
    },
    {
      what: 'cAdvisor has memory but no CPU usage, and only a CPU request is set',
      objects: objects('istio', { cpu: '100m' }),
      series: {
        proxyUsage: {
          shop: [{ pod: POD(0), container: 'istio-proxy', memoryBytes: MI }],
        },
      },
      status: 'unknown',
      summary: 'cAdvisor has no cpu usage for the istio-proxy containers',
    },
  ])(
    '$status when $what',
    ({ objects: objs, series, status, summary, remediation }) => {
      const outcome = evaluate(objs, series);
      expect(outcome.status).toBe(status);
      expect(outcome.summary).toContain(summary);
      expect(outcome.remediation === undefined).toBe(!remediation);
      expect(outcome.remediation ?? '').toContain(remediation ?? '');
    },
  );

  it('is unknown when the cluster has no Prometheus', () => {
    const outcome = sidecarRightsizingCheck.evaluate(
      contextFor([
        snapshot('prod', objects('istio', SIZED), {
          prometheus: unconfiguredSource,
        }),
      ]),
    );
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain('no Prometheus answer for cluster prod');
  });

  it('gives per-workload figures and entity totals in the scorecard shape', () => {
    const outcome = evaluate(
      objects('istio', SIZED),
      usage('istio-proxy', [0.05, 60 * MI]),
    );
    expect(outcome.evidence.totals).toEqual({
      sidecars: 2,
      measuredSidecars: 1,
      requested: { cpuCores: 0.2, memoryBytes: 256 * MI },
      used: { cpuCores: 0.05, memoryBytes: 60 * MI },
    });
    expect(outcome.evidence.ambientWouldFree).toMatchObject({
      cpuCores: 0.2,
      memoryBytes: 256 * MI,
    });
    expect(outcome.evidence.workloads).toEqual([
      expect.objectContaining({
        workload: 'prod/shop/deployment/checkout',
        mesh: 'istio',
        container: 'istio-proxy',
        status: 'pass',
        resources: {
          cpu: expect.objectContaining({
            verdict: 'ok',
            request: 0.1,
            p95Usage: 0.05,
          }),
          memory: expect.objectContaining({
            verdict: 'ok',
            suggestedRequest: '80Mi',
          }),
        },
      }),
    ]);
  });

  it('says what ambient would save: the sidecar requests less a ztunnel on each of their nodes', () => {
    const scheduled = objects('istio', SIZED).map(o =>
      o.kind === 'Pod'
        ? ({
            ...o,
            spec: {
              ...(o.spec as object),
              // Both pods on one node: one ztunnel would serve them.
              nodeName: 'node-a',
            },
          } as KubeObject)
        : o,
    );
    const outcome = evaluate(scheduled, usage('istio-proxy', [0.05, 60 * MI]));
    expect(outcome.evidence.ambientWouldSave).toEqual({
      sidecarRequests: { cpuCores: 0.2, memoryBytes: 256 * MI },
      nodes: 1,
      ztunnelPerNode: { cpuCores: 0.06, memoryBytes: 12e6 },
      ztunnel: { cpuCores: 0.06, memoryBytes: 12e6 },
      net: { cpuCores: 0.14, memoryBytes: 256 * MI - 12e6 },
      assumption: expect.stringMatching(/one ztunnel per node/),
    });
    // Pods the data does not place on a node: the saving is the requests alone.
    const unplaced = evaluate(
      objects('istio', SIZED),
      usage('istio-proxy', [0.05, 60 * MI]),
    );
    expect(unplaced.evidence.ambientWouldSave).toMatchObject({
      nodes: null,
      ztunnel: null,
      net: { cpuCores: 0.2, memoryBytes: 256 * MI },
    });
  });

  it('rounds the suggested request up to 10m of CPU and 16Mi of memory', () => {
    expect(suggestedRequest('cpu', 0)).toBe('10m');
    expect(suggestedRequest('cpu', 0.1)).toBe('130m');
    expect(suggestedRequest('cpu', 0.101)).toBe('140m');
    expect(suggestedRequest('memory', 100 * MI)).toBe('144Mi');
    expect(suggestedRequest('memory', 0)).toBe('16Mi');
  });
});
