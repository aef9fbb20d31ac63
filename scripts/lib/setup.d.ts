export const ROOT: string;
export function ensureNpmDependencies(): void;
export function ensureDebianPackages(
  wanted: { pkg: string; binary: string }[],
): string[];
export function ensurePostgres(): Promise<boolean>;
export function canConnect(
  host: string,
  port: number,
  timeoutMs?: number,
): Promise<boolean>;
export function which(binary: string): string | undefined;
export function log(line: string): void;
