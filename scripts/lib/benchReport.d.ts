export function ruleServedCell(
  fetch: { rules?: number } | undefined,
  ruleEntries: number | undefined,
): string;
