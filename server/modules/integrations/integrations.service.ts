/**
 * The integration register (the KSZ "personenrepertorium" pattern, domain-rules §5.4): a partner
 * declares that it has a person in its client register under a capacity code (hoedanigheidscode)
 * from a day on, and ends that declaration when the relation ends. Consults check it for the day
 * of the consultation. Declarations are never removed; their history is kept by the database.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Executor, type Row } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import type { Deps } from '../../platform/deps.ts';
import { requireManageAuthorisations } from '../authorisations/authorisations.service.ts';
import { can, demand } from '../access/access.service.ts';
import { INTEGRATION_MAX_BACKDATE_DAYS } from '../../platform/deps.ts';

/** Today in Belgium (YYYY-MM-DD): the day a consultation or declaration counts for. */
// One formatter for the process: building an Intl.DateTimeFormat costs more than the rest of a consult's JS (profiled).
const BRUSSELS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' });
export const belgianToday = (now = new Date()): string => BRUSSELS_DAY.format(now);

export function parseInszField(deps: Deps, raw: string): string {
  const parsed = parseInsz(raw, { allowTestNumbers: deps.acceptTestInsz });
  if (!parsed.ok) throw new Problem('invalidInsz', `insz: not a valid INSZ: ${parsed.message}`, [{ in: 'body', name: 'insz', detail: parsed.message }]);
  return parsed.insz.value;
}

export const presentIntegration = (r: Row) => ({
  id: r.id,
  organisationId: r.organisation_id,
  capacityCode: r.capacity_code,
  startsOn: r.starts_on,
  endsOn: r.ends_on ?? null,
  version: r.version,
  recordedAt: r.sys_from,
  recordedBy: r.recorded_by,
});

/** The person KBI knows under this INSZ, if any (for the audit record). */
export async function personIdByInsz(db: Executor, insz: string): Promise<string | null> {
  const row = await db.selectFrom('persons').select('id').where('insz', '=', insz).executeTakeFirst();
  return row?.id ?? null;
}

async function partnerKind(db: Executor, organisationId: string): Promise<string> {
  const org = await db.selectFrom('organisations').select('kind').where('id', '=', organisationId).executeTakeFirst();
  if (!org) throw new Problem('forbidden', 'the organisation of this client no longer exists');
  return org.kind;
}

/**
 * The capacity codes a partner may declare: its sector's code list where KBI has one (OCMW:
 * seed 002's codes 1–9), otherwise the codes its own authorisations name.
 */
