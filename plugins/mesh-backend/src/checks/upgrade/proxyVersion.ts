/**
 * `upgrade.proxy-version`: each meshed pod's proxy version against the control plane
 * that serves it (istiod of the pod's revision, or the Linkerd control plane), by the
 * skew rules in ./versions.ts. Mixed versions inside one workload are `warn` (a rollout
 * left half done, IST0158); unsupported skew is `fail`.
 *
 * A proxy's version comes from its image tag (Linkerd: `linkerd.io/proxy-version`
 * first); when the tag names no release (an image pinned by digest), an Istio proxy's
 * own `istio_build{component="proxy"}` tag from Prometheus says what it runs.
 *
 * Ambient pods run no proxy: with a waypoint, the waypoint's proxy is what is compared
 * (and said so); ztunnel is a node-level DaemonSet upgraded with the control plane, and
 * is not compared here.
 */
import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  ClusterSnapshot,
  CheckOutcome,
  ControlPlaneFacts,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  PodFacts,
  ProxyInfo,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import {
  controlPlanesOf,
  istioRevisionOf,
  istiodFor,
  linkerdControlPlane,
  missingControlPlaneReason,
  snapshotOf,
  workloadLabel,
  worse,
} from '../controlPlane/serving';
import {
  MeshVersion,
  SkewVerdict,
  digestOnly,
  imageTagOf,
  istioSkew,
  linkerdSkew,
  parseVersion,
  sameRelease,
  versionOfRevision,
} from './versions';

type Status = CheckOutcome['status'];

interface PodVerdict {
  pod: string;
  version?: string;
  /** Where the version was read, when not from the image or the pod's annotation. */
  versionFrom?: string;
  image?: string;
  revision?: string;
  controlPlane?: string;
  controlPlaneVersion?: string;
  status: SkewVerdict['status'];
  reason: string;
}

interface Finding {
  workload: string;
  dataPlane: string;
  /** The waypoint (`namespace/name`) whose proxy stands for an ambient workload. */
  waypoint?: string;
  status: Status;
  /** One clause for the summary. */
  message: string;
  pods: PodVerdict[];
  /** Pods whose proxy is not the control plane's release (IST0158). */
  stalePods: string[];
  remediation?: string;
}

const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function restartCommands(w: WorkloadFacts, pods: string[]): string[] {
  if (RESTARTABLE.has(w.kind)) {
    const target = `${w.kind.toLowerCase()}/${w.name}`;
    return [
      `kubectl rollout restart ${target} -n ${w.namespace}`,
      `kubectl rollout status ${target} -n ${w.namespace}`,
    ];
  }
  const names = pods.length > 0 ? pods : w.pods.map(p => p.name);
  return [
    `# ${w.kind} ${w.name} has no rolling restart: recreate its pods`,
    `kubectl delete pod ${names.join(' ')} -n ${w.namespace}`,
  ];
}

function cpVersionOf(cp: ControlPlaneFacts): MeshVersion | undefined {
  return parseVersion(cp.version) ?? versionOfRevision(cp.revision);
}

/** The text of a proxy's version: what the snapshot read, else the image's tag. */
function proxyVersionText(proxy: ProxyInfo): string | undefined {
  return proxy.version ?? imageTagOf(proxy.image);
}

function unknownProxyReason(proxy: ProxyInfo, build?: BuildLookup): string {
  let reason: string;
  if (digestOnly(proxy.image)) {
    reason = `the ${proxy.container} image is pinned by digest (${proxy.image}), so it names no version`;
  } else {
    const text = proxyVersionText(proxy);
    reason = text
      ? `the ${proxy.container} version '${text}' is not a release number`
      : `the ${proxy.container} container names no version (image ${
          proxy.image ?? 'unset'
        })`;
  }
  return build ? `${reason}, and ${build.missing}` : reason;
}

/** What Prometheus's `istio_build{component="proxy"}` says one pod's proxy runs. */
interface BuildLookup {
  tags: string[];
  /** Why there is no usable tag, as the end of a sentence. */
  missing: string;
}

