/** What every use-case is given: the database, the code lists and the settings that change validation. */
import type { CodeLists } from './codes.ts';
import type { Database, Db } from './db.ts';
import type { ReadRouter } from './replica.ts';

export interface Deps {
  db: Db;
  database: Database;
  codes: CodeLists;
  acceptTestInsz: boolean;
  /** How far back a partner may date an integration's start (default INTEGRATION_MAX_BACKDATE_DAYS). */
  integrationMaxBackdateDays?: number;
  /** Where reads that may lag go (platform/replica.ts): a streaming replica when configured; absent: the primary. */
  reads?: ReadRouter;
}

/** The default of KBI_INTEGRATION_MAX_BACKDATE_DAYS: four weeks, time enough to register a client taken on. */
export const INTEGRATION_MAX_BACKDATE_DAYS = 28;
