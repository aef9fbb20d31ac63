/**
 * The self-service "how to mesh / unmesh a workload" guide, as data.
 *
 * Source: reference/production-service-mesh-best-practices.txt ("Roll Out by Namespace",
 * "Don't Mesh Stateful or Latency-Sensitive Workloads Blindly", "Cost Awareness",
 * "When to Pull the Plug") and reference/mesh-signals.md (§3.1 Istio sidecar labels,
 * §3.2 ambient, §3.4 Linkerd) for the exact labels and annotations.
 *
 * Command templates use `{namespace}`, `{workload}`, `{kind}` and `{cluster}`, which the
 * page fills with an entity's validated names (see placeholders.ts). Other placeholders
 * (`{revision}`, `{service}`) are never filled: the reader supplies them.
 */
import { CheckId } from '@mesh-readiness/plugin-mesh-common';

/** The data planes the guide covers. */
export type GuideFlavorId = 'istio-sidecar' | 'istio-ambient' | 'linkerd';

/** A command or manifest, shown with a copy button. */
export interface GuideSnippet {
  /** Short label; also names the copy button ("Copy: <title>"). */
  title: string;
  language: 'bash' | 'yaml';
  template: string;
}

/** One step of a procedure: a sentence or two, then its commands. */
export interface GuideStep {
  title: string;
  text: string;
  snippets?: GuideSnippet[];
}

/** A label or annotation a flavor relies on. */
export interface GuideMarker {
  key: string;
  value: string;
  /** Where it goes: a namespace, a pod template. */
  on: string;
  kind: 'label' | 'annotation';
  meaning: string;
}

/** A check of this plugin that turns green once the step worked, and what it looks at. */
export interface GuideVerifyCheck {
  id: CheckId;
  greenWhen: string;
}

export interface FlavorGuide {
  id: GuideFlavorId;
  title: string;
  summary: string;
  markers: GuideMarker[];
  /** Namespace-by-namespace rollout, one workload first. */
  rollout: GuideStep[];
  verify: { steps: GuideStep[]; checks: GuideVerifyCheck[] };
  rollback: GuideStep[];
}

/** A workload class to be careful with, and the check that watches for it. */
export interface GuideCaution {
  title: string;
  text: string;
  checkId?: CheckId;
}

export interface MeshGuide {
  title: string;
  intro: string;
  /** The reference document's four-step sequence, common to every flavor. */
  sequence: string[];
  /** Namespaces that deserve extra caution whatever the flavor. */
  sequenceCaution: string;
  flavors: FlavorGuide[];
  avoid: { intro: string; items: GuideCaution[]; benchmark: string };
  whenNotToMesh: {
    intro: string;
    alternatives: string[];
    adoptWhen: string;
    pullThePlug: string[];
    landing: string;
    checkId: CheckId;
  };
}

