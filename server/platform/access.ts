/**
 * Who is asking. Every request that touches personal data carries an actor; the rules of what
 * an actor may do live in modules/access (access.policy.ts), checked by its `authorize`.
 */
export interface Actor {
  /** Stable id written into `recorded_by` and the audit log (never a name). */
  id: string;
  kind: 'staff' | 'partner' | 'system';
  organisationId: string | null;
  /** Staff role (code list `staff_role`); null for system actors. */
  role: string | null;
  /** Offices of the actor's area of competence. */
  officeIds: string[];
}

export interface RequestContext {
  actor: Actor;
  requestId: string;
  purpose?: string;
}

/** The demo-data generator and other operator tasks run by the installation itself. */
export const GENERATOR: Actor = Object.freeze({ id: 'system:demo-generator', kind: 'system', organisationId: null, role: null, officeIds: [] }) as Actor;
export const OPERATOR: Actor = Object.freeze({ id: 'system:operator', kind: 'system', organisationId: null, role: null, officeIds: [] }) as Actor;
/** Stands in for a request that did not authenticate, in its audit record. */
export const ANONYMOUS: Actor = Object.freeze({ id: 'anonymous', kind: 'staff', organisationId: null, role: null, officeIds: [] }) as Actor;
