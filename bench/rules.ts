/**
 * The rules at scale (issue 13): re-evaluating every rule for 100,000 persons with their lesson-by-
 * lesson participation history on PostgreSQL, and the incremental re-evaluation after one change.
 *
 * The population is the statistics bench's (made in SQL, bench/statistics.ts: persons, target
 * groups, invitations, registrations, courses of 100 lessons, 50 participations per person) plus a
 * trajectory with one component per enrolment, linked to it, and suspensions for 2 % of them.
 *
 *   KBI_BENCH_RULE_PERSONS  persons (default 100,000)
 */
import pg from 'pg';
import { sql } from 'kysely';
import { scratchDatabase } from '../tests/support/databases.ts';
import { evaluateChanged, evaluateRules } from '../server/modules/rules/evaluation.service.ts';
import { population } from './statistics.ts';

const PERSONS = Number(process.env.KBI_BENCH_RULE_PERSONS ?? 100_000);
/** The day evaluated: components of courses that started in the 200 days before it are running. */
const ON = '2024-06-03';

const COMPONENTS = `
  INSERT INTO trajectories (id, person_id, type, start_date, status, status_since, valid_from, sys_from)
    SELECT gen_random_uuid(), e.person_id, 'TT_IBVP', c.start_date, 'OP', c.start_date, c.start_date, c.start_date
      FROM enrolments e JOIN courses c ON c.id = e.course_id;
  INSERT INTO trajectory_components (id, person_id, trajectory_id, type, start_date, end_date, status, status_since, valid_from, sys_from)
    SELECT gen_random_uuid(), t.person_id, t.id, 'TO_A2', t.start_date, t.start_date + 200, 'TO_STA_31', t.start_date, t.start_date, t.start_date
      FROM trajectories t;
  UPDATE enrolments e SET component_id = tc.id FROM trajectory_components tc WHERE tc.person_id = e.person_id;
  INSERT INTO component_suspensions (person_id, component_id, start_date, end_date, reason, valid_from, sys_from)
    SELECT person_id, id, start_date + 60, start_date + 90, 'MEDISCH', start_date + 60, start_date + 60
      FROM trajectory_components WHERE abs(hashtext(id::text)) % 100 < 2;
  ANALYZE;`;

export interface RulesBench {
  persons: number;
  participations: number;
  generationSeconds: number;
  full: { seconds: number; persons: number; proposals: number; byType: Record<string, number> };
  again: { seconds: number; proposals: number };
  incremental: { runs: number; p50: number; p95: number; max: number };
}

export async function benchRules(serverUrl: string, persons = PERSONS): Promise<RulesBench> {
  const database = await scratchDatabase(serverUrl, 'kbi_rules', 4);
  try {
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`SET kbi.actor = 'bench'; SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; SELECT setseed(0.42)`);
    const t0 = performance.now();
    for (const [step, text] of [
      ...population(persons).filter(([step]) => !step.startsWith('ten years')),
      ['trajectories and components', COMPONENTS] as [string, string],
    ]) {
      const s = performance.now();
      await client.query(text).catch((e: Error) => {
        throw new Error(`rules bench, step "${step}": ${e.message}`);
      });
      console.error(`  ${step}: ${((performance.now() - s) / 1000).toFixed(1)} s`);
    }
    const generationSeconds = (performance.now() - t0) / 1000;
    const participations = Number((await client.query('SELECT count(*)::bigint AS n FROM participations')).rows[0].n);
    await client.end();

    const db = database.db;
    const full = await evaluateRules(db, { on: ON, actor: 'system:bench' });
    console.error(`  full: ${full.seconds.toFixed(1)} s, ${full.proposals} proposals`);
    const again = await evaluateRules(db, { on: ON, actor: 'system:bench' });
    // Everyone evaluated; the dead index entries of that bulk update cleared as autovacuum does in the steady state.
    await sql`UPDATE dossier_documents SET rules_version = version`.execute(db);
    await sql`VACUUM ANALYZE dossier_documents`.execute(db);

    // One change at a time: a participation of a running component becomes an absence; then the
    // persons behind are evaluated (that one person), timed.
    const { rows: targets } = await sql<{ id: string }>`
      SELECT pa.id::text FROM participations pa JOIN enrolments e ON e.id = pa.enrolment_id JOIN trajectory_components tc ON tc.id = e.component_id
       WHERE tc.start_date <= ${ON}::date AND tc.end_date >= ${ON}::date AND pa.attendance = 'PRESENT'
       ORDER BY pa.id LIMIT 40`.execute(db);
    const times: number[] = [];
    for (const target of targets) {
      await db.transaction().execute(async (tx) => {
        await sql`SELECT set_config('kbi.actor', 'bench', true)`.execute(tx);
        await sql`UPDATE participations SET attendance = 'ABSENT' WHERE id = ${target.id}::uuid`.execute(tx);
      });
      const s = performance.now();
      const r = await evaluateChanged(db, ON, 'system:bench');
      times.push(performance.now() - s);
      if (!r || r.persons > 1) throw new Error(`rules bench: one change should re-evaluate one person, not ${r?.persons ?? 0}`);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    return {
      persons,
      participations,
      generationSeconds,
      full: { seconds: full.seconds, persons: full.persons, proposals: full.proposals, byType: full.byType },
      again: { seconds: again.seconds, proposals: again.proposals },
      incremental: { runs: times.length, p50: at(0.5), p95: at(0.95), max: times[times.length - 1]! },
    };
  } finally {
    await database.close();
  }
}

export function reportRules(b: RulesBench, say: (s: string) => void): void {
  say(`## Rules of the decree at ${b.persons.toLocaleString('en')} persons (PostgreSQL)`);
  say('');
  say(
    `The statistics bench's population (bench/rules.ts) at ${b.persons.toLocaleString('en')} persons with ${b.participations.toLocaleString('en')} participation rows, every enrolment in a trajectory component (2 % with a suspension); generated in ${b.generationSeconds.toFixed(0)} s. Every rule evaluated for everyone on ${ON} (the nightly run), then the same again (idempotent), then ${b.incremental.runs} single changes, each a participation turned into an absence followed by the re-evaluation of the persons whose dossier changed:`,
  );
  say('');
  say('| run | time | persons evaluated | proposals written |');
  say('|---|---|---|---|');
  say(
    `| all rules, everyone | **${b.full.seconds.toFixed(1)} s** | ${b.full.persons.toLocaleString('en')} | ${b.full.proposals.toLocaleString('en')} (${Object.entries(
      b.full.byType,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}) |`,
  );
  say(`| again, nothing new | ${b.again.seconds.toFixed(1)} s | | ${b.again.proposals} |`);
  say(
    `| after one change (p50 / p95 / max of ${b.incremental.runs}) | **${b.incremental.p50.toFixed(1)} ms** / ${b.incremental.p95.toFixed(1)} ms / ${b.incremental.max.toFixed(1)} ms | 1 | |`,
  );
  say('');
  say(
    `Goals: everyone under 60 s — ${b.full.seconds < 60 ? 'met' : 'NOT met'}; after one change under 50 ms — ${b.incremental.p50 < 50 ? 'met' : 'NOT met'} (p50).`,
  );
  say('');
}
