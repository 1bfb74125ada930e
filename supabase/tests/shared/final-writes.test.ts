import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, startDatabase } from '../../dev/postgres-cluster';
import { beginWithFinalWrites } from '../../functions/_shared/final-writes';
import { postgresRequirement } from '../support/requirements';

const pg = postgresRequirement();

describe.skipIf(!pg.available)('a transaction whose last writes travel with its COMMIT', () => {
  let database: Database;
  let sql: postgres.Sql;

  beforeAll(async () => {
    database = await startDatabase();
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    await sql`create table lines (id int primary key, label text not null)`;
  });
  afterAll(async () => {
    await sql?.end();
    await database?.stop();
  });

  const run = (finalId: number, label: string) =>
    beginWithFinalWrites<postgres.TransactionSql, string>(
      (work) => sql.begin(work) as Promise<unknown>,
      async (tx, withCommit) => {
        await tx`insert into lines (id, label) values (${finalId * 10}, ${`${label} first`})`;
        withCommit(tx`insert into lines (id, label) values (${finalId}, ${label})`);
        return 'done';
      },
    );

  it('commits the final write together with the writes before it', async () => {
    expect(await run(1, 'one')).toBe('done');
    expect(await sql`select id, label from lines where id in (1, 10) order by id`).toEqual([
      { id: 1, label: 'one' },
      { id: 10, label: 'one first' },
    ]);
  });

  it('a final write that fails rejects with its error and leaves none of the transaction behind', async () => {
    await sql`insert into lines (id, label) values (2, 'taken')`;
    await expect(run(2, 'two')).rejects.toMatchObject({ code: '23505' });
    expect(await sql`select id, label from lines where id in (2, 20) order by id`).toEqual([{ id: 2, label: 'taken' }]);
  });
});
