/**
 * `npx kbi import <file> --kind participations|enrolments --batch-id X --as-organisation <id>`:
 * the operator loads a partner's course feed, with a progress bar (bytes read of the file). The
 * same service as the partner API does the work: directly on PostgreSQL or on an embedded data
 * directory nobody holds, or — while a server holds the embedded directory — through that
 * server's operator API, the file streamed to it.
 */
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db.ts';
import { CodeLists } from '../../platform/codes.ts';
import { currentHolder } from '../../platform/lock.ts';
import { OPERATOR } from '../../platform/access.ts';
import { Problem } from '../../platform/errors.ts';
import { IMPORT_KINDS, type ImportFormat, type ImportKind } from './imports.formats.ts';
import { importBatch, type PresentedRun } from './imports.service.ts';
import { importMagdaDossiers, type MagdaFile, type MagdaImportInput, type MagdaImportResult } from '../magda/magda.service.ts';

/** Dossiers in MAGDA's GeefDossierKBI-01.00 format: a file, or a directory of .xml files. */
const MAGDA_KIND = 'magda-dossiers';

interface CliHelpers {
  config(): Readonly<Config>;
  openDirect(cfg: Readonly<Config>, command: string): Promise<Database>;
}

interface Options {
  kind: string;
  batchId: string;
  asOrganisation?: string;
  format?: string;
  conversationsRelevantFor?: string;
}

export function registerImportCommand(program: Command, helpers: CliHelpers): void {
  program
    .command('import <file>')
    .description(
      'import a course feed (enrolments or participation per lesson), or KBI dossiers as GeefDossierKBI-01.00 answers (a file or a directory), as one all-or-nothing batch; see docs/imports.md',
    )
    .requiredOption('--kind <kind>', `what the file holds: ${[...IMPORT_KINDS, MAGDA_KIND].join(', ')}`)
    .requiredOption('--batch-id <id>', "the sender's name for the batch: the same batch again changes nothing")
    .option(
      '--as-organisation <id>',
      'the sending organisation (uuid; for a course feed a CVO, CBE, AHOVOKS or House of Dutch; for dossiers the organisation whose system they come from)',
    )
    .option('--format <format>', 'csv or ndjson (JSON: one array of objects or JSON Lines; default: from the file name, .json/.jsonl/.ndjson are JSON)')
    .option(
      '--conversations-relevant-for <kinds>',
      "magda-dossiers: the partner kinds (comma-separated, e.g. VMSW,OCMW) the dossiers' conversations are relevant for; default none",
    )
    .action(async (file: string, opts: Options) => {
      if (opts.kind === MAGDA_KIND) return importMagda(helpers, file, opts);
      if (!IMPORT_KINDS.includes(opts.kind as ImportKind)) {
        process.stderr.write(`kbi: --kind must be ${[...IMPORT_KINDS, MAGDA_KIND].join(', ')}\n`);
        process.exit(2);
      }
      const format = (opts.format ?? (['.json', '.jsonl', '.ndjson'].includes(extname(file).toLowerCase()) ? 'ndjson' : 'csv')) as ImportFormat;
      if (!['csv', 'ndjson'].includes(format)) {
        process.stderr.write('kbi: --format must be csv or ndjson\n');
        process.exit(2);
      }
      let total: number;
      try {
        total = statSync(file).size;
      } catch {
        process.stderr.write(`kbi: cannot read ${file}\n`);
        process.exit(2);
      }
      const cfg = helpers.config();
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: 'import {bar} {percentage}% | {value}/{total} bytes | ETA {eta}s', stream: process.stderr },
            cliProgress.Presets.shades_classic,
          )
        : null;
      bar?.start(total, 0);
      let lastLine = 0;
      const onBytes = (bytes: number) => {
        if (bar) bar.update(bytes);
        else if (bytes === total || bytes - lastLine >= Math.max(total / 10, 1)) {
          lastLine = bytes;
          process.stderr.write(`read ${bytes}/${total} bytes\n`);
        }
      };
      const kind = opts.kind as ImportKind;
      let result: { ok: boolean; run: PresentedRun; message?: string };
      try {
        result = (await throughServer(cfg, file, total, kind, format, opts, onBytes)) ?? (await direct(helpers, cfg, file, kind, format, opts, onBytes));
      } finally {
        bar?.stop();
      }
      const { run } = result;
      if (result.ok) {
        process.stdout.write(
          run.status === 'replayed'
            ? `batch ${run.batchId} was already imported (run ${run.replayOf}): nothing changed\n`
            : `batch ${run.batchId}: ${run.rowsTotal} rows, ${run.rowsInserted} new, ${run.rowsUpdated} changed, ${run.rowsTotal - run.rowsWritten} already so (run ${run.id})\n`,
        );
        return;
      }
      process.stdout.write(
        `batch ${run.batchId ?? opts.batchId} REJECTED: ${result.message ?? `${run.errorCount} error(s) in the batch; nothing was imported`}\n`,
      );
      for (const e of (run.errors ?? []).slice(0, 50)) process.stdout.write(`  line ${e.line ?? '-'}${e.column ? `, ${e.column}` : ''}: ${e.reason}\n`);
      if ((run.errorCount ?? 0) > 50) process.stdout.write(`  … and ${run.errorCount - 50} more (GET /api/v1/imports/${run.id})\n`);
      process.exitCode = 1;
    });
}

