/**
 * `operations.on-call`: the entity's on-call people are trained to debug the proxies
 * (istioctl proxy-config, linkerd viz). A person attests it, usually once for the team
 * (the owner group), which covers every entity the team owns.
 */
import {
  CHECK_DEFINITIONS,
  CHECK_IDS,
} from '@mesh-readiness/plugin-mesh-common';
import { EntityContext, MeshCheck } from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { evaluateAttested } from './attested';

/** The template in this repository the remediation points to. */
export const ON_CALL_TEMPLATE = 'docs/runbooks/on-call-proxy-debugging.md';

function evaluate(ctx: EntityContext) {
  return evaluateAttested(ctx, {
    checkId: CHECK_IDS.onCall,
    subject: 'on-call training in proxy debugging',
    template: ON_CALL_TEMPLATE,
    what: "Train the on-call rotation on proxy debugging (istioctl proxy-config, linkerd viz tap/stat, linkerd diagnostics proxy-metrics) and attest it, best for the owner group: it covers the team's entities.",
    meshed: ctx.workloads.some(w => workloadMeshings(w).length > 0),
  });
}

export const onCallCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['operations.on-call'],
  evaluate,
};
