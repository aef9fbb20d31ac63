import { ConfigReader } from '@backstage/config';
import path from 'node:path';
import { z } from 'zod';
import type { Config as DeclaredConfig } from '../config';
import { readMeshConfig, tracingSchema } from './config';

type DeclaredTracing = NonNullable<
  NonNullable<
    NonNullable<DeclaredConfig['mesh']>['clusters']
  >[number]['tracing']
>;
/** Each assignable to the other, with the same keys (an extra optional key counts). */
type SameType<A, B> = [A, keyof A] extends [B, keyof B]
  ? [B, keyof B] extends [A, keyof A]
    ? true
    : false
  : false;

const read = (mesh: unknown, baseDir = '/srv/backstage') =>
  readMeshConfig(
    new ConfigReader(mesh === undefined ? {} : ({ mesh } as never)),
    { baseDir },
  );

const cluster = (overrides: Record<string, unknown> = {}) => ({
  name: 'prod-eu',
  kubernetes: { manifestsDir: './manifests' },
  ...overrides,
});

describe('readMeshConfig', () => {
  it('gives the documented defaults without a mesh section', () => {
    expect(read(undefined)).toEqual({
      schedule: { frequency: { minutes: 5 }, timeout: { minutes: 3 } },
      staleAfterMs: 15 * 60_000,
      refreshLimit: { requests: 6, periodMs: 60_000 },
      window: '5m',
      attestations: [],
      requireAuth: true,
      metrics: { allowUnauthenticated: false, checkStatusZeros: false },
      collector: { enabled: true, worker: false },
      history: { retentionDays: 365 },
      health: { tolerances: undefined },
      checks: {
        sidecarScope: { minServices: 50 },
        controlPlane: { convergenceP99Seconds: 1 },
        certificates: {
          warnDays: 60,
          failDays: 14,
          requireRotationDrill: false,
        },
        tracePropagation: { minSamples: 20 },
        rollout: {
          comparisonDays: 7,
          maxP99IncreasePercent: 20,
          maxErrorRateIncreasePoints: 1,
        },
        links: {},
      },
      links: {},
      severities: {},
      clusters: [],
    });
  });

  it('reads severity overrides and refuses a severity that is not one', () => {
    expect(
      read({
        severities: { 'security.egress': 'critical', 'acme.rota': 'medium' },
      }).severities,
    ).toEqual({ 'security.egress': 'critical', 'acme.rota': 'medium' });
    expect(() => read({ severities: { 'security.egress': 'low' } })).toThrow(
      /mesh\.severities\.security\.egress: Invalid option: expected one of "critical"\|"high"\|"medium"/,
    );
  });

  it('reads check thresholds over the defaults and refuses contradictory ones', () => {
    const { checks } = read({
      checks: {
        sidecarScope: { minServices: 10 },
        certificates: { warnDays: 30 },
      },
    });
    expect(checks.sidecarScope.minServices).toBe(10);
    expect(checks.certificates).toEqual({
      warnDays: 30,
      failDays: 14,
      requireRotationDrill: false,
    });
    expect(
      read({ checks: { certificates: { requireRotationDrill: true } } }).checks
        .certificates.requireRotationDrill,
    ).toBe(true);
    expect(() =>
      read({ checks: { certificates: { requireRotationDrill: 'yes' } } }),
    ).toThrow('mesh.checks.certificates.requireRotationDrill');
    expect(checks.tracePropagation.minSamples).toBe(20);
    expect(() => read({ checks: { certificates: { warnDays: 7 } } })).toThrow(
      'warnDays must be greater than failDays',
    );
    expect(() =>
      read({ checks: { sidecarScope: { minServices: -1 } } }),
    ).toThrow('mesh.checks.sidecarScope.minServices');
    expect(() => read({ checks: { mtls: {} } })).toThrow('mesh.checks');
  });

  it('reads the rollout window from mesh.rollout.comparisonDays, its old name with a warning', () => {
    const warnings: string[] = [];
    const readWarning = (mesh: unknown) =>
      readMeshConfig(new ConfigReader({ mesh } as never), {
        baseDir: '/srv',
        logger: { warn: m => warnings.push(m) },
      }).checks.rollout;
    expect(readWarning({ rollout: { comparisonDays: 14 } })).toEqual({
      comparisonDays: 14,
      maxP99IncreasePercent: 20,
      maxErrorRateIncreasePoints: 1,
    });
    expect(warnings).toEqual([]);
    // The old key still works, and says so once at startup.
    expect(
      readWarning({
        checks: { rollout: { comparisonDays: 10, maxP99IncreasePercent: 35 } },
      }),
    ).toEqual({
      comparisonDays: 10,
      maxP99IncreasePercent: 35,
      maxErrorRateIncreasePoints: 1,
    });
    expect(warnings).toEqual([
      'mesh.checks.rollout.comparisonDays is deprecated: rename it to mesh.rollout.comparisonDays (read as 10 days for now)',
    ]);
    // Both set: the new key wins.
    warnings.length = 0;
    expect(
      readWarning({
        rollout: { comparisonDays: 5 },
        checks: { rollout: { comparisonDays: 10 } },
      }).comparisonDays,
    ).toBe(5);
    expect(warnings[0]).toMatch(/deprecated and ignored.*\(5 days\)/);
    // Bounds stay check thresholds, under mesh.checks.rollout, and are validated.
    expect(() => read({ rollout: { comparisonDays: 0 } })).toThrow(
      'mesh.rollout.comparisonDays',
    );
    expect(() => read({ rollout: { maxP99IncreasePercent: 5 } })).toThrow(
      'mesh.rollout',
    );
    expect(() =>
      read({ checks: { rollout: { maxErrorRateIncreasePoints: -1 } } }),
    ).toThrow('mesh.checks.rollout.maxErrorRateIncreasePoints');
  });

  it('reads attestations declared in config, with stable ids, and refuses bad ones', () => {
    const declared = {
      entityRef: 'group:default/team-shop',
      checkId: 'operations.on-call',
      note: 'Proxy debugging drill, Q3',
      link: 'https://wiki.example.com/drills/q3',
      by: 'user:default/ana',
      at: '2026-09-01',
      expiresAt: '2027-03-01T00:00:00Z',
    };
    expect(read({ attestations: [declared] }).attestations).toEqual([
      {
        id: 'config-0',
        entityRef: 'group:default/team-shop',
        checkId: 'operations.on-call',
        note: 'Proxy debugging drill, Q3',
        link: 'https://wiki.example.com/drills/q3',
        createdBy: 'user:default/ana',
        createdAt: '2026-09-01T00:00:00.000Z',
        expiresAt: '2027-03-01T00:00:00.000Z',
      },
    ]);
    expect(() =>
      read({ attestations: [{ ...declared, checkId: 'security.mtls' }] }),
    ).toThrow('mesh.attestations[0].checkId: must be one of');
    expect(() =>
      read({ attestations: [{ ...declared, expiresAt: '2026-08-01' }] }),
    ).toThrow('expiresAt must be after at');
    expect(() =>
      read({ attestations: [{ ...declared, at: 'yesterday' }] }),
    ).toThrow('mesh.attestations[0].at: must be an ISO date');
    expect(() => read({ attestations: [{ ...declared, by: 'ana' }] })).toThrow(
      'must be a user entity ref',
    );
  });

  it('reads the tracing link template, refusing other hosts’ tricks and unknown placeholders', () => {
    expect(
      read({ links: { tracing: 'https://jaeger.example.com/trace/{traceId}' } })
        .checks.links,
    ).toEqual({ tracing: 'https://jaeger.example.com/trace/{traceId}' });
    expect(() =>
      read({ links: { tracing: 'ftp://files.example.com/{traceId}' } }),
    ).toThrow('mesh.links.tracing: must be an http(s) URL');
    expect(() =>
      read({ links: { tracing: 'https://j.example.com/{service}/{traceId}' } }),
    ).toThrow('unknown placeholder {service}; use {traceId}');
  });

  it('reads the workload link templates apart from the tracing one', () => {
    const links = {
      tracing: 'https://jaeger.example.com/trace/{traceId}',
      kiali:
        'https://kiali.example.com/kiali/console/namespaces/{namespace}/workloads/{workload}?clusterName={cluster}',
      linkerdViz:
        'https://viz.example.com/namespaces/{namespace}/{kind}s/{workload}',
      grafana: 'https://grafana.example.com/d/mesh?var-namespace={namespace}',
      tracingSearch: 'https://jaeger.example.com/search?service={workload}',
    };
    const { tracing, ...workload } = links;
    const config = read({ links });
    expect(config.links).toEqual(workload);
    expect(config.checks.links).toEqual({ tracing });
    // A cluster's own Kiali: the cluster's name (from config) may name the host.
    expect(
      read({
        links: { kiali: 'https://kiali.{cluster}.example.com/{workload}' },
      }).links,
    ).toEqual({ kiali: 'https://kiali.{cluster}.example.com/{workload}' });
  });

  it.each([
    [
      'kiali',
      'ftp://kiali.example.com/{workload}',
      'mesh.links.kiali: must be an http(s) URL',
    ],
    [
      'grafana',
      'https://grafana.example.com/d/x?var-pod={pod}',
      'mesh.links.grafana: unknown placeholder {pod}; use {cluster}, {namespace}, {workload}, {kind}',
    ],
    [
      'linkerdViz',
      'https://viz.example.com/{traceId}',
      'mesh.links.linkerdViz: unknown placeholder {traceId}',
    ],
    [
      'tracingSearch',
      'https://jaeger.example.com/search?service={workload',
      'mesh.links.tracingSearch: must be an absolute http(s) URL once its placeholders are filled in',
    ],
    [
      'grafana',
      'https://{workload}.example.com/d/x',
      'mesh.links.grafana: {workload} cannot be part of the host; only {cluster} can',
    ],
    [
      'kiali',
      'https://kiali@{namespace}/x',
      'mesh.links.kiali: {namespace} cannot be part of the host',
    ],
    [
      'kiali',
      // eslint-disable-next-line no-script-url -- the input under test
      'javascript:alert(1)//{workload}',
      'mesh.links.kiali: must be an http(s) URL',
    ],
    [
      'argo',
      'https://argo.example.com/{workload}',
      'mesh.links: Unrecognized key: "argo"',
    ],
  ])(
    'fails startup on a bad mesh.links.%s template, naming the key',
    (key, template, message) => {
      expect(() => read({ links: { [key]: template } })).toThrow(message);
    },
  );

  it.each([
    [{}, 15 * 60_000],
    [{ schedule: { frequency: { minutes: 10 } } }, 30 * 60_000],
    [{ schedule: { frequency: { cron: '*/5 * * * *' } } }, 60 * 60_000],
    [{ staleAfter: { hours: 2 } }, 2 * 60 * 60_000],
    [{ staleAfter: 'PT45M' }, 45 * 60_000],
  ])('reads when a report turns stale with age: %j → %s ms', (mesh, ms) => {
    expect(read(mesh).staleAfterMs).toBe(ms);
  });

  it('reads the refresh limit per user', () => {
    expect(
      read({ refreshLimit: { requests: 2, per: { minutes: 5 } } }).refreshLimit,
    ).toEqual({ requests: 2, periodMs: 5 * 60_000 });
    expect(() => read({ refreshLimit: { requests: 0 } })).toThrow(
      'mesh.refreshLimit.requests',
    );
  });

  it('reads whether this replica collects, and refuses anything but a boolean', () => {
    expect(read({ collector: { enabled: false } }).collector).toEqual({
      enabled: false,
      worker: false,
    });
    expect(read({ collector: {} }).collector).toEqual({
      enabled: true,
      worker: false,
    });
    expect(read({ collector: { worker: true } }).collector).toEqual({
      enabled: true,
      worker: true,
    });
    expect(() => read({ collector: { enabled: 'no' } })).toThrow(
      'mesh.collector.enabled',
    );
    expect(() => read({ collector: { worker: 'yes' } })).toThrow(
      'mesh.collector.worker',
    );
    expect(() => read({ collector: { replicas: 2 } })).toThrow(
      'mesh.collector',
    );
  });

  it('refuses an invalid staleAfter with its path', () => {
    expect(() => read({ staleAfter: 'soon' })).toThrow('mesh.staleAfter');
  });

  it('reads request-health tolerances, with Kiali-style defaults per entry', () => {
    expect(
      read({
        health: {
          tolerances: [
            { code: '5XX', degraded: 1, failure: 5, protocol: 'http' },
            { code: '-', failure: 10 },
          ],
        },
      }).health.tolerances,
    ).toEqual([
      {
        code: '5XX',
        degraded: 1,
        failure: 5,
        protocol: 'http',
        direction: '.*',
      },
      { code: '-', failure: 10, protocol: 'http|grpc', direction: '.*' },
    ]);
  });

  it.each([
    [
      { code: '5XX', degraded: 20, failure: 10 },
      '`degraded` must not be above `failure`',
    ],
    [{ code: '5XX', failure: 120 }, 'mesh.health.tolerances[0].failure'],
    [{ code: '([', failure: 10 }, 'must be like `5XX`'],
    [{ code: '5XX' }, 'mesh.health.tolerances[0].failure'],
  ])('refuses the tolerance %j', (tolerance, message) => {
    expect(() => read({ health: { tolerances: [tolerance] } })).toThrow(
      message,
    );
  });

  it('reads a full cluster', () => {
    const config = read({
      window: '10m',
      requireAuth: false,
      clusters: [
        {
          name: 'prod-eu',
          kubernetes: { manifestsDir: '/abs/manifests' },
          prometheus: {
            url: 'http://127.0.0.1:9090/',
            headers: { 'X-Scope-OrgID': 'tenant-a' },
            timeout: { seconds: 10 },
            concurrency: 4,
          },
          tracing: { type: 'jaeger', url: 'http://127.0.0.1:16686' },
        },
        {
          name: 'prod-us',
          kubernetes: {
            url: 'https://k8s.example.com:6443',
            serviceAccountToken: 'token',
            skipTLSVerify: false,
          },
        },
      ],
    });
    expect(config.window).toBe('10m');
    expect(config.requireAuth).toBe(false);
    expect(config.clusters).toEqual([
      {
        name: 'prod-eu',
        kubernetes: { type: 'manifests', manifestsDir: '/abs/manifests' },
        prometheus: {
          url: 'http://127.0.0.1:9090',
          headers: { 'X-Scope-OrgID': 'tenant-a' },
          timeoutMs: 10_000,
          concurrency: 4,
          shards: 4,
          recordingRules: 'auto',
          retries: 2,
        },
        tracing: {
          type: 'jaeger',
          url: 'http://127.0.0.1:16686',
          maxTracesPerService: 20,
          concurrency: 4,
          linkerdProxyService: 'linkerd-proxy',
          retries: 2,
        },
      },
      {
        name: 'prod-us',
        kubernetes: {
          type: 'api',
          url: 'https://k8s.example.com:6443',
          serviceAccountToken: 'token',
          caData: undefined,
          skipTLSVerify: false,
        },
        prometheus: undefined,
        tracing: undefined,
      },
    ]);
  });

  it('resolves a relative manifestsDir against baseDir', () => {
    const config = read(
      {
        clusters: [
          cluster({ kubernetes: { manifestsDir: '../demo/kubernetes' } }),
        ],
      },
      '/srv/backstage/packages/backend',
    );
    expect(config.clusters[0].kubernetes).toEqual({
      type: 'manifests',
      manifestsDir: path.resolve(
        '/srv/backstage/packages/backend',
        '../demo/kubernetes',
      ),
    });
    expect(
      (config.clusters[0].kubernetes as { manifestsDir: string }).manifestsDir,
    ).toBe(path.resolve('/srv/backstage/packages/demo/kubernetes'));
  });

  it('keeps an absolute manifestsDir as it is', () => {
    const config = read({
      clusters: [cluster({ kubernetes: { manifestsDir: '/data/k8s' } })],
    });
    expect(config.clusters[0].kubernetes).toEqual({
      type: 'manifests',
      manifestsDir: '/data/k8s',
    });
  });

  it('defaults the Prometheus timeout to 30 seconds, no headers, four queries and shards, rules when present', () => {
    const config = read({
      clusters: [cluster({ prometheus: { url: 'http://prom:9090' } })],
    });
    expect(config.clusters[0].prometheus).toEqual({
      url: 'http://prom:9090',
      headers: {},
      timeoutMs: 30_000,
      concurrency: 4,
      shards: 4,
      recordingRules: 'auto',
      retries: 2,
    });
    // Shards follow the concurrency unless set.
    expect(
      read({
        clusters: [
          cluster({
            prometheus: { url: 'http://prom:9090', concurrency: 2 },
          }),
        ],
      }).clusters[0].prometheus,
    ).toMatchObject({ concurrency: 2, shards: 2 });
    expect(
      read({
        clusters: [
          cluster({
            prometheus: {
              url: 'http://prom:9090',
              shards: 1,
              recordingRules: false,
            },
          }),
        ],
      }).clusters[0].prometheus,
    ).toMatchObject({ shards: 1, recordingRules: false });
    expect(() =>
      read({
        clusters: [
          cluster({ prometheus: { url: 'http://prom:9090', concurrency: 9 } }),
        ],
      }),
    ).toThrow('mesh.clusters[0].prometheus.concurrency');
  });

  it.each([
    [{ seconds: 10 }, 10_000],
    [{ minutes: 1, seconds: 30 }, 90_000],
    [{ milliseconds: 2500 }, 2_500],
    ['PT15S', 15_000],
  ])('reads the Prometheus timeout %j as %d ms', (timeout, ms) => {
    const config = read({
      clusters: [cluster({ prometheus: { url: 'http://prom:9090', timeout } })],
    });
    expect(config.clusters[0].prometheus?.timeoutMs).toBe(ms);
  });

  it('names the path of a bad Prometheus timeout', () => {
    expect(() =>
      read({
        clusters: [
          cluster({ prometheus: { url: 'http://prom:9090', timeout: 'soon' } }),
        ],
      }),
    ).toThrow('mesh.clusters[0].prometheus.timeout');
  });

  it.each([
    [
      { frequency: { minutes: 1 }, timeout: { seconds: 50 } },
      { frequency: { minutes: 1 }, timeout: { seconds: 50 } },
    ],
    [
      { frequency: { cron: '*/10 * * * *' }, timeout: { minutes: 5 } },
      { frequency: { cron: '*/10 * * * *' }, timeout: { minutes: 5 } },
    ],
    [
      {
        frequency: { minutes: 10 },
        timeout: { minutes: 3 },
        initialDelay: { seconds: 15 },
      },
      {
        frequency: { minutes: 10 },
        timeout: { minutes: 3 },
        initialDelay: { seconds: 15 },
      },
    ],
  ])('reads schedule %j', (schedule, expected) => {
    expect(read({ schedule }).schedule).toMatchObject(expected);
  });

  // config.d.ts declares every schedule key optional: a missing one takes its default.
  it.each([
    [
      { frequency: { minutes: 10 } },
      { frequency: { minutes: 10 }, timeout: { minutes: 3 } },
    ],
    [
      { timeout: { minutes: 1 } },
      { frequency: { minutes: 5 }, timeout: { minutes: 1 } },
    ],
    [
      { initialDelay: { seconds: 30 } },
      {
        frequency: { minutes: 5 },
        timeout: { minutes: 3 },
        initialDelay: { seconds: 30 },
      },
    ],
  ])('fills a partial schedule %j with the defaults', (schedule, expected) => {
    expect(read({ schedule }).schedule).toEqual(expected);
  });

  it('names mesh.schedule when the schedule cannot be read', () => {
    expect(() =>
      read({ schedule: { frequency: 'often', timeout: { minutes: 3 } } }),
    ).toThrow('mesh.schedule');
  });

  it.each<[Record<string, string | boolean>, string]>([
    [{ manifestsDir: './a', url: 'https://k8s.example.com' }, 'two'],
    [{ url: 'https://k8s.example.com', inCluster: true }, 'two'],
    [{}, 'none'],
  ])(
    'rejects %j (%s of manifestsDir, url and inCluster) naming mesh.clusters[0].kubernetes',
    kubernetes => {
      expect(() => read({ clusters: [cluster({ kubernetes })] })).toThrow(
        /mesh\.clusters\[0\]\.kubernetes: set exactly one of `manifestsDir`, `url` or `inCluster: true`/,
      );
    },
  );

  it('names the index of the faulty cluster', () => {
    expect(() =>
      read({
        clusters: [cluster(), cluster({ name: 'prod-us', kubernetes: {} })],
      }),
    ).toThrow('mesh.clusters[1].kubernetes');
  });

  it('rejects a cluster without kubernetes that the Kubernetes plugin does not declare', () => {
    expect(() => read({ clusters: [{ name: 'prod-eu' }] })).toThrow(
      "mesh.clusters[0] ('prod-eu') has no kubernetes section, and kubernetes.clusterLocatorMethods declares no cluster named 'prod-eu'",
    );
  });

  describe('reusing the Kubernetes plugin clusters', () => {
    const withPlugin = (mesh: unknown, clusters: unknown[]) =>
      readMeshConfig(
        new ConfigReader({
          mesh,
          kubernetes: {
            clusterLocatorMethods: [
              { type: 'catalog' },
              { type: 'config', clusters },
            ],
          },
        } as never),
      );

    it('takes url, token, CA data and skipTLSVerify from the cluster of the same name', () => {
      const config = withPlugin({ clusters: [{ name: 'prod-eu' }] }, [
        {
          name: 'prod-eu',
          url: 'https://k8s.prod-eu.example.com',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'sa-token',
          caData: 'LS0tLS1CRUdJTg==',
          skipTLSVerify: false,
        },
        {
          name: 'other',
          url: 'https://other.example.com',
          authProvider: 'google',
        },
      ]);
      expect(config.clusters[0].kubernetes).toEqual({
        type: 'api',
        url: 'https://k8s.prod-eu.example.com',
        serviceAccountToken: 'sa-token',
        caData: 'LS0tLS1CRUdJTg==',
        skipTLSVerify: false,
      });
    });

    it('explains that other auth providers cannot be reused', () => {
      expect(() =>
        withPlugin({ clusters: [{ name: 'gke' }] }, [
          {
            name: 'gke',
            url: 'https://gke.example.com',
            authProvider: 'google',
          },
        ]),
      ).toThrow(
        "uses authProvider 'google', which the mesh plugin cannot reuse",
      );
    });

    it('prefers the mesh section when both exist', () => {
      const config = withPlugin(
        { clusters: [{ name: 'prod-eu', kubernetes: { inCluster: true } }] },
        [{ name: 'prod-eu', url: 'https://k8s.example.com' }],
      );
      expect(config.clusters[0].kubernetes).toEqual({ type: 'in-cluster' });
    });
  });

  it.each([
    [{ type: 'jaeger' }, 'the other types need `url`'],
    [{ type: 'files' }, 'type `files` needs `dir`'],
    [
      { type: 'tempo', url: 'http://tempo:3200', maxTracesPerService: 0 },
      'maxTracesPerService',
    ],
    [
      { type: 'tempo', url: 'http://tempo:3200', linkerdProxyService: '' },
      'mesh.clusters[0].tracing.linkerdProxyService: is empty',
    ],
    [
      { type: 'tempo', url: 'http://tempo:3200', headers: { 'X-Org': 1 } },
      'mesh.clusters[0].tracing.headers.X-Org',
    ],
  ])('rejects tracing %j', (tracing, words) => {
    expect(() => read({ clusters: [cluster({ tracing })] })).toThrow(words);
  });

  it('reads every tracing setting, and resolves a files dir', () => {
    const [tempo, files] = read({
      clusters: [
        cluster({
          tracing: {
            type: 'tempo',
            url: 'http://tempo.monitoring:3200',
            headers: { 'X-Scope-OrgID': 'tenant-a' },
            maxTracesPerService: 50,
            concurrency: 8,
            retries: 4,
            linkerdProxyService: 'voting-linkerd-proxy',
          },
        }),
        cluster({
          name: 'lab',
          tracing: { type: 'files', dir: './traces' },
        }),
      ],
    }).clusters;
    expect(tempo.tracing).toEqual({
      type: 'tempo',
      url: 'http://tempo.monitoring:3200',
      headers: { 'X-Scope-OrgID': 'tenant-a' },
      maxTracesPerService: 50,
      concurrency: 8,
      retries: 4,
      linkerdProxyService: 'voting-linkerd-proxy',
    });
    expect(files.tracing).toEqual({
      type: 'files',
      dir: '/srv/backstage/traces',
      maxTracesPerService: 20,
      concurrency: 4,
      retries: 2,
      linkerdProxyService: 'linkerd-proxy',
    });
  });

  it('reads Kubernetes API retries, and refuses them for a manifests directory', () => {
    const [api] = read({
      clusters: [
        cluster({ kubernetes: { url: 'https://10.0.0.1:6443', retries: 4 } }),
      ],
    }).clusters;
    expect(api.kubernetes).toEqual({
      type: 'api',
      url: 'https://10.0.0.1:6443',
      retries: 4,
    });
    expect(() =>
      read({
        clusters: [
          cluster({ kubernetes: { manifestsDir: './m', retries: 1 } }),
        ],
      }),
    ).toThrow('`retries` applies to an API server');
    expect(() =>
      read({
        clusters: [
          cluster({ kubernetes: { url: 'https://10.0.0.1:6443', retries: 9 } }),
        ],
      }),
    ).toThrow('mesh.clusters[0].kubernetes.retries');
  });

  it('declares tracing in config.d.ts exactly as the schema reads it', () => {
    // Compile-time: tsc fails this file when the two drift apart.
    const agree: SameType<
      DeclaredTracing,
      z.input<typeof tracingSchema>
    > = true;
    expect(agree).toBe(true);
  });

  it('reads the history retention', () => {
    expect(read({ history: { retentionDays: 30 } }).history).toEqual({
      retentionDays: 30,
    });
    expect(() => read({ history: { retentionDays: 0 } })).toThrow(
      'mesh.history.retentionDays',
    );
  });

  it.each(['5 minutes', '5', 'm5', '1.5m', '5M', ''])(
    'rejects window %j',
    window => {
      expect(() => read({ window })).toThrow(
        /mesh\.window: must be a PromQL duration/,
      );
    },
  );

  it.each(['30s', '5m', '1h30m', '1d', '500ms'])(
    'accepts window %j',
    window => {
      expect(read({ window }).window).toBe(window);
    },
  );

  it('rejects duplicate cluster names', () => {
    expect(() => read({ clusters: [cluster(), cluster()] })).toThrow(
      "cluster name 'prod-eu' appears twice in mesh.clusters",
    );
  });

  it.each(['Prod', 'prod_eu', '-prod', 'prod-', 'prod eu', 'x'.repeat(64)])(
    'rejects cluster name %j',
    name => {
      expect(() => read({ clusters: [cluster({ name })] })).toThrow(
        /mesh\.clusters\[0\]\.name: must be a lowercase DNS-style name/,
      );
    },
  );

  it.each(['p', 'prod-eu', 'prod.eu-1', 'k3d-local', 'x'.repeat(63)])(
    'accepts cluster name %j',
    name => {
      expect(read({ clusters: [cluster({ name })] }).clusters[0].name).toBe(
        name,
      );
    },
  );

  it.each([
    ['an unknown key under mesh', { windw: '5m' }, 'mesh'],
    [
      'an unknown key under a cluster',
      { clusters: [cluster({ promethus: { url: 'http://x' } })] },
      'mesh.clusters[0]',
    ],
    [
      'a Prometheus url that is not a URL',
      { clusters: [cluster({ prometheus: { url: '127.0.0.1 9090' } })] },
      'mesh.clusters[0].prometheus.url',
    ],
    [
      'an unknown tracing type',
      { clusters: [cluster({ tracing: { type: 'datadog' } })] },
      'mesh.clusters[0].tracing.type',
    ],
  ])('rejects %s and names where', (_why, mesh, where) => {
    expect(() => read(mesh)).toThrow(where);
    expect(() => read(mesh)).toThrow('Invalid mesh configuration');
  });
});
