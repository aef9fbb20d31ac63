/**
 * A namespace labelled both `istio-injection` and `istio.io/rev` (IST0123). Istio's
 * webhooks let `istio-injection` win, so the revision label is silently ignored: a
 * canary upgrade by relabelling never takes effect, and with `istio-injection=disabled`
 * nothing is injected at all. It matters before any pod is meshed, since it decides
 * what the next pod gets.
 */
import { Finding, RuleInput } from './types';

export function injectionRules(input: RuleInput): Finding[] {
  const ns = input.w.namespace;
  const legacy = ns?.labels['istio-injection'];
  const rev = ns?.labels['istio.io/rev'];
  if (!ns || legacy === undefined || rev === undefined) return [];
  const effect =
    legacy === 'enabled'
      ? `pods are injected by the default revision, not by '${rev}'`
      : `istio-injection=${legacy} wins, so no pod is injected although istio.io/rev=${rev} asks for revision '${rev}'`;
  return [
    {
      code: 'IST0123',
      level: 'warning',
      object: { kind: 'Namespace', name: ns.name },
      message: `Namespace ${ns.name} has both istio-injection=${legacy} and istio.io/rev=${rev}: ${effect}.`,
      fix: [
        `# Keep one label. To use revision '${rev}':`,
        `kubectl label namespace ${ns.name} istio-injection-`,
        '# or, to stay on the default revision:',
        `kubectl label namespace ${ns.name} istio.io/rev-`,
        `# then restart the workloads so new pods get the intended proxy:`,
        `kubectl rollout restart deployment -n ${ns.name}`,
      ].join('\n'),
      details: { 'istio-injection': legacy, 'istio.io/rev': rev },
    },
  ];
}