function buildLookup(
  ctx: EntityContext,
  w: EntityWorkload,
  pod: PodFacts | undefined,
): BuildLookup | undefined {
  if (!pod) return undefined;
  const metrics = ctx.metricsFor(w);
  if (!metrics) {
    return {
      tags: [],
      missing: `there is no Prometheus for cluster '${w.cluster}' to read istio_build from`,
    };
  }
  const tags =
    metrics.series.istioProxyBuild?.[pod.namespace]?.[pod.name] ?? [];
  const metric = `istio_build{component="proxy"}`;
  return {
    tags,
    missing:
      tags.length === 0
        ? `Prometheus has no ${metric} series for pod ${pod.namespace}/${pod.name}`
        : `its ${metric} tag${tags.length > 1 ? 's' : ''} (${tags.join(
            ', ',
          )}) name${tags.length > 1 ? '' : 's'} no single release`,
  };
}

/**
 * The proxy's version: the image tag (or annotation) when it names a release, else the
 * one release the running proxy reports in `istio_build`.
 */
function resolveVersion(
  proxy: ProxyInfo,
  build: BuildLookup | undefined,
): { text?: string; version?: MeshVersion; from?: string } {
  const text = proxyVersionText(proxy);
  const version = parseVersion(text);
  if (version) return { text, version };
  const parsed = (build?.tags ?? []).map(t => ({ t, v: parseVersion(t) }));
  const releases = parsed.filter(x => x.v);
  if (
    releases.length > 0 &&
    releases.every(x => sameRelease(x.v!, releases[0].v!))
  ) {
    return {
      text: releases[0].t,
      version: releases[0].v,
      from: 'istio_build{component="proxy"} (Prometheus)',
    };
  }
  return { ...(text ? { text } : {}) };
}

interface Judged {
  verdict: PodVerdict;
  version?: MeshVersion;
  cp?: ControlPlaneFacts;
}

function judgeIstio(
  ctx: EntityContext,
  name: string,
  proxy: ProxyInfo,
  w: EntityWorkload,
  snapshot: ClusterSnapshot | undefined,
  pod: PodFacts | undefined,
  revisionSource: PodFacts | undefined = pod,
): Judged {
  const { revision, via } = istioRevisionOf(w, revisionSource);
  const cp = istiodFor(controlPlanesOf(snapshot), revision);
  const build = parseVersion(proxyVersionText(proxy))
    ? undefined
    : buildLookup(ctx, w, pod);
  const {
    text: versionText,
    version,
    from: versionFrom,
  } = resolveVersion(proxy, build);
  const base = {
    pod: name,
    ...(versionText ? { version: versionText } : {}),
    ...(versionFrom ? { versionFrom } : {}),
    ...(proxy.image ? { image: proxy.image } : {}),
    revision: `${revision} (${via})`,
  };
  if (!version) {
    return {
      verdict: {
        ...base,
        status: 'unknown',
        reason: unknownProxyReason(proxy, build),
      },
    };
  }
  if (!cp) {
    return {
      version,
      verdict: {
        ...base,
        status: 'unknown',
        reason: missingControlPlaneReason(snapshot, 'istio', revision),
      },
    };
  }
  const cpVersion = cpVersionOf(cp);
  const cpBase = {
    ...base,
    controlPlane: `${cp.namespace}/${cp.name}`,
    ...(cp.version ? { controlPlaneVersion: cp.version } : {}),
  };
  if (!cpVersion) {
    return {
      version,
      cp,
      verdict: {
        ...cpBase,
        status: 'unknown',
        reason: `the version of ${cp.namespace}/${
          cp.name
        } is unknown (image pinned by digest, no version label, revision '${
          cp.revision ?? 'default'
        }' names none)`,
      },
    };
  }
  return {
    version,
    cp,
    verdict: { ...cpBase, ...istioSkew(version, cpVersion) },
  };
}

