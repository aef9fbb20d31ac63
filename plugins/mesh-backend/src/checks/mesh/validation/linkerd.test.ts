import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  container,
  deploymentWithPods,
  istioProxy,
  linkerdProxy,
  namespace,
  pod,
} from '../../../__testUtils__/fixtures';
import { ruleInput, yamlObjects } from '../../../__testUtils__/validation';
import { linkerdRules } from './linkerd';

const NS = namespace('shop', {
  annotations: { 'linkerd.io/inject': 'enabled' },
});
const withPorts = (proxy = linkerdProxy()) =>
  pod('checkout-1', 'shop', {
    labels: { app: 'checkout' },
    containers: [
      {
        ...container('checkout'),
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      },
      proxy,
    ],
  });
const server = (
  port: string,
  selector = 'app: checkout',
  name = 'checkout-http',
) =>
  yamlObjects(`
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: ${name}, namespace: shop }
spec:
  podSelector: { matchLabels: { ${selector} } }
  port: ${port}
`);
const policy = (target: string, authn = '') =>
  yamlObjects(`
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: checkout-authz, namespace: shop }
spec:
  targetRef: ${target}
  requiredAuthenticationRefs: [${authn}]
`);

describe('linkerdRules', () => {
  it.each<{ what: string; objects: KubeObject[]; codes: string[] }>([
    {
      what: 'a Server on a declared port number',
      objects: [withPorts(), ...server('8080')],
      codes: [],
    },
    {
      what: 'a Server on a declared port name',
      objects: [withPorts(), ...server('http')],
      codes: [],
    },
    {
      what: 'a Server on the proxy admin port',
      objects: [withPorts(), ...server('4191')],
      codes: [],
    },
    {
      what: 'a Server on a port no container declares',
      objects: [withPorts(), ...server('9090')],
      codes: ['L5D-SERVER-PORT'],
    },
    {
      what: 'a Server on a port name no container declares',
      objects: [withPorts(), ...server('grpc')],
      codes: ['L5D-SERVER-PORT'],
    },
    {
      what: 'a Server on a number when the containers declare no ports',
      objects: [
        ...deploymentWithPods('checkout', 'shop', {
          meshedPods: 1,
          proxy: linkerdProxy(),
        }),
        ...server('9090'),
      ],
      codes: [],
    },
    {
      what: 'a Server of the namespace selecting no pod',
      objects: [withPorts(), ...server('8080', 'app: gone', 'gone')],
      codes: ['L5D-SERVER-SELECTOR'],
    },
    {
      what: 'a policy targeting a Server that exists',
      objects: [
        withPorts(),
        ...server('8080'),
        ...policy(
          '{ group: policy.linkerd.io, kind: Server, name: checkout-http }',
        ),
      ],
      codes: [],
    },
    {
      what: 'a policy targeting a Server that does not exist',
      objects: [
        withPorts(),
        ...policy(
          '{ group: policy.linkerd.io, kind: Server, name: checkout-grpc }',
        ),
      ],
      codes: ['L5D-POLICY-TARGET'],
    },
    {
      what: 'a policy targeting a namespace that does not exist',
      objects: [withPorts(), ...policy('{ kind: Namespace, name: shopp }')],
      codes: ['L5D-POLICY-TARGET'],
    },
    {
      what: 'a policy requiring an authentication that does not exist',
      objects: [
        withPorts(),
        ...server('8080'),
        ...policy(
          '{ group: policy.linkerd.io, kind: Server, name: checkout-http }',
          '{ group: policy.linkerd.io, kind: MeshTLSAuthentication, name: clients }',
        ),
      ],
      codes: ['L5D-AUTHN-REF'],
    },
    {
      what: 'the same mistakes on an Istio workload',
      objects: [withPorts(istioProxy()), ...server('9090')],
      codes: [],
    },
  ])('$what', ({ objects, codes }) => {
    const findings = linkerdRules(ruleInput({ objects: [NS, ...objects] }));
    expect(findings.map(f => f.code)).toEqual(codes);
    for (const f of findings) expect(f.fix).toContain('shop');
  });

  it('gives the MeshTLSAuthentication to create', () => {
    const [finding] = linkerdRules(
      ruleInput({
        objects: [
          NS,
          withPorts(),
          ...server('8080'),
          ...policy(
            '{ group: policy.linkerd.io, kind: Server, name: checkout-http }',
            '{ group: policy.linkerd.io, kind: MeshTLSAuthentication, name: clients }',
          ),
        ],
      }),
    );
    expect(finding.level).toBe('error');
    expect(finding.fix).toContain('kind: MeshTLSAuthentication');
    expect(finding.fix).toContain('name: clients');
  });
});
