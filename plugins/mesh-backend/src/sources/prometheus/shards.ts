/**
 * Namespace shards for the catalog runner. A shard plan is a list of namespace groups;
 * the last group also stands for every namespace the others do not name, so a plan made
 * from a stale or partial namespace list still covers every series exactly once.
 */

/** Escapes a value for a PromQL regex inside a double-quoted PromQL string. */
function escapeRegex(value: string): string {
  return value
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"');
}

/**
 * The label matcher that restricts a query to shard `index` of `plan`: the listed
 * namespaces, or for the last shard, every namespace the other shards do not list.
 * One shard (or none) means no matcher at all.
 */
export function shardMatcher(
  label: string,
  plan: string[][],
  index: number,
): string {
  if (plan.length <= 1) return '';
  if (index < plan.length - 1) {
    return `${label}=~"${plan[index].map(escapeRegex).join('|')}"`;
  }
  const others = plan.slice(0, -1).flat();
  return `${label}!~"${others.map(escapeRegex).join('|')}"`;
}

/**
 * Splits namespaces into at most `count` groups of about equal weight (largest first,
 * each into the lightest group so far). Namespaces without a weight count as 1.
 */
export function planShards(
  namespaces: Iterable<string>,
  count: number,
  weights: ReadonlyMap<string, number> = new Map(),
): string[][] {
  const names = [...new Set(namespaces)].filter(Boolean);
  const k = Math.max(1, Math.min(count, names.length));
  if (k <= 1) return [];
  const sorted = names.sort(
    (a, b) =>
      (weights.get(b) ?? 1) - (weights.get(a) ?? 1) || a.localeCompare(b),
  );
  const groups = Array.from({ length: k }, () => ({
    weight: 0,
    names: [] as string[],
  }));
  for (const name of sorted) {
    let lightest = groups[0];
    for (const g of groups) if (g.weight < lightest.weight) lightest = g;
    lightest.names.push(name);
    lightest.weight += weights.get(name) ?? 1;
  }
  // Sorted names keep the regexes stable from run to run.
  return groups.map(g => g.names.sort());
}

/**
 * Splits namespaces into at most `count` runs of consecutive names (sorted), for when
 * nothing is known of their sizes: neighbours by name tend to be alike, and runs keep a
 * regular naming pattern from piling one kind of namespace into one shard.
 */
export function splitInRuns(
  namespaces: Iterable<string>,
  count: number,
): string[][] {
  const names = [...new Set(namespaces)].filter(Boolean).sort();
  const k = Math.max(1, Math.min(count, names.length));
  if (k <= 1) return [];
  return Array.from({ length: k }, (_, i) =>
    names.slice(
      Math.floor((i * names.length) / k),
      Math.floor(((i + 1) * names.length) / k),
    ),
  );
}
