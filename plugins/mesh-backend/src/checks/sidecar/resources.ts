/**
 * `sidecar.resources`: the proxy's requests and limits are set for this workload (its
 * class), not left to the mesh-wide injector defaults or to nothing.
 *
 * Where a value comes from, per field:
 * - `annotation`: the pod template (or its pods) carries the mesh's resource annotation;
 * - `namespace`: Linkerd also reads `config.linkerd.io/proxy-*` from the namespace;
 * - `template`: the proxy is rendered into the template (`istioctl kube-inject`,
 *   `linkerd inject --manual`) with a value other than the chart's default;
 * - `injector-default`: the running proxy has a value but nothing of the workload's sets
 *   it: the injector filled it in from the mesh-wide defaults;
 * - `missing`: no value at all.
 * Requests not set per workload are `fail` (the scheduler and the node's memory
 * accounting depend on them); limits not set per workload are `warn`.
 */
import {
  CHECK_DEFINITIONS,
  MeshName,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  ProxyInfo,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import {
  podAnnotation,
  templatePatch,
  workloadRef,
  worstStatus,
} from '../workload/support';
import { sameQuantity } from './quantity';

type Field = 'cpuRequest' | 'memoryRequest' | 'cpuLimit' | 'memoryLimit';
const FIELDS: Field[] = [
  'cpuRequest',
  'memoryRequest',
  'cpuLimit',
  'memoryLimit',
];
const REQUESTS: Field[] = ['cpuRequest', 'memoryRequest'];

/** The annotations each injector maps into the proxy's resources (mesh-signals.md §3.1, §3.4). */
export const RESOURCE_ANNOTATIONS: Record<MeshName, Record<Field, string>> = {
  istio: {
    cpuRequest: 'sidecar.istio.io/proxyCPU',
    memoryRequest: 'sidecar.istio.io/proxyMemory',
    cpuLimit: 'sidecar.istio.io/proxyCPULimit',
    memoryLimit: 'sidecar.istio.io/proxyMemoryLimit',
  },
  linkerd: {
    cpuRequest: 'config.linkerd.io/proxy-cpu-request',
    memoryRequest: 'config.linkerd.io/proxy-memory-request',
    cpuLimit: 'config.linkerd.io/proxy-cpu-limit',
    memoryLimit: 'config.linkerd.io/proxy-memory-limit',
  },
};

/**
 * The limits each mesh needs set. Istio's injector takes both limit annotations; for
 * Linkerd the memory limit is the one that matters (its CPU limit only sizes the proxy's
 * worker threads, and the checklist's Linkerd line names requests and the memory limit).
 */
const REQUIRED_LIMITS: Record<MeshName, Field[]> = {
  istio: ['cpuLimit', 'memoryLimit'],
  linkerd: ['memoryLimit'],
};

/**
 * The charts' global proxy resources (istio-discovery `global.proxy.resources`;
 * linkerd-control-plane `proxy.resources` is empty): a proxy rendered into a template
 * with exactly these was rendered from the defaults, not sized for the workload.
 */
const CHART_DEFAULTS: Record<MeshName, Partial<Record<Field, string>>> = {
  istio: {
    cpuRequest: '100m',
    memoryRequest: '128Mi',
    cpuLimit: '2000m',
    memoryLimit: '1024Mi',
  },
  linkerd: {},
};

/**
 * Starting values when the workload runs with none: Istio's sidecar uses about 0.2 vCPU
 * and 60 MB per 1000 req/s, a Linkerd proxy at most ~26 MB (mesh-signals.md §5).
 */
const SUGGESTED: Record<MeshName, Record<Field, string>> = {
  istio: {
    cpuRequest: '100m',
    memoryRequest: '128Mi',
    cpuLimit: '1000m',
    memoryLimit: '512Mi',
  },
  linkerd: {
    cpuRequest: '100m',
    memoryRequest: '64Mi',
    cpuLimit: '1',
    memoryLimit: '256Mi',
  },
};

type Origin =
  | 'annotation'
  | 'namespace'
  | 'template'
  | 'injector-default'
  | 'missing';

interface FieldFinding {
  origin: Origin;
  value?: string;
  annotation: string;
}

const LABEL: Record<Field, string> = {
  cpuRequest: 'CPU request',
  memoryRequest: 'memory request',
  cpuLimit: 'CPU limit',
  memoryLimit: 'memory limit',
};

function containerValue(
  proxy: ProxyInfo | undefined,
  field: Field,
): string | undefined {
  if (!proxy) return undefined;
  const part = field.endsWith('Request')
    ? proxy.resources.requests
    : proxy.resources.limits;
  return field.startsWith('cpu') ? part.cpu : part.memory;
}

const perWorkload = (o: Origin) =>
  o === 'annotation' || o === 'namespace' || o === 'template';

function judgeField(
  w: EntityWorkload,
  mesh: MeshName,
  field: Field,
): FieldFinding {
  const annotation = RESOURCE_ANNOTATIONS[mesh][field];
  const own = podAnnotation(w, annotation);
  if (own) return { origin: 'annotation', value: own, annotation };
  const fromNamespace =
    mesh === 'linkerd' ? w.namespace?.annotations[annotation] : undefined;
  if (fromNamespace)
    return { origin: 'namespace', value: fromNamespace, annotation };
  const running = w.workload.pods.find(p => p.proxy?.provider === mesh)?.proxy;
  const inTemplate = containerValue(w.workload.templateProxy, field);
  if (
    inTemplate &&
    !sameQuantity(inTemplate, CHART_DEFAULTS[mesh][field] ?? undefined)
  ) {
    return { origin: 'template', value: inTemplate, annotation };
  }
  const value = containerValue(running, field) ?? inTemplate;
  if (value) return { origin: 'injector-default', value, annotation };
  return { origin: 'missing', annotation };
}

function describe(
  fields: [Field, FieldFinding][],
  wanted: (f: Field) => boolean,
): string {
  return fields
    .filter(([f, x]) => wanted(f) && !perWorkload(x.origin))
    .map(([f, x]) =>
      x.origin === 'missing'
        ? `no ${LABEL[f]}`
        : `${LABEL[f]} ${x.value} only from the mesh-wide injector default`,
    )
    .join(', ');
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const judged: Array<{
    w: EntityWorkload;
    ref: string;
    status: 'pass' | 'warn' | 'fail';
    problem?: string;
    fix?: string;
    evidence: Record<string, unknown>;
  }> = [];
  const ambient: string[] = [];
  for (const w of ctx.workloads) {
    const meshings = workloadMeshings(w);
    if (meshings.length === 0) continue;
    const sidecar = meshings.find(m => m.dataPlane === 'sidecar');
    if (!sidecar) {
      ambient.push(workloadRef(w));
      continue;
    }
    const mesh = sidecar.provider;
    const fields = FIELDS.map(
      f => [f, judgeField(w, mesh, f)] as [Field, FieldFinding],
    );
    const byField = Object.fromEntries(fields) as Record<Field, FieldFinding>;
    const requestGap = REQUESTS.some(f => !perWorkload(byField[f].origin));
    const limitGap = REQUIRED_LIMITS[mesh].some(
      f => !perWorkload(byField[f].origin),
    );
    let status: 'pass' | 'warn' | 'fail' = 'pass';
    if (requestGap) status = 'fail';
    else if (limitGap) status = 'warn';
    const ref = workloadRef(w);
    const evidence = {
      workload: ref,
      mesh,
      container:
        w.workload.templateProxy?.container ??
        w.workload.pods.find(p => p.proxy)?.proxy?.container,
      ...Object.fromEntries(
        fields.map(([f, x]) => [
          f,
          {
            origin: x.origin,
            value: x.value ?? null,
            annotation: x.annotation,
          },
        ]),
      ),
    };
    if (status === 'pass') {
      judged.push({ w, ref, status, evidence });
      continue;
    }
    const needed: Field[] = [...REQUESTS, ...REQUIRED_LIMITS[mesh]].filter(
      f => !perWorkload(byField[f].origin),
    );
    const annotations = Object.fromEntries(
      needed.map(f => [
        RESOURCE_ANNOTATIONS[mesh][f],
        byField[f].value ?? SUGGESTED[mesh][f],
      ]),
    );
    const problem =
      status === 'fail'
        ? describe(fields, f => REQUESTS.includes(f))
        : describe(fields, f => REQUIRED_LIMITS[mesh].includes(f));
    judged.push({
      w,
      ref,
      status,
      problem: `${ref}: ${problem}`,
      evidence,
      fix: [
        `# ${ref} (${mesh}): size the proxy for this workload; start from what it runs with (or the suggested values), then right-size from its usage (sidecar.rightsizing).`,
        templatePatch(w, { annotations }),
      ].join('\n'),
    });
  }
  if (judged.length === 0) {
    if (ambient.length > 0) {
      return {
        status: 'not-applicable',
        summary:
          'Istio ambient: the pods have no sidecar to size; ztunnel is a node-level DaemonSet, sized once per node by the platform team.',
        evidence: { ambient },
      };
    }
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no workload runs a sidecar proxy (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.map(workloadRef) },
    };
  }
  const status = worstStatus(judged.map(j => j.status));
  const evidence = {
    workloads: judged.map(j => ({ status: j.status, ...j.evidence })),
    ...(ambient.length ? { ambient } : {}),
  };
  if (status === 'pass') {
    return {
      status,
      summary: `Proxy requests and limits are set per workload on ${judged.length} sidecar workload(s).`,
      evidence,
    };
  }
  const bad = judged.filter(j => j.status === status);
  return {
    status,
    summary:
      status === 'fail'
        ? `Proxy requests not set per workload: ${bad
            .map(j => j.problem)
            .join('; ')}.`
        : `Proxy limits not set per workload: ${bad
            .map(j => j.problem)
            .join('; ')}.`,
    evidence,
    remediation: judged
      .filter(j => j.fix)
      .map(j => j.fix)
      .join('\n\n'),
  };
}

export const sidecarResourcesCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['sidecar.resources'],
  requiredKinds: ['Pod'],
  evaluate,
};
