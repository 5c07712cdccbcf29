/**
 * MAGDA over SOAP (`POST /api/magda/soap`): partners of the real KBI call the service integrator
 * MAGDA with SOAP messages; this endpoint answers them as MAGDA does. The service and its version
 * are read from the message (`Verzoek/Context/Naam` and `Versie`) and looked up in SERVICES, so a
 * later service or version joins the same endpoint. The caller is a partner client with the
 * exchange API's bearer token; the message's `Afzender/Identificatie` must be that client's id and
 * its `Hoedanigheid` a capacity code of its organisation's authorisations. What is answered is the
 * REST consult's answer (consult.service.ts: the same rule, integration check and audit), written
 * as MAGDA writes it (geef-dossier-kbi.ts). Refusals are `Uitzonderingen` and audited; a message
 * that cannot be read is a SOAP fault, and changes nothing.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RequestContext } from '../../platform/access.ts';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { recordDenial } from '../../platform/audit.ts';
import { NoticeCache } from '../../platform/notice-cache.ts';
import { consultDossier, purposesOfCapacity } from '../exchange/consult.service.ts';
import { belgianToday, declareIntegration, endIntegration } from '../integrations/integrations.service.ts';
import { kbiDossier, openReferenceCache, type ReferenceCache } from './geef-dossier-kbi.ts';
import { SOAP_OPENAPI } from './magda.docs.ts';
import { registerMagdaDescription } from './wsdl.ts';
import { el, MalformedMessage, opt, readEnvelope, soapEnvelope, soapFault, textAt, type El, type Node } from './xml.ts';

/** Largest message accepted: a MAGDA question is a few kilobytes. */
export const MAGDA_BODY_LIMIT = 64 * 1024;

/** Who sends the answers: KBI itself, where MAGDA writes its gateway. */
const KBI_SENDER = { identificatie: 'kbi.vlaanderen.be', naam: 'KBI' };

/** An exception in MAGDA's form: its code, origin and diagnosis. */
interface Uitzondering {
  identificatie: string;
  oorsprong: string;
  diagnose: string;
}

/** MAGDA's codes for what went wrong (shared/research/domain-rules.md §5.3–5.4); otherwise the problem code of our API, origin KBI. */
export const UITZONDERINGEN = {
  notFound: { identificatie: '30001', oorsprong: 'MAGDA', diagnose: 'Geen gegevens gevonden voor de vraag' },
  /** KSZ -300010: the sender is not authorised (no authorisation, or not the partner it says it is). */
  notAuthorised: { identificatie: '-300010', oorsprong: 'KBI', diagnose: 'De afzender is niet gemachtigd voor deze vraag' },
  /** KSZ -300020: not integrated under the capacity code. */
  notIntegrated: {
    identificatie: '-300020',
    oorsprong: 'KBI',
    diagnose: 'De afzender heeft het INSZ niet geïntegreerd met de opgegeven hoedanigheidscode',
  },
  sourceError: { identificatie: '99994', oorsprong: 'KBI', diagnose: 'Onverwachte fout bij de bron' },
  /** Over the partner's limit of requests a minute (the answer carries Retry-After). */
  tooMany: { identificatie: '99996', oorsprong: 'MAGDA', diagnose: 'Te veel gelijktijdige bevragingen' },
} satisfies Record<string, Uitzondering>;

/** What every service gets: the question's envelope facts and the partner's context. */
interface Question {
  deps: Deps;
  ctx: RequestContext;
  service: string;
  verzoek: Node;
  afzender: { identificatie: string; referte: string; hoedanigheid: string; gebruiker: string };
  vraagReferte: string;
  inhoud: Node;
  purposes: string[];
  /** The process's memory of reference data (geef-dossier-kbi.ts). */
  references: ReferenceCache;
}

interface Service {
  /** Namespace of the answer element. */
  namespace: string;
  /** Version written in the answer's Context/Versie. */
  versie: string;
  /** The answer's Antwoord/Inhoud children, or an exception. */
  answer(q: Question): Promise<El[] | Uitzondering>;
}

