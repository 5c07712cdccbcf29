/**
 * Re-evaluation of the rules (issue 13): finds the infringements the facts show on a day and writes
 * each as a proposal with the facts that triggered it. Idempotent: a proposal is keyed by its facts
 * (the invitation whose term passed; the rule version and the components below the threshold), so
 * running again, nightly or after every change, never proposes the same facts twice.
 *
 * What it looks at, on day D (facts as recorded by then):
 * - the signing term: registered, but no contract signed by the end of the term after it and no
 *   postponement of signing → "geweigerd te ondertekenen";
 * - the re-registration term (from 01/03/2022): a suspension of the contract ended and no registration
 *   came in the term after it → "niet tijdig aangemeld na opschorting";
 * - the registration term (deadlines.policy.ts): an obliged newcomer's invitation whose three months
 *   ran out in the year before D without a registration in time → "niet tijdig aangemeld", or
 *   "na inbreuk niet tijdig aangemeld" when a registration infringement was established earlier;
 * - attendance (attendance.policy.ts): the components running on D, or ended in the week before it,
 *   judged on D by the rule then in force → "onregelmatige deelname" / "onrechtmatig vroegtijdig
 *   beëindigd" (until 28/02/2022) or "niet regelmatig deelgenomen" (from 01/03/2022);
 * - never while a suspension of a component or contract of the person runs on D;
 * - each type only for the target groups its code says it applies to (infringement_type.appliesTo);
 * - and the primary trajectories completed as the rules require: the integration certificate to
 *   issue (certificate.policy.ts), once per trajectory.
 * The minutes are added up in SQL (one pass over the participations); the rule itself is decided in
 * TypeScript by the same functions the dossier uses, so the two cannot disagree.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Database, Db, HeldLock } from '../../platform/db.ts';
import { addDays } from '../../platform/calendar.ts';
import { repeat, type Repeating } from '../../platform/schedule.ts';
import { crashPoint } from '../../platform/crash.ts';
import { ATTENDANCE_RULES, outcomeOf, partStatus, ruleOn, type PartStatus } from './attendance.policy.ts';
import { deadline } from './deadlines.policy.ts';
import { findCertificates, writeCertificateProposals } from './certificates.service.ts';

/** How far back a passed registration term is still proposed, and how long after its end a component is still judged. */
export const REGISTRATION_LOOKBACK_DAYS = 365;
export const COMPONENT_GRACE_DAYS = 7;

export interface Proposal {
  personId: string;
  type: string;
  ruleId: string;
  factsKey: string;
  facts: Record<string, unknown>;
}

export interface EvaluationResult {
  runId: string;
  on: string;
  persons: number;
  proposals: number;
  byType: Record<string, number>;
  /** New certificate proposals: trajectories found completed as the rules require. */
  certificates: number;
  seconds: number;
}

const REGISTRATION_TYPES = ['NIET_TIJDIG_AANGEMELD', 'NA_INBREUK_NIET_TIJDIG_AANGEMELD'];

/**
 * Per trajectory component running on `on` (or ended in the week before), the lesson minutes up to
 * that day: present, absent, excused, and those during a suspension of the component (which count
 * for nothing). `where` narrows the components (e.g. to a territory). One SQL fragment for the
 * re-evaluation and the worklist of attendance under the threshold.
 */
export function componentMinutes(on: string, where: RawBuilder<unknown>) {
  return sql`
      SELECT tc.person_id, tc.id AS component_id, tc.type,
             coalesce(sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'PRESENT' AND s.hit IS NULL), 0)::int AS present,
             coalesce(sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'ABSENT' AND s.hit IS NULL), 0)::int AS absent,
             coalesce(sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'ABSENT_JUSTIFIED' AND s.hit IS NULL), 0)::int AS justified,
             coalesce(sum(l.duration_minutes) FILTER (WHERE s.hit), 0)::int AS suspended_minutes,
             count(*)::int AS lessons
        FROM trajectory_components tc
        JOIN enrolments e ON e.component_id = tc.id
        JOIN participations pa ON pa.enrolment_id = e.id
        JOIN lessons l ON l.id = pa.lesson_id
        LEFT JOIN LATERAL (
          SELECT true AS hit FROM component_suspensions cs
           WHERE cs.component_id = tc.id AND cs.start_date <= (l.starts_at AT TIME ZONE 'Europe/Brussels')::date
             AND (cs.end_date IS NULL OR cs.end_date >= (l.starts_at AT TIME ZONE 'Europe/Brussels')::date)
           LIMIT 1) s ON true
       WHERE tc.start_date <= ${on}::date AND (tc.end_date IS NULL OR tc.end_date >= ${addDays(on, -COMPONENT_GRACE_DAYS)}::date)
         AND (l.starts_at AT TIME ZONE 'Europe/Brussels')::date <= ${on}::date
         ${where}
       GROUP BY tc.person_id, tc.id, tc.type`;
}

