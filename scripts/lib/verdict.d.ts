export function judgeRun(
  summary: unknown,
  options: { root: string; filtered: boolean; allowed: Record<string, string> },
): {
  passed: number;
  failed: number;
  skipped: number;
  problems: string[];
  line: string;
};
