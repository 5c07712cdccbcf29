/**
 * Partner look-ups of the exchange hub (SPEC.md "Exchange flows with partners"):
 *  - the office lookup (GeefKBIVestiging, seed 003 §60): general information on an agency office
 *    by postcode, KBO number or KBI key, only what KBI staff entered;
 *  - the VMSW language requirement: does a prospective tenant or buyer meet the Dutch-language
 *    requirement of the Flemish Housing Code, and on what basis — every check counted;
 *  - the DVZ list (seed 004 answer 4): name, first name, national number, contract signed,
 *    certificate obtained, for the persons concerned.
 * Every one is an exchange in the audit trail (action `exchange.*`), so the usage statistics count it.
 */
import { sql } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Row } from '../../platform/db.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { auditInsert, recordAudit } from '../../platform/audit.ts';
import { parseKbo } from '../../platform/identifiers/kbo.ts';
import type { ClusterName } from '../dossier/clusters.ts';
import type { Deps } from '../../platform/deps.ts';
import { effectiveAuthorisations } from '../authorisations/authorisations.service.ts';
import { authorisedFor } from '../exchange/consult.service.ts';
import { belgianToday, exchangeOrganisation, parseInszField, personIdByInsz } from '../integrations/integrations.service.ts';

const badRequest = (issues: Issue[]) => new Problem('badRequest', issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);

// ---- office lookup (GeefKBIVestiging) ----------------------------------------------------------

export interface OfficeSearch {
  postcode?: string;
  kboNumber?: string;
  kbiKey?: string;
}

/**
 * Seed 003 §60: "op basis van een postcode of een ondernemingsnummer of een gelijkaardige unieke
 * sleutel toegekend in KBI", offering "geen gegevens uit deze twee al dan niet authentieke bronnen
 * … doch enkel verrijkingen ingevoerd door de medewerkers van de Kruispuntbank Inburgering", the
 * contact details of the office's contact person included. So: the office's own fields as KBI staff
 * entered them, and the name of its organisation; nothing from the KBO itself and no person data.
 */
export const presentOffice = (r: Row) => ({
  kbiKey: r.kbi_key,
  kboNumber: r.kbo_number ?? null,
  name: r.name,
  organisationName: r.organisation_name,
  street: r.street ?? null,
  houseNumber: r.house_number ?? null,
  postcode: r.postcode ?? null,
  municipality: r.municipality ?? null,
  phone: r.phone ?? null,
  email: r.email ?? null,
  contactName: r.contact_name ?? null,
  openingHours: r.opening_hours ?? null,
});

export const OFFICE_LOOKUP_LIMIT = 200;

/** Offices matching every filter given (at least one). A KBO number matches the office's own number or its organisation's enterprise number. */
export async function searchOffices(deps: Deps, ctx: RequestContext, input: OfficeSearch): Promise<Row[]> {
  exchangeOrganisation(ctx, 'looks up offices');
  const issues: Issue[] = [];
  if (input.postcode === undefined && input.kboNumber === undefined && input.kbiKey === undefined) {
    for (const name of ['postcode', 'kboNumber', 'kbiKey']) issues.push({ in: 'body', name, detail: 'give a postcode, a kboNumber or a kbiKey' });
  }
  if (input.postcode !== undefined && !/^[1-9][0-9]{3}$/.test(input.postcode))
    issues.push({ in: 'body', name: 'postcode', detail: 'a Belgian postcode: four digits, not starting with 0' });
  let kbo: string | undefined;
  if (input.kboNumber !== undefined) {
    const parsed = parseKbo(input.kboNumber);
    if (parsed.ok) kbo = parsed.value;
    else issues.push({ in: 'body', name: 'kboNumber', detail: `not a valid KBO number: ${parsed.message}` });
  }
  const kbiKey = input.kbiKey?.toUpperCase();
  if (kbiKey !== undefined && !/^[0-9A-F]{32}$/.test(kbiKey)) issues.push({ in: 'body', name: 'kbiKey', detail: 'a KBI key: 32 hexadecimal characters' });
  if (issues.length) throw badRequest(issues);

  let q = deps.db
    .selectFrom('offices as f')
    .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
    .select([
      'f.kbi_key',
      'f.kbo_number',
      'f.name',
      'o.name as organisation_name',
      'f.street',
      'f.house_number',
      'f.postcode',
      'f.municipality',
      'f.phone',
      'f.email',
      'f.contact_name',
      'f.opening_hours',
    ]);
  if (input.postcode !== undefined) q = q.where('f.postcode', '=', input.postcode);
  if (kbo !== undefined) q = q.where((eb) => eb.or([eb('f.kbo_number', '=', kbo), eb('o.enterprise_number', '=', kbo)]));
  if (kbiKey !== undefined) q = q.where('f.kbi_key', '=', kbiKey);
  const rows = await q.orderBy('f.name').orderBy('f.kbi_key').limit(OFFICE_LOOKUP_LIMIT).execute();
  await recordAudit(deps.db, ctx, {
    action: 'exchange.officeLookup',
    personId: null,
    clusters: [],
    result: 'allowed',
    detail: {
      by: Object.keys(input)
        .filter((k) => (input as Record<string, unknown>)[k] !== undefined)
        .sort(),
      found: rows.length,
    },
  });
  return rows;
}

