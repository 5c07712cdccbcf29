/**
 * The audit trail: one row per read or write of personal data. Takes explicit facts, never a
 * request object. Writes are recorded in the transaction of the change itself.
 */
import { sql, type InsertObject, type RawBuilder } from 'kysely';
import type { DB, Executor } from './db.ts';
import type { RequestContext } from './access.ts';
import type { Problem } from './errors.ts';

export interface AuditFact {
  action: string;
  personId: string | null;
  clusters: string[];
  result: 'allowed' | 'denied';
  detail?: Record<string, unknown>;
  /**
   * The INSZ asked about when it is no known person (a partner's consult of someone KBI does not
   * know is still an access): stored only as the keyed hash, so the person's report finds it later.
   */
  insz?: string;
}

/**
 * The one definition of an audit row: its columns, in one order. Every writer uses it — recordAudit
 * below, and the statements that audit in the same SQL as their read (the dossier read, the partner
 * consult, the DVZ list), which give an SQL expression for every column (the type demands each
 * one, so a new column reaches every writer or fails the typecheck).
 */
export const AUDIT_COLUMNS = [
  'actor_id',
  'actor_kind',
  'organisation_id',
  'purpose',
  'action',
  'person_id',
  'clusters',
  'result',
  'request_id',
  'detail',
  'insz_hash',
] as const;
export type AuditColumn = (typeof AUDIT_COLUMNS)[number];

/** `INSERT INTO audit_log (…) SELECT …` as SQL text, for a prepared statement: each column's expression, then the rest of the SELECT (FROM …). */
export function auditInsertText(values: Record<AuditColumn, string>, rest: string): string {
  return `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')})\n      SELECT ${AUDIT_COLUMNS.map((c) => values[c]).join(', ')}\n      ${rest}`;
}

/** The same as a Kysely expression, with parameters: each column's expression, then the rest of the SELECT. */
export function auditInsert(values: Record<AuditColumn, RawBuilder<unknown>>, rest: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`INSERT INTO audit_log (${sql.raw(AUDIT_COLUMNS.join(', '))}) SELECT ${sql.join(AUDIT_COLUMNS.map((c) => values[c]))} ${rest}`;
}

/** The row of one fact, column by column. */
function auditRow(ctx: RequestContext, fact: AuditFact): Record<AuditColumn, unknown> & InsertObject<DB, 'audit_log'> {
  return {
    actor_id: ctx.actor.id,
    actor_kind: ctx.actor.kind,
    organisation_id: ctx.actor.organisationId,
    purpose: ctx.purpose ?? null,
    action: fact.action,
    person_id: fact.personId,
    clusters: fact.clusters,
    result: fact.result,
    request_id: ctx.requestId,
    detail: JSON.stringify(fact.detail ?? {}),
    insz_hash: fact.insz && !fact.personId ? sql`kbi_insz_hash(${fact.insz})` : null,
  };
}

export async function recordAudit(db: Executor, ctx: RequestContext, fact: AuditFact): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(ctx, fact)).execute();
}

/**
 * The audit record of a refused access, from the facts the refusing code attached to the problem
 * (`Problem.denied`). The error handler writes it for every denial it sends; a route that answers a
 * refusal in another form than problem+json (the MAGDA SOAP endpoint) writes it itself.
 */
export async function recordDenial(db: Executor, ctx: RequestContext, problem: Problem): Promise<void> {
  const denial = problem.denial!;
  await recordAudit(db, denial.actor ? { actor: denial.actor, requestId: ctx.requestId } : ctx, {
    action: denial.action,
    personId: denial.personId,
    clusters: denial.clusters,
    result: 'denied',
    detail: { code: problem.code, ...denial.detail },
    insz: denial.insz,
  });
}

/** The same as recordAudit, returning the new row's id (for a record other rows refer to, as a checkpoint refers to its anchor). */
export async function recordAuditWithId(db: Executor, ctx: RequestContext, fact: AuditFact): Promise<number> {
  const row = await db.insertInto('audit_log').values(auditRow(ctx, fact)).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}
