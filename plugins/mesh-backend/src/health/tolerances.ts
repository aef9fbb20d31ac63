import { z } from 'zod';

/**
 * Request-health tolerances as data, in Kiali's model (`health_config.rate`): for the
 * requests of one protocol in one direction, the share whose code matches `code` is
 * degraded from `degraded` percent and failing from `failure` percent. An unset
 * `degraded` means any share above zero is degraded. The schema validates
 * `mesh.health.tolerances`; the type is inferred from it.
 */
export const toleranceSchema = z
  .object({
    /** `5XX` (X = any digit), `-` (no response), or a regular expression. */
    code: z
      .string()
      .min(1)
      .refine(
        isValidCodePattern,
        'must be like `5XX`, `-`, or a regular expression',
      ),
    /** Percent; unset: any share above zero. */
    degraded: z.number().min(0).max(100).optional(),
    /** Percent. */
    failure: z.number().min(0).max(100),
    /** Regular expression over `http`, `grpc`. */
    protocol: z
      .string()
      .min(1)
      .refine(
        p => !patternError('protocol', p),
        'must be a short, simple regular expression',
      )
      .default('http|grpc'),
    /** Regular expression over `inbound`, `outbound`. */
    direction: z
      .string()
      .min(1)
      .refine(
        p => !patternError('direction', p),
        'must be a short, simple regular expression',
      )
      .default('.*'),
  })
  .strict()
  .refine(t => t.degraded === undefined || t.degraded <= t.failure, {
    message: '`degraded` must not be above `failure`',
  });

export type Tolerance = z.output<typeof toleranceSchema>;

function isValidCodePattern(code: string): boolean {
  if (patternError('code', code)) return false;
  try {
    codePattern(code);
    return true;
  } catch {
    return false;
  }
}

/** Long enough for any real tolerance; short enough to bound what a regex can cost. */
const MAX_PATTERN = 64;
/** A quantified group holding a quantifier, as in `(a+)+` or `(.*)*`: it can backtrack without end. */
const NESTED_QUANTIFIER = /\([^()]*[*+?}][^()]*\)\s*[*+?{]/;

/**
 * Why a pattern from config or an annotation is refused before it is compiled: patterns
 * run on the event loop for every entity on every run, so a costly one would stall the
 * backend.
 */
export function patternError(
  field: string,
  pattern: string,
): string | undefined {
  if (pattern.length > MAX_PATTERN)
    return `${field} is longer than ${MAX_PATTERN} characters`;
  if (NESTED_QUANTIFIER.test(pattern))
    return `${field} nests quantifiers (like (a+)+), which can backtrack without end`;
  return undefined;
}

/** Kiali's defaults (`AddHealthDefault`). */
export const DEFAULT_TOLERANCES: Tolerance[] = [
  { code: '5XX', failure: 10, protocol: 'http', direction: '.*' },
  { code: '4XX', degraded: 10, failure: 20, protocol: 'http', direction: '.*' },
  { code: '^[1-9]$|^1[0-6]$', failure: 10, protocol: 'grpc', direction: '.*' },
  { code: '-', failure: 10, protocol: 'http|grpc', direction: '.*' },
];

/** The annotation that overrides tolerances for one entity, in Kiali's syntax. */
export const ANNOTATION_HEALTH_RATE = 'servicemesh/health-rate';
/** Kiali's own annotation, honoured so a team configures tolerances once. */
export const ANNOTATION_KIALI_HEALTH_RATE = 'health.kiali.io/rate';

const patterns = new Map<string, RegExp>();

/** The code pattern as a regular expression: `5XX` → `^5\d\d$`, `-` → `^-$`. */
export function codePattern(code: string): RegExp {
  let re = patterns.get(code);
  if (!re) {
    if (/^[0-9X]+$/.test(code))
      re = new RegExp(`^${code.replace(/X/g, '\\d')}$`);
    else if (code === '-') re = /^-$/;
    else re = new RegExp(code);
    patterns.set(code, re);
  }
  return re;
}

const anchored = new Map<string, RegExp>();

/** True when `pattern` matches the whole of `value`. Compiled once per pattern. */
export function fullMatch(pattern: string, value: string): boolean {
  let re = anchored.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    anchored.set(pattern, re);
  }
  return re.test(value);
}

/**
 * Parses `code,degraded,failure,protocol,direction` entries separated by `;`, as
 * Kiali's `health.kiali.io/rate` annotation writes them, e.g.
 * `5XX,1,5,http,inbound;4XX,,30,http,.*`. Empty `degraded` is unset; empty protocol and
 * direction match every one.
 */
export function parseRateAnnotation(
  value: string,
): { tolerances: Tolerance[] } | { error: string } {
  const tolerances: Tolerance[] = [];
  for (const [i, entry] of value
    .split(';')
    .map(e => e.trim())
    .filter(Boolean)
    .entries()) {
    const [code, degraded, failure, protocol, direction] = entry
      .split(',')
      .map(p => p.trim());
    const where = `entry ${i + 1} ('${entry}')`;
    if (!code) return { error: `${where}: the code is empty` };
    const percent = (raw: string | undefined) =>
      raw === undefined || raw === '' ? undefined : Number(raw);
    const d = percent(degraded);
    const f = percent(failure);
    if (f === undefined || !(f >= 0 && f <= 100))
      return { error: `${where}: failure must be a percentage from 0 to 100` };
    if (d !== undefined && !(d >= 0 && d <= f))
      return {
        error: `${where}: degraded must be a percentage from 0 to the failure threshold`,
      };
    const refused =
      patternError('the code', code) ??
      (protocol ? patternError('the protocol', protocol) : undefined) ??
      (direction ? patternError('the direction', direction) : undefined);
    if (refused) return { error: `${where}: ${refused}` };
    try {
      codePattern(code);
      if (protocol) fullMatch(protocol, 'http');
      if (direction) fullMatch(direction, 'inbound');
    } catch (e) {
      return { error: `${where}: ${(e as Error).message}` };
    }
    tolerances.push({
      code,
      ...(d !== undefined ? { degraded: d } : {}),
      failure: f,
      protocol: protocol || '.*',
      direction: direction || '.*',
    });
  }
  if (tolerances.length === 0) return { error: 'no tolerance given' };
  return { tolerances };
}

/**
 * The tolerances for one entity: its annotation's entries first, then the configured
 * (or default) ones; for a given code, protocol and direction the first entry wins.
 */
export function tolerancesFor(
  annotations: Record<string, string>,
  configured: Tolerance[] = DEFAULT_TOLERANCES,
): { tolerances: Tolerance[]; error?: string } {
  const annotation = [
    ANNOTATION_HEALTH_RATE,
    ANNOTATION_KIALI_HEALTH_RATE,
  ].find(a => a in annotations);
  if (!annotation) return { tolerances: configured };
  const parsed = parseRateAnnotation(annotations[annotation]);
  if ('error' in parsed) {
    return {
      tolerances: configured,
      error: `The annotation ${annotation} is invalid: ${parsed.error}`,
    };
  }
  const seen = new Set<string>();
  const tolerances = [...parsed.tolerances, ...configured].filter(t => {
    const key = `${t.code}|${t.protocol}|${t.direction}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { tolerances };
}