function judgeLinkerd(
  name: string,
  proxy: ProxyInfo,
  w: EntityWorkload,
  snapshot: ClusterSnapshot | undefined,
): Judged {
  const cps = linkerdControlPlane(controlPlanesOf(snapshot), w, snapshot);
  const versionText = proxyVersionText(proxy);
  const base = {
    pod: name,
    ...(versionText ? { version: versionText } : {}),
    ...(proxy.image ? { image: proxy.image } : {}),
  };
  const version = parseVersion(versionText);
  if (!version) {
    return {
      verdict: {
        ...base,
        status: 'unknown',
        reason: unknownProxyReason(proxy),
      },
    };
  }
  const cp =
    cps.find(c => c.name === 'linkerd-destination' && cpVersionOf(c)) ??
    cps.find(c => cpVersionOf(c));
  const configVersion =
    snapshot?.kubernetes.data?.mesh?.linkerd?.meshConfig?.version;
  const cpVersion = cp ? cpVersionOf(cp) : parseVersion(configVersion);
  if (!cpVersion) {
    return {
      version,
      verdict: {
        ...base,
        status: 'unknown',
        reason:
          cps.length === 0
            ? missingControlPlaneReason(snapshot, 'linkerd')
            : `the Linkerd control plane's version is unknown (images pinned by digest, no version label, no linkerdVersion in linkerd-config)`,
      },
    };
  }
  return {
    version,
    ...(cp ? { cp } : {}),
    verdict: {
      ...base,
      controlPlane: cp
        ? `${cp.namespace}/${cp.name}`
        : 'linkerd-config linkerdVersion',
      controlPlaneVersion: cpVersion.text,
      ...linkerdSkew(version, cpVersion),
    },
  };
}

/** A newer istiod than the one serving the pods, to move the namespace to. */
function newerRevision(
  cps: ControlPlaneFacts[],
  current: ControlPlaneFacts | undefined,
): ControlPlaneFacts | undefined {
  const now = current && cpVersionOf(current);
  let best: { cp: ControlPlaneFacts; v: MeshVersion } | undefined;
  for (const cp of cps.filter(c => c.mesh === 'istio' && c !== current)) {
    const v = cpVersionOf(cp);
    if (v?.scheme !== 'semver') continue;
    if (
      !best ||
      (best.v.scheme === 'semver' &&
        (v.major > best.v.major ||
          (v.major === best.v.major && v.minor > best.v.minor)))
    ) {
      best = { cp, v };
    }
  }
  if (!best || !now || now.scheme !== 'semver') return best?.cp;
  return best.v.scheme === 'semver' &&
    (best.v.major > now.major ||
      (best.v.major === now.major && best.v.minor > now.minor))
    ? best.cp
    : undefined;
}

function remediationFor(
  w: EntityWorkload,
  provider: 'istio' | 'linkerd',
  judged: Judged[],
  snapshot: ClusterSnapshot | undefined,
  target: WorkloadFacts,
): string {
  const ns = target.namespace;
  const bad = judged.filter(j => j.verdict.status !== 'pass');
  const stale = (bad.length > 0 ? bad : judged).map(j => j.verdict.pod);
  const ahead = judged.some(j => /ahead|newer/.test(j.verdict.reason));
  const cp = judged.find(j => j.cp)?.cp;
  const lines = [`# ${workloadLabel(w)}`];
  if (ahead) {
    lines.push(
      provider === 'istio'
        ? `# The proxy is newer than istiod${
            cp ? ` ${cp.namespace}/${cp.name} (${cp.version ?? '?'})` : ''
          }: upgrade the control plane first (istioctl upgrade, or install the new revision), or pin the proxy to istiod's release with the pod annotation sidecar.istio.io/proxyImage: docker.io/istio/proxyv2:${
            cp?.version ?? '<istiod version>'
          }, then restart.`
        : `# The proxy is newer than the Linkerd control plane: upgrade the control plane first (linkerd upgrade | kubectl apply --prune -l linkerd.io/control-plane-ns=linkerd -f -), or pin config.linkerd.io/proxy-version: ${
            cp?.version ?? '<control-plane version>'
          } on the workload's pod template, then restart.`,
    );
  }
  if (provider === 'istio') {
    const newer = newerRevision(controlPlanesOf(snapshot), cp);
    if (newer?.revision) {
      lines.push(
        `# Move the namespace to the newer revision '${newer.revision}' (${
          newer.version ?? '?'
        }), then restart:`,
        `kubectl label namespace ${ns} istio.io/rev=${newer.revision} istio-injection- --overwrite`,
      );
    }
  }
  lines.push(...restartCommands(target, stale));
  lines.push(
    provider === 'istio'
      ? `istioctl proxy-status --namespace ${ns}   # then: istioctl analyze -n ${ns} (IST0158)`
      : `linkerd check --proxy --namespace ${ns}`,
  );
  return lines.join('\n');
}

