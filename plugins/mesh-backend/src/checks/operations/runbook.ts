/**
 * `operations.runbook`: an upgrade runbook with a rolling-restart plan exists for the
 * entity. No machine can see that: a person attests it (POST /v1/attestations), for the
 * entity, its owner group or its system.
 */
import {
  CHECK_DEFINITIONS,
  CHECK_IDS,
} from '@mesh-readiness/plugin-mesh-common';
import { EntityContext, MeshCheck } from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { evaluateAttested } from './attested';

/** The template in this repository the remediation points to. */
export const UPGRADE_RUNBOOK_TEMPLATE = 'docs/runbooks/mesh-upgrade.md';

function evaluate(ctx: EntityContext) {
  return evaluateAttested(ctx, {
    checkId: CHECK_IDS.runbook,
    subject: 'an upgrade runbook with a rolling-restart plan',
    template: UPGRADE_RUNBOOK_TEMPLATE,
    what: 'Write the mesh upgrade runbook (control plane first, then the data plane with rolling restarts behind PDBs, revisions and --prune, pinned proxies) and attest it.',
    meshed: ctx.workloads.some(w => workloadMeshings(w).length > 0),
  });
}

export const runbookCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['operations.runbook'],
  evaluate,
};