/** The services of this endpoint, by name and version (major.minor). */
const SERVICES: Record<string, Service> = {
  'GeefDossierKBI 01.00': {
    namespace: 'http://webservice.GeefDossierKBI-01.00.kbi-01.00.vip.vlaanderen.be',
    versie: '01.00.0000',
    answer: geefDossierKBI,
  },
  'RegistreerInschrijving 02.01': {
    namespace: 'http://webservice.registreerinschrijvingdienst-02_01.repertorium-02_01.vip.vlaanderen.be',
    versie: '02.01.0000',
    answer: registreerInschrijving,
  },
  'RegistreerUitschrijving 02.00': {
    namespace: 'http://webservice.registreeruitschrijvingdienst-02_00.repertorium-02_00.vip.vlaanderen.be',
    versie: '02.00.0000',
    answer: registreerUitschrijving,
  },
};

async function geefDossierKBI(q: Question): Promise<El[] | Uitzondering> {
  const insz = textAt(q.inhoud, 'INSZ') || textAt(q.inhoud, 'Criteria', 'INSZ');
  if (!insz) throw new MalformedMessage('Vragen/Vraag/Inhoud/INSZ: required');
  const purpose = q.ctx.purpose && q.purposes.includes(q.ctx.purpose) ? q.ctx.purpose : q.purposes[0]!;
  const answer = await consultDossier(q.deps, q.ctx, { insz, purpose });
  if (!answer.known) return UITZONDERINGEN.notFound;
  return [await kbiDossier(q.deps, answer, q.references)];
}

/** The integration register through MAGDA's person repertory: the same declaration, bounds and audit as `/api/exchange/v1/integrations`. */
function inschrijving(q: Question): { insz: string; capacityCode: string; begin: string; einde: string } {
  const i = (q.inhoud.Inschrijving ?? q.inhoud.Uitschrijving) as Node | undefined;
  if (!i || typeof i !== 'object') throw new MalformedMessage('Vragen/Vraag/Inhoud/Inschrijving: required');
  const identificatie = textAt(i, 'Identificatie');
  if (identificatie && identificatie !== q.afzender.identificatie)
    throw new Problem('forbidden', `Inschrijving/Identificatie ${identificatie} is not the sender ${q.afzender.identificatie}`).denied({
      action: `magda.${q.service}`,
      personId: null,
      clusters: [],
    });
  const insz = textAt(i, 'BetrokkenSubject', 'Subjecten', 'Subject', 'Sleutel') || textAt(i, 'INSZ');
  if (!insz) throw new MalformedMessage('Inschrijving/BetrokkenSubject/Subjecten/Subject/Sleutel (or INSZ): the INSZ is required');
  return {
    insz,
    capacityCode: textAt(i, 'Hoedanigheid') || q.afzender.hoedanigheid,
    begin: textAt(i, 'Periode', 'Begin'),
    einde: textAt(i, 'Periode', 'Einde'),
  };
}

const geslaagd = () => [el('Resultaat', '1', { Beschrijving: 'Wel geslaagd' })];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (name: string, v: string) => {
  if (v && !DAY.test(v)) throw new MalformedMessage(`Periode/${name}: a date YYYY-MM-DD`);
  return v || undefined;
};

async function registreerInschrijving(q: Question): Promise<El[]> {
  const r = inschrijving(q);
  await declareIntegration(q.deps, q.ctx, {
    insz: r.insz,
    capacityCode: r.capacityCode,
    startsOn: day('Begin', r.begin),
    endsOn: day('Einde', r.einde) ?? null,
  });
  return geslaagd();
}

async function registreerUitschrijving(q: Question): Promise<El[]> {
  const r = inschrijving(q);
  await endIntegration(q.deps, q.ctx, { insz: r.insz, capacityCode: r.capacityCode, endsOn: day('Einde', r.einde) ?? day('Begin', r.begin) });
  return geslaagd();
}

const tijdstip = (at: Date) => {
  const [datum, tijd] = at.toISOString().slice(0, 23).split('T');
  return el('Tijdstip', [el('Datum', datum!), el('Tijd', tijd!)]);
};

