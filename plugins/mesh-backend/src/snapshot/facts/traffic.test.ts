import { object, objects } from './__testUtils__/objects';
import {
  destinationRuleFacts,
  hostMatches,
  indexByHost,
  resolveHost,
  serviceEntryFacts,
  virtualServiceFacts,
} from './traffic';

const head = (kind: string, name: string, namespace = 'bookinfo') => `
apiVersion: networking.istio.io/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${namespace}
  creationTimestamp: "2025-05-20T09:30:00Z"
  generation: 3
  resourceVersion: "88123"
  uid: 5c1d7e42-2222-4b8a-9c3d-7e6f5a4b3c21
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"networking.istio.io/v1","kind":"${kind}"}`;

const ref = (kind: string, name: string, namespace = 'bookinfo') => ({
  kind,
  group: 'networking.istio.io',
  namespace,
  name,
});

describe('resolveHost', () => {
  it.each([
    ['reviews', 'reviews.bookinfo.svc.cluster.local'],
    [
      'reviews.bookinfo.svc.cluster.local',
      'reviews.bookinfo.svc.cluster.local',
    ],
    // Istio expands dotless names only.
    ['reviews.prod', 'reviews.prod'],
    ['*.bookinfo.svc.cluster.local', '*.bookinfo.svc.cluster.local'],
    ['*', '*'],
    ['api.example.com', 'api.example.com'],
    ['2001:db8::1', '2001:db8::1'],
  ])('%s → %s', (host, want) => {
    expect(resolveHost(host, 'bookinfo')).toBe(want);
  });

  it('uses the given cluster domain', () => {
    expect(resolveHost('reviews', 'bookinfo', 'corp.internal')).toBe(
      'reviews.bookinfo.svc.corp.internal',
    );
  });

  it.each([
    [
      '*.bookinfo.svc.cluster.local',
      'reviews.bookinfo.svc.cluster.local',
      true,
    ],
    ['*', 'reviews.bookinfo.svc.cluster.local', true],
    ['*.local', 'reviews.bookinfo.svc.cluster.local', true],
    [
      'ratings.bookinfo.svc.cluster.local',
      'reviews.bookinfo.svc.cluster.local',
      false,
    ],
  ])('hostMatches(%s, %s) = %s', (pattern, host, want) => {
    expect(hostMatches(pattern, host)).toBe(want);
  });
});

describe('destinationRuleFacts', () => {
  it('reads the bookinfo reviews rule', () => {
    const facts = destinationRuleFacts(
      object(`${head('DestinationRule', 'reviews')}
spec:
  host: reviews
  exportTo: ["."]
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
    connectionPool:
      http:
        http1MaxPendingRequests: 100
    portLevelSettings:
    - port:
        number: 9080
      tls:
        mode: DISABLE
      outlierDetection:
        consecutive5xxErrors: 5
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      tls:
        mode: SIMPLE`),
    );
    expect(facts).toEqual({
      ref: ref('DestinationRule', 'reviews'),
      host: 'reviews',
      hostFqdn: 'reviews.bookinfo.svc.cluster.local',
      exportTo: ['.'],
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' }, tlsMode: 'SIMPLE' },
      ],
      tlsMode: 'ISTIO_MUTUAL',
      portLevelTls: [{ port: 9080, mode: 'DISABLE' }],
      hasOutlierDetection: true,
      hasConnectionPool: true,
    });
  });

  it.each([
    ['no host', 'spec:\n  subsets: []', /host/],
    [
      'nameless subset',
      'spec:\n  host: reviews\n  subsets:\n  - labels:\n      version: v1',
      /subset/,
    ],
  ])('refuses %s', (_n, spec, message) => {
    expect(() =>
      destinationRuleFacts(object(`${head('DestinationRule', 'x')}\n${spec}`)),
    ).toThrow(message);
  });
});

