/**
 * Who handles a work item (issue 13): a caseworker takes an item ("assign to me"), hands it to a
 * colleague, or lets it go. The owner is an active staff account of the caller's own organisation
 * whose territory holds the person; the change needs the version the caller read, keeps the item's
 * history and is audited. Items of every task list that waits for a person: referrals, appointment
 * requests, infringement proposals and cases, certificates to issue.
 */
import { sql } from 'kysely';
import type { Actor, RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { inTransaction } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import type { ClusterName } from '../dossier/clusters.ts';
import { assertInTerritory, authorize, inTerritory } from '../access/access.service.ts';
import { lockById } from '../../platform/shards.ts';

/** The lists whose items have an owner: their table and the cluster whose change right handling them takes. */
export const OWNED_LISTS = {
  referrals: { table: 'referrals', cluster: 'referrals', action: 'update' },
  appointments: { table: 'appointments', cluster: 'appointments', action: 'update' },
  infringementProposals: { table: 'infringement_proposals', cluster: 'infringements', action: 'update' },
  infringementCases: { table: 'infringement_cases', cluster: 'infringements', action: 'update' },
  certificateProposals: { table: 'certificate_proposals', cluster: 'certificates', action: 'create' },
} as const satisfies Record<string, { table: string; cluster: ClusterName; action: 'update' | 'create' }>;
export type OwnedList = keyof typeof OWNED_LISTS;

const fieldError = (name: string, detail: string) => new Problem('badRequest', `${name}: ${detail}`, [{ in: 'body', name, detail }]);

/** The user id of a staff actor (`user:<id>`), or null. */
export const userIdOf = (actor: Actor) => (actor.kind === 'staff' && actor.id.startsWith('user:') ? actor.id.slice(5) : null);

export async function assignOwner(
  deps: Deps,
  ctx: RequestContext,
  list: OwnedList,
  id: string,
  expectedVersion: number,
  ownerId: string | null,
): Promise<{ id: string; version: number; ownerId: string | null }> {
  const def = OWNED_LISTS[list];
  authorize(ctx, def.action, def.cluster);
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockById(tx, def.table, id);
    if (!current) throw new Problem('resourceNotFound', 'work item not found');
    await assertInTerritory(tx, ctx, current.person_id, `worklist.assign`);
    if (current.version !== expectedVersion)
      throw new Problem('preconditionFailed', 'this item was changed by someone else; reload it', undefined, { currentVersion: current.version });
    if (ownerId !== null) {
      const owner = await tx.selectFrom('users').select(['id', 'organisation_id', 'role', 'office_ids', 'active']).where('id', '=', ownerId).executeTakeFirst();
      if (!owner || !owner.active || owner.organisation_id !== ctx.actor.organisationId)
        throw fieldError('ownerId', 'an active colleague of your own organisation');
      const theirs: Actor = { id: `user:${owner.id}`, kind: 'staff', organisationId: owner.organisation_id, role: owner.role, officeIds: owner.office_ids };
      const reaches = await tx.selectFrom('persons as p').select('p.id').where('p.id', '=', current.person_id).where(inTerritory(theirs)).executeTakeFirst();
      if (!reaches) throw fieldError('ownerId', "this person is outside that colleague's area of competence");
    }
    const row = await tx
      .updateTable(def.table)
      .set({ owner_id: ownerId, valid_from: sql`now()` })
      .where('id', '=', id)
      .where('person_id', '=', current.person_id)
      .returning(['id', 'version', 'owner_id'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: 'worklist.assign',
      personId: current.person_id,
      clusters: [def.cluster],
      result: 'allowed',
      detail: { list, itemId: id, from: current.owner_id ?? null, to: ownerId },
    });
    return { id: row.id, version: row.version, ownerId: row.owner_id ?? null };
  });
}

/** Colleagues an item can be handed to: the active staff of the caller's organisation whose role handles the list. */
export async function colleagues(deps: Deps, ctx: RequestContext): Promise<{ id: string; displayName: string; role: string }[]> {
  if (!ctx.actor.organisationId) return [];
  const rows = await deps.db
    .selectFrom('users')
    .select(['id', 'display_name', 'role'])
    .where('organisation_id', '=', ctx.actor.organisationId)
    .where('active', '=', true)
    .where('role', 'in', ['AGENCY_CASEWORKER', 'TEAM_LEAD'])
    .orderBy('display_name')
    .limit(500)
    .execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name, role: r.role }));
}
