export function substituteRelativeTimes(text: string, nowMs: number): string;
export function renderManifests(
  dir: string,
  out: string,
  nowMs?: number,
): string;
