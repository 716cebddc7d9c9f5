/**
 * `transform` remembered by input, for strings that come back on every request (group names,
 * deployment ids, api_bases and URLs from the config, upstream header names): a Map lookup of
 * a string whose hash V8 already holds is cheaper than a regex test or a scan of it. Bounded in
 * count and length, because a client's model name or an upstream's header can land here too;
 * when full, it starts over, so the strings that repeat are soon back.
 */
export function memoizeString<T>(
  transform: (value: string) => T,
  maxEntries = 1024,
  maxLength = 256,
): (value: string) => T {
  const memo = new Map<string, T>();
  return (value) => {
    const known = memo.get(value);
    if (known !== undefined) return known;
    const result = transform(value);
    if (value.length <= maxLength) {
      if (memo.size >= maxEntries) memo.clear();
      memo.set(value, result);
    }
    return result;
  };
}
