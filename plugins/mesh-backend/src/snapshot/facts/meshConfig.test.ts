import { objects } from './__testUtils__/objects';
import { istioMeshConfig, linkerdMeshConfig } from './meshConfig';

const istioCm = (name: string, namespace: string, mesh: string) => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app.kubernetes.io/name: istiod
    install.operator.istio.io/owning-resource: unknown
    istio.io/rev: default
data:
  mesh: |-
${mesh
  .split('\n')
  .map(l => `    ${l}`)
  .join('\n')}
  meshNetworks: 'networks: {}'
`;

const caRoot = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: istio-ca-root-cert
  namespace: istio-system
data:
  root-cert.pem: |
    -----BEGIN CERTIFICATE-----
    MIIC...
    -----END CERTIFICATE-----
`;

describe('istioMeshConfig', () => {
  const cases = [
    {
      name: 'no ConfigMap: root namespace is istiod namespace, egress ALLOW_ANY by default',
      yaml: caRoot,
      want: {
        rootNamespace: 'istio-system',
        clusterDomain: 'cluster.local',
        outboundTrafficPolicy: 'ALLOW_ANY',
        outboundTrafficPolicySource: 'default',
      },
    },
    {
      name: 'REGISTRY_ONLY and an explicit root namespace',
      yaml: `${caRoot}---${istioCm(
        'istio',
        'istio-system',
        `defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
rootNamespace: istio-config
trustDomain: example.org
outboundTrafficPolicy:
  mode: REGISTRY_ONLY`,
      )}`,
      want: {
        source: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' },
        rootNamespace: 'istio-config',
        clusterDomain: 'cluster.local',
        outboundTrafficPolicy: 'REGISTRY_ONLY',
        outboundTrafficPolicySource: 'mesh-config',
        trustDomain: 'example.org',
      },
    },
    {
      name: 'only a revision ConfigMap: it is used, root namespace defaults to its namespace',
      yaml: istioCm('istio-1-24', 'istio-system', 'enableTracing: true'),
      want: {
        source: {
          kind: 'ConfigMap',
          namespace: 'istio-system',
          name: 'istio-1-24',
        },
        rootNamespace: 'istio-system',
        clusterDomain: 'cluster.local',
        outboundTrafficPolicy: 'ALLOW_ANY',
        outboundTrafficPolicySource: 'default',
      },
    },
    {
      name: 'the default `istio` wins over a revision',
      yaml: `${istioCm(
        'istio-canary',
        'istio-system',
        'outboundTrafficPolicy:\n  mode: ALLOW_ANY',
      )}---${istioCm(
        'istio',
        'istio-system',
        'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
      )}`,
      want: {
        source: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' },
        rootNamespace: 'istio-system',
        clusterDomain: 'cluster.local',
        outboundTrafficPolicy: 'REGISTRY_ONLY',
        outboundTrafficPolicySource: 'mesh-config',
      },
    },
  ];
  it.each(cases)('$name', ({ yaml, want }) => {
    const problems: string[] = [];
    expect(istioMeshConfig(objects(yaml), problems)).toEqual(want);
    expect(problems).toEqual([]);
  });

  it('reports unparsable mesh YAML and falls back to defaults', () => {
    const problems: string[] = [];
    const facts = istioMeshConfig(
      objects(istioCm('istio', 'istio-system', 'outboundTrafficPolicy: [mode')),
      problems,
    );
    expect(facts.outboundTrafficPolicy).toBe('ALLOW_ANY');
    expect(problems).toEqual([
      expect.stringMatching(
        /^ConfigMap istio-system\/istio: key 'mesh' is not YAML/,
      ),
    ]);
  });
});

const linkerdConfig = (values: string) => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: linkerd-config
  namespace: linkerd
  labels:
    linkerd.io/control-plane-component: controller
    linkerd.io/control-plane-ns: linkerd
  annotations:
    linkerd.io/created-by: linkerd/helm stable-2.14.10
data:
  values: |
${values
  .split('\n')
  .map(l => `    ${l}`)
  .join('\n')}
`;

describe('linkerdMeshConfig', () => {
  const cases = [
    {
      name: 'absent: all-unauthenticated by default',
      yaml: '',
      want: {
        controlPlaneNamespace: 'linkerd',
        defaultInboundPolicy: 'all-unauthenticated',
        defaultInboundPolicySource: 'default',
        globalEgressNamespace: 'linkerd-egress',
      },
    },
    {
      name: 'proxy.defaultInboundPolicy (2.12+) and linkerdVersion',
      yaml: linkerdConfig(`linkerdVersion: stable-2.14.10
controllerReplicas: 3
proxy:
  defaultInboundPolicy: cluster-authenticated
egress:
  globalEgressNetworkNamespace: egress`),
      want: {
        source: {
          kind: 'ConfigMap',
          namespace: 'linkerd',
          name: 'linkerd-config',
        },
        controlPlaneNamespace: 'linkerd',
        defaultInboundPolicy: 'cluster-authenticated',
        defaultInboundPolicySource: 'cluster',
        version: 'stable-2.14.10',
        globalEgressNamespace: 'egress',
      },
    },
    {
      name: 'policyController.defaultAllowPolicy (2.11)',
      yaml: linkerdConfig(`policyController:
  defaultAllowPolicy: all-authenticated`),
      want: {
        source: {
          kind: 'ConfigMap',
          namespace: 'linkerd',
          name: 'linkerd-config',
        },
        controlPlaneNamespace: 'linkerd',
        defaultInboundPolicy: 'all-authenticated',
        defaultInboundPolicySource: 'cluster',
        globalEgressNamespace: 'linkerd-egress',
      },
    },
  ];
  it.each(cases)('$name', ({ yaml, want }) => {
    const problems: string[] = [];
    expect(linkerdMeshConfig(objects(yaml), problems)).toEqual(want);
    expect(problems).toEqual([]);
  });
});
