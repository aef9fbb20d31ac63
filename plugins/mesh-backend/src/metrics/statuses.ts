import {
  CheckStatus,
  ReadinessLevel,
} from '@mesh-readiness/plugin-mesh-common';

// Records keyed by the union types: a status or level added to mesh-common without
// being added here fails the build, instead of silently missing from the export.
const STATUSES: Record<CheckStatus, true> = {
  pass: true,
  warn: true,
  fail: true,
  unknown: true,
  'not-applicable': true,
  waived: true,
};
const LEVELS: Record<ReadinessLevel, true> = {
  'production-ready': true,
  'almost-ready': true,
  'not-ready': true,
  'not-meshed': true,
  unmapped: true,
};

/** Every status a check can show; one-hot series are emitted over this fixed set. */
export const CHECK_STATUSES = Object.keys(STATUSES) as CheckStatus[];

/** Every readiness level, so `mesh_entities{level}` has a series (0 or more) per level. */
export const READINESS_LEVELS = Object.keys(LEVELS) as ReadinessLevel[];

export const isCheckStatus = (s: string | undefined): s is CheckStatus =>
  s !== undefined && Object.prototype.hasOwnProperty.call(STATUSES, s);
