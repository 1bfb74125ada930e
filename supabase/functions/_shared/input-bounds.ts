/**
 * What Postgres can store, checked before anything is written. A text or jsonb value
 * holding U+0000 or half of a UTF-16 surrogate pair makes Postgres refuse the whole
 * statement, and a JSON tree nested thousands deep overflows the serialiser, so input
 * carrying either is refused up front with a reason instead of failing the request.
 */

// U+0000, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// deno-lint-ignore no-control-regex -- NUL is exactly what this refuses: Postgres text cannot store it.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when Postgres accepts the string as text and inside jsonb. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export interface TreeLimits {
  maxDepth: number;
  maxNodes: number;
  maxStringLength: number;
}

/**
 * Null when every string (keys included) in the JSON tree is storable and within
 * `maxStringLength`, the tree is at most `maxDepth` deep and has at most `maxNodes`
 * values; otherwise the first problem, in words. Walks without recursion, so a hostile
 * tree cannot overflow the stack here either.
 */
export function jsonTreeProblem(root: unknown, limits: TreeLimits): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 0, path: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    nodes += 1;
    if (nodes > limits.maxNodes) return `more than ${limits.maxNodes} values`;
    if (typeof value === 'string') {
      if (value.length > limits.maxStringLength) return `${path || '(value)'}: text longer than ${limits.maxStringLength} characters`;
      if (!isStorableText(value)) return `${path || '(value)'}: text contains a NUL character or an unpaired UTF-16 surrogate`;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limits.maxDepth) return `${path || '(value)'}: nested deeper than ${limits.maxDepth} levels`;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: `${path}.${i}` }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.length > 256 || !isStorableText(key)) return `${path || '(value)'}: a field name is too long or not storable text`;
      stack.push({ value: item, depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
  return null;
}

/** Printable ASCII without spaces: the alphabet of Meta's and Flutterwave's ids, wamids and our references. */
export const ID_PATTERN = /^[\x21-\x7e]+$/;

/** A bounded id as it may be logged or used in a query, or null. */
export function boundedId(value: unknown, maxLength: number): string | null {
  return typeof value === 'string' && value.length >= 1 && value.length <= maxLength && ID_PATTERN.test(value) ? value : null;
}