function distinctVersions(judged: Judged[]): MeshVersion[] {
  const out: MeshVersion[] = [];
  for (const j of judged) {
    if (j.version && !out.some(v => sameRelease(v, j.version!)))
      out.push(j.version);
  }
  return out;
}

/** Judges the proxies of `target` (the workload itself, or its waypoint). */
function judgeProxies(
  ctx: EntityContext,
  w: EntityWorkload,
  target: WorkloadFacts,
  snapshot: ClusterSnapshot | undefined,
  label: string,
  dataPlane: string,
): Finding {
  const entries: Array<{ name: string; proxy: ProxyInfo; pod?: PodFacts }> =
    target.pods.flatMap(p =>
      p.proxy ? [{ name: p.name, proxy: p.proxy, pod: p }] : [],
    );
  if (entries.length === 0 && target.templateProxy) {
    entries.push({ name: '(pod template)', proxy: target.templateProxy });
  }
  const provider = entries[0]?.proxy.provider ?? 'istio';
  const isWaypoint = target !== w.workload;
  const judged = entries.map(e =>
    e.proxy.provider === 'linkerd'
      ? judgeLinkerd(e.name, e.proxy, w, snapshot)
      : judgeIstio(
          ctx,
          e.name,
          e.proxy,
          isWaypoint ? { ...w, workload: target } : w,
          snapshot,
          e.pod,
        ),
  );
  const pods = judged.map(j => j.verdict);
  const stalePods = judged
    .filter(j => {
      const cpv = j.cp ? cpVersionOf(j.cp) : undefined;
      return j.version && cpv && !sameRelease(j.version, cpv);
    })
    .map(j => j.verdict.pod);
  const failed = pods.filter(p => p.status === 'fail');
  const unknown = pods.filter(p => p.status === 'unknown');
  const versions = distinctVersions(judged);
  const base = { workload: label, dataPlane, pods, stalePods };
  if (failed.length > 0) {
    return {
      ...base,
      status: 'fail',
      message: `${label}: ${failed[0].reason} (${failed.length} of ${
        pods.length
      } pod(s): ${failed.map(p => p.pod).join(', ')})`,
      remediation: remediationFor(w, provider, judged, snapshot, target),
    };
  }
  if (versions.length > 1) {
    const counts = versions.map(
      v =>
        `${v.text} on ${
          judged.filter(j => j.version && sameRelease(j.version, v)).length
        } pod(s)`,
    );
    return {
      ...base,
      status: 'warn',
      message: `${label} runs mixed proxy versions (${counts.join(
        ', ',
      )}): a rollout left half done`,
      remediation: remediationFor(w, provider, judged, snapshot, target),
    };
  }
  if (unknown.length > 0) {
    return {
      ...base,
      status: 'unknown',
      message: `${label}: cannot judge the proxy version: ${unknown[0].reason}`,
    };
  }
  return {
    ...base,
    status: 'pass',
    message: `${label}: ${pods[0]?.reason ?? 'no proxy'}`,
  };
}

const AMBIENT_NA =
  'ambient pods run no proxy of their own: ztunnel is a node-level DaemonSet upgraded with the control plane, and no waypoint serves this workload';

