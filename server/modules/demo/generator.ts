/**
 * A deterministic synthetic population with whole life cycles, for demos, tests and benchmarks.
 * No real people: names come from short lists, INSZ and KBO numbers are valid by construction.
 * The same (persons, seed) gives the same rows, recording times (sys_from) included, and
 * the distributions follow the published tables of seed 004 (./reference).
 *
 * Persons are made batch by batch, one random stream per person (so person n is the same whatever
 * the batch size), and written with `copyRows` in foreign-key order. While one batch is being
 * written the next is built, and on PostgreSQL two batches are written at once (each on its own
 * connection): the database server and the generator share the machine's cores.
 *
 * Calling it again adds persons: numbering continues after the persons already present, so new
 * INSZ numbers, dossier numbers and ids do not collide with earlier ones.
 */
import { sql } from 'kysely';
import type { Database } from '../../platform/db.ts';
import { APPEND_ONLY_TABLES, Batch, CODES_USED, DEMO_TODAY, TABLE_ORDER, TABLES, correctLater, lifeCycle, type Context } from './lifecycle.ts';
import { LANGUAGE_PURPOSE } from '../lookups/lookups.service.ts';
import { ACTOR, ensureWorld } from './organisations.ts';
import { LANGUAGES_USED } from './people.ts';
import { Random, iso } from './random.ts';
import { Codes, loadDistributions, type CodeRow } from './reference.ts';

export { DEMO_TODAY };
/** The fixed "today" of the demo world, as an ISO date. */
export const DEMO_TODAY_ISO = iso(DEMO_TODAY);

export interface GenerateOptions {
  persons: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
  batchSize?: number; /* persons per batch, default 1000 */
  /** Ends the generation between batches (a server stopped while it fills its demo): the batches written stay. */
  signal?: AbortSignal;
}
export interface GenerateSummary {
  persons: number;
  rows: Record<string, number>;
  seconds: number;
}

const STANDARD = ['valid_from', 'sys_from', 'recorded_by', 'version'];
/** The earlier versions of corrected records carry when they stopped being current and who ended them. */
const HISTORY = [...STANDARD, 'sys_to', 'ended_by'];

