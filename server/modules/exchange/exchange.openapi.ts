/**
 * The exchange API's own OpenAPI 3.1 document (`GET /api/exchange/openapi.json`, browsable at
 * `/api/exchange/docs`): only the partner paths under /api/exchange/v1, with bearer security and
 * an example request for every partner operation. The examples use a synthetic INSZ with valid
 * check digits (no real person) and say what each answer means.
 */
import type { FastifyInstance } from 'fastify';

const INSZ = '88031412365'; // synthetic: born 1988-03-14, serial 123, valid check digits

/** Example request bodies by path. */
const EXAMPLES: Record<string, { summary: string; value: unknown }> = {
  '/api/exchange/v1/oauth/token': {
    summary: 'Client credentials grant',
    value: { grant_type: 'client_credentials', client_id: 'ocmw-gent.prod', client_secret: '<the secret shown once at registration>' },
  },
  '/api/exchange/v1/dossiers/consult': {
    summary: 'An OCMW consults its client for social guidance',
    value: { insz: INSZ, purpose: 'BEGELEIDING_OCMW_CLIENT' },
  },
  '/api/exchange/v1/integrations': { summary: 'Declare the client in your register under capacity code 1', value: { insz: INSZ, capacityCode: '1' } },
  '/api/exchange/v1/integrations/end': { summary: 'The relation ended yesterday', value: { insz: INSZ, capacityCode: '1', endsOn: '2026-11-30' } },
  '/api/exchange/v1/integrations/search': { summary: 'Your declarations for a person', value: { insz: INSZ } },
  '/api/exchange/v1/appointments': {
    summary: 'An appointment on a wished day, in the morning',
    value: {
      insz: INSZ,
      reason: 'INFO_TRAJECT',
      extraInformation: 'Cliënt spreekt Arabisch; tolk gewenst.',
      wishedDate: '2026-12-14',
      timeWindow: 'VOORMIDDAG',
    },
  },
  '/api/exchange/v1/appointments/search': { summary: 'The appointments you requested for a person', value: { insz: INSZ } },
  '/api/exchange/v1/referrals': {
    summary: 'Refer a client with a living wage to the agency',
    value: { insz: INSZ, reason: 'LEEFLOON', description: 'Leefloon sinds 1 oktober; wil Nederlands leren.' },
  },
  '/api/exchange/v1/referrals/search': { summary: 'Your referrals of a person and their outcome', value: { insz: INSZ } },
};

type Doc = {
  paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, { examples?: unknown }> }; security?: unknown }>>;
  [k: string]: unknown;
};

export function exchangeDocument(full: Doc): Doc {
  const paths = Object.fromEntries(Object.entries(full.paths ?? {}).filter(([p]) => p.startsWith('/api/exchange/v1/')));
  for (const [path, operations] of Object.entries(paths)) {
    const example = EXAMPLES[path];
    for (const op of Object.values(operations)) {
      const json = op.requestBody?.content?.['application/json'];
      if (example && json) json.examples = { example };
    }
  }
  return {
    ...full,
    info: {
      title: 'Kruispuntbank Inburgering — partner exchange API',
      version: '1.0.0',
      description:
        'For partner organisations (OCMW, VDAB, VMSW, adult education, DVZ, …). Authenticate as your organisation with the OAuth 2.0 client-credentials grant ' +
        '(POST /api/exchange/v1/oauth/token) and send the token as a bearer token. You receive exactly the data your authorisations (machtigingen) give you for the purpose you name, ' +
        'for persons in your integration register where an authorisation demands so; every request is audited. An INSZ always travels in the body, never in a URL. ' +
        'Writes accept Idempotency-Key. Errors are RFC 9457 problem+json naming the field at fault.',
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

export function registerExchangeDocs(http: FastifyInstance): void {
  let cached: Doc | null = null;
  http.get(
    '/api/exchange/openapi.json',
    { config: { access: 'public' }, schema: { hide: true } },
    async () => (cached ??= exchangeDocument(http.swagger() as unknown as Doc)),
  );
}
