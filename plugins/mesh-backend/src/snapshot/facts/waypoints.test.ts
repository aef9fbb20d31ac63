import { NamespaceFacts, ServiceFacts } from '@mesh-readiness/plugin-mesh-node';
import { objects } from './__testUtils__/objects';
import { gatewayFacts, resolveWaypoints } from './waypoints';

const gateways = objects(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: shop
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
status:
  conditions:
  - type: Programmed
    status: "True"
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: shared-waypoint
  namespace: mesh-infra
  labels:
    istio.io/waypoint-for: all
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
`).map(gatewayFacts);

const service = (
  name: string,
  labels: Record<string, string> = {},
): ServiceFacts => ({
  namespace: 'shop',
  name,
  selector: { app: 'cart' },
  ports: [{ port: 80, protocol: 'TCP' }],
  type: 'ClusterIP',
  labels,
});
const ns = (labels: Record<string, string> = {}): NamespaceFacts => ({
  name: 'shop',
  labels,
  annotations: {},
});

describe('gatewayFacts', () => {
  it('reads class and waypoint-for', () => {
    expect(gateways[0]).toEqual({
      ref: {
        kind: 'Gateway',
        group: 'gateway.networking.k8s.io',
        namespace: 'shop',
        name: 'waypoint',
      },
      gatewayClassName: 'istio-waypoint',
      waypointFor: 'service',
      labels: { 'istio.io/waypoint-for': 'service' },
    });
  });
});

describe('resolveWaypoints', () => {
  const gw = (namespace: string, name: string) => ({
    kind: 'Gateway',
    group: 'gateway.networking.k8s.io',
    namespace,
    name,
  });
  const cases = [
    {
      name: 'namespace label',
      podLabels: [{ app: 'cart' }],
      services: [service('cart')],
      namespace: ns({ 'istio.io/use-waypoint': 'waypoint' }),
      want: [
        {
          gateway: gw('shop', 'waypoint'),
          via: 'namespace',
          gatewayFound: true,
        },
      ],
    },
    {
      name: 'service label in another namespace',
      podLabels: [{ app: 'cart', 'istio.io/use-waypoint': 'none' }],
      services: [
        service('cart', {
          'istio.io/use-waypoint': 'shared-waypoint',
          'istio.io/use-waypoint-namespace': 'mesh-infra',
        }),
      ],
      namespace: ns({ 'istio.io/use-waypoint': 'waypoint' }),
      want: [
        {
          gateway: gw('mesh-infra', 'shared-waypoint'),
          via: 'service',
          service: 'cart',
          gatewayFound: true,
        },
      ],
    },
    {
      name: 'pod label naming a Gateway that does not exist',
      podLabels: [{ app: 'cart', 'istio.io/use-waypoint': 'cart-waypoint' }],
      services: [],
      namespace: ns(),
      want: [
        {
          gateway: gw('shop', 'cart-waypoint'),
          via: 'pod',
          gatewayFound: false,
        },
      ],
    },
    {
      name: 'service opts out with none, namespace still covers the pod',
      podLabels: [{ app: 'cart' }],
      services: [service('cart', { 'istio.io/use-waypoint': 'none' })],
      namespace: ns({ 'istio.io/use-waypoint': 'waypoint' }),
      want: [
        {
          gateway: gw('shop', 'waypoint'),
          via: 'namespace',
          gatewayFound: true,
        },
      ],
    },
    {
      name: 'no labels anywhere',
      podLabels: [{ app: 'cart' }],
      services: [service('cart')],
      namespace: undefined,
      want: [],
    },
  ];
  it.each(cases)('$name', ({ podLabels, services, namespace, want }) => {
    expect(
      resolveWaypoints('shop', podLabels, services, namespace, gateways),
    ).toEqual(want);
  });
});
