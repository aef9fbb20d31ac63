/**
 * Mesh version strings, parsed and compared by the skew rules of each mesh
 * (mesh-signals.md §6):
 * - Istio: the control plane may be one minor version ahead of the data plane, never
 *   behind ("the data plane cannot be ahead of control plane").
 * - Linkerd: a skew of one major series (2.13 proxies under 2.14) is supported, more is
 *   not, and the data plane is never ahead. Edge releases (`edge-YY.M.N`) are not semver:
 *   they are compared by date, and a proxy at most EDGE_WINDOW_MONTHS older than the
 *   control plane counts as within one series (Linkerd ships a stable series about every
 *   4 to 6 months: 2.16 = edge-24.8.2, 2.17 = edge-24.11.8, 2.18 = edge-25.4.4).
 */

/** How far (in months) an edge proxy may trail an edge control plane. */
export const EDGE_WINDOW_MONTHS = 6;

export type MeshVersion =
  | {
      scheme: 'semver';
      /** `stable`, `enterprise` (Linkerd); absent for Istio's plain numbers. */
      channel?: string;
      major: number;
      minor: number;
      patch?: number;
      /** What follows `major.minor[.patch]`: `alpha.0a1b2c`, `distroless`, … */
      suffix?: string;
      text: string;
    }
  | {
      scheme: 'edge';
      year: number;
      month: number;
      build: number;
      text: string;
    };

/**
 * A version as a tag, annotation or label writes it: `1.22.3`, `1.22-alpha.abc`,
 * `1.22.3-distroless`, `stable-2.14.10`, `enterprise-2.15.4`, `edge-24.5.1`, `v2.14.1`.
 * Undefined for anything else (`latest`, a digest, a revision name).
 */
export function parseVersion(
  text: string | undefined,
): MeshVersion | undefined {
  if (!text) return undefined;
  const value = text.trim();
  const edge = /^edge-(\d{2})\.(\d{1,2})\.(\d+)/.exec(value);
  if (edge) {
    const month = Number(edge[2]);
    if (month < 1 || month > 12) return undefined;
    return {
      scheme: 'edge',
      year: 2000 + Number(edge[1]),
      month,
      build: Number(edge[3]),
      text: value,
    };
  }
  const m =
    /^(?:(stable|enterprise|version)-)?v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+_.](.+))?$/.exec(
      value,
    );
  if (!m) return undefined;
  return {
    scheme: 'semver',
    ...(m[1] ? { channel: m[1] === 'version' ? 'stable' : m[1] } : {}),
    major: Number(m[2]),
    minor: Number(m[3]),
    ...(m[4] !== undefined ? { patch: Number(m[4]) } : {}),
    ...(m[5] ? { suffix: m[5] } : {}),
    text: value,
  };
}

/**
 * The version an Istio revision name spells (`1-22-3`, `1-22`, `1-22-3-canary`), the
 * convention of `istioctl install --revision`; undefined for names like `canary`.
 */
export function versionOfRevision(
  revision: string | undefined,
): MeshVersion | undefined {
  const m = /^(\d+)-(\d+)(?:-(\d+))?(?:-.+)?$/.exec(revision ?? '');
  if (!m) return undefined;
  return {
    scheme: 'semver',
    major: Number(m[1]),
    minor: Number(m[2]),
    ...(m[3] !== undefined ? { patch: Number(m[3]) } : {}),
    text: revision!,
  };
}

/**
 * The tag of an image reference, also when a digest follows it
 * (`proxyv2:1.22.3@sha256:…`); undefined when the image is pinned by digest only or
 * has no tag (a registry port is not a tag).
 */
export function imageTagOf(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const name = image.split('@')[0];
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > lastSlash ? name.slice(colon + 1) || undefined : undefined;
}

/** True when the image is pinned by digest and carries no tag. */
export function digestOnly(image: string | undefined): boolean {
  return Boolean(image?.includes('@')) && imageTagOf(image) === undefined;
}

export interface SkewVerdict {
  status: 'pass' | 'fail' | 'unknown';
  /** Why, in words a user reads: "2 minor versions behind istiod 1.24". */
  reason: string;
}

/** A short `major.minor` form for messages. */
export function seriesOf(v: MeshVersion): string {
  return v.scheme === 'edge'
    ? v.text
    : `${v.channel ? `${v.channel}-` : ''}${v.major}.${v.minor}`;
}