async function checkCapacityCode(deps: Deps, db: Executor, organisationId: string, code: string): Promise<void> {
  const kind = await partnerKind(db, organisationId);
  const list = `capacity_code_${kind.toLowerCase()}`;
  let known: boolean;
  if (deps.codes.list(list).length) known = deps.codes.has(list, code);
  else {
    const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM authorisations a
      WHERE (a.partner_organisation_id = ${organisationId}::uuid OR a.partner_kind = ${kind}) AND ${code} = ANY(a.capacity_codes)`.execute(db);
    known = row.rows[0]!.n > 0;
  }
  if (!known)
    throw new Problem('unknownCode', `capacityCode: not a capacity code of your sector`, [
      { in: 'body', name: 'capacityCode', detail: `unknown for partner kind ${kind}` },
    ]);
}

/**
 * The organisation a request acts for in the exchange: a partner client's, or that of a staff
 * member whose role consults for its organisation (an OCMW social worker in the consultation
 * screen). Either way the organisation's authorisations and register decide.
 */
export function exchangeOrganisation(ctx: RequestContext, what: string): string {
  const { actor } = ctx;
  const staffForOrganisation = actor.kind === 'staff' && can(ctx, 'consultForOrganisation');
  if ((actor.kind !== 'partner' && !staffForOrganisation) || !actor.organisationId) {
    throw new Problem('forbidden', `only a partner, or staff consulting for their partner organisation, ${what}`);
  }
  return actor.organisationId;
}

const requirePartner = (ctx: RequestContext) => exchangeOrganisation(ctx, 'declares integrations');

export interface DeclareInput {
  insz: string;
  capacityCode: string;
  startsOn?: string;
  endsOn?: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The day `days` after (or before) a YYYY-MM-DD day. */
export const dayOffset = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * When a declared integration may start. A declaration opens a partner's access to a person's
 * dossier from its start on (a consult "as of" a day needs the integration to hold that day), so
 * the start is bounded: never in the future, and at most KBI_INTEGRATION_MAX_BACKDATE_DAYS back
 * (four weeks by default: time to register a client taken on). An administrator may record an
 * older start, with a reason that the audit record and the person's access report keep.
 */
function checkStart(deps: Deps, startsOn: string, older: { allowed: boolean; reason?: string | null }): void {
  const bad = (name: string, detail: string) => new Problem('badRequest', `${name}: ${detail}`, [{ in: 'body', name, detail }]);
  if (!DAY.test(startsOn) || Number.isNaN(Date.parse(`${startsOn}T00:00:00Z`))) throw bad('startsOn', 'not a day (YYYY-MM-DD)');
  const today = belgianToday();
  if (startsOn > today) throw bad('startsOn', `lies in the future (${startsOn}); declare an integration from the day it begins, not before`);
  const days = deps.integrationMaxBackdateDays ?? INTEGRATION_MAX_BACKDATE_DAYS;
  const earliest = dayOffset(today, -days);
  if (startsOn >= earliest) return;
  if (!older.allowed)
    throw bad('startsOn', `lies more than ${days} days back (before ${earliest}); an older start is recorded only by an administrator, with a reason`);
  if (!older.reason || older.reason.trim().length < 10) throw bad('reason', `required (at least 10 characters) for a start more than ${days} days back`);
}

/** Declares (or, when one is open, confirms) an integration. Returns the declaration and whether it is new. */
export async function declareIntegration(deps: Deps, ctx: RequestContext, input: DeclareInput): Promise<{ row: Row; created: boolean }> {
  return declare(deps, ctx, requirePartner(ctx), input, { allowed: false });
}

export interface RecordInput extends DeclareInput {
  organisationId: string;
  reason?: string;
}

/**
 * The administrator records a declaration for a partner (a client taken on long ago, a correction):
 * the only way to a start more than KBI_INTEGRATION_MAX_BACKDATE_DAYS back, and then with a reason.
 */
export async function recordIntegration(deps: Deps, ctx: RequestContext, input: RecordInput): Promise<{ row: Row; created: boolean }> {
  demand(ctx, 'recordIntegrations', 'integrations.record', 'only an administrator records declarations for a partner');
  const org = await deps.db.selectFrom('organisations').select('id').where('id', '=', input.organisationId).executeTakeFirst();
  if (!org)
    throw new Problem('referencedResourceNotFound', 'organisationId: no such organisation', [
      { in: 'body', name: 'organisationId', detail: 'no such organisation' },
    ]);
  return declare(deps, ctx, input.organisationId, input, { allowed: true, reason: input.reason ?? null });
}

async function declare(
  deps: Deps,
  ctx: RequestContext,
  organisationId: string,
  input: DeclareInput,
  older: { allowed: boolean; reason?: string | null },
): Promise<{ row: Row; created: boolean }> {
  const insz = parseInszField(deps, input.insz);
  const startsOn = input.startsOn ?? belgianToday();
  checkStart(deps, startsOn, older);
  if (input.endsOn && input.endsOn < startsOn)
    throw new Problem('invalidPeriod', 'endsOn: ends before it starts', [{ in: 'body', name: 'endsOn', detail: 'before startsOn' }]);
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    await checkCapacityCode(deps, tx, organisationId, input.capacityCode);
    const personId = await personIdByInsz(tx, insz);
    const open = await tx
      .selectFrom('integrations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('insz', '=', insz)
      .where('capacity_code', '=', input.capacityCode)
      .where('ends_on', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    let row: Row,
      created = false;
    if (open && (input.endsOn === undefined || input.endsOn === null)) {
      row = open; // already integrated: declaring again is a no-op
    } else if (open) {
      row = await tx
        .updateTable('integrations')
        .set({ ends_on: input.endsOn!, valid_from: sql`now()` })
        .where('id', '=', open.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      row = await tx
        .insertInto('integrations')
        .values({
          organisation_id: organisationId,
          insz,
          capacity_code: input.capacityCode,
          starts_on: startsOn,
          ends_on: input.endsOn ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      created = true;
    }
    await recordAudit(tx, ctx, {
      action: 'integrations.declare',
      personId,
      insz,
      clusters: [],
      result: 'allowed',
      detail: {
        integrationId: row.id,
        organisationId,
        capacityCode: input.capacityCode,
        startsOn: row.starts_on,
        created,
        ...(older.reason && created ? { reason: older.reason.trim().slice(0, 500) } : {}),
      },
    });
    return { row, created };
  });
}

export interface EndInput {
  insz: string;
  capacityCode: string;
  endsOn?: string;
}

/** Ends the open integration of this person under this capacity code (today unless said otherwise). */
export async function endIntegration(deps: Deps, ctx: RequestContext, input: EndInput): Promise<Row> {
  const organisationId = requirePartner(ctx);
  const insz = parseInszField(deps, input.insz);
  const endsOn = input.endsOn ?? belgianToday();
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const open = await tx
      .selectFrom('integrations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('insz', '=', insz)
      .where('capacity_code', '=', input.capacityCode)
      .where('ends_on', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!open) throw new Problem('resourceNotFound', 'no open integration of this person under this capacity code');
    if (endsOn < open.starts_on)
      throw new Problem('invalidPeriod', 'endsOn: before the integration started', [{ in: 'body', name: 'endsOn', detail: `before ${open.starts_on}` }]);
    const row = await tx
      .updateTable('integrations')
      .set({ ends_on: endsOn, valid_from: sql`now()` })
      .where('id', '=', open.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: 'integrations.end',
      personId: await personIdByInsz(tx, insz),
      insz,
      clusters: [],
      result: 'allowed',
      detail: { integrationId: row.id },
    });
    return row;
  });
}

/** The partner's own declarations for a person (current and ended). */
export async function partnerIntegrations(deps: Deps, ctx: RequestContext, rawInsz: string): Promise<Row[]> {
  const organisationId = requirePartner(ctx);
  const insz = parseInszField(deps, rawInsz);
  const rows = await deps.db
    .selectFrom('integrations')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('insz', '=', insz)
    .orderBy('starts_on')
    .orderBy('id')
    .execute();
  await recordAudit(deps.db, ctx, {
    action: 'integrations.list',
    personId: await personIdByInsz(deps.db, insz),
    insz,
    clusters: [],
    result: 'allowed',
    detail: { found: rows.length },
  });
  return rows;
}

/** The privacy officer's or administrator's view: every partner's declarations for a person. */
export async function searchIntegrations(deps: Deps, ctx: RequestContext, input: { insz: string; organisationId?: string }): Promise<Row[]> {
  requireManageAuthorisations(ctx, 'integrations.search');
  const insz = parseInszField(deps, input.insz);
  let q = deps.db.selectFrom('integrations').selectAll().where('insz', '=', insz);
  if (input.organisationId) q = q.where('organisation_id', '=', input.organisationId);
  const rows = await q.orderBy('organisation_id').orderBy('starts_on').execute();
  await recordAudit(deps.db, ctx, {
    action: 'integrations.search',
    personId: await personIdByInsz(deps.db, insz),
    insz,
    clusters: [],
    result: 'allowed',
    detail: { found: rows.length },
  });
  return rows;
}