const ISTIO_SIDECAR: FlavorGuide = {
  id: 'istio-sidecar',
  title: 'Istio sidecar',
  summary:
    'An Envoy sidecar (istio-proxy) is injected into each pod when it is created. Injection is chosen per namespace by a label, and can be switched off per pod.',
  markers: [
    {
      key: 'istio-injection',
      value: 'enabled',
      on: 'namespace',
      kind: 'label',
      meaning:
        'Injects the default revision into pods created from now on. `disabled` opts the namespace out.',
    },
    {
      key: 'istio.io/rev',
      value: '{revision}',
      on: 'namespace',
      kind: 'label',
      meaning:
        'Injects a given control-plane revision (canary upgrades). Do not set it together with istio-injection: the legacy label wins (istioctl analyze IST0123).',
    },
    {
      key: 'sidecar.istio.io/inject',
      value: '"true" | "false"',
      on: 'pod template',
      kind: 'label',
      meaning:
        'Per-pod opt-in (namespace not labelled) or opt-out (namespace labelled). The label overrides the older annotation of the same name.',
    },
  ],
  rollout: [
    {
      title: 'Mesh one stateless HTTP workload',
      text: 'Opt a single workload in with the pod-template label; the namespace stays unlabelled. Patching the template rolls its pods, which come back with an istio-proxy container.',
      snippets: [
        {
          title: 'Opt one workload in',
          language: 'bash',
          template: `kubectl patch {kind} {workload} -n {namespace} --type merge \\
  -p '{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"true"}}}}}'`,
        },
      ],
    },
    {
      title: 'Compare meshed and unmeshed for a week',
      text: 'Keep the previous week as the unmeshed baseline and watch success rate and p99 latency under real traffic. The rollout.comparison check tracks this window.',
    },
    {
      title: 'Mesh the namespace',
      text: 'Opt stateful and latency-critical workloads out first (see "What to avoid"), then label the namespace and restart its workloads so that new pods get the sidecar. Use either the default label or a revision label, never both.',
      snippets: [
        {
          title: 'Label the namespace (default revision)',
          language: 'bash',
          template:
            'kubectl label namespace {namespace} istio-injection=enabled',
        },
        {
          title: 'Or label the namespace with a revision',
          language: 'bash',
          template:
            'kubectl label namespace {namespace} istio.io/rev={revision}',
        },
        {
          title: 'Namespace manifest (GitOps)',
          language: 'yaml',
          template: `apiVersion: v1
kind: Namespace
metadata:
  name: {namespace}
  labels:
    istio-injection: enabled`,
        },
        {
          title: 'Restart the namespace’s Deployments',
          language: 'bash',
          template: 'kubectl rollout restart deployment -n {namespace}',
        },
      ],
    },
    {
      title: 'Roll forward namespace by namespace',
      text: 'Repeat for the next namespace only when this one has been quiet. Stop and investigate if anything regresses.',
    },
  ],
  verify: {
    steps: [
      {
        title: 'Every pod has an istio-proxy container',
        text: 'With native sidecars the proxy is listed among the init containers.',
        snippets: [
          {
            title: 'List containers per pod',
            language: 'bash',
            template: `kubectl get pods -n {namespace} \\
  -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.spec.initContainers[*].name} {.spec.containers[*].name}{"\\n"}{end}'`,
          },
          {
            title: 'Static analysis of the namespace',
            language: 'bash',
            template: 'istioctl analyze -n {namespace}',
          },
          {
            title: 'Proxies connected and in sync',
            language: 'bash',
            template: 'istioctl proxy-status | grep {namespace}',
          },
        ],
      },
    ],
    checks: [
      {
        id: 'mesh.enrollment',
        greenWhen:
          'every pod of the workload carries istio-proxy (no IST0103 "pod missing proxy").',
      },
      {
        id: 'observability.metrics',
        greenWhen:
          'istio_requests_total reaches Prometheus for the workload (destination_workload).',
      },
      {
        id: 'health.golden-signals',
        greenWhen:
          'success rate and latency through the mesh are within thresholds.',
      },
      {
        id: 'security.mtls',
        greenWhen:
          'server-side requests report connection_security_policy="mutual_tls" and the PeerAuthentication is STRICT.',
      },
      {
        id: 'upgrade.proxy-version',
        greenWhen: 'the injected proxies match the control-plane version.',
      },
      {
        id: 'rollout.comparison',
        greenWhen:
          'a week of meshed metrics has been compared with the unmeshed baseline.',
      },
    ],
  },
  rollback: [
    {
      title: 'Take one workload out',
      text: 'Label its pod template with sidecar.istio.io/inject: "false"; the patch rolls the pods without the sidecar.',
      snippets: [
        {
          title: 'Opt one workload out',
          language: 'bash',
          template: `kubectl patch {kind} {workload} -n {namespace} --type merge \\
  -p '{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"false"}}}}}'`,
        },
        {
          title: 'Pod template opt-out (GitOps)',
          language: 'yaml',
          template: `spec:
  template:
    metadata:
      labels:
        sidecar.istio.io/inject: "false"`,
        },
      ],
    },
    {
      title: 'Take the namespace out',
      text: 'If the namespace enforces STRICT mTLS and still has meshed callers or servers, switch its PeerAuthentication to PERMISSIVE first, so that unmeshed pods are not refused. Then remove the injection label and restart.',
      snippets: [
        {
          title: 'PeerAuthentication back to PERMISSIVE',
          language: 'yaml',
          template: `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: {namespace}
spec:
  mtls:
    mode: PERMISSIVE`,
        },
        {
          title: 'Remove the injection labels',
          language: 'bash',
          template:
            'kubectl label namespace {namespace} istio-injection- istio.io/rev-',
        },
        {
          title: 'Restart without sidecars',
          language: 'bash',
          template: 'kubectl rollout restart deployment -n {namespace}',
        },
      ],
    },
  ],
};

