/**
 * The one door of every route. Each route declares who may call it (`config: { access }`, see
 * Door in access.ts); registering a route without a declaration throws, so a new endpoint cannot
 * forget it. Before the body is validated, the declared door authenticates the caller and, for a
 * staff route that names a capability, asks the rule book: a caller who may not use the route
 * never learns its schema from a 400. Answers of every route that is not public are never cached.
 *
 * The ways to authenticate are given by app.ts (platform imports no module).
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { DOORS, type Capability, type Door, type RequestContext, type RoutePermission } from './access.ts';
import { Problem } from './errors.ts';

export interface Authenticators {
  /** A logged-in staff session; throws an audited 401 (or 403 for a missing CSRF token on a change). */
  staff(req: FastifyRequest): Promise<RequestContext>;
  /** A partner API client's bearer token; throws an audited 401. */
  partner(req: FastifyRequest): Promise<RequestContext>;
  /** The CLI's operator token; throws an audited 401. */
  operator(req: FastifyRequest): Promise<RequestContext>;
  /** A metrics scraper's bearer token (or the operator token); throws an audited 401. */
  monitoring(req: FastifyRequest): Promise<RequestContext>;
  /** The rule book's answer: may this caller use this capability? */
  can(ctx: RequestContext, capability: Capability): boolean;
  /** The rule book's answer: may this caller's role do this action on this cluster or reference table? */
  allows(ctx: RequestContext, permission: RoutePermission): boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeclaredRoute {
  method: string;
  url: string;
  access: Door;
  capability: Capability | null;
}

/**
 * Routes that plugins register on their own (the API documentation pages and their assets): they
 * show no personal data and are public. Reviewed list; anything else without a door fails.
 */
export const PLUGIN_PUBLIC_ROUTES: readonly RegExp[] = [/^\/api\/docs(\/.*)?$/, /^\/api\/exchange\/docs(\/.*)?$/];

/**
 * Marks a scope whose plugin registers routes of its own that serve nothing personal (the web app's
 * static files): its routes without a declaration are public. Reviewed use: platform/web.ts only.
 */
export const PUBLIC_SCOPE = 'kbiPublicScope';

/** Reads the door a route was registered with (null for a route registered without one). */
export const doorOf = (req: FastifyRequest): Door | null => req.routeOptions.config?.access ?? null;

/**
 * Installs the door. Call before any route is registered; returns the list of every route with
 * its door (the route-enumeration test walks it).
 */
export function installDoors(http: FastifyInstance, auth: Authenticators): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  http.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
    const config = (route.config ?? {}) as { access?: Door; capability?: Capability };
    let access = config.access;
    if (!access && (PLUGIN_PUBLIC_ROUTES.some((p) => p.test(route.url)) || this.hasDecorator(PUBLIC_SCOPE))) {
      access = 'public';
      route.config = { ...config, access };
    }
    const methods = ([] as string[]).concat(route.method);
    if (!access || !DOORS.includes(access)) {
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no door: add config: { access: ${DOORS.map((d) => `'${d}'`).join(' | ')} } to its options`,
      );
    }
    if ((config.capability || (config as { permission?: unknown }).permission) && access !== 'staff')
      throw new Error(`route ${methods.join(',')} ${route.url}: a capability is only checked on staff routes`);
    for (const method of methods) routes.push({ method, url: route.url, access, capability: config.capability ?? null });
  });

  http.decorateRequest('ctx', null as never);
  http.addHook('preValidation', async (req) => {
    const access = doorOf(req);
    switch (access) {
      case 'public':
        return;
      case 'staff': {
        req.ctx = await auth.staff(req);
        const capability = req.routeOptions.config.capability;
        if (capability && !auth.can(req.ctx, capability)) {
          throw new Problem('forbidden', `your role may not ${capability}`).denied({
            action: `${req.method} ${req.routeOptions.url}`,
            personId: null,
            clusters: [],
          });
        }
        const permission = req.routeOptions.config.permission;
        if (permission && !auth.allows(req.ctx, permission)) {
          const subject = permission.cluster ?? permission.table ?? 'this';
          // A refused attempt on a person's dossier stays findable in that person's access report.
          const personId = (req.params as { personId?: unknown }).personId;
          throw new Problem('forbidden', `your role may not ${permission.action} ${subject}`).denied({
            action: `${subject}.${permission.action}`,
            personId: typeof personId === 'string' && UUID.test(personId) ? personId : null,
            clusters: permission.cluster ? [permission.cluster] : [],
          });
        }
        return;
      }
      case 'partner':
        req.ctx = await auth.partner(req);
        return;
      case 'operator':
        req.ctx = await auth.operator(req);
        return;
      case 'monitoring':
        req.ctx = await auth.monitoring(req);
        return;
      // Not found (no route) has no door and nothing behind it; anything else would be a bug.
      default:
        if (req.routeOptions.url) throw new Problem('internalServerError', 'route without a door');
    }
  });
  // Personal data is never stored by a browser or a proxy: no answer of the API is (the token
  // endpoint's neither: RFC 6749 §5.1); only the documentation pages and the web app may be cached.
  http.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/') && !PLUGIN_PUBLIC_ROUTES.some((p) => p.test(req.routeOptions.url ?? ''))) reply.header('cache-control', 'no-store');
  });
  return routes;
}

/** The actor's purpose header (Kbi-Purpose), trimmed to what the audit trail keeps. */
export const purposeOf = (req: FastifyRequest): string | undefined =>
  typeof req.headers['kbi-purpose'] === 'string' ? req.headers['kbi-purpose'].slice(0, 60) : undefined;
