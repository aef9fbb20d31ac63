/**
 * What the attestations of an entity say about one check: the checks a person answers
 * (`operations.runbook`, `operations.on-call`, the rotation part of
 * `control-plane.certificates`) share this reading, so they word it the same way.
 */
import { Attestation } from '@mesh-readiness/plugin-mesh-common';
import { CheckOutcome, EntityContext } from '@mesh-readiness/plugin-mesh-node';

export type AttestationState =
  | { state: 'valid'; attestation: Attestation }
  | { state: 'expired'; attestation: Attestation }
  | { state: 'none' };

/**
 * The valid attestation for the check that was made last, else the one that lapsed
 * last, else none. Valid means it expires after the run's time (`attestationsAsOf`).
 */
export function attestationState(
  ctx: Pick<EntityContext, 'attestations' | 'attestationsAsOf'>,
  checkId: string,
): AttestationState {
  const asOf = Date.parse(ctx.attestationsAsOf);
  const mine = ctx.attestations.filter(a => a.checkId === checkId);
  const valid = mine
    .filter(a => Date.parse(a.expiresAt) > asOf)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (valid) return { state: 'valid', attestation: valid };
  const lapsed = [...mine].sort((a, b) =>
    b.expiresAt.localeCompare(a.expiresAt),
  )[0];
  return lapsed ? { state: 'expired', attestation: lapsed } : { state: 'none' };
}

/** The day an attestation lapses, as summaries name it. */
export const dayOf = (iso: string) => iso.slice(0, 10);

/** Who, when, what, where and until when: the evidence of an attestation. */
export function attestationEvidence(
  a: Attestation,
  entityRef: string,
): Record<string, unknown> {
  return {
    id: a.id,
    attestedBy: a.createdBy,
    attestedAt: a.createdAt,
    note: a.note,
    ...(a.link ? { link: a.link } : {}),
    expiresAt: a.expiresAt,
    // An attestation for the owner group or the system covers the entity.
    ...(a.entityRef.toLocaleLowerCase('en-US') !==
    entityRef.toLocaleLowerCase('en-US')
      ? { madeFor: a.entityRef }
      : {}),
  };
}

/** How to attest, filled in for this entity and check. */
export function howToAttest(
  entityRef: string,
  checkId: string,
  what: string,
  template: string,
): string {
  return [
    `# ${what}`,
    `# Start from the template ${template} in the mesh plugin's repository, then attest it`,
    '# (for this entity, or once for its owner group or system: it applies to their entities):',
    `curl -X POST "$BACKSTAGE/api/mesh/v1/attestations" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify({
      entityRef,
      checkId,
      note: '<what was done, by whom>',
      link: '<https://… the runbook or record>',
      expiresInDays: 180,
    })}'`,
  ].join('\n');
}

/**
 * A check answered by attestation alone: pass while one is valid, fail once it lapsed
 * or when there is none, not-applicable when the entity is not in the mesh.
 */
export function evaluateAttested(
  ctx: EntityContext,
  options: {
    checkId: string;
    /** What the attestation vouches for, e.g. "an upgrade runbook". */
    subject: string;
    /** The template under docs/runbooks/. */
    template: string;
    /** What to do and attest, as the first line of the remediation. */
    what: string;
    meshed: boolean;
  },
): CheckOutcome {
  const { checkId, subject, template, what } = options;
  if (!options.meshed) {
    return {
      status: 'not-applicable',
      summary: `Not in the mesh: no pod runs a proxy or is captured by ambient, so ${subject} for the mesh does not apply yet (mesh.enrollment judges enrollment).`,
      evidence: { workloads: ctx.workloads.length },
    };
  }
  const found = attestationState(ctx, checkId);
  const remediation = howToAttest(ctx.entityRef, checkId, what, template);
  if (found.state === 'valid') {
    const a = found.attestation;
    return {
      status: 'pass',
      summary: `Attested by ${a.createdBy} on ${dayOf(a.createdAt)}: ${
        a.note
      } (valid until ${dayOf(a.expiresAt)}).`,
      evidence: { attestation: attestationEvidence(a, ctx.entityRef) },
    };
  }
  if (found.state === 'expired') {
    const a = found.attestation;
    return {
      status: 'fail',
      summary: `The attestation of ${subject} expired on ${dayOf(
        a.expiresAt,
      )} (made by ${a.createdBy} on ${dayOf(a.createdAt)}); attest it again.`,
      evidence: {
        expired: attestationEvidence(a, ctx.entityRef),
        template,
      },
      remediation,
    };
  }
  return {
    status: 'fail',
    summary: `No one has attested ${subject} for this entity, its owner or its system.`,
    evidence: { attestation: null, template },
    remediation,
  };
}
