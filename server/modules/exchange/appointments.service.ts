/**
 * Appointments a partner requests for its client at the integration service (seed 002 §2.1, the
 * "Afspraken" part of the consultation screen): a reason from a list, optional extra information,
 * an optional wished date that then needs a time window. The partner sees the appointments it
 * requested itself, never another centre's. The same authorisation and integration register that
 * open the consult decide whether it may request one.
 */
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Row, type Tx } from '../../platform/db.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { authorisedFor } from './consult.service.ts';
import { belgianToday, exchangeOrganisation, parseInszField, personIdByInsz } from '../integrations/integrations.service.ts';

export const DEFAULT_CONSULT_PURPOSE = 'BEGELEIDING_OCMW_CLIENT';

export interface AppointmentRequest {
  insz: string;
  purpose?: string;
  reason: string;
  extraInformation?: string | null;
  wishedDate?: string | null;
  timeWindow?: string | null;
}

export const presentAppointment = (r: Row) => ({
  id: r.id,
  reason: r.reason,
  extraInformation: r.extra_information ?? null,
  wishedDate: r.wished_date ?? null,
  timeWindow: r.time_window ?? null,
  status: r.status,
  plannedAt: r.planned_at ? new Date(r.planned_at).toISOString() : null,
  officeId: r.office_id ?? null,
  requestedById: r.requested_by_id,
  recordedAt: new Date(r.sys_from).toISOString(),
  version: r.version,
});

/** Every field error at once, so that a form can show each next to its field. */
function checkRequest(deps: Deps, input: AppointmentRequest): void {
  const errors: Issue[] = [];
  const field = (name: string, detail: string) => errors.push({ in: 'body', name, detail });
  if (!deps.codes.has('appointment_reason', input.reason)) field('reason', 'not in code list appointment_reason');
  if (input.timeWindow != null && !deps.codes.has('time_window', input.timeWindow)) field('timeWindow', 'not in code list time_window');
  if (input.wishedDate != null) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.wishedDate) || Number.isNaN(Date.parse(input.wishedDate))) field('wishedDate', 'not a date (YYYY-MM-DD)');
    else if (input.wishedDate < belgianToday()) field('wishedDate', 'lies in the past');
    if (input.timeWindow == null) field('timeWindow', 'a wished date requires a time window (seed 002 §2.1)');
  }
  if (errors.length) throw new Problem('badRequest', errors.map((e) => `${e.name}: ${e.detail}`).join('; '), errors);
}

/** Registers an appointment request for a person the partner may consult today. */
export async function requestAppointment(
  deps: Deps,
  ctx: RequestContext,
  input: AppointmentRequest,
  onCreated?: (tx: Tx, row: Row) => Promise<void>,
): Promise<Row> {
  const organisationId = exchangeOrganisation(ctx, 'requests appointments');
  const insz = parseInszField(deps, input.insz);
  checkRequest(deps, input);
  const purpose = input.purpose ?? DEFAULT_CONSULT_PURPOSE;
  const personId = await personIdByInsz(deps.db, insz);
  const audit = { action: 'exchange.appointment', personId, insz };
  await authorisedFor(deps, organisationId, insz, purpose, audit);
  if (!personId) throw new Problem('resourceNotFound', 'KBI does not know this person; an appointment needs a dossier').denied({ ...audit, clusters: [] });
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const row = await tx
      .insertInto('appointments')
      .values({
        person_id: personId,
        requested_by_id: organisationId,
        reason: input.reason,
        extra_information: input.extraInformation ?? null,
        wished_date: input.wishedDate ?? null,
        time_window: input.timeWindow ?? null,
        status: 'REGISTERED',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      { ...ctx, purpose },
      { action: 'exchange.appointment', personId, clusters: ['appointments'], result: 'allowed', detail: { appointmentId: row.id } },
    );
    await onCreated?.(tx, row);
    return row;
  });
}

/** The appointments this partner requested for the person, newest first. */
export async function appointmentsOf(deps: Deps, ctx: RequestContext, rawInsz: string, purpose = DEFAULT_CONSULT_PURPOSE): Promise<Row[]> {
  const organisationId = exchangeOrganisation(ctx, 'lists its appointments');
  const insz = parseInszField(deps, rawInsz);
  const personId = await personIdByInsz(deps.db, insz);
  const audit = { action: 'exchange.appointments', personId, insz };
  await authorisedFor(deps, organisationId, insz, purpose, audit);
  const rows = personId
    ? await deps.db
        .selectFrom('appointments')
        .selectAll()
        .where('person_id', '=', personId)
        .where('requested_by_id', '=', organisationId)
        .orderBy('sys_from', 'desc')
        .orderBy('id')
        .execute()
    : [];
  await recordAudit(
    deps.db,
    { ...ctx, purpose },
    { action: 'exchange.appointments', personId, insz, clusters: ['appointments'], result: 'allowed', detail: { found: rows.length } },
  );
  return rows;
}
