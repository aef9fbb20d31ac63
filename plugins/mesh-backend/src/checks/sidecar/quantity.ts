/**
 * Kubernetes resource quantities (`100m`, `0.5`, `128Mi`, `1G`, `1e3`) as numbers, so two
 * spellings of the same value compare equal. Undefined for anything the API would refuse.
 */
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

export function parseQuantity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m =
    /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  const n = Number(m[1]) * SUFFIX[m[2] ?? ''];
  return Number.isFinite(n) ? n : undefined;
}

/** True when both parse and denote the same amount (`1000m` and `1`). */
export function sameQuantity(a: string | undefined, b: string | undefined) {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && Math.abs(x - y) < 1e-9;
}
