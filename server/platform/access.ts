/**
 * Who is asking, and how a route says who may ask. Every request that touches personal data
 * carries an actor; the rules of what an actor may do live in modules/access (access.policy.ts),
 * checked by its `authorize` and `can`.
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

/**
 * The door of a route: who may call it. Every route declares one in its options
 * (`config: { access: 'staff' }`); registering a route without one fails at start-up.
 * - public: anyone, no actor (log-in, the token endpoint, health, the API documents);
 * - staff: a logged-in staff session (changes also need the CSRF token);
 * - partner: a partner API client's bearer token;
 * - operator: the one-time token of the CLI talking to the server that holds the data directory;
 * - monitoring: a metrics scraper's bearer token (`KBI_METRICS_TOKEN`), or the operator token.
 */
export const DOORS = ['public', 'staff', 'partner', 'operator', 'monitoring'] as const;
export type Door = (typeof DOORS)[number];

/**
 * What a staff role may do beyond reading and writing dossier clusters: the rule book
 * (access.policy.ts) grants each capability per role; `can(ctx, capability)` asks it.
 */
export const CAPABILITIES = [
  'manageUsers',
  'readAudit',
  'manageAuthorisations',
  'consultForOrganisation',
  'readUsageStatistics',
  'readImportRuns',
  'readRuleEvaluations',
  'recordIntegrations',
  'readStatistics',
  'validateStatistics',
  'publishStatistics',
  'houseOfDutchDesk',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** An action on a data cluster (or, with cluster null, on a reference table), as the rule book names them. */
export interface RoutePermission {
  action: 'read' | 'create' | 'update' | 'delete' | 'search';
  cluster: string | null;
  table?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (required: see Door). */
    access?: Door;
    /** For staff routes: the capability the caller's role needs, checked before the body is read. */
    capability?: Capability;
    /** For staff routes on dossier data or reference tables: what the role must be allowed (the rule book's cluster rights), checked before the body is read. */
    permission?: RoutePermission;
    /**
     * The route answers a caller over its limit itself, in its own protocol (the MAGDA endpoint's
     * exception 99996): the limiter leaves the refusal in `request.throttled` instead of throwing it.
     */
    answersThrottle?: boolean;
  }
  interface FastifyRequest {
    /** Set (with Retry-After) when the caller is over its limit on a route that answers that itself. */
    throttled?: Error;
  }
}

/** The demo-data generator and other operator tasks run by the installation itself. */
export const GENERATOR: Actor = Object.freeze({ id: 'system:demo-generator', kind: 'system', organisationId: null, role: null, officeIds: [] }) as Actor;
export const OPERATOR: Actor = Object.freeze({ id: 'system:operator', kind: 'system', organisationId: null, role: null, officeIds: [] }) as Actor;
/** A metrics scraper (door 'monitoring'): reads counters, never personal data. */
export const MONITOR: Actor = Object.freeze({ id: 'system:monitoring', kind: 'system', organisationId: null, role: null, officeIds: [] }) as Actor;
/** Stands in for a request that did not authenticate, in its audit record. */
export const ANONYMOUS: Actor = Object.freeze({ id: 'anonymous', kind: 'staff', organisationId: null, role: null, officeIds: [] }) as Actor;
/** Stands in for a partner whose authentication failed (the client id it tried goes into the record's detail). */
export const ANONYMOUS_PARTNER: Actor = Object.freeze({ id: 'anonymous', kind: 'partner', organisationId: null, role: null, officeIds: [] }) as Actor;