async function direct(
  helpers: CliHelpers,
  cfg: Readonly<Config>,
  file: string,
  kind: ImportKind,
  format: ImportFormat,
  opts: Options,
  onBytes: (n: number) => void,
) {
  const database = await helpers.openDirect(cfg, 'import');
  try {
    const deps = { db: database.db, database, codes: await CodeLists.load(database.db), acceptTestInsz: cfg.acceptTestInsz };
    const outcome = await importBatch(
      deps,
      { actor: OPERATOR, requestId: `cli-${process.pid}` },
      {
        kind,
        batchId: opts.batchId,
        format,
        body: createReadStream(file),
        organisationId: opts.asOrganisation,
        onBytes,
      },
    );
    return { ok: outcome.status !== 'failed', run: outcome.run };
  } catch (e) {
    if (e instanceof Problem)
      return { ok: false, run: (e.extra.run ?? { batchId: opts.batchId, errors: [], errorCount: 0 }) as PresentedRun, message: e.message };
    throw e;
  } finally {
    await database.close();
  }
}

/** While a server holds the embedded data directory: stream the file to its operator API. */
async function throughServer(
  cfg: Readonly<Config>,
  file: string,
  total: number,
  kind: ImportKind,
  format: ImportFormat,
  opts: Options,
  onBytes: (n: number) => void,
) {
  const holder = cfg.databaseUrl ? null : currentHolder(cfg.dataDir);
  if (!holder?.port) return null;
  process.stderr.write(`the server (pid ${holder.pid}) holds ${cfg.dataDir}; sending the file to it…\n`);
  let sent = 0;
  const counted = createReadStream(file).pipe(
    new Transform({
      transform(chunk: Buffer, _e, cb) {
        sent += chunk.length;
        onBytes(sent);
        cb(null, chunk);
      },
    }),
  );
  const query = new URLSearchParams({ batchId: opts.batchId, ...(opts.asOrganisation ? { asOrganisation: opts.asOrganisation } : {}) });
  const res = await fetch(`http://127.0.0.1:${holder.port}/api/operator/imports/${kind}?${query}`, {
    method: 'POST',
    duplex: 'half',
    body: Readable.toWeb(counted) as ReadableStream,
    headers: {
      'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      'content-length': String(total),
      authorization: `Bearer ${holder.token}`,
    },
  } as RequestInit);
  const answer = (await res.json()) as any;
  if (res.ok) return { ok: true, run: answer as PresentedRun };
  return { ok: false, run: (answer.run ?? { batchId: opts.batchId, errors: [], errorCount: 0 }) as PresentedRun, message: answer.detail as string };
}

