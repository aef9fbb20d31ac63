import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  deploymentWithPods,
  entity,
  istioProxy,
  metrics,
  namespace,
  reportFor,
  snapshot,
} from '../__testUtils__/fixtures';
import { doubleInstrumentationCheck } from '../checks/observability/doubleInstrumentation';
import { sidecarRightsizingCheck } from '../checks/sidecar/rightsizing';
import { clusterFleetFigures, nodesOf } from './clusterFleet';

const MI = 1024 ** 2;
const RUN_AT = '2026-11-30T10:00:00.000Z';
const SELECTOR = { 'backstage.io/kubernetes-label-selector': 'app=checkout' };

/** checkout's sidecar pods, requesting 100m and 128Mi each, on the given nodes. */
function checkout(nodes: string[]): KubeObject[] {
  let i = 0;
  return [
    namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
    ...deploymentWithPods('checkout', 'shop', {
      pods: nodes.length,
      meshedPods: nodes.length,
      proxy: {
        ...istioProxy(),
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
      },
    }),
  ].map(o =>
    o.kind === 'Pod'
      ? ({
          ...o,
          spec: { ...(o.spec as object), nodeName: nodes[i++] },
        } as KubeObject)
      : o,
  );
}

const usage = (pods: number) =>
  metrics({}, '5m', {
    proxyUsage: {
      shop: Array.from({ length: pods }, (_, i) => ({
        pod: `checkout-6b7f9c8d5-p${i}`,
        container: 'istio-proxy',
        cpuCores: 0.02,
        memoryBytes: 40 * MI,
      })),
    },
    appHttpSeries: {
      shop: [
        {
          pod: 'checkout-6b7f9c8d5-p0',
          metric: 'http_server_requests_seconds_count',
          series: 12,
        },
      ],
    },
    istioRequests: {
      'shop/checkout': [
        { reporter: 'destination', protocol: 'http', code: '200', rate: 5 },
      ],
    },
  });

describe('clusterFleetFigures', () => {
  const snapshots = [
    snapshot('prod', checkout(['node-a', 'node-b', 'node-a']), {
      metrics: usage(3),
    }),
    snapshot('staging', checkout(['node-z']), { metrics: usage(1) }),
  ];
  const checks = [sidecarRightsizingCheck, doubleInstrumentationCheck];
  // Two entities map the same workloads: each workload is counted once.
  const reports = [
    reportFor(entity('checkout', SELECTOR), snapshots, '5m', undefined, checks),
    reportFor(
      entity('checkout-alias', SELECTOR),
      snapshots,
      '5m',
      undefined,
      checks,
    ),
  ];

  it("splits the reports' workload evidence by cluster, counting a workload once", () => {
    const [prod] = clusterFleetFigures(['prod'], reports, snapshots, RUN_AT);
    expect(prod).toEqual({
      cluster: 'prod',
      runAt: RUN_AT,
      entities: 2,
      sidecars: {
        count: 3,
        measured: 3,
        requested: { cpuCores: 0.3, memoryBytes: 3 * 128 * MI },
        used: { cpuCores: 0.06, memoryBytes: 3 * 40 * MI },
      },
      doubleInstrumentation: { appSeries: 12, estimatedBytes: 12 * 3000 },
      medianPropagationRatio: null,
      propagationMeasured: 0,
      nodes: 2,
    });
  });

  it('gives every collected cluster its own figures, and none to the others', () => {
    const figures = clusterFleetFigures(
      ['staging', 'empty'],
      reports,
      snapshots,
      RUN_AT,
    );
    expect(figures.map(f => [f.cluster, f.sidecars.count, f.nodes])).toEqual([
      ['staging', 1, 1],
      ['empty', 0, null],
    ]);
  });

  it("takes the median of the cluster's workloads' propagation ratios", () => {
    const report = (ratios: Array<[string, number | undefined]>) =>
      ({
        workloads: [{ cluster: 'prod' }],
        checks: [
          {
            id: 'observability.trace-propagation',
            evidence: {
              workloads: ratios.map(([workload, propagationRatio]) => ({
                workload,
                ...(propagationRatio === undefined ? {} : { propagationRatio }),
              })),
            },
          },
        ],
      } as unknown as MeshReport);
    const [prod] = clusterFleetFigures(
      ['prod'],
      [
        report([
          ['prod/shop/Deployment/a', 0.5],
          ['prod/shop/Deployment/b', 0.9],
          ['staging/shop/Deployment/a', 0.1],
        ]),
        report([
          ['prod/shop/Deployment/c', 1],
          ['prod/shop/Deployment/d', undefined],
        ]),
      ],
      [],
      RUN_AT,
    );
    expect(prod.medianPropagationRatio).toBe(0.9);
    expect(prod.propagationMeasured).toBe(3);
  });

  it('counts no nodes for a cluster whose pods name none', () => {
    expect(nodesOf(snapshot('prod', checkout([])))).toBeNull();
    expect(nodesOf(undefined)).toBeNull();
  });
});