/** The proposals the facts show on day `on`, for everyone or for the persons named. Writes nothing. */
export async function findProposals(db: Db, on: string, personIds: readonly string[] | null): Promise<{ proposals: Proposal[]; persons: number }> {
  const only = personIds ? sql`AND x.person_id = ANY(${[...personIds]}::uuid[])` : sql``;
  const appliesTo = new Map(
    (
      await sql<{ code: string; applies: string[] | null }>`
        SELECT code, ARRAY(SELECT jsonb_array_elements_text(attributes->'appliesTo')) AS applies FROM code_list WHERE list = 'infringement_type'`.execute(db)
    ).rows.map((r) => [r.code, new Set(r.applies ?? [])]),
  );
  // The target group on D (the latest determination up to D) and whether a suspension runs on D.
  const persons = sql`
    SELECT x.person_id,
           (SELECT tg.type FROM target_group_determinations tg WHERE tg.person_id = x.person_id AND tg.determined_on <= ${on}::date AND tg.type IS NOT NULL
             ORDER BY tg.determined_on DESC, tg.id DESC LIMIT 1) AS target_group,
           EXISTS (SELECT 1 FROM component_suspensions s WHERE s.person_id = x.person_id AND s.start_date <= ${on}::date AND (s.end_date IS NULL OR s.end_date >= ${on}::date))
        OR EXISTS (SELECT 1 FROM contract_suspensions s WHERE s.person_id = x.person_id AND s.start_date <= ${on}::date AND (s.end_date IS NULL OR s.end_date >= ${on}::date))
             AS suspended`;

  const invitations = await sql<{
    id: string;
    person_id: string;
    sent_on: string;
    registered_letter: boolean | null;
    registered_on: string | null;
    earlier: boolean;
    target_group: string | null;
    suspended: boolean;
  }>`
    WITH x AS (
      SELECT i.* FROM invitations i
       WHERE i.sent_on IS NOT NULL
         AND i.sent_on BETWEEN ${addDays(on, -REGISTRATION_LOOKBACK_DAYS - 130)}::date AND ${addDays(on, -85)}::date)
    SELECT x.id::text, x.person_id::text, x.sent_on::text, x.registered_letter, p.target_group, p.suspended,
           (SELECT min(r.registered_on)::text FROM registrations r WHERE r.person_id = x.person_id AND r.registered_on >= x.sent_on AND r.registered_on <= ${on}::date) AS registered_on,
           EXISTS (SELECT 1 FROM infringements f WHERE f.person_id = x.person_id AND f.type IN (${sql.join(REGISTRATION_TYPES)}) AND f.established_on < x.sent_on) AS earlier
      FROM x, LATERAL (${persons}) p
     WHERE p.target_group IS NOT NULL ${only}`.execute(db);

  const proposals: Proposal[] = [];
  for (const i of invitations.rows) {
    const d = deadline('registration', i.sent_on, { registered: i.registered_letter !== false });
    if (!d || !(d.due < on) || d.due < addDays(on, -REGISTRATION_LOOKBACK_DAYS)) continue;
    if (i.registered_on !== null && i.registered_on <= d.due) continue;
    if (i.suspended) continue;
    const type = i.earlier ? 'NA_INBREUK_NIET_TIJDIG_AANGEMELD' : 'NIET_TIJDIG_AANGEMELD';
    if (!appliesTo.get(type)?.has(i.target_group!)) continue;
    proposals.push({
      personId: i.person_id,
      type,
      ruleId: `deadline-registration-${d.rule.validFrom}`,
      factsKey: `invitation:${i.id}`,
      facts: {
        kind: 'registrationTerm',
        invitationId: i.id,
        sentOn: i.sent_on,
        registeredLetter: i.registered_letter !== false,
        termStarts: d.starts,
        due: d.due,
        registeredOn: i.registered_on,
        earlierInfringement: i.earlier,
        source: d.rule.source,
      },
    });
  }

  // Registered, but no contract signed by the end of the term after it (a contract from before still
  // holds: registering again after a suspension asks no new signature), and no postponement of signing.
  const registrations = await sql<{
    id: string;
    person_id: string;
    registered_on: string;
    signed_on: string | null;
    postponed: boolean;
    target_group: string | null;
    suspended: boolean;
  }>`
    WITH x AS (
      SELECT r.* FROM registrations r
       WHERE r.registered_on BETWEEN ${addDays(on, -REGISTRATION_LOOKBACK_DAYS - 100)}::date AND ${addDays(on, -85)}::date)
    SELECT x.id::text, x.person_id::text, x.registered_on::text, p.target_group, p.suspended,
           (SELECT min(c.signed_on)::text FROM contracts c WHERE c.person_id = x.person_id AND c.signed_on <= ${on}::date) AS signed_on,
           EXISTS (SELECT 1 FROM signing_postponements sp WHERE sp.person_id = x.person_id AND sp.start_date <= ${on}::date
                     AND (sp.end_date IS NULL OR sp.end_date >= x.registered_on)) AS postponed
      FROM x, LATERAL (${persons}) p
     WHERE p.target_group IS NOT NULL ${only}`.execute(db);
  for (const r of registrations.rows) {
    const d = deadline('contractSigning', r.registered_on);
    if (!d || !(d.due < on) || d.due < addDays(on, -REGISTRATION_LOOKBACK_DAYS)) continue;
    if ((r.signed_on !== null && r.signed_on <= d.due) || r.postponed || r.suspended) continue;
    if (!appliesTo.get('GEWEIGERD_TE_ONDERTEKENEN')?.has(r.target_group!)) continue;
    proposals.push({
      personId: r.person_id,
      type: 'GEWEIGERD_TE_ONDERTEKENEN',
      ruleId: `deadline-contractSigning-${d.rule.validFrom}`,
      factsKey: `registration:${r.id}`,
      facts: { kind: 'signingTerm', registrationId: r.id, registeredOn: r.registered_on, due: d.due, signedOn: r.signed_on, source: d.rule.source },
    });
  }

  // A suspension of the contract ended, and no registration came in the term after it (from 01/03/2022).
  const ended = await sql<{ id: string; person_id: string; end_date: string; registered_on: string | null; target_group: string | null; suspended: boolean }>`
    WITH x AS (
      SELECT s.* FROM contract_suspensions s
       WHERE s.end_date BETWEEN ${addDays(on, -REGISTRATION_LOOKBACK_DAYS - 100)}::date AND ${addDays(on, -85)}::date)
    SELECT x.id::text, x.person_id::text, x.end_date::text, p.target_group, p.suspended,
           (SELECT min(r.registered_on)::text FROM registrations r WHERE r.person_id = x.person_id AND r.registered_on > x.end_date AND r.registered_on <= ${on}::date) AS registered_on
      FROM x, LATERAL (${persons}) p
     WHERE p.target_group IS NOT NULL ${only}`.execute(db);
  for (const s of ended.rows) {
    const d = deadline('reRegistration', s.end_date);
    if (!d || !(d.due < on) || d.due < addDays(on, -REGISTRATION_LOOKBACK_DAYS)) continue;
    if ((s.registered_on !== null && s.registered_on <= d.due) || s.suspended) continue;
    if (!appliesTo.get('NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING')?.has(s.target_group!)) continue;
    proposals.push({
      personId: s.person_id,
      type: 'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING',
      ruleId: `deadline-reRegistration-${d.rule.validFrom}`,
      factsKey: `suspension:${s.id}`,
      facts: { kind: 'reRegistrationTerm', suspensionId: s.id, suspensionEnded: s.end_date, due: d.due, registeredOn: s.registered_on, source: d.rule.source },
    });
  }

  const rule = ruleOn(ATTENDANCE_RULES, on);
  const components = await sql<{
    person_id: string;
    component_id: string;
    type: string;
    present: number;
    absent: number;
    justified: number;
    suspended_minutes: number;
    lessons: number;
    target_group: string | null;
    suspended: boolean;
  }>`
    WITH x AS (${componentMinutes(on, sql``)})
    SELECT x.person_id::text, x.component_id::text, x.type, x.present, x.absent, x.justified, x.suspended_minutes, x.lessons, p.target_group, p.suspended
      FROM x, LATERAL (${persons}) p
     WHERE p.target_group IS NOT NULL ${only}
     ORDER BY x.person_id, x.component_id`.execute(db);

  const byPerson = new Map<string, typeof components.rows>();
  for (const c of components.rows) byPerson.set(c.person_id, [...(byPerson.get(c.person_id) ?? []), c]);
  for (const [personId, parts] of byPerson) {
    if (parts[0]!.suspended) continue;
    const statuses: PartStatus[] = parts.map((p) => partStatus(p.present, p.absent, rule));
    const outcome = outcomeOf(statuses, rule);
    const type = rule.infringements[outcome];
    if (!type || !appliesTo.get(type)?.has(parts[0]!.target_group!)) continue;
    const below = parts.filter((_, i) => statuses[i] !== 'REGULAR' && statuses[i] !== 'NO_LESSONS').map((p) => p.component_id);
    proposals.push({
      personId,
      type,
      ruleId: rule.id,
      factsKey: `attendance:${rule.id}:${below.sort().join(',')}`,
      facts: {
        kind: 'attendance',
        on,
        rule: {
          id: rule.id,
          validFrom: rule.validFrom,
          regularPercent: rule.regularPercent,
          earlyTerminationAbsentPercent: rule.earlyTerminationAbsentPercent,
          source: rule.source,
        },
        outcome,
        parts: parts.map((p, i) => ({
          componentId: p.component_id,
          componentType: p.type,
          presentMinutes: p.present,
          absentMinutes: p.absent,
          justifiedMinutes: p.justified,
          suspendedMinutes: p.suspended_minutes,
          lessons: p.lessons,
          presentPercent: p.present + p.absent ? Math.floor((p.present * 1000) / (p.present + p.absent)) / 10 : null,
          status: statuses[i],
        })),
      },
    });
  }
  const seen = new Set([
    ...invitations.rows.map((r) => r.person_id),
    ...registrations.rows.map((r) => r.person_id),
    ...ended.rows.map((r) => r.person_id),
    ...byPerson.keys(),
  ]);
  return { proposals, persons: seen.size };
}

