import { usePermission } from '@backstage/plugin-permission-react';
import { ResponseError } from '@backstage/errors';
import {
  ATTESTABLE_CHECK_IDS,
  meshAttestationCreatePermission,
  meshWaiverManagePermission,
} from '@mesh-readiness/plugin-mesh-common';

/** What the signed-in user may do on this entity's checks. */
export interface MeshActions {
  /** Attest and withdraw attestations (a resource permission on the entity). */
  canAttest: boolean;
  /** Waive checks and withdraw waivers. */
  canWaive: boolean;
}

/**
 * Asks the permission framework once per entity. While the answer is pending, both are
 * false: the buttons appear when allowed rather than vanish when denied.
 */
export function useMeshActions(entityRef: string): MeshActions {
  const attest = usePermission({
    permission: meshAttestationCreatePermission,
    resourceRef: entityRef,
  });
  const waive = usePermission({ permission: meshWaiverManagePermission });
  return {
    canAttest: !attest.loading && attest.allowed,
    canWaive: !waive.loading && waive.allowed,
  };
}

export function isAttestable(checkId: string): boolean {
  return ATTESTABLE_CHECK_IDS.includes(checkId);
}

/** The backend's own message (Backstage's error body), else the error's. */
export function backendMessage(error: unknown): string {
  if (ResponseError.is(error as Error)) {
    const cause = (error as ResponseError).cause;
    if (cause?.message) return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Today as `YYYY-MM-DD` in UTC, the calendar the backend judges `until` by. */
export function todayUtc(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why an end day is not acceptable, or undefined when it is (empty means none). */
export function untilProblem(
  value: string,
  now: number = Date.now(),
): string | undefined {
  if (!value) return undefined;
  const m = ISO_DAY.exec(value);
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    return 'Enter a day as YYYY-MM-DD.';
  }
  if (value < todayUtc(now)) return 'The day must not be in the past.';
  return undefined;
}
