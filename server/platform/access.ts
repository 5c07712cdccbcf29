/**
 * Who is asking. Every read and write of personal data names an actor and passes `authorize`.
 *
 * Until staff accounts and partner clients exist (the access issue), the server only listens on a
 * loopback interface and every request acts as the local operator of this installation; the
 * permission rules below are the single place where roles and territory will be enforced.
 */
import type { ClusterName } from '../modules/dossier/clusters.ts';
import { Problem } from './errors.ts';

export interface Actor {
  /** Stable id written into `recorded_by` and the audit log (never a name). */
  id: string;
  kind: 'staff' | 'partner' | 'system';
  organisationId: string | null;
  roles: string[];
}

export interface RequestContext {
  actor: Actor;
  requestId: string;
  purpose?: string;
}

export const LOCAL_OPERATOR: Actor = Object.freeze({ id: 'system:local-operator', kind: 'system', organisationId: null, roles: ['administrator'] }) as Actor;
export const GENERATOR: Actor = Object.freeze({ id: 'system:demo-generator', kind: 'system', organisationId: null, roles: ['administrator'] }) as Actor;

export type Action = 'read' | 'create' | 'update' | 'delete' | 'search';

/** Decides whether `actor` may do `action` on a cluster of a person's dossier (or on reference data). */
export function isAllowed(actor: Actor, action: Action, cluster: ClusterName | null): boolean {
  if (actor.roles.includes('administrator')) return true;
  void action; void cluster;
  return false;
}

export function authorize(ctx: RequestContext, action: Action, cluster: ClusterName | null): void {
  if (!isAllowed(ctx.actor, action, cluster)) throw new Problem('forbidden', `not allowed to ${action} ${cluster ?? 'this resource'}`);
}