function ambientFinding(
  ctx: EntityContext,
  w: EntityWorkload,
  snapshot: ClusterSnapshot | undefined,
): Finding {
  const label = workloadLabel(w);
  const waypoints = w.mesh.istio.waypoints;
  if (waypoints.length === 0) {
    return {
      workload: label,
      dataPlane: 'istio ambient',
      status: 'not-applicable',
      message: `${label}: ${AMBIENT_NA}`,
      pods: [],
      stalePods: [],
    };
  }
  // Only the waypoint runs an Envoy for this workload: say that it is what was compared.
  const compared = `only the waypoint's proxy was compared with istiod: ${label}'s own pods run no proxy, and ztunnel is a node-level DaemonSet that is not compared here`;
  const findings = waypoints.map((wp): Finding => {
    const gw = wp.gateway;
    const wpLabel = `waypoint ${gw.namespace}/${gw.name} (serving ${label})`;
    const base = {
      workload: wpLabel,
      dataPlane: 'istio ambient (waypoint)',
      waypoint: `${gw.namespace}/${gw.name}`,
      pods: [],
      stalePods: [],
    };
    if (!wp.gatewayFound) {
      return {
        ...base,
        status: 'unknown',
        message: `${wpLabel}: the Gateway ${gw.namespace}/${gw.name} that istio.io/use-waypoint names (on the ${wp.via}) was not found, so there is no waypoint proxy to compare`,
      };
    }
    const deployment = snapshot?.kubernetes.data?.workloads.find(
      x => x.namespace === gw.namespace && x.name === gw.name,
    );
    if (
      !deployment ||
      (!deployment.pods.some(p => p.proxy) && !deployment.templateProxy)
    ) {
      return {
        ...base,
        status: 'unknown',
        message: `${wpLabel}: the waypoint's Deployment or pods were not collected, so its proxy version is unknown`,
      };
    }
    const f = judgeProxies(
      ctx,
      w,
      deployment,
      snapshot,
      wpLabel,
      'istio ambient (waypoint)',
    );
    return {
      ...f,
      waypoint: base.waypoint,
      message: `${f.message} (${compared})`,
    };
  });
  return findings.reduce((a, b) =>
    worse(a.status, b.status) === a.status ? a : b,
  );
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const findings: Finding[] = [];
  for (const w of ctx.workloads) {
    const meshings = workloadMeshings(w);
    if (meshings.length === 0) continue;
    const snapshot = snapshotOf(ctx, w);
    const hasSidecar =
      w.workload.pods.some(p => p.proxy) || Boolean(w.workload.templateProxy);
    if (hasSidecar) {
      const provider = meshings.find(m => m.dataPlane === 'sidecar')?.provider;
      findings.push(
        judgeProxies(
          ctx,
          w,
          w.workload,
          snapshot,
          workloadLabel(w),
          `${provider ?? 'istio'} sidecar`,
        ),
      );
    } else if (meshings.some(m => m.dataPlane === 'ambient')) {
      findings.push(ambientFinding(ctx, w, snapshot));
    } else {
      // Meshed by intent only (no pod yet, no proxy in the template).
      findings.push({
        workload: workloadLabel(w),
        dataPlane: `${meshings[0].provider} ${meshings[0].dataPlane}`,
        status: 'unknown',
        message: `${workloadLabel(
          w,
        )}: no running pod and no proxy in the pod template, so there is no proxy version to compare yet`,
        pods: [],
        stalePods: [],
      });
    }
  }
  if (findings.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no pod runs a proxy or is captured by ambient (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.length },
    };
  }
  const status = findings
    .map(f => f.status)
    .reduce((a, b) => worse(a, b), 'not-applicable' as Status);
  const worst = findings.filter(f => f.status === status);
  const evidence = {
    workloads: findings.map(f => ({
      workload: f.workload,
      dataPlane: f.dataPlane,
      ...(f.waypoint
        ? {
            waypoint: f.waypoint,
            compared:
              'the waypoint proxy against istiod (ztunnel not compared)',
          }
        : {}),
      status: f.status,
      pods: f.pods,
      ...(f.stalePods.length > 0 ? { stalePods: f.stalePods } : {}),
    })),
  };
  const remediation = findings
    .filter(f => f.remediation && (f.status === 'fail' || f.status === 'warn'))
    .map(f => f.remediation)
    .join('\n\n');
  const more =
    worst.length > 1 ? ` (and ${worst.length - 1} more workload(s))` : '';
  let summary = `${worst[0].message}${more}.`;
  if (status === 'pass') {
    summary = `Proxies are within the supported skew of their control plane: ${worst
      .map(f => f.message)
      .join('; ')}.`;
  } else if (status === 'not-applicable') {
    summary = `Not applicable: ${worst[0].message}.`;
  }
  return {
    status,
    summary,
    evidence,
    ...(remediation ? { remediation } : {}),
  };
}

export const proxyVersionCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['upgrade.proxy-version'],
  requiredKinds: ['Pod', 'apps/Deployment'],
  evaluate,
};
