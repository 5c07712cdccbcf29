/**
 * Course feeds: an adult-education centre (CVO/CBE), AHOVOKS or a House of Dutch sends a batch of
 * enrolments or lesson-by-lesson participation (docs/imports.md). A batch is
 *  - idempotent: named by the sender (batchId) and fingerprinted (sha256 of its bytes); the same
 *    batch again is answered `replayed` and touches no row;
 *  - all-or-nothing: it is read, checked and written in ONE transaction, chunk by chunk as the
 *    bytes arrive; if any row is wrong, the transaction is rolled back and the answer is the
 *    row-level error report (line, column, reason; at most 1000 listed, with the total);
 *  - streamed: at most two chunks of rows are in memory at any time, whatever the file's size.
 *
 * Every attempt is a row of `import_batches`, committed before the data transaction starts, so
 * runs and their progress can be listed. On the embedded PGlite the one connection is held by the
 * import's transaction while it runs, so other requests wait for it (PostgreSQL: no such wait).
 */
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Row } from '../../platform/db.ts';
import { demand } from '../access/access.service.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { Meter, readRecords, UploadTooLarge, type ImportFormat, type ImportKind, type RowError } from './imports.formats.ts';
import { RowChecker, SENDER_KINDS, type CheckedRow, type Sender } from './imports.rows.ts';
import { createSeenTable, WRITERS } from './imports.sql.ts';
import { rowError } from './imports.errors.ts';

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;
export const MAX_LISTED_ERRORS = 1000;
const CHUNK_ROWS = 5000;
const HEARTBEAT_MS = 2000;
export const BATCH_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export interface ImportInput {
  kind: ImportKind;
  batchId: string;
  format: ImportFormat;
  body: Readable;
  /** The sending organisation when the operator imports on its behalf (CLI); a partner always sends as itself. */
  organisationId?: string;
  /** Called as bytes are read (the CLI's progress bar). */
  onBytes?: (bytes: number) => void;
}

export interface Progress {
  rowsTotal: number;
  rowsWritten: number;
  bytesRead: number;
  errorCount: number;
}
/** Runs under way in this process, with their progress. */
const live = new Map<string, Progress>();

export const presentRun = (r: Row, withErrors = true) => {
  const now = live.get(r.id);
  return {
    id: r.id,
    organisationId: r.organisation_id,
    kind: r.kind,
    batchId: r.batch_id,
    contentHash: r.content_hash ?? null,
    format: r.format,
    status: r.status,
    rowsTotal: now?.rowsTotal ?? r.rows_total,
    rowsWritten: now?.rowsWritten ?? r.rows_written,
    rowsInserted: r.rows_inserted,
    rowsUpdated: r.rows_updated,
    bytesRead: now?.bytesRead ?? Number(r.bytes_read),
    errorCount: now?.errorCount ?? r.error_count,
    replayOf: r.replay_of ?? null,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? null,
    ...(withErrors ? { errors: r.errors ?? [] } : {}),
  };
};
export type PresentedRun = ReturnType<typeof presentRun>;

/** Drains a stream, fingerprinting it (a resend of a finished batch: nothing else is done with it). */
async function fingerprint(meter: Meter, body: Readable): Promise<string> {
  body.pipe(meter);
  for await (const _ of meter) {
    /* only counted and hashed */
  }
  return meter.digest();
}

async function senderOf(deps: Deps, ctx: RequestContext, input: ImportInput, action: string): Promise<Sender> {
  const organisationId = ctx.actor.kind === 'partner' ? ctx.actor.organisationId : ctx.actor.kind === 'system' ? (input.organisationId ?? null) : null;
  if (ctx.actor.kind === 'staff')
    throw new Problem('forbidden', 'course feeds are sent by partner clients (or by the operator with `kbi import`)').denied({
      action,
      personId: null,
      clusters: ['courses'],
    });
  if (!organisationId)
    throw new Problem('badRequest', 'name the sending organisation (--as-organisation)', [{ in: 'query', name: 'asOrganisation', detail: 'required' }]);
  const org = /^[0-9a-f-]{36}$/i.test(organisationId)
    ? await deps.db.selectFrom('organisations').select(['id', 'kind', 'enterprise_number']).where('id', '=', organisationId).executeTakeFirst()
    : undefined;
  if (!org)
    throw new Problem('referencedResourceNotFound', 'no such sending organisation', [{ in: 'query', name: 'asOrganisation', detail: 'no such organisation' }]);
  if (!SENDER_KINDS[org.kind]) {
    throw new Problem('forbidden', `only adult-education centres (CVO, CBE), AHOVOKS and Houses of Dutch send course feeds, not ${org.kind}`).denied({
      action,
      personId: null,
      clusters: ['courses'],
    });
  }
  return { organisationId: org.id, kind: org.kind, enterpriseNumber: org.enterprise_number ?? null };
}

