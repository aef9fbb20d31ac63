// @ts-check
/**
 * A synthetic fleet in the shape of real clusters, for the benchmark: N services in
 * namespaces of 25, each a Deployment with its ReplicaSet, 2–5 pods and a Service; a
 * quarter each meshed with Istio sidecars, Istio ambient (with a waypoint), Linkerd, or
 * not at all. Deterministic for a given N and seed.
 */

const MODES = ['istio', 'ambient', 'linkerd', 'none'];

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {{ n: number, seed?: number, servicesPerNamespace?: number }} options
 */
function generateFleet(options) {
  const random = rng(options.seed ?? 42);
  const perNs = options.servicesPerNamespace ?? 25;
  const objects = [];
  const entities = [];
  /** @type {any[]} */
  const services = [];
  const namespaces = Math.ceil(options.n / perNs);
  for (let nsIndex = 0; nsIndex < namespaces; nsIndex++) {
    const mode = MODES[nsIndex % MODES.length];
    const ns = `team-${String(nsIndex).padStart(3, '0')}`;
    const labels = { 'kubernetes.io/metadata.name': ns };
    const annotations = {};
    if (mode === 'istio') labels['istio-injection'] = 'enabled';
    if (mode === 'ambient') labels['istio.io/dataplane-mode'] = 'ambient';
    if (mode === 'linkerd') annotations['linkerd.io/inject'] = 'enabled';
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels, annotations },
    });
    for (let s = 0; s < perNs && nsIndex * perNs + s < options.n; s++) {
      const name = `svc-${String(nsIndex * perNs + s).padStart(5, '0')}`;
      const replicas = 2 + Math.floor(random() * 4);
      const hash = Math.floor(random() * 0xfffffff)
        .toString(16)
        .padStart(7, '0')
        .slice(0, 9);
      const rsName = `${name}-${hash}`;
      const appLabels = { app: name, 'backstage.io/kubernetes-id': name };
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels: appLabels, uid: `d-${name}` },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: appLabels },
            spec: {
              containers: [
                {
                  name,
                  image: `ghcr.io/example/${name}:1.0.0`,
                  ports: [{ containerPort: 8080, name: 'http' }],
                },
              ],
            },
          },
        },
        status: { replicas, readyReplicas: replicas },
      });
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace: ns,
          labels: { ...appLabels, 'pod-template-hash': hash },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name,
              uid: `d-${name}`,
              controller: true,
            },
          ],
        },
        spec: { replicas },
      });
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels: appLabels },
        spec: {
          selector: { app: name },
          ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        },
      });
      const podNames = [];
      for (let p = 0; p < replicas; p++) {
        const podName = `${rsName}-${Math.floor(random() * 0xfffff)
          .toString(36)
          .padStart(5, 'x')}`;
        podNames.push(podName);
        const containers = [{ name, image: `ghcr.io/example/${name}:1.0.0` }];
        const initContainers = [];
        const podAnnotations = {};
        const podLabels = { ...appLabels, 'pod-template-hash': hash };
        if (mode === 'istio') {
          initContainers.push({
            name: 'istio-init',
            image: 'docker.io/istio/proxyv2:1.27.1',
          });
          containers.push({
            name: 'istio-proxy',
            image: 'docker.io/istio/proxyv2:1.27.1',
          });
          podAnnotations['sidecar.istio.io/status'] =
            '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}';
          podLabels['security.istio.io/tlsMode'] = 'istio';
        } else if (mode === 'ambient') {
          podAnnotations['ambient.istio.io/redirection'] = 'enabled';
        } else if (mode === 'linkerd') {
          containers.unshift({
            name: 'linkerd-proxy',
            image: 'cr.l5d.io/linkerd/proxy:edge-25.9.1',
          });
          initContainers.push({
            name: 'linkerd-init',
            image: 'cr.l5d.io/linkerd/proxy-init:v2.4.1',
          });
          podAnnotations['linkerd.io/proxy-version'] = 'edge-25.9.1';
          podLabels['linkerd.io/proxy-deployment'] = name;
        }
        objects.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: podName,
            namespace: ns,
            labels: podLabels,
            annotations: podAnnotations,
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: rsName,
                uid: `rs-${rsName}`,
                controller: true,
              },
            ],
          },
          spec: {
            containers,
            ...(initContainers.length ? { initContainers } : {}),
            nodeName: `node-${p % 20}`,
          },
          status: { phase: 'Running', podIP: `10.${nsIndex % 250}.${s}.${p}` },
        });
      }
      entities.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          namespace: 'default',
          annotations: { 'backstage.io/kubernetes-id': name },
        },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: `team-${String(nsIndex).padStart(3, '0')}`,
        },
      });
      if (mode !== 'none') {
        const errorShare = random() < 0.1 ? 0.15 : 0.005;
        services.push({
          namespace: ns,
          workload: name,
          provider: mode === 'linkerd' ? 'linkerd' : 'istio',
          reporter: mode === 'ambient' ? 'waypoint' : 'destination',
          rps: Math.round((1 + random() * 50) * 10) / 10,
          // Ambient L7 metrics come from the namespace's waypoint, not from each pod.
          podNames: mode === 'ambient' ? [`waypoint-${ns}`] : podNames,
          responses: { 200: 1 - errorShare, 503: errorShare },
          latencyMs: {
            p50: 5 + Math.floor(random() * 40),
            p99: 100 + Math.floor(random() * 400),
          },
        });
      }
    }
  }
  return { objects, entities, traffic: { services } };
}

