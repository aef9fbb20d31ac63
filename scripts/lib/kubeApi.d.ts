export const RESOURCES: Record<string, Record<string, string>>;
export function startFixtureKubeApi(options: {
  objects: any[];
  pageSizeCap?: number;
  forbidden?: string[];
  failing?: string[];
  flaky?: Record<string, number[]>;
  flakyCode?: number;
  delayMs?: number | ((path: string) => number);
  token?: string;
  installedGroups?: string[];
  servedVersions?: Record<string, string[]>;
  expireContinueOnce?: boolean;
}): Promise<{
  url: string;
  requests: string[];
  readonly maxInFlight: number;
  stop: () => Promise<void>;
}>;
