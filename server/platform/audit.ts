/**
 * The audit trail: one row per read or write of personal data. Takes explicit facts, never a
 * request object. Writes are recorded in the transaction of the change itself.
 */
import { sql } from 'kysely';
import type { Executor } from './db.ts';
import type { RequestContext } from './access.ts';

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

export async function recordAudit(db: Executor, ctx: RequestContext, fact: AuditFact): Promise<void> {
  await db.insertInto('audit_log').values({
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
    ...(fact.insz && !fact.personId ? { insz_hash: sql`kbi_insz_hash(${fact.insz})` } : {}),
  }).execute();
}
