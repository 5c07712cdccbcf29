/** Column types the generated database types (db.generated.ts) refer to. */
import type { ColumnType } from 'kysely';

/**
 * A JSONB column: free-form extras only (relational tables hold whatever rules and statistics
 * count). Read as the parsed value; written as JSON text (`JSON.stringify`), as every writer does.
 */
export type JsonText = ColumnType<any, string, string>;