// ---- VMSW language requirement ------------------------------------------------------------------

export const LANGUAGE_PURPOSE = 'WOONCODE_TAALKENNIS';

export type BasisKind = 'CERTIFICATE' | 'TEST' | 'NT2_LEVEL' | 'WOONCODE';
export interface Basis {
  kind: BasisKind;
  date: string;
  detail: string;
}

/** The clusters each kind of basis comes from: VMSW learns a basis only from a cluster it is authorised for. */
const BASIS_CLUSTERS: Record<BasisKind, ClusterName> = { CERTIFICATE: 'certificates', TEST: 'level', NT2_LEVEL: 'level', WOONCODE: 'housingRequirement' };

/** Tests whose pass shows knowledge of Dutch (test_type; the MO test is about society, not language). */
const LANGUAGE_TESTS = ['NT2_TEST', 'NT2_INSCHALING', 'B1_MONDELING'];

/**
 * The rule. The seeds name the requirement — SPEC.md "Exchange flows" ("does a prospective tenant
 * or buyer meet the Dutch-language requirement?"), seed 000 question and answer 5 ("de
 * taalkennisvereiste") — and MAGDA's GeefDossierKBI answer carries KBI's own assessment of it, the
 * Wooncode block (MoetVoldoenAanTaalBereidheid / VoldoetAanTaalBereidheid; docs/GLOSSARY.md,
 * reference/magda-GeefDossierKBI-01.00). The level is not in the seeds: the Flemish Housing Code
 * asks basic Dutch at level A1 of the CEFR, the lowest level KBI records (code list cefr_level:
 * every level and richtgraad is A1 or higher). So a person meets the requirement on any of:
 *  - an NT2 level reached (level_attainments, domain NT2), any level;
 *  - a passed Dutch test (NT2 test, placement test, B1 oral) with a level, the B1 oral test being B1;
 *  - an integration certificate (its programme includes the NT2 part with its objectives reached,
 *    domain-rules §4.9) or an exemption certificate, not expired;
 *  - KBI's latest Wooncode assessment: meets the language requirement, or need not meet it.
 * Everything counts from the day it holds up to today.
 */
