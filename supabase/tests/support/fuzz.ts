import fc from 'fast-check';
import type postgres from 'postgres';

/**
 * Generators of hostile input for the edge-function fuzz suites, and the checks they
 * share. Runs are seeded (FUZZ_SEED overrides) so a failure prints a seed that
 * reproduces it; FUZZ_RUNS scales every suite.
 */

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
export const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
export const fuzzParameters = (numRuns: number): fc.Parameters<unknown> => ({
  seed: FUZZ_SEED,
  numRuns: runs(numRuns),
  endOnFailure: true,
});

/** Characters Postgres refuses (NUL, both halves of a surrogate pair on their own) or that look alike to parsers. */
const hostileChars = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '"',
  '\\',
  '\n',
  ' ',
  '\u202e',
  '\ufeff',
  '😀',
  'é',
  '%00',
  "'",
  ';',
);

/** A string that Postgres cannot store: a NUL byte or a lone surrogate somewhere in it. */
export const unstorableString = fc
  .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\udbff'), fc.string({ maxLength: 20 }))
  .map(([a, bad, b]) => `${a}${bad}${b}`);

/** Any string a hostile sender might put in a field: ordinary, hostile characters mixed in, very long, unstorable. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: hostileChars, minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 257, max: 6_000 }).map((n) => 'x'.repeat(n)),
  unstorableString,
);

/** Any JSON value, strings hostile, nesting shallow enough for JSON.stringify here (deep trees are spliced in as text, see `deepNest`). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value that is certainly not a valid id, timestamp or type: wrong kind, unstorable, or far too long. */
export const invalidScalar = fc.oneof(
  unstorableString,
  fc.integer({ min: 300, max: 6_000 }).map((n) => 'A'.repeat(n)),
  fc.constantFrom('', ' ', 'has space'),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

/** Marker replaced by `spliceDeep` with nesting this serialiser could not write. */
export const DEEP_MARKER = '__fuzz_deep_nesting__';

export function spliceDeep(raw: string, depth: number): string {
  return raw.replaceAll(`"${DEEP_MARKER}"`, `${'['.repeat(depth)}${']'.repeat(depth)}`);
}

/** Sets `value` at a path of keys inside `target` (creating objects on the way); returns the target. */
export function setAt(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  let node: Record<string, unknown> = target;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {};
    node = node[key] as Record<string, unknown>;
  });
  node[path.at(-1)!] = value;
  return target;
}

/** Rows in every table of the public schema, summed: "nothing written" means this did not change. */
export async function publicRowCount(sql: postgres.Sql): Promise<number> {
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')`;
  const query = tables.map((t) => `(select count(*) from public.${JSON.stringify(t.name)})`).join(' + ');
  const [row] = await sql.unsafe<{ n: string }[]>(`select (${query})::bigint as n`);
  return Number(row!.n);
}

/** A short, printable rendering of a failing input for the assertion message. */
export function show(raw: string): string {
  const escaped = JSON.stringify(raw.length > 600 ? `${raw.slice(0, 600)}…(${raw.length} chars)` : raw);
  return `${escaped} (FUZZ_SEED=${FUZZ_SEED})`;
}
