import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_WAIVE,
  ANNOTATION_WAIVE_REASON,
  ANNOTATION_WAIVE_UNTIL,
  CheckResult,
  CheckWaiver,
  ReportProblem,
  Waiver,
} from '@mesh-readiness/plugin-mesh-common';

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The end of a `YYYY-MM-DD` day in UTC, or undefined when it is no such day. */
export function endOfDay(value: string): Date | undefined {
  const m = ISO_DAY.exec(value);
  if (!m) return undefined;
  const day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  // Date.UTC rolls 2025-02-30 over into March: such a day does not exist.
  if (day.toISOString().slice(0, 10) !== value) return undefined;
  return new Date(day.getTime() + 24 * 60 * 60 * 1000);
}

/**
 * Applies the entity's waivers to its checks: those of its annotations, then those made
 * through the API (`POST /v1/waivers`, see applyApiWaivers).
 */
export function applyWaivers(
  entity: Entity,
  checks: CheckResult[],
  now: Date,
  apiWaivers: Waiver[] = [],
): { checks: CheckResult[]; problems: ReportProblem[] } {
  const annotated = applyAnnotationWaivers(entity, checks, now);
  return {
    checks: applyApiWaivers(annotated.checks, apiWaivers, now),
    problems: annotated.problems,
  };
}

/**
 * Applies the entity's waiver annotations to its checks. A waived check shows as
 * `waived`, its real status in `evidence.waived` with the reason and end date, so it
 * leaves the score but never reads as passed. What cannot be honoured is returned as a
 * problem rather than ignored: an id no check has, a waiver without a reason or with a
 * malformed date (then nothing is waived), and an expired waiver (the checks count
 * again, and say so in `evidence.waiverExpired`).
 */
function applyAnnotationWaivers(
  entity: Entity,
  checks: CheckResult[],
  now: Date,
): { checks: CheckResult[]; problems: ReportProblem[] } {
  const annotations = entity.metadata.annotations ?? {};
  const ids = [
    ...new Set(
      (annotations[ANNOTATION_WAIVE] ?? '')
        .split(',')
        .map(id => id.trim())
        .filter(Boolean),
    ),
  ];
  if (ids.length === 0) return { checks, problems: [] };

  const problems: ReportProblem[] = [];
  const known = new Set(checks.map(c => c.id));
  for (const id of ids.filter(i => !known.has(i))) {
    problems.push({
      annotation: ANNOTATION_WAIVE,
      message: `'${id}' is not the id of a check (GET /v1/checks lists them), so it waives nothing.`,
    });
  }
  const waivedIds = ids.filter(i => known.has(i));
  if (waivedIds.length === 0) return { checks, problems };

  const reason = annotations[ANNOTATION_WAIVE_REASON]?.trim();
  if (!reason) {
    problems.push({
      annotation: ANNOTATION_WAIVE_REASON,
      message: `The waiver of ${waivedIds.join(
        ', ',
      )} has no reason (${ANNOTATION_WAIVE_REASON}), so it is not applied: say why the checks do not apply.`,
    });
    return { checks, problems };
  }

  const until = annotations[ANNOTATION_WAIVE_UNTIL]?.trim() || undefined;
  const end = until === undefined ? undefined : endOfDay(until);
  if (until !== undefined && !end) {
    problems.push({
      annotation: ANNOTATION_WAIVE_UNTIL,
      message: `'${until}' is not a date as YYYY-MM-DD, so the waiver of ${waivedIds.join(
        ', ',
      )} is not applied.`,
    });
    return { checks, problems };
  }
  if (until && end && end <= now) {
    problems.push({
      annotation: ANNOTATION_WAIVE_UNTIL,
      message: `The waiver of ${waivedIds.join(
        ', ',
      )} expired on ${until}; the checks count again.`,
    });
    return {
      checks: checks.map(c =>
        waivedIds.includes(c.id)
          ? {
              ...c,
              evidence: {
                ...c.evidence,
                waiverExpired: { reason, until, origin: 'annotation' },
              },
            }
          : c,
      ),
      problems,
    };
  }

  return {
    checks: checks.map(c => {
      if (!waivedIds.includes(c.id) || c.status === 'waived') return c;
      const waived: CheckWaiver = {
        status: c.status,
        reason,
        ...(until ? { until } : {}),
        origin: 'annotation',
      };
      return {
        ...c,
        status: 'waived',
        summary: `Waived${
          until ? ` until ${until}` : ''
        }: ${reason}. Without the waiver: ${c.status}: ${c.summary}`,
        evidence: { ...c.evidence, waived },
      };
    }),
    problems,
  };
}

/**
 * Applies the waivers made through the API (the entity's own, from WaiverStore). When a
 * check is waived by the entity's annotation too, the annotation wins: it is reviewed
 * with the code, in version control, while an API waiver is one person's click, so the
 * report shows the reviewed reason. (An annotation waiver that is not applied, expired
 * or without a reason, leaves the check to the API's.) Of several API waivers of one
 * check the newest in force applies. One whose last day has passed no longer applies:
 * the check counts again and says so in `evidence.waiverExpired`.
 */
export function applyApiWaivers(
  checks: CheckResult[],
  waivers: Waiver[],
  now: Date,
): CheckResult[] {
  if (waivers.length === 0) return checks;
  const newestFirst = [...waivers].sort(
    (a, b) =>
      b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
  );
  return checks.map(c => {
    if (c.status === 'waived') return c;
    const mine = newestFirst.filter(w => w.checkId === c.id);
    if (mine.length === 0) return c;
    const inForce = mine.find(w => {
      if (!w.until) return true;
      const end = endOfDay(w.until);
      return end !== undefined && end > now;
    });
    if (!inForce) {
      if (c.evidence.waiverExpired) return c;
      const lapsed = mine
        .filter(w => w.until)
        .sort((a, b) => b.until!.localeCompare(a.until!))[0];
      return {
        ...c,
        evidence: {
          ...c.evidence,
          waiverExpired: {
            reason: lapsed.reason,
            until: lapsed.until,
            by: lapsed.createdBy,
            origin: 'api',
          },
        },
      };
    }
    const waived: CheckWaiver = {
      status: c.status,
      reason: inForce.reason,
      ...(inForce.until ? { until: inForce.until } : {}),
      by: inForce.createdBy,
      at: inForce.createdAt,
      origin: 'api',
    };
    return {
      ...c,
      status: 'waived',
      summary: `Waived by ${inForce.createdBy}${
        inForce.until ? ` until ${inForce.until}` : ''
      }: ${inForce.reason}. Without the waiver: ${c.status}: ${c.summary}`,
      evidence: { ...c.evidence, waived },
    };
  });
}

/** The waivers of a run by lower-cased entity ref, as buildEntityReport takes them. */
export function waiversByEntity(waivers: Waiver[]): Map<string, Waiver[]> {
  const out = new Map<string, Waiver[]>();
  for (const w of waivers) {
    const key = w.entityRef.toLocaleLowerCase('en-US');
    const list = out.get(key);
    if (list) list.push(w);
    else out.set(key, [w]);
  }
  return out;
}
