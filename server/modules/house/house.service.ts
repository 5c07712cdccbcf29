/**
 * The House of Dutch's own day (issue 14): a person comes in for Dutch lessons.
 *
 *   intake (by INSZ) → placement test → advice (level, course type, intensity) → a place on a course,
 *   or the House's waiting list until one frees up.
 *
 * Each step is a record of the dossier (language_intakes, test_results, advice, enrolments,
 * waiting_list_entries), written through the records door so it carries history, version and audit,
 * and shows where the rule book lets it show: the caseworker's dossier, the OCMW's waiting-list panel.
 * This module adds what the records alone do not give: the intake by INSZ (which may register a
 * person the KBI does not know yet: the one way a House registers a person), the House's list of
 * intakes with the step each one is at, the waiting list as a queue per House with its age and the
 * next free places, and the placement that takes a free place without overbooking a course.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays } from '../../platform/calendar.ts';
import { inTransaction, untyped, type Executor, type Row } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { assertInTerritory, authorize, demand } from '../access/access.service.ts';
import { byTable, PERSON_RESOURCE } from '../dossier/clusters.ts';
import { checkReferences, checkRules, checkValidFrom, toColumns } from '../dossier/dossier.service.ts';
import { belgianToday } from '../integrations/integrations.service.ts';

const INTAKES = byTable.get('language_intakes')!;

/** Enrolment statuses that hold a place on a course. */
export const HOLDS_A_PLACE = ['INGESCHREVEN', 'LOPEND'] as const;
/** A course that started at most this many days ago still takes learners (the first lessons can be caught up). */
export const JOIN_AFTER_START_DAYS = 21;

const fieldError = (name: string, detail: string, type?: string) =>
  new Problem('badRequest', `${name}: ${detail}`, [{ in: 'body', name, detail, ...(type ? { type } : {}) }]);

/** The House of Dutch the caller works for; every step of this module is the House's own. */
async function houseOf(db: Executor, ctx: RequestContext): Promise<{ id: string; name: string; region: string | null }> {
  demand(ctx, 'houseOfDutchDesk', 'house.desk', 'only the staff of a House of Dutch work its desk');
  const org = ctx.actor.organisationId
    ? await db.selectFrom('organisations').select(['id', 'name', 'kind', 'region']).where('id', '=', ctx.actor.organisationId).executeTakeFirst()
    : undefined;
  // The role may work a House's desk (the door checked it); the account must also belong to a House.
  if (!org || org.kind !== 'HOUSE_OF_DUTCH')
    throw new Problem('businessRule', 'your organisation is no House of Dutch: it has no intakes, waiting list or placements');
  return { id: org.id, name: org.name, region: org.region };
}

/** The person's fields are named under `person` in the intake's problems (`person.birthDate`). */
function asPerson<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof Problem && e.issues?.length)
      throw new Problem(
        e.code,
        e.message,
        e.issues.map((i) => (i.in === 'body' ? { ...i, name: `person.${i.name}` } : i)),
        e.extra,
      );
    throw e;
  }
}

export interface IntakeInput {
  insz: string;
  intakeOn?: string;
  officeId?: string | null;
  referredBy?: string | null;
  remarks?: string | null;
  /** Only for a person the KBI does not know yet: who it is. */
  person?: {
    familyName?: string;
    givenNames?: string;
    birthDate?: string | null;
    gender?: string;
    nationality?: string;
    correspondenceLanguage?: string | null;
  };
}

export interface IntakeStarted {
  intake: Row;
  personId: string;
  personCreated: boolean;
  /** The agency office that follows the person, if one does (the case lead): the House sees whom to call. */
  followedBy: { organisation: string; office: string | null } | null;
}

/**
 * Takes a person in by INSZ. A person the KBI knows becomes a client of the House by the intake; an
 * unknown INSZ needs the person's name, gender and nationality (problem naming each missing field).
 */