function repliek(service: string, def: Service, q: Pick<Question, 'afzender' | 'vraagReferte'>, requestId: string, result: El[] | Uitzondering): El {
  const now = new Date();
  const context = el('Context', [
    el('Naam', service),
    el('Versie', def.versie),
    el('Bericht', [
      el('Type', 'ANTWOORD'),
      tijdstip(now),
      el('Afzender', [el('Identificatie', KBI_SENDER.identificatie), el('Naam', KBI_SENDER.naam), el('Referte', requestId)]),
      el('Ontvanger', [
        el('Identificatie', q.afzender.identificatie),
        el('Referte', q.afzender.referte),
        opt('Hoedanigheid', q.afzender.hoedanigheid),
        opt('Gebruiker', q.afzender.gebruiker),
      ]),
    ]),
  ]);
  const body = Array.isArray(result)
    ? el('Antwoorden', [el('Antwoord', [el('Referte', q.vraagReferte), el('Inhoud', result)])])
    : el('Uitzonderingen', [
        el('Uitzondering', [
          el('Identificatie', result.identificatie),
          el('Oorsprong', result.oorsprong),
          el('Type', 'FOUT'),
          tijdstip(now),
          el('Diagnose', result.diagnose),
        ]),
      ]);
  return el(`web:${service}Response`, [el('Repliek', [context, body])], { 'xmlns:web': def.namespace });
}

/** A refusal or a failure as MAGDA's exception; a denial is audited as the REST consult's would be. */
async function asUitzondering(deps: Deps, ctx: RequestContext, e: Problem): Promise<Uitzondering> {
  if (e.denial) await recordDenial(deps.db, ctx, e);
  if (e.code === 'notIntegrated') return { ...UITZONDERINGEN.notIntegrated, diagnose: `${UITZONDERINGEN.notIntegrated.diagnose}: ${e.message}` };
  if (e.code === 'noAuthorisation' || e.code === 'forbidden')
    return { ...UITZONDERINGEN.notAuthorised, diagnose: `${UITZONDERINGEN.notAuthorised.diagnose}: ${e.message}` };
  return { identificatie: e.code, oorsprong: 'KBI', diagnose: e.message };
}

const sendXml = (reply: FastifyReply, status: number, xml: string) => reply.code(status).type('text/xml; charset=utf-8').send(xml);

/** A SOAP 1.1 fault travels with status 500 (SOAP 1.1 §6.2). */
const fault = (reply: FastifyReply, code: 'Client' | 'Server', message: string) => sendXml(reply, 500, soapFault(code, message));

/** Channel of migration 0027's notice that authorisations or organisations changed. */
export const AUTHORISATION_CHANNEL = 'kbi_authorisations';
/** How long a process keeps the purposes of a capacity code (any change to authorisations drops them at once). */
const CAPACITY_CACHE_SECONDS = 60;

