import {
  CHECK_DEFINITIONS,
  CheckResult,
  ReadinessLevel,
  ScorecardRollup,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import { worstChecks } from '../EntityMeshCard/worstChecks';

/**
 * A scorecard row's check statuses as check results, so the entity card's ranking
 * (fail, warn, unknown; then severity) picks its worst ones. A row carries no
 * summaries: the title comes from the built-in catalog, else the id.
 */
export function rowCheckResults(
  row: Pick<ScorecardRow, 'checks'>,
): CheckResult[] {
  return Object.entries(row.checks).map(([id, status]) => {
    const definition = CHECK_DEFINITIONS[id as keyof typeof CHECK_DEFINITIONS];
    return {
      id,
      title: definition?.title ?? id,
      category: definition?.category ?? id.split('.')[0],
      status,
      summary: '',
      evidence: {},
    };
  });
}

/** The (at most `count`) checks of a row that most need attention. */
export function worstRowChecks(
  row: Pick<ScorecardRow, 'checks'>,
  count: number = 3,
): CheckResult[] {
  return worstChecks(rowCheckResults(row), count);
}

/**
 * Levels in the order a team fixes them: not ready first, production-ready last. Not
 * meshed comes after not ready: it is a rollout not begun, not a rollout gone wrong.
 */
const ATTENTION_ORDER: string[] = [
  'not-ready',
  'not-meshed',
  'almost-ready',
  'unmapped',
  'production-ready',
];

function attentionRank(level: string): number {
  const rank = ATTENTION_ORDER.indexOf(level);
  // A level this version does not know sorts before production-ready, after the rest.
  return rank === -1 ? ATTENTION_ORDER.length - 1.5 : rank;
}

/** Rows in the order they need attention: by level, then the lowest score, then by ref. */
export function byAttention<
  T extends Pick<ScorecardRow, 'level' | 'score' | 'entityRef'>,
>(rows: T[]): T[] {
  return [...rows].sort(
    (a, b) =>
      attentionRank(a.level) - attentionRank(b.level) ||
      a.score - b.score ||
      a.entityRef.localeCompare(b.entityRef),
  );
}

/** Levels from the most ready down, as the trend and the chips list them. */
export const LEVELS: ReadinessLevel[] = [
  'production-ready',
  'almost-ready',
  'not-ready',
  'not-meshed',
  'unmapped',
];

/**
 * Entities per level from a roll-up, which carries each level as a share of its
 * entities: the known levels in order, then any other, leaving out empty ones.
 */
export function levelCounts(
  rollup: Pick<ScorecardRollup, 'levels' | 'entities'>,
): { level: string; count: number }[] {
  const known = LEVELS as string[];
  const other = Object.keys(rollup.levels)
    .filter(l => !known.includes(l))
    .sort();
  return [...known, ...other]
    .map(level => ({
      level,
      count: Math.round((rollup.levels[level] ?? 0) * rollup.entities),
    }))
    .filter(c => c.count > 0);
}

/** `group:default/team-a` → `team-a`, the way a page names an entity it links to. */
export function shortName(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':');
  return ref.slice(Math.max(slash, colon) + 1) || ref;
}
