import {
  DataPlaneMode,
  MeshProvider,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';

/** Shown in place of a figure the backend could not compute. */
export const NO_VALUE = '—';

const PROVIDER_LABELS: Record<MeshProvider, string> = {
  istio: 'Istio',
  linkerd: 'Linkerd',
  none: 'none',
  unknown: 'unknown',
};

export function formatProvider(provider: MeshProvider): string {
  return PROVIDER_LABELS[provider] ?? String(provider);
}

export function formatDataPlane(dataPlane: DataPlaneMode): string {
  return String(dataPlane);
}

/**
 * The data plane's badge, which says how the proxies run and so which commands and
 * checks apply: `Istio sidecar`, `Istio ambient`, `Istio sidecar + ambient`, `Linkerd`.
 * Undefined when nothing is meshed or the mesh is unknown.
 */
export function dataPlaneBadge(mesh: {
  provider: MeshProvider;
  dataPlane: DataPlaneMode;
}): string | undefined {
  if (mesh.provider === 'linkerd') return 'Linkerd';
  if (mesh.provider !== 'istio') return undefined;
  if (mesh.dataPlane === 'sidecar') return 'Istio sidecar';
  if (mesh.dataPlane === 'ambient') return 'Istio ambient';
  if (mesh.dataPlane === 'mixed') return 'Istio sidecar + ambient';
  return undefined;
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** e.g. `12.3 req/s`; two decimals below 10 req/s so that low traffic still shows. */
export function formatRps(value: number | null | undefined): string {
  if (!isNumber(value)) return NO_VALUE;
  return `${value.toFixed(value < 10 ? 2 : 1)} req/s`;
}

/** A 0..1 ratio as a percentage, e.g. `99.20%`. */
export function formatPercent(value: number | null | undefined): string {
  if (!isNumber(value)) return NO_VALUE;
  return `${(value * 100).toFixed(2)}%`;
}

/** e.g. `45.1 ms`; two decimals below 1 ms. */
export function formatMs(value: number | null | undefined): string {
  if (!isNumber(value)) return NO_VALUE;
  return `${value.toFixed(value < 1 ? 2 : 1)} ms`;
}

export function meshedPods(report: MeshReport): {
  pods: number;
  meshed: number;
} {
  return report.workloads.reduce(
    (acc, w) => ({
      pods: acc.pods + (w.pods ?? 0),
      meshed: acc.meshed + (w.meshedPods ?? 0),
    }),
    { pods: 0, meshed: 0 },
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "2 minutes ago", "in 1 hour", "just now"; the ISO string itself when unparsable. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return rtf.format(Math.round(seconds / size), unit);
    }
  }
  // 45..59 seconds
  return rtf.format(seconds < 0 ? -1 : 1, 'minute');
}
