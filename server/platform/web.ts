/**
 * Serves the built web app (web/dist) from the KBI process itself: hashed assets cached for a
 * year, index.html never cached, and every other path outside /api answered with index.html so
 * that the app's own routes (/persons/…, /consultation, /admin/…) survive a reload.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { Problem } from './errors.ts';
import { PUBLIC_SCOPE } from './door.ts';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export async function registerWebApp(http: FastifyInstance, dir = WEB_DIST): Promise<boolean> {
  if (!existsSync(`${dir}index.html`)) return false;
  const page = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.url.startsWith('/api/') || req.url === '/api') throw new Problem('resourceNotFound', `no such endpoint: GET ${req.url.split('?')[0]}`);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  };
  // The static files (the built app: no personal data) are public; fastify-static registers a route per file.
  await http.register(async (scope) => {
    scope.decorate(PUBLIC_SCOPE, true);
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, path) => {
        res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    scope.get('/', { config: { access: 'public' }, schema: { hide: true } }, page);
    scope.get('/*', { config: { access: 'public' }, schema: { hide: true } }, page);
  });
  return true;
}