const ISTIO_AMBIENT: FlavorGuide = {
  id: 'istio-ambient',
  title: 'Istio ambient',
  summary:
    'No sidecar: the node’s ztunnel carries L4 traffic with mTLS, and an optional waypoint proxy adds L7 (HTTP metrics, L7 policy). Pods are captured without a restart.',
  markers: [
    {
      key: 'istio.io/dataplane-mode',
      value: 'ambient',
      on: 'namespace or pod template',
      kind: 'label',
      meaning:
        'Adds the pods to the ambient mesh. `none` opts a pod out. istio-injection and istio.io/rev take precedence, so remove them first.',
    },
    {
      key: 'istio.io/use-waypoint',
      value: 'waypoint',
      on: 'namespace, service or pod',
      kind: 'label',
      meaning:
        'Sends traffic through the named waypoint for L7 processing; `none` opts out.',
    },
    {
      key: 'ambient.istio.io/redirection',
      value: 'enabled',
      on: 'pod (set by istio-cni)',
      kind: 'annotation',
      meaning: 'Read-only marker: the pod’s traffic is captured by ztunnel.',
    },
  ],
  rollout: [
    {
      title: 'Add one stateless HTTP workload',
      text: 'Label its pod template. Capture does not need a restart, but patching the template rolls the pods anyway, which is harmless.',
      snippets: [
        {
          title: 'Add one workload to the ambient mesh',
          language: 'bash',
          template: `kubectl patch {kind} {workload} -n {namespace} --type merge \\
  -p '{"spec":{"template":{"metadata":{"labels":{"istio.io/dataplane-mode":"ambient"}}}}}'`,
        },
      ],
    },
    {
      title: 'Compare for a week',
      text: 'ztunnel alone reports L4 (TCP) metrics only. Compare success rate and latency from the application or a waypoint against the unmeshed baseline; rollout.comparison tracks the window.',
    },
    {
      title: 'Add the namespace',
      text: 'Opt stateful workloads out with istio.io/dataplane-mode: none on their pod templates, then label the namespace. No restart is needed.',
      snippets: [
        {
          title: 'Label the namespace',
          language: 'bash',
          template:
            'kubectl label namespace {namespace} istio.io/dataplane-mode=ambient',
        },
        {
          title: 'Namespace manifest (GitOps)',
          language: 'yaml',
          template: `apiVersion: v1
kind: Namespace
metadata:
  name: {namespace}
  labels:
    istio.io/dataplane-mode: ambient`,
        },
      ],
    },
    {
      title: 'Add a waypoint when you need L7',
      text: 'HTTP metrics, retries and L7 authorization need a waypoint. Enrol the whole namespace, or label only the Services that need it.',
      snippets: [
        {
          title: 'Deploy a waypoint for the namespace',
          language: 'bash',
          template: 'istioctl waypoint apply -n {namespace} --enroll-namespace',
        },
        {
          title: 'Or use it for one Service only',
          language: 'bash',
          template:
            'kubectl label service {service} -n {namespace} istio.io/use-waypoint=waypoint',
        },
      ],
    },
    {
      title: 'Roll forward namespace by namespace',
      text: 'Repeat for the next namespace only when this one has been quiet. Stop and investigate if anything regresses.',
    },
  ],
  verify: {
    steps: [
      {
        title: 'Pods are captured by ztunnel',
        text: 'Each pod shows `enabled`; ztunnel lists the workloads with protocol HBONE.',
        snippets: [
          {
            title: 'Redirection marker per pod',
            language: 'bash',
            template: `kubectl get pods -n {namespace} \\
  -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.metadata.annotations.ambient\\.istio\\.io/redirection}{"\\n"}{end}'`,
          },
          {
            title: 'ztunnel’s view of the workloads',
            language: 'bash',
            template: 'istioctl ztunnel-config workloads | grep {namespace}',
          },
          {
            title: 'Waypoints of the namespace',
            language: 'bash',
            template: 'istioctl waypoint list -n {namespace}',
          },
          {
            title: 'Static analysis of the namespace',
            language: 'bash',
            template: 'istioctl analyze -n {namespace}',
          },
        ],
      },
    ],
    checks: [
      {
        id: 'mesh.enrollment',
        greenWhen:
          'every pod carries ambient.istio.io/redirection: enabled (and no sidecar label overrides ambient).',
      },
      {
        id: 'observability.metrics',
        greenWhen:
          'ztunnel’s istio_tcp_* series reach Prometheus; with a waypoint, istio_requests_total{reporter="waypoint"} too.',
      },
      {
        id: 'health.golden-signals',
        greenWhen:
          'success rate and latency are within thresholds (L7 figures need a waypoint).',
      },
      {
        id: 'security.mtls',
        greenWhen:
          'ztunnel reports connection_security_policy="mutual_tls" for the workload’s inbound traffic.',
      },
      {
        id: 'rollout.comparison',
        greenWhen:
          'a week of meshed metrics has been compared with the unmeshed baseline.',
      },
    ],
  },
  rollback: [
    {
      title: 'Take one workload out',
      text: 'Set istio.io/dataplane-mode: none on its pod template.',
      snippets: [
        {
          title: 'Opt one workload out',
          language: 'bash',
          template: `kubectl patch {kind} {workload} -n {namespace} --type merge \\
  -p '{"spec":{"template":{"metadata":{"labels":{"istio.io/dataplane-mode":"none"}}}}}'`,
        },
        {
          title: 'Pod template opt-out (GitOps)',
          language: 'yaml',
          template: `spec:
  template:
    metadata:
      labels:
        istio.io/dataplane-mode: none`,
        },
      ],
    },
    {
      title: 'Take the namespace out',
      text: 'Switch a STRICT PeerAuthentication to PERMISSIVE first if meshed peers remain, remove the waypoint enrolment, then the ambient label. Pods are released without a restart.',
      snippets: [
        {
          title: 'Stop using the waypoint',
          language: 'bash',
          template: `kubectl label namespace {namespace} istio.io/use-waypoint-
istioctl waypoint delete -n {namespace} waypoint`,
        },
        {
          title: 'Remove the ambient label',
          language: 'bash',
          template:
            'kubectl label namespace {namespace} istio.io/dataplane-mode-',
        },
      ],
    },
  ],
};

