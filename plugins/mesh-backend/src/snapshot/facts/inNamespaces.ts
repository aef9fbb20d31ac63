const indexes = new WeakMap<readonly object[], Map<string, number[]>>();

/**
 * The items of a cluster-wide list (Services, PDBs, policies…) that live in any of
 * `namespaces`, in list order. Every workload of the fleet is resolved against these
 * lists, so each list is indexed by namespace once (per snapshot, since a snapshot's
 * lists are its own arrays) rather than scanned per workload, which would make a run
 * quadratic in the fleet's size. `namespaceOf` must be the same for every call on a list.
 */
export function inNamespaces<T extends object>(
  list: readonly T[],
  namespaces: Iterable<string>,
  namespaceOf: (item: T) => string | undefined,
): T[] {
  let index = indexes.get(list);
  if (!index) {
    const built = new Map<string, number[]>();
    list.forEach((item, i) => {
      const ns = namespaceOf(item);
      if (ns === undefined) return;
      const at = built.get(ns);
      if (at) at.push(i);
      else built.set(ns, [i]);
    });
    indexes.set(list, built);
    index = built;
  }
  const wanted = [...new Set(namespaces)];
  const positions = wanted.flatMap(ns => index!.get(ns) ?? []);
  if (wanted.length > 1) positions.sort((a, b) => a - b);
  return positions.map(i => list[i]);
}
