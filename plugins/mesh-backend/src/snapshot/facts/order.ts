/**
 * Istio resolves two policies at the same level by age: the oldest wins. Objects read
 * from manifests have no creationTimestamp; they sort after dated ones, then by name, so
 * the choice is at least stable.
 */
export function oldestFirst<
  T extends { ref: { namespace?: string; name: string }; createdAt?: string },
>(items: T[]): T[] {
  return [...items].sort((a, b) => {
    if (a.createdAt && b.createdAt && a.createdAt !== b.createdAt) {
      return a.createdAt < b.createdAt ? -1 : 1;
    }
    if (a.createdAt && !b.createdAt) return -1;
    if (!a.createdAt && b.createdAt) return 1;
    return `${a.ref.namespace}/${a.ref.name}`.localeCompare(
      `${b.ref.namespace}/${b.ref.name}`,
    );
  });
}