const LINKERD: FlavorGuide = {
  id: 'linkerd',
  title: 'Linkerd',
  summary:
    'The linkerd-proxy sidecar is injected into pods when they are created, chosen by an annotation on the namespace or on the pod template.',
  markers: [
    {
      key: 'linkerd.io/inject',
      value: 'enabled',
      on: 'namespace or pod template',
      kind: 'annotation',
      meaning:
        'Injects the proxy into pods created from now on. `disabled` opts a pod out; `ingress` is for ingress controllers.',
    },
    {
      key: 'linkerd.io/proxy-version',
      value: '(set by the injector)',
      on: 'pod',
      kind: 'annotation',
      meaning: 'Read-only marker: the injected proxy version.',
    },
  ],
  rollout: [
    {
      title: 'Mesh one stateless HTTP workload',
      text: 'Annotate its pod template; the patch rolls the pods, which come back with a linkerd-proxy container.',
      snippets: [
        {
          title: 'Inject one workload',
          language: 'bash',
          template: `kubectl patch {kind} {workload} -n {namespace} --type merge \\
  -p '{"spec":{"template":{"metadata":{"annotations":{"linkerd.io/inject":"enabled"}}}}}'`,
        },
        {
          title: 'Or through the CLI',
          language: 'bash',
          template:
            'kubectl get {kind} {workload} -n {namespace} -o yaml | linkerd inject - | kubectl apply -f -',
        },
      ],
    },
    {
      title: 'Compare meshed and unmeshed for a week',
      text: 'Keep the previous week as the unmeshed baseline and watch success rate and p99 latency under real traffic (linkerd viz stat). The rollout.comparison check tracks this window.',
    },
    {
      title: 'Mesh the namespace',
      text: 'Opt stateful and latency-critical workloads out with linkerd.io/inject: disabled, annotate the namespace, then restart its workloads: the annotation applies when pods are created.',
      snippets: [
        {
          title: 'Annotate the namespace',
          language: 'bash',
          template:
            'kubectl annotate namespace {namespace} linkerd.io/inject=enabled',
        },
        {
          title: 'Namespace manifest (GitOps)',
          language: 'yaml',
          template: `apiVersion: v1
kind: Namespace
metadata:
  name: {namespace}
  annotations:
    linkerd.io/inject: enabled`,
        },
        {
          title: 'Restart the namespace’s Deployments',
          language: 'bash',
          template: 'kubectl rollout restart deployment -n {namespace}',
        },
      ],
    },
    {
      title: 'Roll forward namespace by namespace',
      text: 'Repeat for the next namespace only when this one has been quiet. Stop and investigate if anything regresses.',
    },
  ],
  verify: {
    steps: [
      {
        title: 'Proxies are injected and healthy',
        text: '`linkerd check --proxy` runs the data-plane checks; viz shows success rate and latency per workload.',
        snippets: [
          {
            title: 'Data-plane checks',
            language: 'bash',
            template: 'linkerd check --proxy -n {namespace}',
          },
          {
            title: 'Success rate and latency',
            language: 'bash',
            template: 'linkerd viz stat -n {namespace} deploy',
          },
          {
            title: 'Proxy version per pod',
            language: 'bash',
            template: `kubectl get pods -n {namespace} \\
  -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.metadata.annotations.linkerd\\.io/proxy-version}{"\\n"}{end}'`,
          },
        ],
      },
    ],
    checks: [
      {
        id: 'mesh.enrollment',
        greenWhen: 'every pod of the workload carries linkerd-proxy.',
      },
      {
        id: 'observability.metrics',
        greenWhen:
          'the proxy’s response_total and response_latency_ms series reach Prometheus.',
      },
      {
        id: 'health.golden-signals',
        greenWhen:
          'success rate (classification="success") and latency are within thresholds.',
      },
      {
        id: 'security.mtls',
        greenWhen:
          'meshed traffic to the workload is reported with tls="true".',
      },
      {
        id: 'upgrade.proxy-version',
        greenWhen:
          'the proxies are no more than one version behind the control plane.',
      },
      {
        id: 'rollout.comparison',
        greenWhen:
          'a week of meshed metrics has been compared with the unmeshed baseline.',
      },
    ],
  },
  rollback: [
    {
      title: 'Take one workload out',
      text: 'Set linkerd.io/inject: disabled on its pod template (or uninject it); the pods roll without the proxy.',
      snippets: [
        {
          title: 'Opt one workload out',
          language: 'bash',
          template: `kubectl patch {kind} {workload} -n {namespace} --type merge \\
  -p '{"spec":{"template":{"metadata":{"annotations":{"linkerd.io/inject":"disabled"}}}}}'`,
        },
        {
          title: 'Or through the CLI',
          language: 'bash',
          template:
            'kubectl get {kind} {workload} -n {namespace} -o yaml | linkerd uninject - | kubectl apply -f -',
        },
        {
          title: 'Pod template opt-out (GitOps)',
          language: 'yaml',
          template: `spec:
  template:
    metadata:
      annotations:
        linkerd.io/inject: disabled`,
        },
      ],
    },
    {
      title: 'Take the namespace out',
      text: 'If servers in the namespace only admit authenticated (meshed) clients, relax their Server / AuthorizationPolicy first. Then remove the annotation and restart.',
      snippets: [
        {
          title: 'Remove the annotation',
          language: 'bash',
          template: 'kubectl annotate namespace {namespace} linkerd.io/inject-',
        },
        {
          title: 'Restart without proxies',
          language: 'bash',
          template: 'kubectl rollout restart deployment -n {namespace}',
        },
      ],
    },
  ],
};