export function registerMagdaRoutes(http: FastifyInstance, deps: Deps): void {
  registerMagdaDescription(http);
  void http.register(async (scope) => {
    // Which purposes an organisation's capacity code stands for today: asked on every question, and
    // changed only with the authorisations, so kept in memory until the database says they changed.
    const capacities = await NoticeCache.open<string[]>(deps.database, AUTHORISATION_CHANNEL, CAPACITY_CACHE_SECONDS);
    // The offices, staff, centres and courses the answers name: likewise, until they change.
    const references = await openReferenceCache(deps);
    scope.addHook('onClose', async () => {
      await capacities.close();
      await references.close();
    });
    const purposesOf = async (organisationId: string, capacityCode: string): Promise<string[]> => {
      const key = `${organisationId} ${capacityCode} ${belgianToday()}`;
      const known = capacities.get(key);
      if (known) return known;
      const epoch = capacities.epoch();
      const purposes = await purposesOfCapacity(deps, organisationId, capacityCode);
      capacities.set(key, purposes, epoch);
      return purposes;
    };
    for (const type of ['text/xml', 'application/soap+xml', 'application/xml'])
      scope.addContentTypeParser(type, { parseAs: 'string', bodyLimit: MAGDA_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/magda/soap',
      {
        config: { access: 'partner', answersThrottle: true },
        bodyLimit: MAGDA_BODY_LIMIT,
        schema: {
          tags: ['MAGDA'],
          summary: 'MAGDA SOAP services: GeefDossierKBI 01.00, RegistreerInschrijving 02.01, RegistreerUitschrijving 02.00',
          security: [{ bearer: [] }],
          description:
            'A SOAP 1.1 envelope with a MAGDA Verzoek (Context/Naam and Versie select the service); the answer is the MAGDA Repliek. ' +
            'Afzender/Identificatie is your client id, Hoedanigheid a capacity code of your authorisations. ' +
            'WSDL: GET /api/magda/soap?wsdl (&service=…&version=…); XSD: ?xsd&service=…&version=….',
          ...SOAP_OPENAPI,
        },
      },
      async (req, reply) => {
        const ctx = req.ctx;
        let read: ReturnType<typeof readEnvelope>;
        try {
          if (typeof req.body !== 'string') throw new MalformedMessage('send a SOAP envelope as text/xml');
          read = readEnvelope(req.body);
        } catch (e) {
          if (e instanceof MalformedMessage) return fault(reply, 'Client', e.message);
          throw e;
        }
        try {
          const verzoek = read.content.Verzoek as Node | undefined;
          if (!verzoek || typeof verzoek !== 'object') throw new MalformedMessage(`${read.element}/Verzoek: required`);
          const service = textAt(verzoek, 'Context', 'Naam');
          const versie = textAt(verzoek, 'Context', 'Versie');
          const def = SERVICES[`${service} ${versie.slice(0, 5)}`];
          if (!def) throw new MalformedMessage(`service ${service || '(no Context/Naam)'} version ${versie || '(no Context/Versie)'} is not offered here`);
          if (read.element !== service) throw new MalformedMessage(`the body element ${read.element} does not match Context/Naam ${service}`);
          if (read.namespace && read.namespace !== def.namespace)
            throw new MalformedMessage(`${service} ${versie}: element namespace ${read.namespace} is not ${def.namespace}`);
          const bericht = ['Context', 'Bericht'];
          const afzender = {
            identificatie: textAt(verzoek, ...bericht, 'Afzender', 'Identificatie'),
            referte: textAt(verzoek, ...bericht, 'Afzender', 'Referte'),
            hoedanigheid: textAt(verzoek, ...bericht, 'Afzender', 'Hoedanigheid'),
            gebruiker: textAt(verzoek, ...bericht, 'Afzender', 'Gebruiker'),
          };
          if (!afzender.identificatie || !afzender.referte) throw new MalformedMessage('Context/Bericht/Afzender: Identificatie and Referte are required');
          const vraag = (verzoek.Vragen as Node | undefined)?.Vraag;
          if (!vraag || typeof vraag !== 'object' || Array.isArray(vraag)) throw new MalformedMessage('Vragen/Vraag: exactly one question');
          const inhoud = (vraag as Node).Inhoud as Node | undefined;
          if (!inhoud || typeof inhoud !== 'object') throw new MalformedMessage('Vragen/Vraag/Inhoud: required');
          const q = { afzender, vraagReferte: textAt(vraag, 'Referte') };
          const answer = async (): Promise<El[] | Uitzondering> => {
            if (req.throttled) return UITZONDERINGEN.tooMany;
            try {
              const client = ctx.actor.id.replace(/^partner:/, '');
              if (afzender.identificatie !== client)
                throw new Problem('forbidden', `Afzender/Identificatie ${afzender.identificatie} is not your client id`).denied({
                  action: `magda.${service}`,
                  personId: null,
                  clusters: [],
                  detail: { afzender: afzender.identificatie.slice(0, 100) },
                });
              const purposes = ctx.actor.organisationId && afzender.hoedanigheid ? await purposesOf(ctx.actor.organisationId, afzender.hoedanigheid) : [];
              if (!purposes.length && service === 'GeefDossierKBI')
                throw new Problem(
                  'noAuthorisation',
                  `Hoedanigheid ${afzender.hoedanigheid || '(none)'}: no authorisation of your organisation names this capacity code`,
                ).denied({ action: `magda.${service}`, personId: null, clusters: [], detail: { hoedanigheid: afzender.hoedanigheid.slice(0, 20) } });
              return await def.answer({ deps, ctx, service, verzoek, afzender, vraagReferte: q.vraagReferte, inhoud, purposes, references });
            } catch (e) {
              if (e instanceof Problem && e.code !== 'invalidInsz') return asUitzondering(deps, ctx, e);
              if (e instanceof Problem || e instanceof MalformedMessage) throw e;
              req.log.error({ err: e }, 'magda_source_error');
              return UITZONDERINGEN.sourceError;
            }
          };
          return sendXml(reply, 200, soapEnvelope(repliek(service, def, q, req.id, await answer())));
        } catch (e) {
          if (e instanceof MalformedMessage) return fault(reply, 'Client', e.message);
          if (e instanceof Problem) return fault(reply, 'Client', e.message);
          throw e;
        }
      },
    );
  });
}
