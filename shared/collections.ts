/**
 * The items by key: keys in order of first appearance, each group's items in input order. What
 * `Map.groupBy` does from Node 21 on; the Lambda runtime and `engines` here are Node 20.
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
