/**
 * Ambient and sidecar modes mixed up (Kiali's ambient workload validations, KIA1311–1316;
 * the code of each follows the order of Kiali's ambient workload checker [inferred],
 * KIA1317, L7 authorization without a waypoint, is security.authorization's):
 * - KIA1311: the namespace asks for both sidecar injection and ambient capture;
 * - KIA1312: a waypoint is named for a workload that is not in ambient;
 * - KIA1313: the waypoint named does not exist;
 * - KIA1314: a pod runs a sidecar and is also redirected to ztunnel (captured twice);
 * - KIA1315: a pod runs a sidecar but is labelled for ambient;
 * - KIA1316: a sidecar workload in an ambient namespace.
 */
import { Finding, RuleInput } from './types';

const MODE = 'istio.io/dataplane-mode';

export function ambientRules(input: RuleInput): Finding[] {
  const { w } = input;
  const ns = w.namespace;
  const { namespace, name, kind } = w.workload;
  const workloadRef = { kind, namespace, name };
  const pods = w.workload.pods;
  const withSidecar = pods.filter(p => p.proxy?.provider === 'istio');
  const nsAmbient = ns?.labels[MODE] === 'ambient';
  const nsSidecar =
    ns?.labels['istio-injection'] === 'enabled' ||
    (ns?.labels['istio.io/rev'] !== undefined &&
      ns?.labels['istio-injection'] !== 'disabled');
  const findings: Finding[] = [];
  const restart = `kubectl rollout restart ${kind.toLowerCase()}/${name} -n ${namespace}`;

  if (ns && nsAmbient && nsSidecar) {
    findings.push({
      code: 'KIA1311',
      level: 'warning',
      object: { kind: 'Namespace', name: ns.name },
      message: `Namespace ${ns.name} asks for both sidecar injection and ambient capture (${MODE}=ambient): sidecar injection wins and its pods are not in ambient.`,
      fix: [
        '# Choose one data plane for the namespace. Ambient:',
        `kubectl label namespace ${ns.name} istio-injection- istio.io/rev-`,
        restart,
        '# or sidecars:',
        `kubectl label namespace ${ns.name} ${MODE}-`,
      ].join('\n'),
    });
  }

  const captured = pods.some(p => p.ambient);
  for (const use of w.mesh.istio.waypoints) {
    const gw = `${use.gateway.namespace}/${use.gateway.name}`;
    const from =
      use.via === 'service'
        ? `Service ${namespace}/${use.service}`
        : `the ${use.via}`;
    if (pods.length > 0 && !captured) {
      findings.push({
        code: 'KIA1312',
        level: 'warning',
        object: workloadRef,
        message: `${from} names waypoint ${gw} (istio.io/use-waypoint), but ${kind} ${namespace}/${name} is not in ambient: the waypoint never sees its traffic.`,
        fix: [
          `# Enrol the workload in ambient (its namespace: ${namespace}), or drop the waypoint label:`,
          `kubectl label namespace ${namespace} ${MODE}=ambient`,
        ].join('\n'),
      });
    }
    if (!use.gatewayFound) {
      findings.push({
        code: 'KIA1313',
        level: 'error',
        object: workloadRef,
        message: `${from} names waypoint ${gw} (istio.io/use-waypoint), which does not exist: traffic that needs it is not handled.`,
        fix: [
          `# Deploy the waypoint:`,
          `istioctl waypoint apply -n ${use.gateway.namespace} --name ${use.gateway.name}`,
          '# or correct the label to name an existing waypoint:',
          `kubectl get gateways.gateway.networking.k8s.io -A -l istio.io/waypoint-for`,
        ].join('\n'),
      });
    }
  }

  const double = withSidecar.filter(p => p.ambient);
  if (double.length > 0) {
    findings.push({
      code: 'KIA1314',
      level: 'error',
      object: workloadRef,
      message: `${
        double.length
      } pod(s) of ${kind} ${namespace}/${name} run an Istio sidecar and are also redirected to ztunnel (ambient.istio.io/redirection=enabled): their traffic is captured twice (${double
        .slice(0, 3)
        .map(p => p.name)
        .join(', ')}).`,
      fix: [
        '# Pick one data plane. For ambient, stop injecting the sidecar:',
        `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type merge -p '{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"false"}}}}}'`,
        '# For sidecars, take the pods out of ambient:',
        `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type merge -p '{"spec":{"template":{"metadata":{"labels":{"${MODE}":"none"}}}}}'`,
      ].join('\n'),
    });
  }

  const labelledAmbient = withSidecar.filter(p => p.labels[MODE] === 'ambient');
  if (labelledAmbient.length > 0) {
    findings.push({
      code: 'KIA1315',
      level: 'warning',
      object: workloadRef,
      message: `Pods of ${kind} ${namespace}/${name} are labelled ${MODE}=ambient but run an Istio sidecar: the sidecar wins and they are not in ambient.`,
      fix: [
        '# For ambient, stop injecting the sidecar:',
        `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type merge -p '{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"false"}}}}}'`,
        '# or, to keep the sidecar, remove the ambient label from the pod template.',
      ].join('\n'),
    });
  }

  const optedOut = (p: { labels: Record<string, string> }) =>
    p.labels[MODE] === 'none';
  const inAmbientNs = withSidecar.filter(p => !optedOut(p));
  if (ns && nsAmbient && inAmbientNs.length > 0) {
    findings.push({
      code: 'KIA1316',
      level: 'warning',
      object: workloadRef,
      message: `${kind} ${namespace}/${name} runs Istio sidecars in namespace ${ns.name}, which is ambient (${MODE}=ambient): its pods stay out of ambient, unlike the rest of the namespace.`,
      fix: [
        '# To move it to ambient, stop injecting the sidecar and restart:',
        `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type merge -p '{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"false"}}}}}'`,
        `# To keep the sidecar on purpose, say so on the pods: ${MODE}=none`,
      ].join('\n'),
    });
  }
  return findings;
}