/** Istio: proxy minor ∈ {cp minor, cp minor − 1}. */
export function istioSkew(proxy: MeshVersion, cp: MeshVersion): SkewVerdict {
  if (proxy.scheme !== 'semver' || cp.scheme !== 'semver') {
    return {
      status: 'unknown',
      reason: `cannot compare ${proxy.text} with ${cp.text}`,
    };
  }
  if (proxy.major !== cp.major) {
    return {
      status: 'fail',
      reason: `proxy ${proxy.text} and control plane ${cp.text} are of different major versions`,
    };
  }
  const behind = cp.minor - proxy.minor;
  if (behind < 0) {
    return {
      status: 'fail',
      reason: `proxy ${proxy.text} is ahead of control plane ${cp.text}: the data plane may never be ahead`,
    };
  }
  if (behind > 1) {
    return {
      status: 'fail',
      reason: `proxy ${proxy.text} is ${behind} minor versions behind control plane ${cp.text} (at most 1 is supported)`,
    };
  }
  return {
    status: 'pass',
    reason:
      behind === 0
        ? `proxy ${proxy.text} matches control plane ${cp.text}`
        : `proxy ${proxy.text} is 1 minor version behind control plane ${cp.text}, which is supported`,
  };
}

function monthsOf(v: { year: number; month: number }): number {
  return v.year * 12 + v.month - 1;
}

/** Linkerd: at most one series behind, never ahead; edge releases by date. */
export function linkerdSkew(proxy: MeshVersion, cp: MeshVersion): SkewVerdict {
  if (proxy.scheme === 'edge' && cp.scheme === 'edge') {
    const months = monthsOf(cp) - monthsOf(proxy);
    if (months < 0 || (months === 0 && proxy.build > cp.build)) {
      return {
        status: 'fail',
        reason: `proxy ${proxy.text} is newer than control plane ${cp.text}: upgrade the control plane first`,
      };
    }
    if (months > EDGE_WINDOW_MONTHS) {
      return {
        status: 'fail',
        reason: `proxy ${proxy.text} is ${months} months older than control plane ${cp.text} (edge releases more than ${EDGE_WINDOW_MONTHS} months apart are more than one series apart)`,
      };
    }
    return {
      status: 'pass',
      reason:
        months === 0 && proxy.build === cp.build
          ? `proxy ${proxy.text} matches control plane ${cp.text}`
          : `proxy ${proxy.text} is ${months} month(s) older than control plane ${cp.text}, within ${EDGE_WINDOW_MONTHS} months`,
    };
  }
  if (proxy.scheme !== 'semver' || cp.scheme !== 'semver') {
    return {
      status: 'unknown',
      reason: `cannot compare ${proxy.text} with ${cp.text}: edge releases are dated, stable releases numbered`,
    };
  }
  if (proxy.major !== cp.major) {
    return {
      status: 'fail',
      reason: `proxy ${proxy.text} and control plane ${cp.text} are of different major versions`,
    };
  }
  const behind = cp.minor - proxy.minor;
  if (behind < 0) {
    return {
      status: 'fail',
      reason: `proxy ${proxy.text} is ahead of control plane ${cp.text}: upgrade the control plane first`,
    };
  }
  if (behind > 1) {
    return {
      status: 'fail',
      reason: `proxy ${proxy.text} is ${behind} release series behind control plane ${cp.text} (at most 1 is supported)`,
    };
  }
  return {
    status: 'pass',
    reason:
      behind === 0
        ? `proxy ${proxy.text} is in the same series as control plane ${cp.text}`
        : `proxy ${proxy.text} is one series behind control plane ${cp.text}, which is supported`,
  };
}

/** The same release: equal text, or equal numbers up to the patch. */
export function sameRelease(a: MeshVersion, b: MeshVersion): boolean {
  if (a.scheme === 'edge' && b.scheme === 'edge') {
    return a.year === b.year && a.month === b.month && a.build === b.build;
  }
  if (a.scheme === 'semver' && b.scheme === 'semver') {
    return (
      a.major === b.major &&
      a.minor === b.minor &&
      (a.patch ?? 0) === (b.patch ?? 0)
    );
  }
  return false;
}