async function languageBasis(deps: Deps, personId: string, clusters: ClusterName[], today: string): Promise<Basis[]> {
  const out: Basis[] = [];
  const may = (kind: BasisKind) => clusters.includes(BASIS_CLUSTERS[kind]);
  if (may('CERTIFICATE')) {
    const rows = await deps.db
      .selectFrom('certificates')
      .select(['kind', 'document_type', 'issued_on'])
      .where('person_id', '=', personId)
      .where('kind', 'in', ['INTEGRATION', 'EXEMPTION'])
      .where('issued_on', '<=', today)
      .where((eb) => eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', today)]))
      .execute();
    for (const r of rows) {
      out.push({
        kind: 'CERTIFICATE',
        date: r.issued_on,
        detail: `${r.kind === 'INTEGRATION' ? 'integration certificate' : 'exemption certificate'}${r.document_type ? ` (${r.document_type})` : ''}`,
      });
    }
  }
  if (may('TEST')) {
    const rows = await deps.db
      .selectFrom('test_results')
      .select(['test_type', 'level', 'taken_on'])
      .where('person_id', '=', personId)
      .where('test_type', 'in', LANGUAGE_TESTS)
      .where('result', '=', 'GESLAAGD')
      .where('taken_on', '<=', today)
      .execute();
    for (const r of rows) {
      const level = r.level ?? (r.test_type === 'B1_MONDELING' ? 'B1' : null);
      if (level) out.push({ kind: 'TEST', date: r.taken_on, detail: `${r.test_type} passed at level ${level}` });
    }
  }
  if (may('NT2_LEVEL')) {
    const rows = await deps.db
      .selectFrom('level_attainments')
      .select(['level', 'obtained_on', 'basis'])
      .where('person_id', '=', personId)
      .where('domain', '=', 'NT2')
      .where('obtained_on', '<=', today)
      .execute();
    for (const r of rows) out.push({ kind: 'NT2_LEVEL', date: r.obtained_on, detail: `NT2 level ${r.level} reached (${r.basis})` });
  }
  if (may('WOONCODE')) {
    const latest = await deps.db
      .selectFrom('housing_requirements')
      .select(['must_meet_language', 'meets_language', 'assessed_on'])
      .where('person_id', '=', personId)
      .where('assessed_on', '<=', today)
      .orderBy('assessed_on', 'desc')
      .orderBy('sys_from', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest?.meets_language === true) out.push({ kind: 'WOONCODE', date: latest.assessed_on, detail: 'KBI assessment: meets the language requirement' });
    else if (latest?.must_meet_language === false)
      out.push({ kind: 'WOONCODE', date: latest.assessed_on, detail: 'KBI assessment: need not meet the language requirement' });
  }
  return out.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.kind.localeCompare(b.kind)));
}

export interface LanguageCheck {
  id: string;
  known: boolean;
  meetsRequirement: boolean;
  basis: Basis[];
  checkedAt: string;
}

/** One check by VMSW, answered, stored in language_requirement_checks and audited in one transaction. */
export async function checkLanguageRequirement(deps: Deps, ctx: RequestContext, input: { insz: string; purpose: string }): Promise<LanguageCheck> {
  const organisationId = exchangeOrganisation(ctx, 'checks the language requirement');
  const insz = parseInszField(deps, input.insz);
  if (input.purpose !== LANGUAGE_PURPOSE) throw badRequest([{ in: 'body', name: 'purpose', detail: `must be ${LANGUAGE_PURPOSE}` }]);
  const personId = await personIdByInsz(deps.db, insz);
  const audit = { action: 'exchange.languageRequirement', personId, insz };
  const { clusters: authorised } = await authorisedFor(deps, organisationId, insz, input.purpose, audit);
  const clusters = [...new Set(Object.values(BASIS_CLUSTERS))].filter((c) => authorised.includes(c)).sort();
  if (!clusters.length) {
    throw new Problem(
      'noAuthorisation',
      'your authorisation for this purpose gives none of the clusters the answer rests on (certificates, level, housingRequirement)',
    ).denied({ ...audit, clusters: [] });
  }
  const basis = personId ? await languageBasis(deps, personId, clusters, belgianToday()) : [];
  const meetsRequirement = basis.length > 0;
  const auditCtx = { ...ctx, purpose: input.purpose };
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const row = await tx
      .insertInto('language_requirement_checks')
      .values({
        organisation_id: organisationId,
        actor_id: ctx.actor.id,
        person_id: personId,
        insz_hash: sql`kbi_insz_hash(${insz})`,
        purpose: input.purpose,
        meets_requirement: meetsRequirement,
        basis: JSON.stringify(basis),
        request_id: ctx.requestId,
      })
      .returning(['id', 'checked_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, auditCtx, { ...audit, clusters, result: 'allowed', detail: { checkId: row.id, known: !!personId, meetsRequirement } });
    return { id: row.id, known: !!personId, meetsRequirement, basis, checkedAt: new Date(row.checked_at).toISOString() };
  });
}

// ---- DVZ list -----------------------------------------------------------------------------------

export const DVZ_PURPOSE = 'VERBLIJFSRECHT_INTEGRATIE';
/** The clusters of the list's columns: name, first name and national number; contract; certificate. */
const DVZ_CLUSTERS: ClusterName[] = ['certificates', 'contracts', 'personalia'];

/**
 * Who is "concerned". Seed 004 answer 4: the decree lets the agencies give DVZ the data of
 * "inburgeraars, die vallen onder de toepassing van artikel 1/2 van de wet van 15 december 1980"
 * (the integration-effort condition of the right of residence). That article does not apply to
 * refugees, persons under subsidiary protection, EU citizens and others (domain-rules §4.11), nor
 * to asylum seekers, who have no residence right yet: so the third-country residence statuses of
 * code list residence_status (nationalityGroup third country) without those of protection.
 * Of them, the list holds those with something to report in the period: a contract signed, an
 * integration certificate obtained, or a registration at an agency.
 */
