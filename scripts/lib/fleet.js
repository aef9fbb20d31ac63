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

module.exports = { generateFleet };
