/**
 * Options for a statement the connection should keep (only where the pool keeps statements;
 * createDb turns them off for the transaction pooler). The text of every such statement
 * depends only on the table and its columns, so Postgres parses and plans it once per
 * connection instead of on every call, and postgres.js skips the round trip that describes
 * an unnamed statement before running it.
 */
export const kept = { prepare: true } as const;