export async function startIntake(deps: Deps, ctx: RequestContext, input: IntakeInput): Promise<IntakeStarted> {
  authorize(ctx, 'create', 'advice', 'language_intakes');
  const parsed = parseInsz(String(input.insz ?? ''), { allowTestNumbers: deps.acceptTestInsz });
  if (!parsed.ok) throw new Problem('invalidInsz', `insz: not a valid INSZ: ${parsed.message}`, [{ in: 'body', name: 'insz', detail: parsed.message }]);
  const insz = parsed.insz.value;
  const today = belgianToday();
  const intakeOn = input.intakeOn ?? today;
  if (intakeOn > today) throw fieldError('intakeOn', 'an intake cannot lie in the future');
  if (intakeOn < addDays(today, -365)) throw fieldError('intakeOn', 'an intake is recorded within a year of the day it took place');
  const intakeRow = toColumns(
    deps,
    INTAKES,
    { intakeOn, officeId: input.officeId ?? null, referredBy: input.referredBy ?? null, remarks: input.remarks ?? null },
    'create',
  );
  checkRules(INTAKES, intakeRow);
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const house = await houseOf(tx, ctx);
    intakeRow.house_id = house.id;
    if (intakeRow.office_id) {
      const office = await tx
        .selectFrom('offices')
        .select('organisation_id')
        .where('id', '=', intakeRow.office_id as string)
        .executeTakeFirst();
      if (office && office.organisation_id !== house.id) throw fieldError('officeId', 'an office of your own House');
    }
    let person = await tx.selectFrom('persons').select(['id']).where('insz', '=', insz).executeTakeFirst();
    let personCreated = false;
    if (!person) {
      const given = input.person ?? {};
      const missing: Issue[] = (['familyName', 'givenNames', 'gender', 'nationality'] as const)
        .filter((k) => given[k] == null || String(given[k]).trim() === '')
        .map((k) => ({ in: 'body', name: `person.${k}`, detail: 'required: this INSZ is not known in the KBI yet, so the intake registers the person' }));
      if (missing.length) throw new Problem('businessRule', `person: this INSZ is not known yet; give ${missing.map((m) => m.name).join(', ')}`, missing);
      const row = asPerson(() => {
        const r = toColumns(deps, PERSON_RESOURCE, { ...given, insz }, 'create');
        if (r.birth_date == null && parsed.insz.birthDate && parsed.insz.kind === 'nationalRegister') r.birth_date = parsed.insz.birthDate;
        checkRules(PERSON_RESOURCE, r);
        return r;
      });
      row.created_by_organisation_id = house.id;
      person = await untyped(tx).insertInto('persons').values(row).returning(['id']).executeTakeFirstOrThrow();
      personCreated = true;
      await recordAudit(tx, ctx, {
        action: 'persons.create',
        personId: person.id,
        clusters: ['personalia'],
        result: 'allowed',
        detail: { recordId: person.id, via: 'intake' },
      });
    }
    await checkReferences(tx, INTAKES, intakeRow, person.id);
    const intake = await untyped(tx)
      .insertInto('language_intakes')
      .values({ ...intakeRow, person_id: person.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: 'languageIntakes.create',
      personId: person.id,
      clusters: ['advice'],
      result: 'allowed',
      detail: { recordId: intake.id },
    });
    const lead = await sql<{ organisation: string; office: string | null }>`
      SELECT COALESCE(lo.name, oo.name) AS organisation, f.name AS office
        FROM dossiers d
        LEFT JOIN offices f ON f.id = d.managing_office_id
        LEFT JOIN organisations oo ON oo.id = f.organisation_id
        LEFT JOIN organisations lo ON lo.id = d.case_lead_organisation_id
       WHERE d.person_id = ${person.id}`.execute(tx);
    const followedBy = lead.rows[0]?.organisation ? lead.rows[0] : null;
    return { intake, personId: person.id, personCreated, followedBy };
  });
}

export type IntakeStage = 'TEST' | 'ADVICE' | 'PLACEMENT' | 'WAITING' | 'PLACED' | 'CLOSED';

export interface IntakeItem {
  id: string;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  intakeOn: string;
  referredBy: string | null;
  test: { takenOn: string; testType: string; result: string; level: string | null } | null;
  advice: { givenOn: string; adviceType: string; advisedLevel: string | null; courseType: string | null; intensity: string | null } | null;
  waiting: { id: string; appliedOn: string; status: string } | null;
  enrolment: { enrolledOn: string; course: string; status: string } | null;
  /** The step the intake waits for (TEST, ADVICE, PLACEMENT), or where it ended up. */
  stage: IntakeStage;
  daysOpen: number;
}