export const DVZ_RESIDENCE_STATUSES = [
  'GEZINSHERENIGING_DERDELANDER',
  'ARBEIDSMIGRANT_DERDELANDER',
  'STUDENT_DERDELANDER',
  'ANDERE_DERDELANDER',
  'GEREGULARISEERD',
];

export interface DvzInput {
  from: string;
  to: string;
  purpose?: string;
  limit?: number;
  cursor?: string;
}
export interface DvzRow {
  familyName: string;
  givenNames: string;
  insz: string;
  contractSigned: boolean;
  certificateObtained: boolean;
}
/** One page of the list; `next` is the cursor of the following page, null on the last. */
export interface DvzList {
  from: string;
  to: string;
  rows: DvzRow[];
  next: string | null;
}

const isDate = (s: unknown): s is string =>
  typeof s === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

export const DVZ_MAX_DAYS = 366;
export const DVZ_DEFAULT_LIMIT = 500;
export const DVZ_MAX_LIMIT = 1000;

/** The default period of `kbi export dvz`: the year up to today. */
export function defaultDvzPeriod(today = belgianToday()): { from: string; to: string } {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1); // 29 February becomes 1 March
  d.setUTCDate(d.getUTCDate() + 1);
  return { from: d.toISOString().slice(0, 10), to: today };
}

/**
 * The list pages on the person's id, which never changes: ordered by name, a person renamed between
 * two pages could cross the boundary and be dropped or listed twice. The cursor names the period it
 * belongs to, so that it cannot continue another list; it carries no personal data.
 */
const dvzCursor = (after: string, input: DvzInput) => Buffer.from(JSON.stringify({ after, from: input.from, to: input.to })).toString('base64url');

function afterOfCursor(cursor: string, input: DvzInput): string | null {
  try {
    const { after, from, to } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof after === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(after) && from === input.from && to === input.to
      ? after
      : null;
  } catch {
    return null;
  }
}

