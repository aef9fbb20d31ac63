import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import { FETCHED_AT } from './fixtures';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An ISO time `days` before the fixtures' fetch time. */
export function daysAgo(days: number): string {
  return new Date(Date.parse(FETCHED_AT) - days * DAY_MS).toISOString();
}

/**
 * Gives the objects creation times, as the API server writes them: pods `podDays` ago,
 * workload objects (Deployments, StatefulSets, …) `workloadDays` ago.
 */
export function aged(
  objects: KubeObject[],
  o: { podDays?: number; workloadDays?: number },
): KubeObject[] {
  return objects.map(obj => {
    let days: number | undefined;
    if (obj.kind === 'Pod') days = o.podDays;
    else if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(obj.kind))
      days = o.workloadDays;
    if (days === undefined) return obj;
    return {
      ...obj,
      metadata: { ...obj.metadata, creationTimestamp: daysAgo(days) },
    } as KubeObject;
  });
}