export interface ImportOutcome {
  status: 'succeeded' | 'failed' | 'replayed';
  run: PresentedRun;
}

/** Imports one batch. Resolves with the run (succeeded, replayed or failed with its error report). */
export async function importBatch(deps: Deps, ctx: RequestContext, input: ImportInput): Promise<ImportOutcome> {
  const action = `imports.${input.kind}`;
  const sender = await senderOf(deps, ctx, input, action);
  if (!BATCH_ID.test(input.batchId)) {
    throw new Problem('badRequest', 'batchId: 1 to 100 letters, digits or . _ : -', [{ in: 'query', name: 'batchId', detail: 'malformed' }]);
  }
  const key = { organisation_id: sender.organisationId, kind: input.kind, batch_id: input.batchId };
  // One import of a batch at a time, in all processes together. The lock dies with the process that
  // holds it (PostgreSQL ends its session), so a run left 'running' by a killed process is known as
  // interrupted at once, never blocking a re-send.
  const lock = await deps.database.tryLock(batchLockKey(key));
  if (!lock) throw new Problem('conflict', 'this batch is being imported right now; ask for its progress with GET …/imports/{batchId}');
  try {
    return await importLocked(deps, ctx, input, action, sender, key);
  } finally {
    await lock.release();
  }
}

/** The name of the lock a batch is imported under. */
export const batchLockKey = (key: { organisation_id: string; kind: string; batch_id: string }) =>
  `kbi:import:${key.organisation_id}:${key.kind}:${key.batch_id}`;

async function markInterrupted(deps: Deps, runId: string): Promise<void> {
  await deps.db
    .updateTable('import_batches')
    .set({ status: 'failed', finished_at: sql`clock_timestamp()`, error_count: 1, errors: JSON.stringify([rowError(null, null, 'interrupted')]) })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute();
}

/**
 * At start-up: every run still 'running' whose batch no live process holds was interrupted (its
 * process was killed or the machine stopped); it is marked failed, so the sender can re-send at once.
 */
export async function failInterruptedImports(deps: Pick<Deps, 'db' | 'database'>): Promise<number> {
  const running = await deps.db.selectFrom('import_batches').select(['id', 'organisation_id', 'kind', 'batch_id']).where('status', '=', 'running').execute();
  let failed = 0;
  for (const run of running) {
    const lock = await deps.database.tryLock(batchLockKey(run));
    if (!lock) continue; // a live process is importing it
    try {
      await markInterrupted(deps as Deps, run.id);
      failed++;
    } finally {
      await lock.release();
    }
  }
  return failed;
}

