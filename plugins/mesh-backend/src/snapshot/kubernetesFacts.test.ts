import {
  container,
  cronJob,
  daemonSet,
  deployment,
  deploymentWithPods,
  istioProxy,
  job,
  linkerdProxy,
  namespace,
  pod,
  replicaSet,
  statefulSetWithPods,
} from '../__testUtils__/fixtures';
import { buildKubernetesFacts, findProxy, imageTag } from './kubernetesFacts';
import { WorkloadFacts } from '@mesh-readiness/plugin-mesh-node';

const workloadKeys = (workloads: WorkloadFacts[]) =>
  workloads.map(w => `${w.namespace}/${w.kind}/${w.name}`).sort();

describe('imageTag', () => {
  it.each([
    ['docker.io/istio/proxyv2:1.27.1', '1.27.1'],
    ['cr.l5d.io/linkerd/proxy:edge-25.9.1', 'edge-25.9.1'],
    ['proxyv2:1.22.0-distroless', '1.22.0-distroless'],
    ['registry.local:5000/istio/proxyv2:1.26.0', '1.26.0'],
    ['registry.local:5000/istio/proxyv2', undefined],
    ['docker.io/istio/proxyv2', undefined],
    ['docker.io/istio/proxyv2@sha256:0123456789abcdef', undefined],
    ['docker.io/istio/proxyv2:1.27.1@sha256:0123456789abcdef', undefined],
    [undefined, undefined],
    ['', undefined],
  ])('%s → %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('findProxy', () => {
  it.each([
    {
      name: 'Istio proxy as a regular container',
      spec: { containers: [container('app'), istioProxy('1.27.1')] },
      expected: {
        provider: 'istio',
        container: 'istio-proxy',
        nativeSidecar: false,
        version: '1.27.1',
      },
    },
    {
      name: 'Istio native sidecar: init container with restartPolicy Always',
      spec: {
        initContainers: [
          container('istio-init'),
          istioProxy('1.27.1', { native: true }),
        ],
        containers: [container('app')],
      },
      expected: {
        provider: 'istio',
        container: 'istio-proxy',
        nativeSidecar: true,
        version: '1.27.1',
      },
    },
    {
      name: 'Linkerd proxy as a regular container',
      spec: { containers: [linkerdProxy('edge-25.9.1'), container('app')] },
      expected: {
        provider: 'linkerd',
        container: 'linkerd-proxy',
        nativeSidecar: false,
        version: 'edge-25.9.1',
      },
    },
    {
      name: 'Linkerd native sidecar',
      spec: {
        initContainers: [
          container('linkerd-network-validator'),
          linkerdProxy('stable-2.14.10', { native: true }),
        ],
        containers: [container('app')],
      },
      expected: {
        provider: 'linkerd',
        container: 'linkerd-proxy',
        nativeSidecar: true,
        version: 'stable-2.14.10',
      },
    },
  ])('finds the $name', ({ spec, expected }) => {
    expect(findProxy(spec, {})).toMatchObject(expected);
  });

  it.each([
    {
      name: 'an init container named istio-proxy WITHOUT restartPolicy Always (it runs to completion first)',
      spec: {
        initContainers: [
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.1' },
        ],
        containers: [container('app')],
      },
    },
    {
      name: 'an init container named istio-proxy with restartPolicy OnFailure',
      spec: {
        initContainers: [
          {
            name: 'istio-proxy',
            image: 'docker.io/istio/proxyv2:1.27.1',
            restartPolicy: 'OnFailure',
          },
        ],
        containers: [container('app')],
      },
    },
    {
      name: 'only the istio-init container',
      spec: {
        initContainers: [container('istio-init')],
        containers: [container('app')],
      },
    },
    {
      name: 'a container merely called proxy',
      spec: { containers: [container('envoy-proxy')] },
    },
    { name: 'no containers at all', spec: {} },
    {
      name: 'malformed containers',
      spec: { containers: 'istio-proxy', initContainers: [null, 3] },
    },
  ])('finds no proxy in $name', ({ spec }) => {
    expect(findProxy(spec, {})).toBeUndefined();
  });

  it('reads the Linkerd proxy version from linkerd.io/proxy-version before the image tag', () => {
    expect(
      findProxy(
        { containers: [linkerdProxy('edge-25.9.1')] },
        { 'linkerd.io/proxy-version': 'edge-25.10.2' },
      )?.version,
    ).toBe('edge-25.10.2');
  });

  it('falls back to the Linkerd image tag without the annotation', () => {
    expect(
      findProxy({ containers: [linkerdProxy('edge-25.9.1')] }, {})?.version,
    ).toBe('edge-25.9.1');
  });

  it.each([
    [
      'istio',
      istioProxy('', { image: 'docker.io/istio/proxyv2@sha256:abc123' }),
    ],
    [
      'linkerd',
      linkerdProxy('', { image: 'cr.l5d.io/linkerd/proxy@sha256:abc123' }),
    ],
  ])(
    'gives no %s version for an image pinned by digest',
    (provider, proxyContainer) => {
      const proxy = findProxy({ containers: [proxyContainer] }, {});
      expect(proxy).toMatchObject({ provider, image: proxyContainer.image });
      expect(proxy?.version).toBeUndefined();
    },
  );

  it('does not read the Linkerd annotation for an Istio proxy', () => {
    expect(
      findProxy(
        { containers: [istioProxy('1.27.1')] },
        { 'linkerd.io/proxy-version': 'edge-25.10.2' },
      )?.version,
    ).toBe('1.27.1');
  });
});

describe('buildKubernetesFacts', () => {
  it('indexes namespaces with their labels and annotations', () => {
    const facts = buildKubernetesFacts([
      namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
      namespace('payments', {
        annotations: { 'linkerd.io/inject': 'enabled' },
      }),
    ]);
    expect(facts.namespaces.shop.labels['istio-injection']).toBe('enabled');
    expect(facts.namespaces.payments.annotations['linkerd.io/inject']).toBe(
      'enabled',
    );
    expect(facts.workloads).toEqual([]);
    expect(facts.objectCount).toBe(2);
  });

  it('ties pods to their Deployment through the ReplicaSet', () => {
    const facts = buildKubernetesFacts(
      deploymentWithPods('checkout', 'shop', { pods: 3, meshedPods: 3 }),
    );
    expect(workloadKeys(facts.workloads)).toEqual(['shop/Deployment/checkout']);
    const [w] = facts.workloads;
    expect(w.objectSeen).toBe(true);
    expect(w.replicas).toBe(3);
    expect(w.pods.map(p => p.name)).toEqual([
      'checkout-6b7f9c8d5-p0',
      'checkout-6b7f9c8d5-p1',
      'checkout-6b7f9c8d5-p2',
    ]);
    expect(w.pods.every(p => p.proxy?.provider === 'istio')).toBe(true);
  });

  it('recovers the Deployment from pod-template-hash when the ReplicaSet was not collected', () => {
    const objects = deploymentWithPods('checkout', 'shop', {
      pods: 2,
      withoutReplicaSet: true,
    });
    expect(objects.some(o => o.kind === 'ReplicaSet')).toBe(false);
    const facts = buildKubernetesFacts(objects);
    expect(workloadKeys(facts.workloads)).toEqual(['shop/Deployment/checkout']);
    expect(facts.workloads[0].pods).toHaveLength(2);
    expect(facts.workloads[0].objectSeen).toBe(true);
  });

  it('infers the Deployment from pod-template-hash even when neither it nor the ReplicaSet was collected', () => {
    const objects = deploymentWithPods('checkout', 'shop', {
      pods: 2,
      withoutReplicaSet: true,
    }).filter(o => o.kind === 'Pod');
    const facts = buildKubernetesFacts(objects);
    expect(workloadKeys(facts.workloads)).toEqual(['shop/Deployment/checkout']);
    const [w] = facts.workloads;
    expect(w.objectSeen).toBe(false);
    expect(w.replicas).toBeUndefined();
    expect(w.pods).toHaveLength(2);
    // Without the object, the pod labels stand in for the template's.
    expect(w.templateLabels.app).toBe('checkout');
  });

  it('keeps a ReplicaSet owner whose name does not end with the pod-template-hash', () => {
    const facts = buildKubernetesFacts([
      pod('standalone-rs-x1', 'shop', {
        labels: { app: 'x', 'pod-template-hash': 'abc12' },
        owner: { kind: 'ReplicaSet', name: 'standalone-rs' },
      }),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual([
      'shop/ReplicaSet/standalone-rs',
    ]);
  });

  it('ties Job pods to their CronJob', () => {
    const facts = buildKubernetesFacts([
      cronJob('nightly-report', 'batch'),
      job('nightly-report-29012345', 'batch', {
        owner: { kind: 'CronJob', name: 'nightly-report' },
      }),
      pod('nightly-report-29012345-abcde', 'batch', {
        labels: { app: 'nightly-report' },
        owner: { kind: 'Job', name: 'nightly-report-29012345' },
      }),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual([
      'batch/CronJob/nightly-report',
    ]);
    const [w] = facts.workloads;
    expect(w.templateLabels).toEqual({ app: 'nightly-report' });
    expect(w.pods.map(p => [p.name, p.phase])).toEqual([
      ['nightly-report-29012345-abcde', 'Running'],
    ]);
    expect(w.replicas).toBeUndefined();
  });

  it('keeps a Job without an owner as its own workload', () => {
    const facts = buildKubernetesFacts([
      job('migrate-db', 'data'),
      pod('migrate-db-x7k2p', 'data', {
        owner: { kind: 'Job', name: 'migrate-db' },
      }),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual(['data/Job/migrate-db']);
    expect(facts.workloads[0].pods).toHaveLength(1);
  });

  it('reads a CronJob pod template one level deeper (jobTemplate.spec.template)', () => {
    const facts = buildKubernetesFacts([
      cronJob('nightly-report', 'batch', {
        templateLabels: { app: 'nightly-report', tier: 'batch' },
        templateAnnotations: { 'sidecar.istio.io/inject': 'false' },
      }),
    ]);
    expect(facts.workloads[0].templateLabels).toEqual({
      app: 'nightly-report',
      tier: 'batch',
    });
    expect(facts.workloads[0].templateAnnotations).toEqual({
      'sidecar.istio.io/inject': 'false',
    });
  });

  it('ties StatefulSet pods to the StatefulSet directly', () => {
    const facts = buildKubernetesFacts(
      statefulSetWithPods('orders-db', 'data', { pods: 2, replicas: 2 }),
    );
    expect(workloadKeys(facts.workloads)).toEqual([
      'data/StatefulSet/orders-db',
    ]);
    expect(facts.workloads[0].replicas).toBe(2);
    expect(facts.workloads[0].pods.map(p => p.name)).toEqual([
      'orders-db-0',
      'orders-db-1',
    ]);
  });

  it('defaults replicas to 1 when a Deployment leaves it out, as the API server does', () => {
    const facts = buildKubernetesFacts([deployment('checkout', 'shop')]);
    expect(facts.workloads[0].replicas).toBe(1);
    expect(facts.workloads[0].pods).toEqual([]);
  });

  it.each([
    {
      what: 'a Ready condition True',
      ready: true as boolean | undefined,
      expected: true as boolean | undefined,
    },
    { what: 'a Ready condition False', ready: false, expected: false },
    { what: 'no conditions at all', ready: undefined, expected: undefined },
  ])('reads pod readiness from $what', ({ ready, expected }) => {
    const facts = buildKubernetesFacts([
      pod('web-0', 'shop', { ready, phase: 'Running' }),
    ]);
    expect(facts.workloads[0].pods[0].ready).toBe(expected);
  });

  it.each([
    {
      what: 'readyReplicas from the status',
      status: { replicas: 3, readyReplicas: 2 } as
        | Record<string, unknown>
        | undefined,
      expected: 2 as number | undefined,
    },
    {
      what: '0 when the status leaves readyReplicas out',
      status: { replicas: 3, unavailableReplicas: 3 },
      expected: 0,
    },
    {
      what: 'nothing without a status',
      status: undefined,
      expected: undefined,
    },
  ])("reads a Deployment's $what", ({ status, expected }) => {
    const facts = buildKubernetesFacts([
      deployment('web', 'shop', { replicas: 3, status }),
    ]);
    expect(facts.workloads[0].readyReplicas).toBe(expected);
  });

  it('has no replicas for a DaemonSet', () => {
    const facts = buildKubernetesFacts([
      daemonSet('node-agent', 'kube-system'),
    ]);
    expect(facts.workloads[0]).toMatchObject({
      kind: 'DaemonSet',
      replicas: undefined,
    });
  });

  it('makes a bare pod its own workload, seen, with its own labels', () => {
    const facts = buildKubernetesFacts([
      pod('debug-shell', 'shop', {
        labels: { app: 'debug' },
        annotations: { note: 'x' },
      }),
    ]);
    expect(facts.workloads).toHaveLength(1);
    expect(facts.workloads[0]).toMatchObject({
      kind: 'Pod',
      name: 'debug-shell',
      objectSeen: true,
      labels: { app: 'debug' },
      templateLabels: { app: 'debug' },
      annotations: { note: 'x' },
    });
  });

  it('does not depend on the order objects come in', () => {
    const objects = deploymentWithPods('checkout', 'shop', { pods: 2 });
    const forwards = buildKubernetesFacts(objects);
    const backwards = buildKubernetesFacts([...objects].reverse());
    expect(workloadKeys(backwards.workloads)).toEqual(
      workloadKeys(forwards.workloads),
    );
    expect(backwards.workloads[0].pods).toHaveLength(2);
    expect(backwards.workloads[0].objectSeen).toBe(true);
  });

  it('keeps workloads of the same name in different namespaces apart', () => {
    const facts = buildKubernetesFacts([
      ...deploymentWithPods('api', 'team-a', { pods: 1 }),
      ...deploymentWithPods('api', 'team-b', { pods: 2 }),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual([
      'team-a/Deployment/api',
      'team-b/Deployment/api',
    ]);
    expect(
      facts.workloads.find(w => w.namespace === 'team-b')!.pods,
    ).toHaveLength(2);
  });

  it('records the proxy of each pod: sidecar container, native sidecar, or none', () => {
    const facts = buildKubernetesFacts([
      pod('a', 'shop', {
        containers: [container('app'), istioProxy('1.27.1')],
      }),
      pod('b', 'shop', {
        initContainers: [istioProxy('1.27.1', { native: true })],
        containers: [container('app')],
      }),
      pod('c', 'shop', {
        initContainers: [
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.1' },
        ],
      }),
      pod('d', 'shop'),
    ]);
    const byName = Object.fromEntries(
      facts.workloads.map(w => [w.name, w.pods[0].proxy]),
    );
    expect(byName.a).toMatchObject({ provider: 'istio', nativeSidecar: false });
    expect(byName.b).toMatchObject({ provider: 'istio', nativeSidecar: true });
    expect(byName.c).toBeUndefined();
    expect(byName.d).toBeUndefined();
  });

  it('reads the Linkerd proxy version from the pod annotation', () => {
    const facts = buildKubernetesFacts([
      pod('payments-1', 'payments', {
        annotations: { 'linkerd.io/proxy-version': 'edge-25.9.1' },
        containers: [
          linkerdProxy('', { image: 'cr.l5d.io/linkerd/proxy@sha256:feed' }),
          container('app'),
        ],
      }),
    ]);
    expect(facts.workloads[0].pods[0].proxy).toMatchObject({
      provider: 'linkerd',
      version: 'edge-25.9.1',
    });
  });

  it.each([
    [{ 'ambient.istio.io/redirection': 'enabled' }, true],
    [{ 'ambient.istio.io/redirection': 'disabled' }, false],
    [{}, false],
  ])(
    'marks a pod with annotations %j as ambient=%s',
    (annotations, ambient) => {
      const facts = buildKubernetesFacts([
        pod('inv-1', 'inventory', { annotations }),
      ]);
      expect(facts.workloads[0].pods[0].ambient).toBe(ambient);
    },
  );

  it('finds a proxy rendered into the pod template (istioctl kube-inject)', () => {
    const facts = buildKubernetesFacts([
      deployment('checkout', 'shop', {
        containers: [container('checkout'), istioProxy('1.26.2')],
      }),
    ]);
    expect(facts.workloads[0].templateProxy).toMatchObject({
      provider: 'istio',
      version: '1.26.2',
    });
  });

  it('records hostNetwork on pods and templates', () => {
    const facts = buildKubernetesFacts([
      deployment('node-exporter', 'monitoring', { hostNetwork: true }),
      pod('node-exporter-abc-1', 'monitoring', { hostNetwork: true }),
    ]);
    const d = facts.workloads.find(w => w.kind === 'Deployment')!;
    const p = facts.workloads.find(w => w.kind === 'Pod')!;
    expect(d.hostNetwork).toBe(true);
    expect(p.pods[0].hostNetwork).toBe(true);
  });

  it('records the node a pod was scheduled on, and none for a pending pod', () => {
    const scheduled = pod('web-1', 'shop');
    (scheduled.spec as Record<string, unknown>).nodeName = 'node-a';
    const facts = buildKubernetesFacts([scheduled, pod('web-2', 'shop')]);
    const byName = Object.fromEntries(
      facts.workloads.flatMap(w => w.pods).map(p => [p.name, p.nodeName]),
    );
    expect(byName).toEqual({ 'web-1': 'node-a', 'web-2': undefined });
  });

  it('puts pods without a namespace into default', () => {
    const bare = pod('loose', 'x');
    delete bare.metadata.namespace;
    const facts = buildKubernetesFacts([bare]);
    expect(facts.workloads[0].namespace).toBe('default');
  });

  it('ignores kinds that are not workloads', () => {
    const facts = buildKubernetesFacts([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'checkout', namespace: 'shop' },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cfg', namespace: 'shop' },
      },
    ]);
    expect(facts.workloads).toEqual([]);
    expect(facts.objectCount).toBe(2);
  });
});

describe('buildKubernetesFacts: pods that are not running any more', () => {
  it.each([
    ['Running', true],
    ['Pending', true],
    ['Unknown', true],
    ['Succeeded', false],
    ['Failed', false],
  ])('a %s pod is counted: %s', (phase, counted) => {
    const facts = buildKubernetesFacts([
      deployment('checkout', 'shop'),
      replicaSet('checkout-6b7f9c8d5', 'shop', {
        kind: 'Deployment',
        name: 'checkout',
      }),
      pod('checkout-6b7f9c8d5-a', 'shop', {
        labels: { app: 'checkout', 'pod-template-hash': '6b7f9c8d5' },
        owner: { kind: 'ReplicaSet', name: 'checkout-6b7f9c8d5' },
        phase,
      }),
    ]);
    expect(facts.workloads[0].pods.map(p => p.name)).toEqual(
      counted ? ['checkout-6b7f9c8d5-a'] : [],
    );
  });

  it('counts a pod whose phase was not reported', () => {
    const bare = pod('debug', 'shop');
    delete bare.status;
    expect(buildKubernetesFacts([bare]).workloads[0].pods).toHaveLength(1);
  });

  it.each([
    {
      what: 'a CronJob seen with its Job',
      objects: [
        cronJob('nightly', 'batch'),
        job('nightly-29012345', 'batch', {
          owner: { kind: 'CronJob', name: 'nightly' },
        }),
      ],
      key: 'batch/CronJob/nightly',
      objectSeen: true,
    },
    {
      what: 'a CronJob inferred from the Job name (neither object collected)',
      objects: [],
      key: 'batch/CronJob/nightly',
      objectSeen: false,
    },
    {
      what: 'a standalone Job seen',
      objects: [job('nightly-29012345', 'batch')],
      key: 'batch/Job/nightly-29012345',
      objectSeen: true,
    },
  ])(
    'keeps $what whose only pods completed, with no pods',
    ({ objects, key, objectSeen }) => {
      const facts = buildKubernetesFacts([
        ...objects,
        pod('nightly-29012345-a', 'batch', {
          labels: { app: 'nightly' },
          owner: { kind: 'Job', name: 'nightly-29012345' },
          phase: 'Succeeded',
        }),
        pod('nightly-29012345-b', 'batch', {
          labels: { app: 'nightly' },
          owner: { kind: 'Job', name: 'nightly-29012345' },
          phase: 'Failed',
        }),
      ]);
      expect(workloadKeys(facts.workloads)).toEqual([key]);
      expect(facts.workloads[0].pods).toEqual([]);
      expect(facts.workloads[0].objectSeen).toBe(objectSeen);
    },
  );

  it('keeps a Deployment inferred from evicted pods only, with no pods', () => {
    const facts = buildKubernetesFacts([
      pod('checkout-6b7f9c8d5-a', 'shop', {
        labels: { app: 'checkout', 'pod-template-hash': '6b7f9c8d5' },
        owner: { kind: 'ReplicaSet', name: 'checkout-6b7f9c8d5' },
        phase: 'Failed',
      }),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual(['shop/Deployment/checkout']);
    expect(facts.workloads[0].pods).toEqual([]);
    expect(facts.workloads[0].templateLabels.app).toBe('checkout');
  });

  it("takes an inferred workload's template from a live pod, not from a dead one listed first", () => {
    const facts = buildKubernetesFacts([
      pod('checkout-old-a', 'shop', {
        labels: { app: 'checkout', version: 'v1', 'pod-template-hash': 'old' },
        owner: { kind: 'ReplicaSet', name: 'checkout-old' },
        phase: 'Failed',
        hostNetwork: true,
      }),
      pod('checkout-new-a', 'shop', {
        labels: { app: 'checkout', version: 'v2', 'pod-template-hash': 'new' },
        owner: { kind: 'ReplicaSet', name: 'checkout-new' },
      }),
    ]);
    // Both ReplicaSets name the Deployment `checkout`.
    expect(workloadKeys(facts.workloads)).toEqual(['shop/Deployment/checkout']);
    const [w] = facts.workloads;
    expect(w.templateLabels.version).toBe('v2');
    expect(w.hostNetwork).toBe(false);
    expect(w.pods.map(p => p.name)).toEqual(['checkout-new-a']);
  });
});

describe('buildKubernetesFacts: CronJob pods', () => {
  const jobPod = (jobName: string) =>
    pod(`${jobName}-x7k2p`, 'batch', {
      labels: { app: 'report' },
      owner: { kind: 'Job', name: jobName },
    });

  it.each([
    // A CronJob names its Jobs `<cronjob>-<scheduled time in minutes>`: 8 to 10 digits.
    ['nightly-report-29012345', 'batch/CronJob/nightly-report'],
    ['nightly-report-2901234567', 'batch/CronJob/nightly-report'],
    ['nightly-report-1234567', 'batch/Job/nightly-report-1234567'],
    ['nightly-report-12345678901', 'batch/Job/nightly-report-12345678901'],
    ['migrate-db', 'batch/Job/migrate-db'],
  ])(
    'attributes a pod of Job %s, when no Job object was collected, to %s',
    (jobName, key) => {
      const facts = buildKubernetesFacts([jobPod(jobName)]);
      expect(workloadKeys(facts.workloads)).toEqual([key]);
      expect(facts.workloads[0].objectSeen).toBe(false);
      expect(facts.workloads[0].pods).toHaveLength(1);
    },
  );

  it('joins the pods of an uncollected Job to the CronJob object when it was collected', () => {
    const facts = buildKubernetesFacts([
      cronJob('nightly-report', 'batch'),
      jobPod('nightly-report-29012345'),
      jobPod('nightly-report-29012405'),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual([
      'batch/CronJob/nightly-report',
    ]);
    expect(facts.workloads[0].objectSeen).toBe(true);
    expect(facts.workloads[0].pods).toHaveLength(2);
  });

  it('keeps a collected Job without an owner as a Job, whatever its name', () => {
    const facts = buildKubernetesFacts([
      job('backup-29012345', 'batch'),
      jobPod('backup-29012345'),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual([
      'batch/Job/backup-29012345',
    ]);
    expect(facts.workloads[0].pods).toHaveLength(1);
  });

  it('follows the owner chain of a collected Job to a CronJob that was not collected', () => {
    const facts = buildKubernetesFacts([
      job('backup-manual-run', 'batch', {
        owner: { kind: 'CronJob', name: 'backup' },
      }),
      jobPod('backup-manual-run'),
    ]);
    expect(workloadKeys(facts.workloads)).toEqual(['batch/CronJob/backup']);
  });
});

describe('buildKubernetesFacts: template labels of a workload inferred from its pods', () => {
  it('keeps only the labels every live pod carries (a label added by hand to one pod is not the template)', () => {
    const objects = deploymentWithPods('checkout', 'shop', {
      pods: 3,
      withoutReplicaSet: true,
    }).filter(o => o.kind === 'Pod');
    objects[0].metadata.labels = {
      ...objects[0].metadata.labels,
      debug: 'true',
    };
    const facts = buildKubernetesFacts(objects);
    expect(facts.workloads[0].templateLabels).toEqual({
      app: 'checkout',
      'pod-template-hash': '6b7f9c8d5',
    });
  });

  it('keeps every label of a single pod', () => {
    const facts = buildKubernetesFacts([
      pod('checkout-6b7f9c8d5-a', 'shop', {
        labels: { app: 'checkout', 'pod-template-hash': '6b7f9c8d5' },
        owner: { kind: 'ReplicaSet', name: 'checkout-6b7f9c8d5' },
      }),
    ]);
    expect(facts.workloads[0].templateLabels).toEqual({
      app: 'checkout',
      'pod-template-hash': '6b7f9c8d5',
    });
  });

  it('leaves the template labels of a collected workload alone', () => {
    const objects = deploymentWithPods('checkout', 'shop', { pods: 2 });
    objects.filter(o => o.kind === 'Pod')[0].metadata.labels = {
      app: 'other',
    };
    const facts = buildKubernetesFacts(objects);
    expect(facts.workloads[0].templateLabels).toEqual({ app: 'checkout' });
  });
});

describe('buildKubernetesFacts: the UID application containers run as', () => {
  const withSecurity = (
    podContext: Record<string, unknown> | undefined,
    containerContext: Record<string, unknown> | undefined,
  ) => {
    const p = pod('api-1', 'shop', {
      containers: [
        {
          ...container('api'),
          ...(containerContext ? { securityContext: containerContext } : {}),
        },
        istioProxy(),
      ],
    });
    if (podContext)
      (p.spec as Record<string, unknown>).securityContext = podContext;
    return buildKubernetesFacts([p]).workloads[0];
  };

  it.each([
    ['the container sets it', undefined, { runAsUser: 1337 }, 1337],
    ['only the pod sets it', { runAsUser: 1000 }, undefined, 1000],
    [
      'the container overrides the pod',
      { runAsUser: 1000 },
      { runAsUser: 1337 },
      1337,
    ],
    ['neither sets it', undefined, { runAsNonRoot: true }, undefined],
    ['the value is not a number', undefined, { runAsUser: '1337' }, undefined],
  ])('%s', (_case, podContext, containerContext, expected) => {
    const w = withSecurity(podContext, containerContext);
    expect(w.pods[0].containers.map(c => c.runAsUser)).toEqual([expected]);
    expect(w.templateContainers[0].runAsUser).toBe(expected);
  });

  it('reads it from the pod template of a workload', () => {
    const d = deployment('api', 'shop');
    const spec = (d.spec as any).template.spec;
    spec.securityContext = { runAsUser: 1337 };
    const [w] = buildKubernetesFacts([d]).workloads;
    expect(w.templateContainers[0].runAsUser).toBe(1337);
  });
});
