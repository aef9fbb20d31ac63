import { CheckDefinition, ChecklistItemId, CheckSeverity } from './types';

/**
 * Stable check ids (DESIGN.md "Check ids"). The API, the UI, scorecards and scenario
 * files use them, so an id never changes once published.
 */
export const CHECK_IDS = {
  enrollment: 'mesh.enrollment',
  rolloutComparison: 'rollout.comparison',
  configValidation: 'mesh.config-validation',
  goldenSignals: 'health.golden-signals',
  sidecarOverhead: 'latency.sidecar-overhead',
  stateful: 'workload.stateful',
  protocols: 'workload.protocols',
  sidecarResources: 'sidecar.resources',
  sidecarRightsizing: 'sidecar.rightsizing',
  sidecarConfigScope: 'sidecar.config-scope',
  mtls: 'security.mtls',
  authorization: 'security.authorization',
  egress: 'security.egress',
  proxyVersion: 'upgrade.proxy-version',
  disruptionBudget: 'upgrade.disruption-budget',
  controlPlaneHa: 'control-plane.ha',
  certificates: 'control-plane.certificates',
  metrics: 'observability.metrics',
  tracePropagation: 'observability.trace-propagation',
  doubleInstrumentation: 'observability.double-instrumentation',
  runbook: 'operations.runbook',
  onCall: 'operations.on-call',
  meshUsage: 'value.mesh-usage',
} as const;

export type CheckId = (typeof CHECK_IDS)[keyof typeof CHECK_IDS];

/**
 * Weight of a severity in the score. A critical check also decides the level: a critical
 * `fail` keeps an entity below `almost-ready`, a critical `unknown` below
 * `production-ready`.
 */
export const SEVERITY_WEIGHTS: Record<CheckSeverity, number> = {
  critical: 3,
  high: 2,
  medium: 1,
};

/** The severity of a check without one (adopters' checks may leave it out). */
export const DEFAULT_SEVERITY: CheckSeverity = 'medium';

/**
 * The twelve lines of the production service-mesh checklist (reference document), in its
 * order. Coverage says how many of them have a verdict for an entity.
 */
export const CHECKLIST: ReadonlyArray<{ id: ChecklistItemId; text: string }> = [
  {
    id: 'rollout',
    text: 'Rolled out namespace-by-namespace, not cluster-wide',
  },
  {
    id: 'stateful',
    text: 'Stateful workloads either unmeshed or carefully validated',
  },
  {
    id: 'sidecar-resources',
    text: 'Sidecar resource requests/limits set per workload class',
  },
  {
    id: 'authorization',
    text: 'Authorization policies in audit mode, then enforced',
  },
  {
    id: 'control-plane-ha',
    text: 'Control plane HA (2+ replicas) and right-sized',
  },
  {
    id: 'cert-rotation',
    text: 'Cert rotation tested (kill the issuer, watch what happens)',
  },
  {
    id: 'upgrade-runbook',
    text: 'Upgrade runbook with rolling-restart plan and PDBs',
  },
  { id: 'metrics', text: 'Mesh metrics → Prometheus; dashboards in Grafana' },
  {
    id: 'trace-propagation',
    text: 'Trace context propagation verified end-to-end',
  },
  {
    id: 'egress',
    text: "Egress traffic policy explicit (don't leave it default-open)",
  },
  {
    id: 'on-call',
    text: 'On-call team trained on istioctl proxy-config / linkerd viz debugging',
  },
  {
    id: 'mesh-how-to',
    text: 'Documented "how to mesh / unmesh a workload" for service teams',
  },
];

/**
 * Every check the design names, each traced to the line of
 * the production service-mesh checklist it serves (`checklistLine`), with its severity
 * (issue 10 names the critical and high ones) and the checklist line it covers
 * (`checklistItem`: a check of a section without its own line covers the section's
 * nearest line, e.g. the latency budget the stateful line, the proxy's view the on-call
 * line, and the mesh's value the how-to-mesh-or-unmesh line). The backend registers an
 * implementation per id; `/v1/checks` lists the implemented ones.
 */