/**
 * Series metrics.js leaves out for the fleet's ambient services and failures, so that
 * every entry of the query catalog has load in proportion to the fleet: what the
 * ingress gateway reports as the client of each ambient service (reporter="source";
 * metrics.js writes these only for sidecar services), the 503s the gateway's own Envoy
 * produced with no healthy upstream (flag UH, destination workload unknown) for the
 * failing services, the L4 counters ztunnel reports for ambient workloads, and the
 * build gauge of each namespace's waypoint. Counters are rate × elapsed time.
 * @param {import('./metrics').TrafficSpec} traffic
 * @returns {ExtraFamily[]}
 */
function extraMeshFamilies(traffic) {
  /** @type {Map<string, ExtraFamily>} */
  const families = new Map();
  const family = (name, type) => {
    let f = families.get(name);
    if (!f) {
      f = { family: name, type, series: [] };
      families.set(name, f);
    }
    return f;
  };
  const gateway = {
    source_workload: 'istio-ingressgateway',
    source_workload_namespace: 'istio-system',
    connection_security_policy: 'unknown',
    job: 'kubernetes-pods',
    namespace: 'istio-system',
    pod: 'istio-ingressgateway-0',
    instance: 'istio-ingressgateway-0:15020',
  };
  const waypoints = new Set();
  for (const svc of traffic.services ?? []) {
    if ((svc.provider ?? 'istio') !== 'istio') continue;
    const responses = svc.responses ?? { 200: 1 };
    const total = Object.values(responses).reduce((a, b) => a + Number(b), 0);
    const service = svc.service ?? svc.workload;
    const edge = {
      ...gateway,
      reporter: 'source',
      destination_workload: svc.workload,
      destination_workload_namespace: svc.namespace,
      destination_service: `${service}.${svc.namespace}.svc.cluster.local`,
      destination_service_name: service,
      destination_service_namespace: svc.namespace,
      request_protocol: 'http',
      response_flags: '-',
    };
    if (Number(responses[503] ?? 0) / total >= 0.1) {
      // Failed in the gateway's Envoy: the destination never saw these.
      family('istio_requests', 'counter').series.push({
        name: 'istio_requests_total',
        labels: {
          ...edge,
          destination_workload: 'unknown',
          destination_workload_namespace: 'unknown',
          response_code: '503',
          response_flags: 'UH',
        },
        rate: (svc.rps ?? 0) * 0.01,
      });
    }
    if (svc.reporter !== 'waypoint') continue;
    for (const [code, share] of Object.entries(responses)) {
      family('istio_requests', 'counter').series.push({
        name: 'istio_requests_total',
        labels: { ...edge, response_code: code },
        rate: ((svc.rps ?? 0) * Number(share)) / total,
      });
    }
    const tcp = {
      reporter: 'destination',
      source_workload: 'istio-ingressgateway',
      source_workload_namespace: 'istio-system',
      destination_workload: svc.workload,
      destination_workload_namespace: svc.namespace,
      destination_service: `${service}.${svc.namespace}.svc.cluster.local`,
      request_protocol: 'tcp',
      connection_security_policy: 'mutual_tls',
      job: 'ztunnel',
      namespace: 'istio-system',
      pod: `ztunnel-node-${svc.workload.length % 20}`,
      instance: `ztunnel-node-${svc.workload.length % 20}:15020`,
    };
    family('istio_tcp_connections_opened', 'counter').series.push({
      name: 'istio_tcp_connections_opened_total',
      labels: tcp,
      rate: (svc.rps ?? 0) / 20,
    });
    family('istio_tcp_received_bytes', 'counter').series.push({
      name: 'istio_tcp_received_bytes_total',
      labels: tcp,
      rate: (svc.rps ?? 0) * 800,
    });
    waypoints.add(svc.namespace);
  }
  for (const namespace of waypoints) {
    family('istio_build', 'gauge').series.push({
      name: 'istio_build',
      labels: {
        component: 'proxy',
        tag: '1.27.1',
        namespace,
        pod: `waypoint-${namespace}`,
        job: 'waypoint',
        instance: `waypoint-${namespace}:15020`,
      },
      value: 1,
    });
  }
  return [...families.values()];
}

