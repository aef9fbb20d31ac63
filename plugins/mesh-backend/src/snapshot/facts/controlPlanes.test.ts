import {
  ContainerFacts,
  ControlPlaneFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { object, objects, pod, workload } from './__testUtils__/objects';
import { autoscalerFacts, controlPlaneFacts } from './controlPlanes';
import { linkerdMeshConfig } from './meshConfig';
import { pdbFacts } from './pdbs';

const container = (
  name: string,
  image: string,
  cpu = '500m',
  memory = '2Gi',
): ContainerFacts => ({
  name,
  image,
  resources: { requests: { cpu, memory }, limits: {} },
  ports: [],
});

const istiodLabels = {
  app: 'istiod',
  'app.kubernetes.io/name': 'istiod',
  'app.kubernetes.io/part-of': 'istio',
  'install.operator.istio.io/owning-resource': 'unknown',
  istio: 'pilot',
  'istio.io/rev': 'default',
};

const istiod = workload({
  namespace: 'istio-system',
  name: 'istiod',
  labels: istiodLabels,
  templateLabels: {
    app: 'istiod',
    istio: 'pilot',
    'istio.io/rev': 'default',
    'sidecar.istio.io/inject': 'false',
  },
  replicas: 1,
  templateContainers: [container('discovery', 'docker.io/istio/pilot:1.24.2')],
  pods: [
    pod(
      { app: 'istiod', istio: 'pilot' },
      { namespace: 'istio-system', name: 'istiod-7d4f9c8b6-x2x9q' },
    ),
  ],
});

const canary = workload({
  namespace: 'istio-system',
  name: 'istiod-canary',
  labels: { app: 'istiod', 'istio.io/rev': 'canary' },
  templateLabels: { app: 'istiod', 'istio.io/rev': 'canary' },
  replicas: 2,
  templateContainers: [
    container(
      'discovery',
      'docker.io/istio/pilot@sha256:2c3a0c5b0f4f8a1e9d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e',
    ),
  ],
  pods: [
    pod({ app: 'istiod' }, { namespace: 'istio-system', phase: 'Running' }),
    pod({ app: 'istiod' }, { namespace: 'istio-system', phase: 'Pending' }),
  ],
});

const linkerdLabels = (component: string) => ({
  'app.kubernetes.io/name': component,
  'app.kubernetes.io/part-of': 'Linkerd',
  'app.kubernetes.io/version': 'edge-24.11.8',
  'linkerd.io/control-plane-component': component,
  'linkerd.io/control-plane-ns': 'linkerd',
});

const destination = workload({
  namespace: 'linkerd',
  name: 'linkerd-destination',
  labels: linkerdLabels('destination'),
  templateLabels: {
    'linkerd.io/control-plane-component': 'destination',
    'linkerd.io/control-plane-ns': 'linkerd',
  },
  replicas: 3,
  templateContainers: [
    container(
      'sp-validator',
      'cr.l5d.io/linkerd/controller:edge-24.11.8',
      '100m',
      '50Mi',
    ),
    container(
      'destination',
      'cr.l5d.io/linkerd/controller:edge-24.11.8',
      '100m',
      '50Mi',
    ),
    container(
      'policy',
      'cr.l5d.io/linkerd/policy-controller:edge-24.11.8',
      '100m',
      '50Mi',
    ),
  ],
});

const identity = workload({
  namespace: 'linkerd',
  name: 'linkerd-identity',
  labels: { ...linkerdLabels('identity'), 'app.kubernetes.io/version': '' },
  replicas: undefined,
  templateContainers: [
    container(
      'identity',
      'cr.l5d.io/linkerd/controller@sha256:abc',
      '100m',
      '10Mi',
    ),
  ],
});

const injectorElsewhere = workload({
  namespace: 'mesh',
  name: 'linkerd-proxy-injector',
  labels: {
    ...linkerdLabels('proxy-injector'),
    'linkerd.io/control-plane-ns': 'mesh',
  },
  templateContainers: [
    container('proxy-injector', 'cr.l5d.io/linkerd/controller:stable-2.14.10'),
  ],
});

const impostor = workload({
  namespace: 'default',
  name: 'linkerd-destination',
  labels: {},
});
const istiodStatefulSet = workload({
  kind: 'StatefulSet',
  name: 'istiod',
  labels: { app: 'istiod' },
});

const pdbs = objects(`
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: istiod
  namespace: istio-system
  labels:
    app: istiod
    istio.io/rev: default
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: istiod
      istio: pilot
status:
  currentHealthy: 1
  desiredHealthy: 1
  disruptionsAllowed: 0
  expectedPods: 1
`).map(pdbFacts);

const hpas = objects(`
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: istiod
  namespace: istio-system
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: istiod
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 80
`).map(autoscalerFacts);

describe('controlPlaneFacts', () => {
  const linkerd = { ...linkerdMeshConfig([], []), version: 'edge-24.11.8' };
  const facts = controlPlaneFacts(
    [
      istiod,
      canary,
      destination,
      identity,
      injectorElsewhere,
      impostor,
      istiodStatefulSet,
    ],
    pdbs,
    hpas,
    linkerd,
  );
  const byName = (name: string, namespace?: string) =>
    facts.find(
      f => f.name === name && (!namespace || f.namespace === namespace),
    );

  it('finds istiod revisions and the Linkerd components, nothing else', () => {
    expect(facts.map(f => `${f.mesh}:${f.namespace}/${f.name}`)).toEqual([
      'istio:istio-system/istiod',
      'istio:istio-system/istiod-canary',
      'linkerd:linkerd/linkerd-destination',
      'linkerd:linkerd/linkerd-identity',
      'linkerd:mesh/linkerd-proxy-injector',
    ]);
  });

  const cases: Array<{
    name: string;
    ns?: string;
    want: Partial<ControlPlaneFacts>;
  }> = [
    {
      name: 'istiod',
      want: {
        revision: 'default',
        version: '1.24.2',
        podNames: ['istiod-7d4f9c8b6-x2x9q'],
        replicas: 1,
        pods: 1,
        runningPods: 1,
        resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: {} },
        autoscaler: {
          ref: {
            kind: 'HorizontalPodAutoscaler',
            group: 'autoscaling',
            namespace: 'istio-system',
            name: 'istiod',
          },
          minReplicas: 1,
          maxReplicas: 5,
        },
        disruptionBudgets: [
          {
            kind: 'PodDisruptionBudget',
            group: 'policy',
            namespace: 'istio-system',
            name: 'istiod',
          },
        ],
      },
    },
    {
      // pinned by digest: no tag to read; its pods lack `istio: pilot`, so the PDB misses them
      name: 'istiod-canary',
      want: {
        revision: 'canary',
        replicas: 2,
        pods: 2,
        runningPods: 1,
        disruptionBudgets: [],
      },
    },
    {
      name: 'linkerd-destination',
      want: {
        version: 'edge-24.11.8',
        replicas: 3,
        resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: {} },
      },
    },
    // digest-pinned, empty version label: linkerd-config's linkerdVersion
    {
      name: 'linkerd-identity',
      want: { version: 'edge-24.11.8', pods: 0, runningPods: 0 },
    },
    {
      name: 'linkerd-proxy-injector',
      ns: 'mesh',
      want: { version: 'stable-2.14.10' },
    },
  ];
  it.each(cases)('$name', ({ name, ns, want }) => {
    expect(byName(name, ns)).toMatchObject(want);
  });

  it('leaves out what it does not know', () => {
    expect(byName('istiod-canary')).not.toHaveProperty('version');
    expect(byName('istiod-canary')).not.toHaveProperty('autoscaler');
    expect(byName('linkerd-identity')).not.toHaveProperty('replicas');
    expect(byName('linkerd-destination')).not.toHaveProperty('revision');
  });
});

describe('autoscalerFacts', () => {
  it('refuses an HPA without a target', () => {
    expect(() =>
      autoscalerFacts(
        object(
          'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\n  namespace: a\nspec:\n  maxReplicas: 3',
        ),
      ),
    ).toThrow(/scaleTargetRef/);
  });
});
