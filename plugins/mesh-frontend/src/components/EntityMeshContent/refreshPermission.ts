import { usePermission } from '@backstage/plugin-permission-react';
import { meshRefreshPermission } from '@mesh-readiness/plugin-mesh-common';

/** Whether the user may collect now: still asking, allowed, or denied. */
export type RefreshAccess = 'pending' | 'allowed' | 'denied';

/** Why the refresh buttons are disabled for a user without the permission. */
export const REFRESH_DENIED_REASON = `You may not collect reports on demand: that needs the ${meshRefreshPermission.name} permission. Reports are still collected on a schedule.`;

/**
 * Asks the permission framework whether the user may run a collection now
 * (`mesh.refresh`, the permission `POST /v1/refresh` enforces).
 */
export function useRefreshAccess(): RefreshAccess {
  const { loading, allowed } = usePermission({
    permission: meshRefreshPermission,
  });
  if (loading) return 'pending';
  return allowed ? 'allowed' : 'denied';
}
