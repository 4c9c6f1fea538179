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

/**
 * `create` with its values kept by key: each is made once, on first use (a making that throws keeps
 * nothing). For costly reusable values, such as an `Intl.DateTimeFormat` per time zone.
 */
export function memoizeByKey<K, V>(create: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    if (made.has(key)) return made.get(key) as V;
    const value = create(key);
    made.set(key, value);
    return value;
  };
}