describe('virtualServiceFacts', () => {
  const vs = virtualServiceFacts(
    object(`${head('VirtualService', 'reviews')}
spec:
  hosts:
  - reviews
  - reviews.bookinfo.svc.cluster.local
  gateways: [mesh]
  http:
  - name: jason
    match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: reviews
        subset: v2
    fault:
      delay:
        percentage:
          value: 100
        fixedDelay: 7s
  - name: default
    timeout: 10s
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: 5xx,connect-failure
    route:
    - destination:
        host: reviews
        subset: v1
        port:
          number: 9080
      weight: 90
    - destination:
        host: reviews.canary.svc.cluster.local
      weight: 10
  tcp:
  - route:
    - destination:
        host: mongodb.db.svc.cluster.local`),
  );

  it('resolves hosts and summarises each route', () => {
    expect(vs).toEqual({
      ref: ref('VirtualService', 'reviews'),
      hosts: [
        'reviews.bookinfo.svc.cluster.local',
        'reviews.bookinfo.svc.cluster.local',
      ],
      gateways: ['mesh'],
      exportTo: [],
      routes: [
        {
          protocol: 'http',
          name: 'jason',
          destinations: [
            { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' },
          ],
          hasFault: true,
        },
        {
          protocol: 'http',
          name: 'default',
          destinations: [
            {
              host: 'reviews.bookinfo.svc.cluster.local',
              subset: 'v1',
              port: 9080,
              weight: 90,
            },
            { host: 'reviews.canary.svc.cluster.local', weight: 10 },
          ],
          timeout: '10s',
          retries: {
            attempts: 3,
            perTryTimeout: '2s',
            retryOn: '5xx,connect-failure',
          },
          hasFault: false,
        },
        {
          protocol: 'tcp',
          destinations: [{ host: 'mongodb.db.svc.cluster.local' }],
          hasFault: false,
        },
      ],
    });
  });

  it('retries: {attempts: 0} is kept (retries disabled), absent stays absent', () => {
    const noRetry = virtualServiceFacts(
      object(`${head('VirtualService', 'ratings')}
spec:
  hosts: [ratings]
  http:
  - retries:
      attempts: 0
    route:
    - destination:
        host: ratings
  - route:
    - destination:
        host: ratings`),
    );
    expect(noRetry.routes[0].retries).toEqual({ attempts: 0 });
    expect(noRetry.routes[1]).not.toHaveProperty('retries');
  });

  it.each([
    ['exact', 'exact: websocket', 'websocket'],
    ['regex', "regex: '(?i)websocket'", '(?i)websocket'],
    ['prefix', 'prefix: web', 'web'],
  ])(
    'keeps the upgrade header a route matches on (%s)',
    (_kind, matcher, want) => {
      const live = virtualServiceFacts(
        object(`${head('VirtualService', 'live')}
spec:
  hosts: [live]
  http:
  - name: ws
    match:
    - uri:
        prefix: /socket
      headers:
        upgrade:
          ${matcher}
    route:
    - destination:
        host: live
  - name: rest
    route:
    - destination:
        host: live`),
      );
      expect(live.routes[0].upgradeHeader).toBe(want);
      expect(live.routes[1]).not.toHaveProperty('upgradeHeader');
    },
  );

  it('refuses a VirtualService without hosts', () => {
    expect(() =>
      virtualServiceFacts(
        object(`${head('VirtualService', 'x')}\nspec:\n  http: []`),
      ),
    ).toThrow(/hosts/);
  });

  it('indexes a multi-host VirtualService once per distinct host', () => {
    const other = virtualServiceFacts(
      object(
        `${head(
          'VirtualService',
          'front',
        )}\nspec:\n  hosts: [productpage, reviews]\n  http: []`,
      ),
    );
    const index = indexByHost([vs, other], v => v.hosts);
    expect(Object.keys(index).sort()).toEqual([
      'productpage.bookinfo.svc.cluster.local',
      'reviews.bookinfo.svc.cluster.local',
    ]);
    expect(
      index['reviews.bookinfo.svc.cluster.local'].map(v => v.ref.name),
    ).toEqual(['reviews', 'front']);
  });
});

describe('serviceEntryFacts', () => {
  const cases = [
    {
      name: 'external API with DNS resolution',
      yaml: `${head('ServiceEntry', 'stripe')}
spec:
  hosts: [api.stripe.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - number: 443
    name: https
    protocol: TLS`,
      want: {
        ref: ref('ServiceEntry', 'stripe'),
        hosts: ['api.stripe.com'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: 443, name: 'https', protocol: 'TLS' }],
        exportTo: [],
      },
    },
    {
      name: 'defaults: MESH_EXTERNAL, NONE',
      yaml: `${head('ServiceEntry', 'legacy')}
spec:
  hosts: [legacy.corp]
  exportTo: ["*"]`,
      want: {
        ref: ref('ServiceEntry', 'legacy'),
        hosts: ['legacy.corp'],
        location: 'MESH_EXTERNAL',
        resolution: 'NONE',
        ports: [],
        exportTo: ['*'],
      },
    },
  ];
  it.each(cases)('$name', ({ yaml, want }) => {
    expect(serviceEntryFacts(objects(yaml)[0])).toEqual(want);
  });
});