export const MESH_GUIDE: MeshGuide = {
  title: 'How to mesh / unmesh a workload',
  intro:
    'Both Istio and Linkerd let you mesh selectively, by namespace label or annotation. Never mesh the whole cluster on day one: go namespace by namespace, one stateless HTTP service first, and know how to roll back before you start.',
  sequence: [
    'Pick one stateless HTTP service.',
    'Mesh it, compare meshed vs unmeshed metrics for a week.',
    'Mesh that namespace; observe under real traffic.',
    'Roll forward namespace by namespace. Stop and investigate if anything regresses.',
  ],
  sequenceCaution:
    'Database namespaces, infra DaemonSets, and anything using non-HTTP protocols (Kafka clients, gRPC streaming with quirks) deserve extra caution.',
  flavors: [ISTIO_SIDECAR, ISTIO_AMBIENT, LINKERD],
  avoid: {
    intro: 'Don’t mesh stateful or latency-sensitive workloads blindly.',
    items: [
      {
        title: 'Stateful workloads',
        text: 'StatefulSets such as Postgres, Kafka, etcd and Redis: meshing them rarely helps and can corrupt state if retries fire on non-idempotent writes. Most teams mesh the clients, not the database pods: opt those pods out.',
        checkId: 'workload.stateful',
      },
      {
        title: 'Latency-critical paths',
        text: 'A sidecar adds 1–3 ms per hop. With a p99 budget of 5 ms, that hurts. Declare the budget with the servicemesh/latency-budget-p99-ms annotation so that the overhead is checked.',
        checkId: 'latency.sidecar-overhead',
      },
      {
        title: 'Long-lived connections',
        text: 'HTTP/2 streams and websockets are proxied fine, but their trace and metric data can mislead: per-request latency and success rate do not describe a stream.',
        checkId: 'workload.protocols',
      },
    ],
    benchmark:
      'When in doubt: bench it unmeshed, then meshed, with realistic load.',
  },
  whenNotToMesh: {
    intro:
      'A mesh costs compute (sidecars × pods × replicas, plus the control plane), latency (1–3 ms per call, adding up along call chains) and people (someone has to learn Envoy, debug xDS and manage upgrades). With a small team and a handful of services, the simpler answer is often:',
    alternatives: [
      'Kubernetes NetworkPolicies for L3/L4 segmentation.',
      'An API gateway for north-south traffic.',
      'App-level libraries for retries and timeouts.',
      'mTLS via cert-manager and an internal CA for the few services that truly need it.',
    ],
    adoptWhen:
      'Adopt a mesh when the cross-cutting concerns are causing real pain and you have the platform-team capacity to own it.',
    pullThePlug: [
      'Mesh-related incidents outnumber app-related ones.',
      'Nobody on call understands the proxy stack well enough to debug it.',
      'The end users’ latency budget is being eaten by sidecar hops.',
      'Feature usage is “just mTLS”, which a cheaper solution could give.',
    ],
    landing:
      'A common landing: migrate to Istio ambient, or roll back to NetworkPolicies plus per-service mTLS. Both are legitimate.',
    checkId: 'value.mesh-usage',
  },
};

/** The guide of one flavor. */
export function getFlavor(id: GuideFlavorId): FlavorGuide {
  return MESH_GUIDE.flavors.find(f => f.id === id) ?? MESH_GUIDE.flavors[0];
}

/** The flavor matching a report's mesh, so the page opens on the entity's data plane. */
export function flavorFor(mesh?: {
  provider?: string;
  dataPlane?: string;
}): GuideFlavorId | undefined {
  if (mesh?.provider === 'linkerd') return 'linkerd';
  if (mesh?.provider === 'istio') {
    return mesh.dataPlane === 'ambient' ? 'istio-ambient' : 'istio-sidecar';
  }
  return undefined;
}

/** Where the docs page lives in the app, opened for one entity. */
export function meshDocsHref(entityRef?: string): string {
  return entityRef
    ? `/mesh/docs?entity=${encodeURIComponent(entityRef)}`
    : '/mesh/docs';
}
