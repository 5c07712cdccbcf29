/**
 * The agency's side of an appointment a partner requested (seed 002 §2.1, appointments.service.ts):
 * REGISTERED → PLANNED (a moment and an office; planning again moves it) → HELD, or → CANCELLED
 * from REGISTERED or PLANNED. Any other step is refused (409) and changes nothing. Each step is told
 * to the requesting partner through its event feed, in the transaction of the step.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Row, type Tx } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { assertInTerritory, authorize, inTerritory } from '../access/access.service.ts';
import { enqueueEvent, type EventType } from '../../platform/outbox.ts';
import { lockById } from '../../platform/shards.ts';

/** What the agency's worklist shows: the appointment with the person and the requesting partner. */
export const presentHandledAppointment = (r: Row) => ({
  id: r.id,
  personId: r.person_id,
  insz: r.insz,
  familyName: r.family_name,
  givenNames: r.given_names,
  requestedById: r.requested_by_id,
  requestedByName: r.requested_by_name,
  reason: r.reason,
  extraInformation: r.extra_information ?? null,
  wishedDate: r.wished_date ? String(r.wished_date).slice(0, 10) : null,
  timeWindow: r.time_window ?? null,
  status: r.status,
  plannedAt: r.planned_at ? new Date(r.planned_at).toISOString() : null,
  officeId: r.office_id ?? null,
  cancellationReason: r.cancellation_reason ?? null,
  ownerId: r.owner_id ?? null,
  version: r.version,
});

/** Appointments of persons in the user's territory, the earliest first; for roles that may change appointments. */
export async function appointmentWorklist(deps: Deps, ctx: RequestContext, input: { status?: string }): Promise<Row[]> {
  authorize(ctx, 'update', 'appointments');
  if (input.status !== undefined && !deps.codes.has('appointment_status', input.status)) {
    throw new Problem('unknownCode', 'status: not in code list appointment_status', [
      { in: 'query', name: 'status', detail: 'not in code list appointment_status' },
    ]);
  }
  let q = deps.db
    .selectFrom('appointments as a')
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .innerJoin('organisations as o', 'o.id', 'a.requested_by_id')
    .selectAll('a')
    .select(['p.insz', 'p.family_name', 'p.given_names', 'o.name as requested_by_name'])
    .where(inTerritory(ctx.actor));
  if (input.status) q = q.where('a.status', '=', input.status);
  const rows = await q
    .orderBy(sql`a.planned_at asc nulls last`)
    .orderBy(sql`a.wished_date asc nulls last`)
    .orderBy('a.sys_from')
    .orderBy('a.id')
    .limit(500)
    .execute();
  await recordAudit(deps.db, ctx, {
    action: 'appointments.worklist',
    personId: null,
    clusters: ['personalia', 'appointments'],
    result: 'allowed',
    detail: { status: input.status ?? null, found: rows.map((r) => r.id) },
  });
  return rows;
}

type Step = 'plan' | 'hold' | 'cancel';
const FROM: Record<Step, string[]> = { plan: ['REGISTERED', 'PLANNED'], hold: ['PLANNED'], cancel: ['REGISTERED', 'PLANNED'] };
const EVENT: Record<Step, EventType> = { plan: 'appointment.planned', hold: 'appointment.held', cancel: 'appointment.cancelled' };

/** One step: lock, territory, version, allowed transition, the change, the partner's event, the audit. */
async function step(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  expectedVersion: number,
  which: Step,
  change: (tx: Tx, current: Row) => Promise<Record<string, unknown>>,
): Promise<Row> {
  authorize(ctx, 'update', 'appointments');
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockById(tx, 'appointments', id);
    if (!current) throw new Problem('resourceNotFound', 'appointment not found');
    await assertInTerritory(tx, ctx, current.person_id, `appointments.${which}`);
    if (current.version !== expectedVersion) {
      throw new Problem('preconditionFailed', 'this appointment was changed by someone else; reload it', undefined, { currentVersion: current.version });
    }
    if (!FROM[which].includes(current.status)) {
      throw new Problem(
        'conflict',
        `an appointment that is ${current.status} cannot be ${which === 'plan' ? 'planned' : which === 'hold' ? 'marked held' : 'cancelled'}`,
      );
    }
    const values = await change(tx, current);
    const row = await tx
      .updateTable('appointments')
      .set({ ...values, valid_from: sql`now()` })
      .where('id', '=', id)
      .where('person_id', '=', current.person_id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueEvent(tx, ctx, {
      organisationId: row.requested_by_id,
      type: EVENT[which],
      subjectId: row.id,
      personId: row.person_id,
      payload: {
        appointmentId: row.id,
        status: row.status,
        plannedAt: row.planned_at ? new Date(row.planned_at).toISOString() : null,
        officeId: row.office_id ?? null,
      },
    });
    await recordAudit(tx, ctx, {
      action: `appointments.${which}`,
      personId: row.person_id,
      clusters: ['appointments'],
      result: 'allowed',
      detail: { appointmentId: row.id, status: row.status },
    });
    return row;
  });
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Plans (or moves) an appointment at a moment and an office of the user's organisation. A moment up
 * to a day back is accepted (an appointment held this morning, recorded now); not earlier.
 */
export async function planAppointment(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  expectedVersion: number,
  input: { plannedAt: string; officeId: string },
): Promise<Row> {
  const at = Date.parse(input.plannedAt);
  if (!DATE_TIME.test(input.plannedAt) || Number.isNaN(at)) {
    throw new Problem('badRequest', 'plannedAt: a date-time with offset, e.g. 2026-12-07T10:00:00+01:00', [
      { in: 'body', name: 'plannedAt', detail: 'not a date-time with offset' },
    ]);
  }
  if (at < Date.now() - DAY_MS)
    throw new Problem('badRequest', 'plannedAt: lies more than a day in the past', [{ in: 'body', name: 'plannedAt', detail: 'lies in the past' }]);
  const office = await deps.db.selectFrom('offices').select('organisation_id').where('id', '=', input.officeId).executeTakeFirst();
  if (!office || office.organisation_id !== ctx.actor.organisationId) {
    throw new Problem('referencedResourceNotFound', 'officeId: not an office of your organisation', [
      { in: 'body', name: 'officeId', detail: 'not an office of your organisation' },
    ]);
  }
  return step(deps, ctx, id, expectedVersion, 'plan', async () => ({ status: 'PLANNED', planned_at: new Date(at).toISOString(), office_id: input.officeId }));
}

/** Marks a planned appointment held, once its moment has come. */
export async function holdAppointment(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number): Promise<Row> {
  return step(deps, ctx, id, expectedVersion, 'hold', async (_tx, current) => {
    if (Date.parse(current.planned_at) > Date.now()) {
      throw new Problem('businessRule', 'an appointment can be marked held only once its planned moment has come', [
        { in: 'body', name: 'plannedAt', detail: 'lies in the future' },
      ]);
    }
    return { status: 'HELD' };
  });
}

export async function cancelAppointment(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number, input: { reason?: string | null }): Promise<Row> {
  return step(deps, ctx, id, expectedVersion, 'cancel', async () => ({ status: 'CANCELLED', cancellation_reason: input.reason?.trim() || null }));
}