function formatLabels(labels) {
  return `{${Object.entries(labels)
    .map(
      ([k, v]) =>
        `${k}="${String(v)
          .replace(/\\/g, '\\\\')
          .replace(/"/g, '\\"')
          .replace(/\n/g, '\\n')}"`,
    )
    .join(',')}}`;
}

/** @param {ExtraFamily} f @param {{start: number, end: number, step: number, origin?: number}} range */
function* familySamples(f, range) {
  const origin = range.origin ?? range.start;
  for (const s of f.series) {
    const prefix = `${s.name}${formatLabels(s.labels)} `;
    const lines = [];
    for (let t = range.start; t <= range.end; t += range.step) {
      const value =
        s.value !== undefined
          ? s.value
          : (s.rate ?? 0) * Math.max(0, t - origin);
      lines.push(
        `${prefix}${
          Number.isFinite(value) ? value.toFixed(4) : String(value)
        } ${t}`,
      );
    }
    yield `${lines.join('\n')}\n`;
  }
}

/**
 * OpenMetrics chunks (as metrics.js's openMetricsChunks yields them) with the series of
 * `extra` added: into the family of the same name, which promtool needs in one piece,
 * or as new families before `# EOF`.
 * @param {Iterable<string>} chunks @param {ExtraFamily[]} extra
 * @param {{start: number, end: number, step: number, origin?: number}} range
 */
function* withFamilies(chunks, extra, range) {
  const pending = new Map(extra.map(f => [f.family, f]));
  let current;
  for (const chunk of chunks) {
    const type = /^# TYPE (\S+) /.exec(chunk);
    const eof = chunk.startsWith('# EOF');
    if ((type || eof) && current && pending.has(current)) {
      yield* familySamples(pending.get(current), range);
      pending.delete(current);
    }
    if (eof) {
      for (const f of pending.values()) {
        yield `# TYPE ${f.family} ${f.type}\n`;
        yield* familySamples(f, range);
      }
    }
    if (type) current = type[1];
    yield chunk;
  }
}

/**
 * @typedef {{ family: string, type: 'counter' | 'gauge',
 *   series: { name: string, labels: Record<string, string>, rate?: number, value?: number }[] }} ExtraFamily
 */

module.exports = { generateFleet, extraMeshFamilies, withFamilies };
