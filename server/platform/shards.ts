/**
 * Row locks by record id that stay on one shard. A record is addressed by its own id, which is not
 * its distribution key (docs/SCALING.md), and a distributed PostgreSQL (Citus) takes a row lock
 * (`FOR UPDATE`) on one shard only: so a row of a table distributed by another column is found by
 * its id first, then locked together with its key (its person), which names the one shard. On one
 * PostgreSQL this is one index lookup more, in the same transaction.
 */
import { untyped, type Executor, type Row } from './db.ts';
import { PLACEMENTS } from './distribution.ts';

/**
 * Row `id` of `table`, locked until the transaction ends, if it exists and matches `where` (column =
 * value). FOR UPDATE by default; `'no key update'` for a change that keeps the row's keys, which
 * still queues other changes of the row but not other transactions' foreign-key checks to it.
 */
export async function lockById(
  db: Executor,
  table: string,
  id: string,
  where: Record<string, unknown> = {},
  lock: 'update' | 'no key update' = 'update',
): Promise<Row | undefined> {
  let query = untyped(db).selectFrom(table).selectAll().where('id', '=', id);
  for (const [column, value] of Object.entries(where)) query = query.where(column, '=', value);
  const placement = PLACEMENTS[table];
  if (placement?.kind === 'distributed' && placement.column !== 'id') {
    const found = await untyped(db).selectFrom(table).select(placement.column).where('id', '=', id).executeTakeFirst();
    if (!found) return undefined;
    query = query.where(placement.column, '=', found[placement.column]);
  }
  return (lock === 'update' ? query.forUpdate() : query.forNoKeyUpdate()).executeTakeFirst();
}

/**
 * The distribution column of `table` and its value in `row` (a row read before), to add to a change
 * by id so that it names its shard; null for a table that is not distributed, or distributed by its id.
 */
export function shardKey(table: string, row: Row): [column: string, value: unknown] | null {
  const placement = PLACEMENTS[table];
  return placement?.kind === 'distributed' && placement.column !== 'id' ? [placement.column, row[placement.column]] : null;
}
