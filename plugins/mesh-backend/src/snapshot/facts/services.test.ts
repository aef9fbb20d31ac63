import { ServiceFacts } from '@mesh-readiness/plugin-mesh-node';
import { object } from './__testUtils__/objects';
import { serviceFacts } from './services';

const service = (spec: string) =>
  object(`
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  labels:
    app: cart
  resourceVersion: "1201"
  uid: 1e2d3c4b-4444-4a5b-8c7d-6e5f4a3b2c10
spec:
${spec}
status:
  loadBalancer: {}`);

describe('serviceFacts', () => {
  const cases: Array<{
    name: string;
    spec: string;
    want: Partial<ServiceFacts>;
  }> = [
    {
      name: 'ClusterIP with a named target port and appProtocol',
      spec: `  type: ClusterIP
  clusterIP: 10.96.14.2
  selector:
    app: cart
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: http-web
    appProtocol: http`,
      want: {
        selector: { app: 'cart' },
        type: 'ClusterIP',
        ports: [
          {
            name: 'http',
            port: 80,
            targetPort: 'http-web',
            protocol: 'TCP',
            appProtocol: 'http',
          },
        ],
      },
    },
    {
      name: 'defaults: type ClusterIP, protocol TCP; a portless entry is skipped',
      spec: `  selector:
    app: cart
  ports:
  - port: 9080
    targetPort: 9080
  - name: broken`,
      want: {
        selector: { app: 'cart' },
        type: 'ClusterIP',
        ports: [{ port: 9080, targetPort: 9080, protocol: 'TCP' }],
      },
    },
    {
      name: 'no selector: endpoints managed elsewhere',
      spec: `  type: ExternalName
  externalName: cart.legacy.example.com`,
      want: { selector: {}, type: 'ExternalName', ports: [] },
    },
  ];
  it.each(cases)('$name', ({ spec, want }) => {
    expect(serviceFacts(service(spec))).toEqual({
      namespace: 'shop',
      name: 'cart',
      labels: { app: 'cart' },
      selector: {},
      ports: [],
      type: 'ClusterIP',
      ...want,
    });
  });
});
