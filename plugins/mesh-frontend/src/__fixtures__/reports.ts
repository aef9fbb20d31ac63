import { Entity } from '@backstage/catalog-model';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';

export const MTLS_REMEDIATION = `Enforce strict mTLS for the namespace:

kubectl apply -n shop -f - <<'YAML'
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
spec:
  mtls:
    mode: STRICT
YAML`;

export const ENROLLMENT_REMEDIATION =
  "Add the annotation backstage.io/kubernetes-id: <app label> to the entity's catalog-info.yaml.";

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'x',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'x' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

/** A realistic Istio sidecar report: 3 of 4 pods meshed, one failing check. */
export function makeReport(overrides: Partial<MeshReport> = {}): MeshReport {
  const now = Date.now();
  return {
    entityRef: 'component:default/x',
    generatedAt: new Date(now - 2 * 60 * 1000).toISOString(),
    stale: false,
    mesh: { provider: 'istio', dataPlane: 'sidecar' },
    workloads: [
      {
        cluster: 'prod-eu',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'x',
        pods: 3,
        meshedPods: 3,
        proxyVersions: ['1.22.3'],
      },
      {
        cluster: 'prod-eu',
        namespace: 'shop',
        kind: 'StatefulSet',
        name: 'x-cache',
        pods: 1,
        meshedPods: 0,
        proxyVersions: [],
      },
    ],
    health: {
      status: 'healthy',
      requestsPerSecond: 12.345,
      successRate: 0.992,
      latencyMs: { p50: 45.12, p95: 120, p99: null },
      window: '5m',
    },
    checks: [
      {
        id: 'mesh.enrollment',
        title: 'Workload enrolled in the mesh',
        category: 'mesh',
        status: 'pass',
        summary: '3 of 4 pods carry an istio-proxy sidecar',
        evidence: {},
        remediation: 'kubectl label namespace shop istio-injection=enabled',
      },
      {
        id: 'security.mtls',
        title: 'mTLS on and traffic encrypted',
        category: 'security',
        status: 'fail',
        summary: 'PERMISSIVE mode: 30% of requests arrive in plain text',
        evidence: { plaintextShare: 0.3 },
        remediation: MTLS_REMEDIATION,
      },
      {
        id: 'sidecar.resources',
        title: 'Sidecar requests and limits set',
        category: 'sidecar',
        status: 'warn',
        summary: 'No memory limit on istio-proxy',
        evidence: {},
        remediation:
          'Set sidecar.istio.io/proxyMemoryLimit: "256Mi" on the pod template',
      },
      {
        id: 'observability.trace-propagation',
        title: 'Trace context propagated end to end',
        category: 'observability',
        status: 'unknown',
        summary: 'No tracing source configured for cluster prod-eu',
        evidence: {},
      },
      {
        id: 'control-plane.certificates',
        title: 'Certificate expiry visible',
        category: 'control-plane',
        status: 'not-applicable',
        summary: 'Managed by the platform team',
        evidence: {},
      },
    ],
    readiness: { score: 38, level: 'not-ready', passed: 1, applicable: 4 },
    sources: [
      {
        name: 'kubernetes',
        cluster: 'prod-eu',
        ok: true,
        fetchedAt: new Date(now - 3 * 60 * 1000).toISOString(),
      },
      {
        name: 'prometheus',
        cluster: 'prod-eu',
        ok: false,
        error: 'connect ECONNREFUSED 127.0.0.1:9090',
        fetchedAt: new Date(now - 3 * 60 * 1000).toISOString(),
      },
    ],
    ...overrides,
  };
}

/** What the backend answers for an entity without mapping annotations. */
export function makeUnmappedReport(): MeshReport {
  return makeReport({
    mesh: { provider: 'none', dataPlane: 'none' },
    workloads: [],
    health: {
      status: 'unknown',
      requestsPerSecond: null,
      successRate: null,
      latencyMs: { p50: null, p95: null, p99: null },
    },
    checks: [
      {
        id: 'mesh.enrollment',
        title: 'Workload enrolled in the mesh',
        category: 'mesh',
        status: 'fail',
        summary: 'The entity has no mapping annotation',
        evidence: {},
        remediation: ENROLLMENT_REMEDIATION,
      },
    ],
    readiness: { score: 0, level: 'unmapped', passed: 0, applicable: 1 },
    sources: [],
  });
}