/**
 * Runs the rules on day `on` for everyone (`personIds` null: the nightly run) or for the persons a
 * change touched, writes the new proposals (those whose facts were proposed before are left as
 * they are) and records the run. Returns what it found.
 */
export async function evaluateRules(db: Db, options: { on: string; personIds?: readonly string[] | null; actor: string }): Promise<EvaluationResult> {
  const started = performance.now();
  const personIds = options.personIds ?? null;
  const run = await db
    .insertInto('rule_evaluations')
    .values({ kind: personIds ? 'persons' : 'full', evaluated_on: options.on, started_by: options.actor })
    .returning('id')
    .executeTakeFirstOrThrow();
  try {
    const { proposals, persons } = await findProposals(db, options.on, personIds);
    const certificateFindings = await findCertificates(db, options.on, personIds);
    const byType: Record<string, number> = {};
    let written = 0;
    let certificates = 0;
    await db.transaction().execute(async (tx) => {
      await sql`select set_config('kbi.actor', ${options.actor}, true)`.execute(tx);
      for (let i = 0; i < proposals.length; i += 1000) {
        const chunk = proposals.slice(i, i + 1000);
        const inserted = await tx
          .insertInto('infringement_proposals')
          .values(
            chunk.map((p) => ({
              person_id: p.personId,
              type: p.type,
              rule_id: p.ruleId,
              detected_on: options.on,
              facts: JSON.stringify(p.facts),
              facts_key: p.factsKey,
            })),
          )
          .onConflict((oc) => oc.columns(['person_id', 'type', 'facts_key']).doNothing())
          .returning('type')
          .execute();
        for (const r of inserted) byType[r.type] = (byType[r.type] ?? 0) + 1;
        written += inserted.length;
      }
      certificates = await writeCertificateProposals(tx, options.on, certificateFindings);
      crashPoint('rules.evaluate.written');
      await tx
        .updateTable('rule_evaluations')
        .set({ finished_at: sql`clock_timestamp()`, persons, proposals: written })
        .where('id', '=', run.id)
        .execute();
    });
    return { runId: run.id, on: options.on, persons, proposals: written, byType, certificates, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    await db
      .updateTable('rule_evaluations')
      .set({ finished_at: sql`clock_timestamp()`, error: String((e as Error).message).slice(0, 2000) })
      .where('id', '=', run.id)
      .execute();
    throw e;
  }
}

/**
 * Re-evaluates the persons whose dossier changed since the rules last looked (every change bumps
 * dossier_documents.version; rules_version remembers the version evaluated), up to `limit` at a
 * time. A change made while the evaluation runs leaves the person behind for the next round.
 */
export async function evaluateChanged(db: Db, on: string, actor: string, limit = 5000): Promise<EvaluationResult | null> {
  const due = await sql<{ person_id: string; version: number }>`
    SELECT d.person_id::text AS person_id, d.version FROM dossier_documents d  -- ordered by the column itself, so the partial index serves
     WHERE d.rules_version IS DISTINCT FROM d.version ORDER BY d.person_id LIMIT ${limit}`.execute(db);
  if (!due.rows.length) return null;
  const result = await evaluateRules(db, { on, personIds: due.rows.map((r) => r.person_id), actor });
  // A row another transaction is changing now is skipped (SKIP LOCKED), not waited for: its version
  // moves on, so the next round takes that person again. Waiting let this update, which takes its many
  // rows in no set order, close a deadlock with a writer holding some of them (an import's batch of
  // persons; the soak met it).
  const ids = due.rows.map((r) => r.person_id);
  await sql`
    UPDATE dossier_documents d SET rules_version = x.version
      FROM unnest(${ids}::uuid[], ${due.rows.map((r) => r.version)}::int[]) AS x(person_id, version)
     WHERE d.person_id = x.person_id AND d.version = x.version
       AND d.person_id IN (SELECT l.person_id FROM dossier_documents l WHERE l.person_id = ANY(${ids}::uuid[]) FOR NO KEY UPDATE SKIP LOCKED)`.execute(db);
  return result;
}

/** Whether the full evaluation of day `on` has run (and finished without error). */
export async function fullRunDone(db: Db, on: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM rule_evaluations WHERE kind = 'full' AND evaluated_on = ${on}::date AND finished_at IS NOT NULL AND error IS NULL`.execute(
    db,
  );
  return rows[0]!.n > 0;
}

export interface RuleJobLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

/** Who the job's runs are recorded as. */
const JOB_ACTOR = 'system:rules';
/** Held by the job for each round (an advisory lock: it ends with its process's connection), so one worker evaluates at a time. */
const JOB_LOCK = 'kbi:rules.evaluate';
export const INTERRUPTED_RUN = 'interrupted: the process running it stopped before it finished; none of its proposals were written';

/**
 * Records the job's runs left unfinished as failed. Only while holding the job's lock: then no
 * living process is running one, so an unfinished run is one whose process died (its proposals went
 * with its transaction), and it would otherwise show as running for ever.
 */
async function endInterruptedRuns(db: Db): Promise<number> {
  const res = await db
    .updateTable('rule_evaluations')
    .set({ finished_at: sql`clock_timestamp()`, error: INTERRUPTED_RUN })
    .where('finished_at', 'is', null)
    .where('started_by', '=', JOB_ACTOR)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * The job of the worker process: every `everyMs` the persons a change touched; once a day (the
 * first round of each Belgian day, so after midnight, or at start when today's run is missing)
 * everyone, for what time alone changes (terms that ran out, components that ended). Each round
 * holds the job's lock (the database's process lock): with several `kbi worker` processes one
 * evaluates and the others leave the round to it instead of evaluating the same persons beside it,
 * and the holder may end the runs of a dead process (endInterruptedRuns).
 */
export function startRuleEvaluation(database: Pick<Database, 'db' | 'tryLock'>, everyMs: number, today: () => string, log: RuleJobLog): Repeating {
  const db = database.db;
  return repeat(everyMs, async () => {
    let held: HeldLock | null = null;
    try {
      held = await database.tryLock(JOB_LOCK);
      if (!held) return;
      const interrupted = await endInterruptedRuns(db);
      if (interrupted) log.warn({ runs: interrupted }, 'rules_runs_interrupted');
      const on = today();
      if (!(await fullRunDone(db, on))) {
        const full = await evaluateRules(db, { on, actor: JOB_ACTOR });
        log.info({ on, persons: full.persons, proposals: full.proposals, seconds: full.seconds }, 'rules_evaluated_all');
      }
      for (let r = await evaluateChanged(db, on, JOB_ACTOR); r; r = await evaluateChanged(db, on, JOB_ACTOR))
        if (r.proposals) log.info({ on, persons: r.persons, proposals: r.proposals }, 'rules_evaluated_changes');
    } catch (err) {
      log.error({ error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined }, 'rules_evaluation_failed');
    } finally {
      await held?.release();
    }
  });
}

/** The latest runs of the re-evaluation, newest first, for administrators: what ran, for how many, what it found, what failed. */
export async function listRuleEvaluations(db: Db, limit = 100) {
  const { rows } = await sql<{
    id: string;
    kind: string;
    evaluated_on: string;
    started_at: Date;
    finished_at: Date | null;
    persons: number;
    proposals: number;
    error: string | null;
    started_by: string;
  }>`SELECT id::text, kind, evaluated_on::text, started_at, finished_at, persons, proposals, error, started_by
       FROM rule_evaluations ORDER BY started_at DESC LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    evaluatedOn: r.evaluated_on,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    seconds: r.finished_at ? (new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) / 1000 : null,
    persons: r.persons,
    proposals: r.proposals,
    error: r.error,
    startedBy: r.started_by,
  }));
}
