/**
 * Reading a check's evidence for what the UI shows apart: the waiver (who, when, why,
 * until) and the attestation (who, when, note, link, expiry). Evidence is untyped JSON,
 * so every field is checked before it is shown.
 */
import {
  CHECK_DEFINITIONS,
  CheckResult,
  CheckWaiver,
  ChecklistItemId,
} from '@mesh-readiness/plugin-mesh-common';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v : undefined;

export function waiverOf(check: CheckResult): CheckWaiver | undefined {
  if (check.status !== 'waived') return undefined;
  const w = check.evidence?.waived;
  if (!isObject(w) || !str(w.reason)) return undefined;
  return {
    status: (str(w.status) ?? 'unknown') as CheckWaiver['status'],
    reason: str(w.reason)!,
    ...(str(w.until) ? { until: str(w.until) } : {}),
    ...(str(w.by) ? { by: str(w.by) } : {}),
    ...(str(w.at) ? { at: str(w.at) } : {}),
    ...(w.origin === 'api' || w.origin === 'annotation'
      ? { origin: w.origin }
      : {}),
  };
}

export interface AttestationInfo {
  id?: string;
  by: string;
  at: string;
  note: string;
  link?: string;
  expiresAt: string;
  /** The group or system it was made for, when not the entity itself. */
  madeFor?: string;
  expired: boolean;
}

function readAttestation(
  v: unknown,
  expired: boolean,
): AttestationInfo | undefined {
  if (!isObject(v)) return undefined;
  const by = str(v.attestedBy);
  const at = str(v.attestedAt);
  const expiresAt = str(v.expiresAt);
  if (!by || !at || !expiresAt) return undefined;
  return {
    ...(str(v.id) ? { id: str(v.id) } : {}),
    by,
    at,
    note: str(v.note) ?? '',
    ...(str(v.link) ? { link: str(v.link) } : {}),
    expiresAt,
    ...(str(v.madeFor) ? { madeFor: str(v.madeFor) } : {}),
    expired,
  };
}

/**
 * The attestation a check reports: `evidence.attestation` (runbook, on-call) or
 * `evidence.rotationTested` (certificates) when valid, `evidence.expired` or
 * `rotationTested.expired` when it lapsed.
 */
export function attestationOf(check: CheckResult): AttestationInfo | undefined {
  const e = check.evidence ?? {};
  const rotation = e.rotationTested;
  return (
    readAttestation(e.attestation, false) ??
    readAttestation(rotation, false) ??
    readAttestation(e.expired, true) ??
    (isObject(rotation) ? readAttestation(rotation.expired, true) : undefined)
  );
}

/** The checklist line a check covers: from the report, else from the catalog. */
export function checklistItemOf(
  check: CheckResult,
): ChecklistItemId | undefined {
  if (check.checklistItem) return check.checklistItem;
  return Object.prototype.hasOwnProperty.call(CHECK_DEFINITIONS, check.id)
    ? CHECK_DEFINITIONS[check.id as keyof typeof CHECK_DEFINITIONS]
        .checklistItem
    : undefined;
}

/** `2026-01-02T10:00:00Z` → `2026-01-02`; anything else as it is. */
export function dayOf(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}