/** Checks the period and the cursor; returns the id the page starts after (null: the first page). */
function checkInput(input: DvzInput): string | null {
  const issues: Issue[] = [];
  if (!isDate(input.from)) issues.push({ in: 'body', name: 'from', detail: 'a date, YYYY-MM-DD' });
  if (!isDate(input.to)) issues.push({ in: 'body', name: 'to', detail: 'a date, YYYY-MM-DD' });
  if (!issues.length && input.to < input.from) issues.push({ in: 'body', name: 'to', detail: 'before from' });
  if (!issues.length && (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 + 1 > DVZ_MAX_DAYS)
    issues.push({ in: 'body', name: 'to', detail: `a period of at most ${DVZ_MAX_DAYS} days` });
  if (!issues.length && input.from > belgianToday()) issues.push({ in: 'body', name: 'from', detail: 'lies in the future' });
  const after = input.cursor === undefined ? null : afterOfCursor(input.cursor, input);
  if (input.cursor !== undefined && after === null) issues.push({ in: 'body', name: 'cursor', detail: 'not a cursor this list gave out for this period' });
  if (issues.length) throw badRequest(issues);
  return after;
}

/**
 * The list for DVZ, for a partner whose authorisation for VERBLIJFSRECHT_INTEGRATIE gives the three
 * clusters of its columns (where that authorisation demands capacity codes: only persons the partner
 * has integrated under one of them today), or for the operator (`kbi export dvz`), a page of at
 * most `limit` persons at a time. Every person on a page is an access to that person's data,
 * audited as such.
 */
export async function dvzList(deps: Deps, ctx: RequestContext, input: DvzInput): Promise<DvzList> {
  const operator = ctx.actor.kind === 'system';
  const organisationId = operator ? null : exchangeOrganisation(ctx, 'asks the DVZ list');
  const after = checkInput(input);
  const limit = input.limit ?? DVZ_DEFAULT_LIMIT;
  const purpose = input.purpose ?? DVZ_PURPOSE;
  if (purpose !== DVZ_PURPOSE) throw badRequest([{ in: 'body', name: 'purpose', detail: `must be ${DVZ_PURPOSE}` }]);
  const action = operator ? 'dvz.export' : 'exchange.dvzList';
  const today = belgianToday();

  let integratedUnder: string[] | null = null; // null: every person concerned
  if (organisationId) {
    const { authorisations } = await effectiveAuthorisations(deps.db, organisationId, purpose, today);
    const enough = authorisations.filter((a) => DVZ_CLUSTERS.every((c) => a.clusters.includes(c)));
    if (!enough.length) {
      throw new Problem(
        'noAuthorisation',
        `your organisation holds no authorisation for purpose ${purpose} today with the clusters ${DVZ_CLUSTERS.join(', ')}`,
      ).denied({ action, personId: null, clusters: [] });
    }
    if (enough.every((a) => a.capacityCodes.length)) integratedUnder = [...new Set(enough.flatMap((a) => a.capacityCodes))];
  }

  const { from, to } = input;
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const found = (
      await sql<Row>`
      SELECT p.id, p.family_name, p.given_names, p.insz,
             EXISTS (SELECT 1 FROM contracts c WHERE c.person_id = p.id AND c.signed_on <= ${to}::date) AS contract_signed,
             EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = p.id AND c.kind = 'INTEGRATION' AND c.issued_on <= ${to}::date) AS certificate_obtained
        FROM persons p
       WHERE p.residence_status = ANY(${DVZ_RESIDENCE_STATUSES}::text[])
         AND (EXISTS (SELECT 1 FROM contracts c WHERE c.person_id = p.id AND c.signed_on BETWEEN ${from}::date AND ${to}::date)
           OR EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = p.id AND c.kind = 'INTEGRATION' AND c.issued_on BETWEEN ${from}::date AND ${to}::date)
           OR EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = p.id AND r.registered_on BETWEEN ${from}::date AND ${to}::date))
         ${
           integratedUnder
             ? sql`AND EXISTS (SELECT 1 FROM integrations i WHERE i.organisation_id = ${organisationId}::uuid AND i.insz = p.insz
               AND i.capacity_code = ANY(${integratedUnder}::text[]) AND i.starts_on <= ${today}::date AND (i.ends_on IS NULL OR i.ends_on >= ${today}::date))`
             : sql``
         }
         ${after ? sql`AND p.id > ${after}::uuid` : sql``}
       ORDER BY p.id
       LIMIT ${limit + 1}`.execute(tx)
    ).rows;
    const rows = found.slice(0, limit);
    const auditCtx = { ...ctx, purpose };
    const detail = JSON.stringify({ from, to, listed: rows.length });
    if (rows.length) {
      // One audit record per person listed, in one statement (the chain trigger numbers each).
      await auditInsert(
        {
          actor_id: sql`${ctx.actor.id}`,
          actor_kind: sql`${ctx.actor.kind}`,
          organisation_id: sql`${organisationId}::uuid`,
          purpose: sql`${purpose}`,
          action: sql`${action}`,
          person_id: sql`x.id`,
          clusters: sql`${DVZ_CLUSTERS}::text[]`,
          result: sql`'allowed'`,
          request_id: sql`${ctx.requestId}`,
          detail: sql`${detail}::jsonb`,
          insz_hash: sql`NULL`,
        },
        sql`FROM unnest(${rows.map((r) => r.id)}::uuid[]) WITH ORDINALITY AS x(id, n) ORDER BY x.n`,
      ).execute(tx);
    } else {
      await recordAudit(tx, auditCtx, { action, personId: null, clusters: [], result: 'allowed', detail: { from, to, listed: 0 } });
    }
    return {
      from,
      to,
      rows: rows.map((r) => ({
        familyName: r.family_name,
        givenNames: r.given_names,
        insz: r.insz,
        contractSigned: !!r.contract_signed,
        certificateObtained: !!r.certificate_obtained,
      })),
      next: found.length > limit ? dvzCursor(rows[rows.length - 1]!.id, input) : null,
    };
  });
}

/** A page of the list as CSV lines, the first with the seed's words as headings (seed 004 answer 4). */
export function dvzCsv(rows: DvzRow[], header: boolean): string {
  return stringify(
    rows.map((r) => [r.familyName, r.givenNames, r.insz, r.contractSigned ? 'ja' : 'nee', r.certificateObtained ? 'ja' : 'nee']),
    {
      header,
      columns: ['naam', 'voornaam', 'rijksregisternummer', 'inburgeringscontract_ondertekend', 'inburgeringsattest_behaald'],
    },
  );
}
