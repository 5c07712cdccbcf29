/**
 * Records every statement the application sends through a Database, with where in the source it
 * was sent from: Kysely queries (builders and raw `sql` templates, through a plugin that sees each
 * top-level query as it is compiled), prepared statements, multi-statement texts and bulk loads.
 * The site is taken from the stack at the moment of the call, while the calling function is still
 * on it: the first frame in server/ outside the database layer.
 */
import { fileURLToPath } from 'node:url';
import { relative, resolve } from 'node:path';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database } from '../../server/platform/db.ts';

export interface Captured {
  text: string;
  /** `server/…/file.ts#function`, or null when no application code sent it (the test itself). */
  site: string | null;
  via: 'kysely' | 'prepared' | 'exec' | 'copy';
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SKIP = ['server/platform/db.ts'];

/** The application's frame that sent a statement, from a stack trace. */
export function siteOf(stack: string | undefined): string | null {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /^\s*at (?:async )?(?:(.+?) \()?(?:file:\/\/)?([^()]+?):\d+:\d+\)?$/.exec(line);
    if (!m) continue;
    const file = relative(ROOT, m[2]!);
    if (!file.startsWith('server/') || SKIP.includes(file)) continue;
    const fn = (m[1] ?? '<anonymous>').replace(/^(?:Object|Function|new)\.?\s*/, '').replace(/ \[as .*\]$/, '');
    return `${file}#${fn || '<anonymous>'}`;
  }
  return null;
}

function stack(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  try {
    return new Error().stack;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The same database, recording what is sent through it into `statements`. */
export function capturing(database: Database): { database: Database; statements: Captured[] } {
  const statements: Captured[] = [];
  const executor = database.db.getExecutor();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      // Only top-level queries reach a plugin (fragments are built without one): each is a statement.
      const text = executor.compileQuery(args.node, args.queryId).sql;
      statements.push({ text, site: siteOf(stack()), via: 'kysely' });
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
  const wrapped: Database = {
    ...database,
    db: database.db.withPlugin(plugin),
    prepared(name, text, params) {
      statements.push({ text, site: siteOf(stack()), via: 'prepared' });
      return database.prepared(name, text, params);
    },
    exec(text) {
      statements.push({ text, site: siteOf(stack()), via: 'exec' });
      return database.exec(text);
    },
    copyRows(table, columns, rows) {
      // What the bulk load amounts to: rows with these columns, each value given.
      const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
      statements.push({ text, site: siteOf(stack()), via: 'copy' });
      return database.copyRows(table, columns, rows);
    },
  };
  return { database: wrapped, statements };
}
