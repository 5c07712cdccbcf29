/**
 * DISCIMUS: KBI asks the education database whether a minor is enrolled in a school (SPEC.md
 * "Exchange flows"; seed 000 question and answer 2). Every query and every answer is kept with its
 * time in `discimus_queries`, also a failed one, and never overwritten: seed 000 explains that the
 * real KBI kept only the last update per case, so that nobody could tell afterwards which minors
 * were not enrolled at the first query, and the 2017 figures could not be compared with 2016.
 *
 * Staff who may write the person's dossier ask; the territory rule applies as for any record. The
 * query belongs to the target-group cluster: whether a minor newcomer goes to school is part of the
 * minors' track of the target group (target_group_type MINDERJARIG, subtype "toeleidingstraject
 * minderjarigen").
 */
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Executor, type Row } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { assertInTerritory, authorize } from '../access/access.service.ts';
import type { ClusterName } from '../dossier/clusters.ts';
import type { Deps } from '../../platform/deps.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import type { DiscimusClient } from './discimus.client.ts';

export const DISCIMUS_CLUSTER: ClusterName = 'targetGroup';

/** The school year a day falls in (a Flemish school year starts on 1 September), as YYYY-YYYY. */
export function schoolYearOf(day: string): string {
  const year = Number(day.slice(0, 4));
  const start = day.slice(5) >= '09-01' ? year : year - 1;
  return `${start}-${start + 1}`;
}

function checkSchoolYear(raw: string | undefined, today: string): string {
  if (raw === undefined) return schoolYearOf(today);
  const bad = (detail: string) => new Problem('badRequest', `schoolYear: ${detail}`, [{ in: 'body', name: 'schoolYear', detail }]);
  if (!/^\d{4}-\d{4}$/.test(raw)) throw bad('a school year, YYYY-YYYY (e.g. 2025-2026)');
  const [a, b] = raw.split('-').map(Number) as [number, number];
  if (b !== a + 1) throw bad('the second year must follow the first');
  const current = Number(schoolYearOf(today).slice(0, 4));
  if (a < 2000 || a > current + 1) throw bad('from 2000-2001 up to next school year');
  return raw;
}

/** Age in whole years on `day` (both YYYY-MM-DD). */
const ageOn = (birth: string, day: string) => Number(day.slice(0, 4)) - Number(birth.slice(0, 4)) - (day.slice(5) < birth.slice(5) ? 1 : 0);

export const presentQuery = (r: Row) => ({
  id: r.id,
  personId: r.person_id,
  askedAt: new Date(r.asked_at).toISOString(),
  askedBy: r.asked_by,
  schoolYear: r.school_year,
  status: r.status,
  enrolled: r.status === 'answered' ? Boolean(r.answer?.enrolled) : null,
  answer: r.answer ?? null,
  answeredAt: r.answered_at ? new Date(r.answered_at).toISOString() : null,
  error: r.error ?? null,
});

/**
 * Asks DISCIMUS about the person and records query and answer, or query and failure. An answered
 * query is returned; a failed one is recorded and then refused with 503 (serviceUnavailable),
 * naming the recorded query. `within` runs in the recording transaction (idempotency).
 */
export async function askDiscimus(
  deps: Deps,
  client: DiscimusClient,
  ctx: RequestContext,
  personId: string,
  input: { schoolYear?: string },
  within?: (tx: Executor, row: Row) => Promise<void>,
): Promise<Row> {
  authorize(ctx, 'create', DISCIMUS_CLUSTER, undefined, personId);
  const today = belgianToday();
  const schoolYear = checkSchoolYear(input.schoolYear, today);
  await assertInTerritory(deps.db, ctx, personId, 'discimusQueries.create');
  const person = await deps.db.selectFrom('persons').select(['insz', 'birth_date']).where('id', '=', personId).executeTakeFirstOrThrow();
  const firstDay = `${schoolYear.slice(0, 4)}-09-01`;
  if (person.birth_date && ageOn(String(person.birth_date), firstDay) >= 18) {
    throw new Problem('businessRule', `DISCIMUS is asked about minors only: the person is 18 or older on ${firstDay}, the start of school year ${schoolYear}`, [
      { in: 'body', name: 'schoolYear', detail: 'the person is not a minor in this school year' },
    ]);
  }
  if (!client.url) throw new Problem('serviceUnavailable', 'DISCIMUS is not configured on this installation (KBI_DISCIMUS_URL); nothing was asked');

  const askedAt = new Date().toISOString();
  const result = await client.ask({ insz: person.insz, schoolYear });
  const answeredAt = new Date().toISOString();
  const row = await inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const stored = await tx
      .insertInto('discimus_queries')
      .values({
        person_id: personId,
        asked_at: askedAt,
        asked_by: ctx.actor.id,
        school_year: schoolYear,
        request: JSON.stringify({ schoolYear, endpoint: `${client.url}/enrolments` }),
        status: result.ok ? 'answered' : 'failed',
        answer: result.ok ? JSON.stringify(result.answer) : null,
        answered_at: result.ok ? answeredAt : null,
        error: result.ok ? null : result.error.slice(0, 500),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: 'discimusQueries.create',
      personId,
      clusters: [DISCIMUS_CLUSTER],
      result: 'allowed',
      detail: { queryId: stored.id, schoolYear, status: stored.status, ...(result.ok ? { enrolled: result.answer.enrolled } : {}) },
    });
    if (result.ok) await within?.(tx, stored);
    return stored;
  });
  if (!result.ok) {
    throw new Problem('serviceUnavailable', `DISCIMUS did not answer: ${result.error}. The failed query is recorded; try again later.`, undefined, {
      queryId: row.id,
    });
  }
  return row;
}

/** Every query about the person, newest first, each with its answer or failure. */
export async function discimusQueriesOf(deps: Deps, ctx: RequestContext, personId: string): Promise<Row[]> {
  authorize(ctx, 'read', DISCIMUS_CLUSTER, undefined, personId);
  await assertInTerritory(deps.db, ctx, personId, 'discimusQueries.list');
  const rows = await deps.db.selectFrom('discimus_queries').selectAll().where('person_id', '=', personId).orderBy('asked_at', 'desc').orderBy('id').execute();
  await recordAudit(deps.db, ctx, {
    action: 'discimusQueries.list',
    personId,
    clusters: [DISCIMUS_CLUSTER],
    result: 'allowed',
    detail: { found: rows.length },
  });
  return rows;
}