export const CHECK_DEFINITIONS: Record<CheckId, CheckDefinition> = {
  'mesh.enrollment': {
    id: 'mesh.enrollment',
    severity: 'critical',
    checklistItem: 'rollout',
    title: 'Workload enrolled in the mesh',
    category: 'mesh',
    checklistLine: 'Rolled out namespace-by-namespace, not cluster-wide',
    sources: ['kubernetes'],
  },
  'rollout.comparison': {
    id: 'rollout.comparison',
    severity: 'medium',
    checklistItem: 'rollout',
    title: 'Meshed vs unmeshed metrics compared',
    category: 'mesh',
    checklistLine:
      'Mesh it, compare meshed vs unmeshed metrics for a week (Roll Out by Namespace)',
    // Whether the window applies is told from Kubernetes and history; inside it, a
    // missing Prometheus makes the check `unknown` with that reason.
    sources: ['kubernetes'],
  },
  'mesh.config-validation': {
    id: 'mesh.config-validation',
    severity: 'high',
    checklistItem: 'on-call',
    title: 'Mesh configuration matches the workloads',
    category: 'mesh',
    checklistLine:
      'The proxy says "no upstream endpoints" because a DestinationRule selector is wrong. Always check the proxy view.',
    sources: ['kubernetes'],
  },
  'health.golden-signals': {
    id: 'health.golden-signals',
    severity: 'critical',
    checklistItem: 'metrics',
    title: 'Healthy through the mesh (golden signals)',
    category: 'health',
    checklistLine: 'Mesh metrics → Prometheus; dashboards in Grafana',
    sources: ['prometheus'],
  },
  'latency.sidecar-overhead': {
    id: 'latency.sidecar-overhead',
    severity: 'medium',
    checklistItem: 'stateful',
    title: 'Latency budget absorbs the proxy hops',
    category: 'latency',
    checklistLine:
      'Latency-critical paths — the sidecar adds 1-3 ms per hop. If your service has a P99 budget of 5 ms, that hurts.',
    sources: ['prometheus', 'catalog'],
  },
  'workload.stateful': {
    id: 'workload.stateful',
    severity: 'high',
    checklistItem: 'stateful',
    title: 'Stateful workloads unmeshed or validated',
    category: 'workload',
    checklistLine: 'Stateful workloads either unmeshed or carefully validated',
    sources: ['kubernetes'],
  },
  'workload.protocols': {
    id: 'workload.protocols',
    severity: 'medium',
    checklistItem: 'stateful',
    title: 'Non-HTTP and long-lived connections handled',
    category: 'workload',
    checklistLine:
      'Long-lived connections (HTTP/2 streams, websockets) — meshes proxy fine but trace and metric data can mislead.',
    sources: ['kubernetes'],
  },
  'sidecar.resources': {
    id: 'sidecar.resources',
    severity: 'high',
    checklistItem: 'sidecar-resources',
    title: 'Sidecar requests and limits set',
    category: 'sidecar',
    checklistLine: 'Sidecar resource requests/limits set per workload class',
    sources: ['kubernetes'],
  },
  'sidecar.rightsizing': {
    id: 'sidecar.rightsizing',
    severity: 'medium',
    checklistItem: 'sidecar-resources',
    title: 'Sidecar right-sized to its usage',
    category: 'sidecar',
    checklistLine:
      'sidecar.istio.io/proxyCPU / proxyMemory: right-size per workload — small services need much less',
    sources: ['kubernetes', 'prometheus'],
  },
  'sidecar.config-scope': {
    id: 'sidecar.config-scope',
    severity: 'medium',
    checklistItem: 'sidecar-resources',
    title: 'Pushed proxy configuration scoped (Sidecar resource)',
    category: 'sidecar',
    checklistLine:
      'Sidecar CRD (Istio) restricts what config is pushed to each sidecar — huge memory win in big clusters',
    sources: ['kubernetes'],
  },
  'security.mtls': {
    id: 'security.mtls',
    severity: 'critical',
    checklistItem: 'authorization',
    title: 'mTLS enforced and traffic encrypted',
    category: 'security',
    checklistLine: 'mTLS gives you encrypted transport and verified identities',
    sources: ['kubernetes', 'prometheus'],
  },
  'security.authorization': {
    id: 'security.authorization',
    severity: 'critical',
    checklistItem: 'authorization',
    title: 'Authorization policy, audited then enforced',
    category: 'security',
    checklistLine: 'Authorization policies in audit mode, then enforced',
    sources: ['kubernetes'],
  },
  'security.egress': {
    id: 'security.egress',
    severity: 'high',
    checklistItem: 'egress',
    title: 'Egress policy explicit',
    category: 'security',
    checklistLine:
      "Egress traffic policy explicit (don't leave it default-open)",
    sources: ['kubernetes'],
  },
  'upgrade.proxy-version': {
    id: 'upgrade.proxy-version',
    severity: 'high',
    checklistItem: 'upgrade-runbook',
    title: 'Proxy version within supported skew',
    category: 'upgrade',
    checklistLine:
      'Upgrade control plane first, then data plane (proxy) versions. Pin sidecar version if you need to delay proxy upgrades.',
    sources: ['kubernetes'],
  },
  'upgrade.disruption-budget': {
    id: 'upgrade.disruption-budget',
    severity: 'high',
    checklistItem: 'upgrade-runbook',
    title: 'PDBs and replicas absorb rolling restarts',
    category: 'upgrade',
    checklistLine: 'Upgrade runbook with rolling-restart plan and PDBs',
    sources: ['kubernetes'],
  },
  'control-plane.ha': {
    id: 'control-plane.ha',
    severity: 'high',
    checklistItem: 'control-plane-ha',
    title: 'Control plane highly available',
    category: 'control-plane',
    checklistLine: 'Control plane HA (2+ replicas) and right-sized',
    sources: ['kubernetes'],
  },
  'control-plane.certificates': {
    id: 'control-plane.certificates',
    severity: 'critical',
    checklistItem: 'cert-rotation',
    title: 'Certificate expiry visible, rotation tested',
    category: 'control-plane',
    checklistLine: 'Cert rotation tested (kill the issuer, watch what happens)',
    sources: ['kubernetes', 'prometheus'],
    attested: true,
  },
  'observability.metrics': {
    id: 'observability.metrics',
    severity: 'critical',
    checklistItem: 'metrics',
    title: 'Mesh metrics reach Prometheus',
    category: 'observability',
    checklistLine: 'Mesh metrics → Prometheus; dashboards in Grafana',
    sources: ['kubernetes', 'prometheus'],
  },
  'observability.trace-propagation': {
    id: 'observability.trace-propagation',
    severity: 'high',
    checklistItem: 'trace-propagation',
    title: 'Trace context propagated end to end',
    category: 'observability',
    checklistLine: 'Trace context propagation verified end-to-end',
    sources: ['tracing'],
  },
  'observability.double-instrumentation': {
    id: 'observability.double-instrumentation',
    severity: 'medium',
    checklistItem: 'metrics',
    title: 'No double instrumentation',
    category: 'observability',
    checklistLine:
      "Don't double-instrument. If the mesh emits the L7 metrics, drop the app-level HTTP middleware that does the same.",
    sources: ['prometheus'],
  },
  'operations.runbook': {
    id: 'operations.runbook',
    severity: 'medium',
    checklistItem: 'upgrade-runbook',
    title: 'Upgrade runbook with rolling-restart plan',
    category: 'operations',
    checklistLine: 'Upgrade runbook with rolling-restart plan and PDBs',
    sources: [],
    attested: true,
  },
  'operations.on-call': {
    id: 'operations.on-call',
    severity: 'medium',
    checklistItem: 'on-call',
    title: 'On-call trained on proxy debugging',
    category: 'operations',
    checklistLine:
      'On-call team trained on istioctl proxy-config / linkerd viz debugging',
    sources: [],
    attested: true,
  },
  'value.mesh-usage': {
    id: 'value.mesh-usage',
    severity: 'medium',
    checklistItem: 'mesh-how-to',
    title: 'The mesh earns its cost',
    category: 'value',
    checklistLine:
      'Feature usage is "just mTLS" — which you could get from a cheaper solution.',
    sources: ['kubernetes', 'prometheus'],
  },
};
