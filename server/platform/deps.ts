/** What every use-case is given: the database, the code lists and the settings that change validation. */
import type { CodeLists } from './codes.ts';
import type { Database, Db } from './db.ts';

export interface Deps {
  db: Db;
  database: Database;
  codes: CodeLists;
  acceptTestInsz: boolean;
}