async function importLocked(
  deps: Deps,
  ctx: RequestContext,
  input: ImportInput,
  action: string,
  sender: Sender,
  key: { organisation_id: string; kind: ImportKind; batch_id: string },
): Promise<ImportOutcome> {
  const meter = new Meter(MAX_IMPORT_BYTES, input.onBytes);
  const startRow = { ...key, format: input.format, started_by: ctx.actor.id, request_id: ctx.requestId };

  // The same batch again: recognised by its id, confirmed by its content.
  const earlier = await deps.db
    .selectFrom('import_batches')
    .selectAll()
    .where('organisation_id', '=', key.organisation_id)
    .where('kind', '=', key.kind)
    .where('batch_id', '=', key.batch_id)
    .where('status', 'in', ['running', 'succeeded'])
    .executeTakeFirst();
  if (earlier?.status === 'running') {
    // This process holds the batch's lock, so whoever left this run 'running' is gone (killed mid-way).
    await markInterrupted(deps, earlier.id);
  } else if (earlier) {
    const hash = await fingerprint(meter, input.body);
    if (hash !== earlier.content_hash) {
      throw new Problem('conflict', 'this batchId was already imported with other content; send new content under a new batchId');
    }
    const row = await deps.db
      .insertInto('import_batches')
      .values({
        ...startRow,
        content_hash: hash,
        status: 'replayed',
        replay_of: earlier.id,
        rows_total: earlier.rows_total,
        rows_written: 0,
        bytes_read: meter.bytes,
        finished_at: sql`clock_timestamp()`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(deps.db, ctx, {
      action,
      personId: null,
      clusters: ['courses'],
      result: 'allowed',
      detail: { runId: row.id, batchId: input.batchId, status: 'replayed', replayOf: earlier.id },
    });
    return { status: 'replayed', run: presentRun(row) };
  }

  let run: Row;
  try {
    run = await deps.db
      .insertInto('import_batches')
      .values({ ...startRow, status: 'running' })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw new Problem('conflict', 'this batch is being imported right now (or was just imported)');
    throw e;
  }
  const progress: Progress = { rowsTotal: 0, rowsWritten: 0, bytesRead: 0, errorCount: 0 };
  live.set(run.id, progress);
  const errors: RowError[] = [];
  const report = (e: RowError) => {
    progress.errorCount++;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
  };
  let inserted = 0,
    updated = 0;
  class Rollback extends Error {}
  try {
    const organisations = await loadOrganisations(deps); // before the transaction: on PGlite it holds the one connection
    await inTransaction(deps.db, ctx.actor.id, async (tx) => {
      await createSeenTable(tx, input.kind);
      const checker = new RowChecker(input.kind, deps.codes, deps.acceptTestInsz, sender, organisations);
      const write = WRITERS[input.kind];
      let pending: Promise<void> | null = null;
      let lastBeat = Date.now();
      const send = (rows: CheckedRow[]) => {
        const p = write(tx, rows, progress.errorCount === 0).then((r) => {
          inserted += r.inserted;
          updated += r.updated;
          progress.rowsWritten = inserted + updated;
          for (const e of r.problems) report(e);
        });
        p.catch(() => {
          /* awaited below */
        });
        return p;
      };
      // Chunks go to the database while the next one is read: two chunks at most in memory.
      const flush = async (rows: CheckedRow[]) => {
        if (pending) await pending;
        pending = rows.length ? send(rows) : null;
        if (deps.database.kind === 'postgres' && Date.now() - lastBeat > HEARTBEAT_MS) {
          lastBeat = Date.now();
          // Progress for other processes, outside the import's transaction (on PGlite the one connection is the import's).
          await deps.db
            .updateTable('import_batches')
            .set({ rows_total: progress.rowsTotal, rows_written: progress.rowsWritten, bytes_read: meter.bytes, heartbeat_at: sql`clock_timestamp()` })
            .where('id', '=', run.id)
            .where('status', '=', 'running')
            .execute();
        }
      };
      input.body.on('error', (e) => meter.destroy(e));
      input.body.pipe(meter);
      let chunk: CheckedRow[] = [];
      const rowErrors: RowError[] = [];
      for await (const item of readRecords(input.format, meter)) {
        progress.bytesRead = meter.bytes;
        if ('header' in item) {
          const problems = checker.checkHeader(item.header);
          problems.forEach(report);
          if (problems.length) break; // without the right columns no line can be read
          continue;
        }
        if ('error' in item) {
          if (item.error.line !== null) progress.rowsTotal++;
          report(item.error);
          if (item.fatal) break;
          continue;
        }
        progress.rowsTotal++;
        rowErrors.length = 0;
        const row = checker.check(item.record, rowErrors);
        rowErrors.forEach(report);
        if (!row) continue;
        chunk.push(row);
        if (chunk.length >= CHUNK_ROWS) {
          await flush(chunk);
          chunk = [];
        }
      }
      await flush(chunk);
      if (pending) await pending;
      if (progress.rowsTotal === 0 && progress.errorCount === 0) report(rowError(null, null, 'noRows'));
      if (progress.errorCount > 0) {
        // After an error that ends the reading (a wrong header, broken CSV) the rest is discarded unread.
        if (!meter.readableEnded) {
          input.body.unpipe(meter);
          input.body.resume();
        }
        throw new Rollback();
      }
      const hash = meter.digest();
      const done = await tx
        .updateTable('import_batches')
        .set({
          status: 'succeeded',
          content_hash: hash,
          rows_total: progress.rowsTotal,
          rows_written: inserted + updated,
          rows_inserted: inserted,
          rows_updated: updated,
          bytes_read: meter.bytes,
          finished_at: sql`clock_timestamp()`,
          heartbeat_at: sql`clock_timestamp()`,
        })
        .where('id', '=', run.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, {
        action,
        personId: null,
        clusters: ['courses'],
        result: 'allowed',
        detail: { runId: run.id, batchId: input.batchId, rows: progress.rowsTotal, inserted, updated },
      });
      run = done;
    });
  } catch (e) {
    live.delete(run.id);
    let failure: RowError[] = errors;
    let count = progress.errorCount;
    if (!(e instanceof Rollback)) {
      const cause = e instanceof UploadTooLarge ? rowError(null, null, 'tooLarge', { max: e.limit }) : rowError(null, null, 'uploadFailed');
      failure = [cause, ...errors].slice(0, MAX_LISTED_ERRORS);
      count++;
    }
    let hash: string | null = null;
    try {
      hash = meter.writableFinished && !meter.destroyed ? meter.digest() : null;
    } catch {
      hash = null;
    }
    const failed = await deps.db
      .updateTable('import_batches')
      .set({
        status: 'failed',
        content_hash: hash,
        rows_total: progress.rowsTotal,
        rows_written: 0,
        bytes_read: meter.bytes,
        error_count: count,
        errors: JSON.stringify(failure),
        finished_at: sql`clock_timestamp()`,
      })
      .where('id', '=', run.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(deps.db, ctx, {
      action,
      personId: null,
      clusters: ['courses'],
      result: 'allowed',
      detail: { runId: run.id, batchId: input.batchId, status: 'failed', errors: count },
    });
    if (e instanceof UploadTooLarge) throw new Problem('payloadTooLarge', e.message, undefined, { run: presentRun(failed) });
    if (!(e instanceof Rollback)) throw e;
    return { status: 'failed', run: presentRun(failed) };
  }
  live.delete(run.id);
  return { status: 'succeeded', run: presentRun(run) };
}

async function loadOrganisations(deps: Deps) {
  const rows = await deps.db.selectFrom('organisations').select(['id', 'kind', 'enterprise_number']).where('enterprise_number', 'is not', null).execute();
  return { byNumber: new Map(rows.map((r) => [r.enterprise_number as string, { id: r.id as string, kind: r.kind as string }])) };
}

/** The administrator's list of runs, newest first (without the error lists). */
export async function listRuns(deps: Deps, ctx: RequestContext, q: { organisationId?: string; status?: string; limit?: number }): Promise<PresentedRun[]> {
  demand(ctx, 'readImportRuns', 'imports.list', 'only an administrator sees the import runs of every partner');
  let query = deps.db.selectFrom('import_batches').selectAll();
  if (q.organisationId) query = query.where('organisation_id', '=', q.organisationId);
  if (q.status) query = query.where('status', '=', q.status);
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(q.limit ?? 100)
    .execute();
  return rows.map((r) => presentRun(r, false));
}

/** One run with its error report (administrator). */
export async function runById(deps: Deps, ctx: RequestContext, id: string): Promise<PresentedRun> {
  demand(ctx, 'readImportRuns', 'imports.read', 'only an administrator sees the import runs of every partner');
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await deps.db.selectFrom('import_batches').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new Problem('resourceNotFound', 'no such import run');
  return presentRun(row);
}

/** A partner's own batch: its latest attempt (with progress while running), and how many attempts there were. */
export async function partnerBatch(deps: Deps, ctx: RequestContext, batchId: string, kind?: ImportKind): Promise<PresentedRun & { attempts: number }> {
  if (ctx.actor.kind !== 'partner' || !ctx.actor.organisationId) throw new Problem('forbidden', 'only a partner client asks for its batches');
  let query = deps.db.selectFrom('import_batches').selectAll().where('organisation_id', '=', ctx.actor.organisationId).where('batch_id', '=', batchId);
  if (kind) query = query.where('kind', '=', kind);
  const rows = await query.orderBy('started_at', 'desc').orderBy('id').execute();
  if (!rows.length) throw new Problem('resourceNotFound', 'you sent no batch with this batchId');
  return { ...presentRun(rows[0]!), attempts: rows.length };
}