function stageOf(i: Pick<IntakeItem, 'test' | 'advice' | 'waiting' | 'enrolment'>): IntakeStage {
  if (i.enrolment || i.waiting?.status === 'PLACED') return 'PLACED';
  if (i.waiting?.status === 'APPLIED') return 'WAITING';
  if (i.waiting) return 'CLOSED';
  if (i.advice) return 'PLACEMENT';
  if (i.test) return 'ADVICE';
  return 'TEST';
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** The House's intakes of the past year with the step each one is at; `open` keeps those still waiting for a step. */
export async function houseIntakes(deps: Deps, ctx: RequestContext, options: { open?: boolean } = {}): Promise<IntakeItem[]> {
  authorize(ctx, 'read', 'advice', 'language_intakes');
  const house = await houseOf(deps.db, ctx);
  const today = belgianToday();
  const { rows } = await sql<Record<string, any>>`
    SELECT li.id::text, li.person_id::text, li.intake_on::text, li.referred_by, p.insz, p.family_name, p.given_names,
           t.taken_on::text AS t_on, t.test_type, t.result AS t_result, t.level AS t_level,
           a.given_on::text AS a_on, a.advice_type, a.advised_level, a.course_type, a.intensity,
           w.id::text AS w_id, w.applied_on::text AS w_on, w.status AS w_status,
           e.enrolled_on::text AS e_on, e.status AS e_status, c.name AS e_course
      FROM language_intakes li
      JOIN persons p ON p.id = li.person_id
      LEFT JOIN LATERAL (SELECT * FROM test_results x WHERE x.person_id = li.person_id AND x.taken_on >= li.intake_on ORDER BY x.taken_on DESC, x.id DESC LIMIT 1) t ON true
      LEFT JOIN LATERAL (SELECT * FROM advice x WHERE x.person_id = li.person_id AND (x.intake_id = li.id OR (x.intake_id IS NULL AND x.given_by_id = li.house_id AND x.given_on >= li.intake_on))
                         ORDER BY x.given_on DESC, x.id DESC LIMIT 1) a ON true
      LEFT JOIN LATERAL (SELECT x.* FROM waiting_list_entries x JOIN offices xo ON xo.id = x.office_id
                          WHERE x.person_id = li.person_id AND xo.organisation_id = li.house_id AND x.applied_on >= li.intake_on ORDER BY x.applied_on DESC, x.id DESC LIMIT 1) w ON true
      LEFT JOIN LATERAL (SELECT x.* FROM enrolments x JOIN courses xc ON xc.id = x.course_id
                          WHERE x.person_id = li.person_id AND xc.course_type = 'NT2' AND x.enrolled_on >= li.intake_on ORDER BY x.enrolled_on DESC, x.id DESC LIMIT 1) e ON true
      LEFT JOIN courses c ON c.id = e.course_id
     WHERE li.house_id = ${house.id} AND li.intake_on >= ${addDays(today, -365)}::date
     ORDER BY li.intake_on, li.id
     LIMIT 2000`.execute(deps.db);
  const items = rows.map((r): IntakeItem => {
    const item: Omit<IntakeItem, 'stage'> = {
      id: r.id,
      personId: r.person_id,
      insz: r.insz,
      familyName: r.family_name,
      givenNames: r.given_names,
      intakeOn: r.intake_on,
      referredBy: r.referred_by,
      test: r.t_on ? { takenOn: r.t_on, testType: r.test_type, result: r.t_result, level: r.t_level } : null,
      advice: r.a_on ? { givenOn: r.a_on, adviceType: r.advice_type, advisedLevel: r.advised_level, courseType: r.course_type, intensity: r.intensity } : null,
      waiting: r.w_id ? { id: r.w_id, appliedOn: r.w_on, status: r.w_status } : null,
      enrolment: r.e_on ? { enrolledOn: r.e_on, course: r.e_course, status: r.e_status } : null,
      daysOpen: daysBetween(r.intake_on, today),
    };
    return { ...item, stage: stageOf(item) };
  });
  const shown = options.open ? items.filter((i) => i.stage === 'TEST' || i.stage === 'ADVICE' || i.stage === 'PLACEMENT') : items;
  await recordAudit(deps.db, ctx, {
    action: 'house.intakes',
    personId: null,
    clusters: ['advice', 'level', 'courses'],
    result: 'allowed',
    detail: { found: shown.map((i) => i.personId) },
  });
  return shown;
}

export interface QueueEntry {
  id: string;
  version: number;
  position: number;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  courseType: string;
  appliedOn: string;
  waitingDays: number;
  providerId: string | null;
  provider: string | null;
  advice: { adviceType: string; advisedLevel: string | null; intensity: string | null } | null;
}

export interface FreeCourse {
  id: string;
  name: string;
  courseType: string;
  targetLevel: string | null;
  providerId: string;
  provider: string;
  location: string | null;
  startDate: string;
  endDate: string | null;
  places: number;
  free: number;
}

export interface WaitingQueue {
  house: { id: string; name: string };
  today: string;
  entries: QueueEntry[];
  /** Courses of the House's region that take learners now or soon and have a free place: the next places to offer. */
  freePlaces: FreeCourse[];
  oldestWaitingDays: number | null;
}

/** Courses with a free place that the House may offer: its region's providers and those it sends learners to, starting soon or just started. */
async function freeCourses(
  db: Executor,
  house: { id: string; region: string | null },
  today: string,
  filter: { courseId?: string; courseTypes?: string[] } = {},
): Promise<FreeCourse[]> {
  const { rows } = await sql<Record<string, any>>`
    SELECT c.id::text, c.name, c.course_type, c.target_level, c.provider_id::text, o.name AS provider, c.location_name, c.start_date::text, c.end_date::text, c.places,
           c.places - (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status IN ('INGESCHREVEN', 'LOPEND'))::int AS free
      FROM courses c JOIN organisations o ON o.id = c.provider_id
     WHERE c.places IS NOT NULL
       AND c.start_date >= ${addDays(today, -JOIN_AFTER_START_DAYS)}::date
       AND (c.end_date IS NULL OR c.end_date >= ${today}::date)
       AND (o.region = ${house.region}
            -- or a provider the House already sends learners to (its waiting list names it)
            OR c.provider_id IN (SELECT w.provider_id FROM waiting_list_entries w JOIN offices f ON f.id = w.office_id
                                  WHERE f.organisation_id = ${house.id} AND w.provider_id IS NOT NULL))
       AND (${filter.courseId ?? null}::uuid IS NULL OR c.id = ${filter.courseId ?? null}::uuid)
       AND c.course_type = ANY(${sql.val(filter.courseTypes ?? ['NT2'])}::text[])
     ORDER BY c.start_date, c.id
     LIMIT 200`.execute(db);
  return rows
    .filter((r) => r.free > 0)
    .slice(0, 12)
    .map((r) => ({
      id: r.id,
      name: r.name,
      courseType: r.course_type,
      targetLevel: r.target_level,
      providerId: r.provider_id,
      provider: r.provider,
      location: r.location_name,
      startDate: r.start_date,
      endDate: r.end_date,
      places: r.places,
      free: r.free,
    }));
}

/** The House's waiting list: who waits for a place, the longest first, and the next free places. */
export async function waitingQueue(deps: Deps, ctx: RequestContext): Promise<WaitingQueue> {
  authorize(ctx, 'read', 'courses', 'waiting_list_entries');
  const house = await houseOf(deps.db, ctx);
  const today = belgianToday();
  const { rows } = await sql<Record<string, any>>`
    SELECT w.id::text, w.version, w.person_id::text, w.course_type, w.applied_on::text, w.provider_id::text, o.name AS provider,
           p.insz, p.family_name, p.given_names, a.advice_type, a.advised_level, a.intensity
      FROM waiting_list_entries w
      JOIN offices f ON f.id = w.office_id
      JOIN persons p ON p.id = w.person_id
      LEFT JOIN organisations o ON o.id = w.provider_id
      LEFT JOIN LATERAL (SELECT x.advice_type, x.advised_level, x.intensity FROM advice x WHERE x.person_id = w.person_id ORDER BY x.given_on DESC, x.id DESC LIMIT 1) a ON true
     WHERE f.organisation_id = ${house.id} AND w.status = 'APPLIED'
     ORDER BY w.applied_on, w.id
     LIMIT 2000`.execute(deps.db);
  const entries = rows.map((r, i): QueueEntry => ({
    id: r.id,
    version: r.version,
    position: i + 1,
    personId: r.person_id,
    insz: r.insz,
    familyName: r.family_name,
    givenNames: r.given_names,
    courseType: r.course_type,
    appliedOn: r.applied_on,
    waitingDays: daysBetween(r.applied_on, today),
    providerId: r.provider_id,
    provider: r.provider,
    advice: r.advice_type ? { adviceType: r.advice_type, advisedLevel: r.advised_level, intensity: r.intensity } : null,
  }));
  const types = [...new Set(['NT2', ...entries.map((e) => e.courseType)])];
  const freePlaces = await freeCourses(deps.db, house, today, { courseTypes: types });
  await recordAudit(deps.db, ctx, {
    action: 'house.waitingList',
    personId: null,
    clusters: ['courses', 'advice'],
    result: 'allowed',
    detail: { found: entries.map((e) => e.personId) },
  });
  return { house: { id: house.id, name: house.name }, today, entries, freePlaces, oldestWaitingDays: entries[0]?.waitingDays ?? null };
}

export interface PlacementInput {
  personId: string;
  courseId: string;
  /** The waiting-list entry the place ends, with the version the caller read. */
  waitingListEntryId?: string;
  waitingListVersion?: number;
  validFrom?: string;
}

/**
 * Places a person on a course with a free place: the enrolment, and the waiting-list entry (if any)
 * marked placed with it, in one transaction. The course row is locked while its places are counted,
 * so two placements at once cannot take the last place twice.
 */
export async function placeOnCourse(deps: Deps, ctx: RequestContext, input: PlacementInput): Promise<{ enrolment: Row; waitingListEntry: Row | null }> {
  authorize(ctx, 'create', 'courses', 'enrolments', input.personId);
  checkValidFrom(input.validFrom);
  const today = belgianToday();
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const house = await houseOf(tx, ctx);
    await assertInTerritory(tx, ctx, input.personId, 'house.placement');
    const course = await tx.selectFrom('courses').select(['id', 'start_date', 'course_type']).where('id', '=', input.courseId).forUpdate().executeTakeFirst();
    if (!course) throw fieldError('courseId', 'no such course', 'urn:problem-type:belgif:input-validation:referencedResourceNotFound');
    const [offer] = await freeCourses(tx, house, today, { courseId: input.courseId, courseTypes: [course.course_type] });
    if (!offer)
      throw new Problem('conflict', 'courseId: this course has no free place left (or does not take learners now); choose another', [
        { in: 'body', name: 'courseId', detail: 'no free place' },
      ]);
    let entry: Row | null = null;
    if (input.waitingListEntryId) {
      entry =
        (await untyped(tx).selectFrom('waiting_list_entries').selectAll().where('id', '=', input.waitingListEntryId).forUpdate().executeTakeFirst()) ?? null;
      if (!entry || entry.person_id !== input.personId) throw fieldError('waitingListEntryId', 'no such waiting-list entry in this dossier');
      if (input.waitingListVersion !== undefined && entry.version !== input.waitingListVersion)
        throw new Problem('preconditionFailed', 'this waiting-list entry was changed by someone else; reload it', undefined, { currentVersion: entry.version });
      if (entry.status !== 'APPLIED') throw fieldError('waitingListEntryId', 'this person no longer waits on this entry');
      if (entry.course_type !== course.course_type) throw fieldError('courseId', 'a course of the type the person waits for');
    }
    const enrolment = await untyped(tx)
      .insertInto('enrolments')
      .values({
        person_id: input.personId,
        course_id: course.id,
        enrolled_on: today,
        start_date: course.start_date,
        status: 'INGESCHREVEN',
        target_attendance_rate: 80,
        ...(input.validFrom ? { valid_from: input.validFrom } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: 'enrolments.create',
      personId: input.personId,
      clusters: ['courses'],
      result: 'allowed',
      detail: { recordId: enrolment.id, via: 'placement' },
    });
    if (entry) {
      entry = await untyped(tx)
        .updateTable('waiting_list_entries')
        .set({ status: 'PLACED', status_since: today, enrolment_id: enrolment.id, valid_from: sql`now()` })
        .where('id', '=', entry.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, {
        action: 'waitingListEntries.update',
        personId: input.personId,
        clusters: ['courses'],
        result: 'allowed',
        detail: { recordId: entry!.id, fields: ['status', 'statusSince', 'enrolmentId'], version: entry!.version },
      });
    }
    return { enrolment, waitingListEntry: entry };
  });
}