/** The GeefDossierKBI answers at a path: the file, or every .xml file of the directory (sorted by name). */
function magdaFiles(path: string): MagdaFile[] {
  const stat = statSync(path);
  const names = stat.isDirectory()
    ? readdirSync(path)
        .filter((n) => n.toLowerCase().endsWith('.xml'))
        .sort()
        .map((n) => join(path, n))
    : [path];
  return names.map((name) => ({ name: stat.isDirectory() ? name.slice(path.length).replace(/^[/\\]+/, '') : name, xml: readFileSync(name, 'utf8') }));
}

async function importMagda(helpers: CliHelpers, path: string, opts: Options): Promise<void> {
  let files: MagdaFile[];
  try {
    files = magdaFiles(path);
  } catch {
    process.stderr.write(`kbi: cannot read ${path}\n`);
    process.exit(2);
  }
  if (!opts.asOrganisation) {
    process.stderr.write('kbi: --as-organisation <id> is required: the organisation whose system the dossiers come from\n');
    process.exit(2);
  }
  const cfg = helpers.config();
  const input: MagdaImportInput = {
    batchId: opts.batchId,
    organisationId: opts.asOrganisation,
    files,
    conversationsRelevantFor: opts.conversationsRelevantFor
      ? opts.conversationsRelevantFor
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : [],
  };
  process.stderr.write(`read ${files.length} file(s) from ${path}\n`);
  let result: MagdaImportResult;
  try {
    const holder = cfg.databaseUrl ? null : currentHolder(cfg.dataDir);
    if (holder?.port) {
      process.stderr.write(`the server (pid ${holder.pid}) holds ${cfg.dataDir}; sending the files to it…\n`);
      const res = await fetch(`http://127.0.0.1:${holder.port}/api/operator/imports/magda-dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
        body: JSON.stringify(input),
      });
      const body = (await res.json()) as any;
      if (!res.ok && res.status !== 422) throw new Problem('badRequest', body.detail ?? `the server answered ${res.status}`);
      result = body as MagdaImportResult;
    } else {
      const database = await helpers.openDirect(cfg, 'import');
      try {
        const deps = { db: database.db, database, codes: await CodeLists.load(database.db), acceptTestInsz: cfg.acceptTestInsz };
        result = await importMagdaDossiers(deps, { actor: OPERATOR, requestId: `cli-${process.pid}` }, input);
      } finally {
        await database.close();
      }
    }
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    process.stdout.write(`batch ${opts.batchId} REJECTED: ${e.message}\n`);
    process.exitCode = 1;
    return;
  }
  for (const s of result.skipped) process.stdout.write(`  skipped ${s.file}: ${s.reason}\n`);
  for (const w of result.warnings.slice(0, 50)) process.stdout.write(`  warning ${w.file}${w.path ? ` ${w.path}` : ''}: ${w.reason}\n`);
  if (result.status === 'replayed') {
    process.stdout.write(`batch ${result.batchId} was already imported (run ${result.replayOf}): nothing changed\n`);
    return;
  }
  if (result.status === 'succeeded') {
    process.stdout.write(`batch ${result.batchId}: ${result.dossiers} dossier(s) imported, ${result.records} records (run ${result.runId})\n`);
    return;
  }
  process.stdout.write(`batch ${result.batchId} REJECTED: ${result.errors.length} error(s); nothing was imported\n`);
  for (const e of result.errors.slice(0, 50)) process.stdout.write(`  ${e.file}${e.path ? ` ${e.path}` : ''}: ${e.reason}\n`);
  if (result.errors.length > 50) process.stdout.write(`  … and ${result.errors.length - 50} more (GET /api/v1/imports/${result.runId})\n`);
  process.exitCode = 1;
}
