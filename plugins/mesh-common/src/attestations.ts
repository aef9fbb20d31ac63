import { CHECK_DEFINITIONS } from './checks';

/**
 * The checks a person answers (`attested: true` in the catalog): the only ids
 * `POST /v1/attestations` accepts.
 */
export const ATTESTABLE_CHECK_IDS: readonly string[] = Object.values(
  CHECK_DEFINITIONS,
)
  .filter(d => d.attested)
  .map(d => d.id);

/** Bounds of an attestation, shared by the API's validation and the UI's form. */
export const ATTESTATION_LIMITS = {
  noteMaxLength: 2000,
  linkMaxLength: 2048,
  minDays: 1,
  maxDays: 365,
} as const;

/**
 * Bounds of a waiver made through the API, shared by the API's validation and the UI's
 * form: as long as an attestation's note, a reason is a sentence or two, not a document.
 */
export const WAIVER_LIMITS = {
  reasonMaxLength: 2000,
} as const;