export async function generateDemoData(database: Database, options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const total = options.persons;
  if (!Number.isInteger(total) || total < 0) throw new Error('persons must be a whole number ≥ 0');
  if (!Number.isInteger(options.seed)) throw new Error('seed must be a whole number');
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000));

  // Code lists first: every code the generator writes must exist (and be in force on the day it is used).
  const codeRows = (await database.db
    .selectFrom('code_list')
    .select(['list', 'code', 'label_nl', 'attributes', 'valid_from', 'valid_to'])
    .execute()) as CodeRow[];
  const codes = new Codes(codeRows);
  for (const [list, used] of Object.entries(CODES_USED)) codes.require(list, used);
  codes.require('language', LANGUAGES_USED);
  const dist = loadDistributions(codes);
  const { world, catalogue } = await ensureWorld(database, codes);

  // Continue after the persons already present.
  const existing = await database.db.selectFrom('persons').select('insz').execute();
  const numbers = await database.db.selectFrom('dossiers').select('dossier_number').execute();
  const thirdCountry = dist.nationality.share((n) => dist.nationalityGroup(n) === 'THIRD_COUNTRY');
  const ctx: Context = {
    world,
    dist,
    codes,
    // Obliged are third-country nationals only (EU+ citizens are entitled); 0.96 of persons are in the target group.
    obligedIfThirdCountry: Math.min(0.98, dist.obliged / Math.max(thirdCountry, 1e-9)),
    lessonMoments: codes
      .all('lesson_moment')
      .map((c) => c.code)
      .sort(),
    usedInsz: new Set(existing.map((r) => r.insz as string)),
    usedDossierNumbers: new Set(numbers.map((r) => r.dossier_number as string)),
  };
  // Person numbers (and so the random streams and ids) continue after every person ever recorded here,
  // including deleted ones (their earlier versions stay in persons_history), so no id is made twice.
  const ever = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT id FROM persons UNION SELECT id FROM persons_history) x`.execute(database.db);
  const offset = Math.max(existing.length, Number(ever.rows[0]?.n ?? 0));

  const totals: Record<string, number> = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0]));
  const write = async (batch: Batch, coursesReady: Promise<void>) => {
    await coursesReady;
    for (const table of TABLE_ORDER) {
      const rows = batch.rows[table];
      if (!rows.length) continue;
      await database.copyRows(table, [...TABLES[table], ...STANDARD], rows);
      totals[table]! += rows.length;
    }
    for (const [table, columns] of Object.entries(APPEND_ONLY_TABLES)) {
      const rows = batch.appendOnly[table as keyof typeof APPEND_ONLY_TABLES];
      if (!rows.length) continue;
      await database.copyRows(table, [...columns], rows);
      totals[table] = (totals[table] ?? 0) + rows.length;
    }
    for (const table of TABLE_ORDER) {
      const rows = batch.history[table];
      if (!rows.length) continue;
      await database.copyRows(`${table}_history`, [...TABLES[table], ...HISTORY], rows);
      totals[`${table}_history`] = (totals[`${table}_history`] ?? 0) + rows.length;
    }
  };

  // Build batch n+1 while batch n is written; PostgreSQL writes two batches at once.
  const inFlight: { done: number; promise: Promise<void> }[] = [];
  const parallel = database.kind === 'postgres' ? 2 : 1;
  let failure: unknown = null;
  const settleOldest = async () => {
    const oldest = inFlight.shift()!;
    try {
      await oldest.promise;
    } catch (e) {
      failure ??= e;
    }
    if (failure) throw failure;
    options.onProgress?.(oldest.done, total);
  };
  try {
    for (let done = 0; done < total; done += batchSize) {
      options.signal?.throwIfAborted();
      const size = Math.min(batchSize, total - done);
      const batch = new Batch();
      for (let i = 0; i < size; i++) {
        const index = offset + done + i;
        const rng = new Random(options.seed, index + 1);
        const before = Object.fromEntries(TABLE_ORDER.map((t) => [t, batch.rows[t].length])) as Record<(typeof TABLE_ORDER)[number], number>;
        lifeCycle(ctx, rng, index, batch);
        correctLater(ctx, rng, batch, before);
        // Now and then let the writes in flight send their next statement.
        if (i % 100 === 99 && inFlight.length) await new Promise((resolve) => setImmediate(resolve));
      }
      const promise = write(batch, catalogue.ensure(batch.courses));
      promise.catch(() => undefined); // observed in settleOldest
      inFlight.push({ done: done + size, promise });
      if (inFlight.length >= parallel) await settleOldest();
    }
    while (inFlight.length) await settleOldest();
  } catch (e) {
    await Promise.allSettled(inFlight.map((f) => f.promise));
    throw e;
  }
  // VMSW checked the Dutch-language requirement (seed 003 §60) of every person whose housing
  // requirement was assessed, when that assessment was recorded: the checks VMSW's statistics count.
  const checks = await sql`
    INSERT INTO language_requirement_checks (checked_at, organisation_id, actor_id, person_id, insz_hash, purpose, meets_requirement, basis)
    SELECT h.sys_from, ${world.vmsw}::uuid, ${ACTOR}, h.person_id, kbi_insz_hash(p.insz), ${LANGUAGE_PURPOSE}, h.meets_language IS TRUE,
           CASE WHEN h.meets_language THEN jsonb_build_array(jsonb_build_object('kind', 'WOONCODE', 'date', h.assessed_on,
                'detail', 'KBI assessment: meets the language requirement')) ELSE '[]'::jsonb END
      FROM housing_requirements h JOIN persons p ON p.id = h.person_id
     WHERE h.recorded_by = ${ACTOR} AND NOT EXISTS (SELECT 1 FROM language_requirement_checks c WHERE c.person_id = h.person_id)`.execute(database.db);
  totals.language_requirement_checks = Number(checks.numAffectedRows ?? 0);
  return { persons: total, rows: { ...catalogue.counts, ...totals }, seconds: (performance.now() - started) / 1000 };
}
