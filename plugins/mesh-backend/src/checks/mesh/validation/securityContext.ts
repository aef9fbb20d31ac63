/**
 * An application container running as UID 1337 (IST0144): the sidecar's iptables rules
 * exempt that UID, which is the proxy's own, so the app's outbound traffic bypasses the
 * proxy (no mTLS, no policy, no metrics). Sidecar mode only: ambient and Linkerd do not
 * reserve 1337.
 */
import { ContainerFacts } from '@mesh-readiness/plugin-mesh-node';
import { Finding, hasIstioSidecar, RuleInput } from './types';

export const ISTIO_PROXY_UID = 1337;

export function securityContextRules(input: RuleInput): Finding[] {
  const { w } = input;
  if (!hasIstioSidecar(w)) return [];
  const { kind, namespace, name } = w.workload;
  const containers: ContainerFacts[] =
    w.workload.pods.length > 0
      ? w.workload.pods.flatMap(p => p.containers)
      : w.workload.templateContainers;
  const offending = [
    ...new Set(
      containers.filter(c => c.runAsUser === ISTIO_PROXY_UID).map(c => c.name),
    ),
  ];
  if (offending.length === 0) return [];
  return [
    {
      code: 'IST0144',
      level: 'warning',
      object: { kind, namespace, name },
      message: `${kind} ${namespace}/${name}: container(s) ${offending.join(
        ', ',
      )} run as UID ${ISTIO_PROXY_UID}, the UID reserved for the Istio proxy: their outbound traffic bypasses the sidecar.`,
      fix: [
        `# Run the application as another UID (securityContext.runAsUser), then roll out:`,
        `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type strategic -p '{"spec":{"template":{"spec":{"containers":[${offending
          .map(c => `{"name":"${c}","securityContext":{"runAsUser":1000}}`)
          .join(',')}]}}}}'`,
      ].join('\n'),
      details: { containers: offending, uid: ISTIO_PROXY_UID },
    },
  ];
}
