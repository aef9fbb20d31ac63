import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  daemonSet,
  istioProxy,
  linkerdProxy,
  pod,
  statefulSetWithPods,
} from '../../__testUtils__/fixtures';
import {
  checkoutApp,
  ISTIO_NS,
  LINKERD_NS,
  NAMESPACES,
  run,
  serviceObject,
  virtualServiceObject,
} from '../../__testUtils__/workloadChecks';
import { dataStoreOf, statefulCheck } from './stateful';

const SEL = { app: 'checkout' };
const HOST = 'checkout.shop.svc.cluster.local';
const pgService = (name = 'postgres', annotations?: Record<string, string>) =>
  serviceObject(
    'checkout',
    'shop',
    SEL,
    [{ name, port: 5432, protocol: 'TCP' }],
    annotations,
  );
const db = (ns: KubeObject, proxy = istioProxy()) => [
  ns,
  ...statefulSetWithPods('checkout', 'shop', { pods: 2, meshedPods: 2, proxy }),
];
const ambientDb = [
  NAMESPACES.ambient,
  ...statefulSetWithPods('checkout', 'shop', {
    pods: 1,
    podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
  }),
];
const route = (retries?: Record<string, unknown>) => ({
  name: 'primary',
  route: [{ destination: { host: HOST } }],
  ...(retries ? { retries } : {}),
});

describe('workload.stateful', () => {
  it.each<{
    what: string;
    objects: KubeObject[];
    status: CheckStatus;
    summary: string;
    remediation?: string;
  }>([
    {
      what: 'Istio StatefulSet with VirtualService retries',
      objects: [
        ...db(ISTIO_NS),
        pgService(),
        virtualServiceObject('checkout', 'shop', 'checkout', [
          route({ attempts: 3, retryOn: '5xx' }),
        ]),
      ],
      status: 'fail',
      summary:
        'VirtualService shop/checkout route primary retries 3 time(s) on 5xx',
      remediation: 'sidecar.istio.io/inject":"false"',
    },
    {
      what: 'Istio StatefulSet, no VirtualService: default retries',
      objects: [...db(ISTIO_NS), pgService()],
      status: 'fail',
      summary: "Istio's default retry policy (2 attempts)",
      remediation: 'retries: { attempts: 0 }',
    },
    {
      what: 'Istio StatefulSet, route without retries field',
      objects: [
        ...db(ISTIO_NS),
        pgService(),
        virtualServiceObject('checkout', 'shop', 'checkout', [route()]),
      ],
      status: 'fail',
      summary: "sets no retries: Istio's default",
    },
    {
      what: 'Istio StatefulSet, retries turned off',
      objects: [
        ...db(ISTIO_NS),
        pgService(),
        virtualServiceObject('checkout', 'shop', 'checkout', [
          route({ attempts: 0 }),
        ]),
      ],
      status: 'warn',
      summary: 'no proxy retries apply',
      remediation: 'sidecar.istio.io/inject',
    },
    {
      what: 'Istio StatefulSet on a tcp- port',
      objects: [...db(ISTIO_NS), pgService('tcp-postgres')],
      status: 'warn',
      summary: 'a StatefulSet',
    },
    {
      what: 'Istio StatefulSet on an appProtocol: tcp port',
      objects: [
        ...db(ISTIO_NS),
        serviceObject('checkout', 'shop', SEL, [
          { name: 'pg', port: 5432, protocol: 'TCP', appProtocol: 'tcp' },
        ]),
      ],
      status: 'warn',
      summary: 'no proxy retries apply',
    },
    {
      what: 'Linkerd StatefulSet on an HTTP port with retry annotations on the Service',
      objects: [
        ...db(LINKERD_NS, linkerdProxy()),
        serviceObject(
          'checkout',
          'shop',
          SEL,
          [{ name: 'http', port: 8080, protocol: 'TCP' }],
          {
            'retry.linkerd.io/http': '5xx',
          },
        ),
      ],
      status: 'fail',
      summary: 'Service shop/checkout (retry.linkerd.io/http: 5xx)',
      remediation:
        'kubectl annotate service checkout -n shop retry.linkerd.io/http-',
    },
    {
      what: 'Linkerd StatefulSet: retry annotations but only a default opaque port',
      objects: [
        ...db(LINKERD_NS, linkerdProxy()),
        pgService('postgres', { 'retry.linkerd.io/http': '5xx' }),
      ],
      status: 'warn',
      summary: 'no proxy retries apply',
      remediation: 'linkerd.io/inject":"disabled"',
    },
    {
      what: 'Linkerd StatefulSet, no retries',
      objects: [...db(LINKERD_NS, linkerdProxy()), pgService('http')],
      status: 'warn',
      summary: 'no proxy retries apply',
    },
    {
      what: 'ambient database without a waypoint (ztunnel never retries)',
      objects: [...ambientDb, pgService()],
      status: 'warn',
      summary: 'a StatefulSet',
      remediation: 'istio.io/dataplane-mode":"none"',
    },
    {
      what: 'a Deployment running bitnami/postgresql',
      objects: [
        ...checkoutApp('istio', {
          containers: [
            { name: 'db', image: 'docker.io/bitnami/postgresql:16.2.0' },
          ],
        }),
        pgService('tcp-pg'),
      ],
      status: 'warn',
      summary: 'runs postgres',
    },
    {
      what: 'a meshed log-shipper DaemonSet',
      objects: [
        ISTIO_NS,
        daemonSet('checkout', 'shop'),
        pod('checkout-n1', 'shop', {
          labels: SEL,
          owner: { kind: 'DaemonSet', name: 'checkout' },
          containers: [
            { name: 'shipper', image: 'cr.fluentbit.io/fluent/fluent-bit:3.0' },
            istioProxy(),
          ],
        }),
      ],
      status: 'warn',
      summary: 'meshed DaemonSet (fluent-bit)',
    },
    {
      what: 'a stateless Deployment',
      objects: [...checkoutApp('istio'), pgService('http')],
      status: 'pass',
      summary: 'No stateful workload is meshed',
    },
    {
      what: 'an unmeshed StatefulSet',
      objects: [
        NAMESPACES.none,
        ...statefulSetWithPods('checkout', 'shop', { pods: 1 }),
      ],
      status: 'not-applicable',
      summary: 'Not in the mesh',
    },
  ])('$what → $status', ({ objects, status, summary, remediation }) => {
    const out = run(statefulCheck, objects);
    expect(out.status).toBe(status);
    expect(out.summary).toContain(summary);
    expect(out.remediation ?? '').toContain(remediation ?? '');
    expect(Boolean(out.remediation)).toBe(['warn', 'fail'].includes(status));
  });

  it.each<[string, string | undefined]>([
    ['docker.io/bitnami/postgresql:16', 'postgresql'],
    ['docker.io/library/redis:7', 'redis'],
    ['postgres@sha256:abcd', 'postgres'],
    ['confluentinc/cp-kafka:7.6.0', 'kafka'],
    ['quay.io/coreos/etcd:v3.5.9', 'etcd'],
    ['mysql8:latest', 'mysql'],
    ['oliver006/redis_exporter:v1.58.0', undefined],
    ['quay.io/prometheuscommunity/postgres-exporter:v0.15.0', undefined],
    ['provectuslabs/kafka-ui:latest', undefined],
    ['mongo-express:1.0', undefined],
    ['ghcr.io/example/checkout:1.0.0', undefined],
    ['registry.local:5000/team/mongodb:6', 'mongodb'],
  ])('image %s → %s', (image, store) => {
    expect(dataStoreOf(image)).toBe(store);
  });
});
