/**
 * Transparency (GDPR art. 15): who accessed a person's dossier, when, for which purpose and on
 * which legal basis. Found through the keyed INSZ hash, so the report also covers accesses to a
 * dossier that has since been removed, and those made under an earlier INSZ of the person (a
 * corrected national number). One line per consultation (audit.consultations.ts), every purpose,
 * action and cluster in words (audit.words.ts) in the language asked. As JSON, CSV, or a letter
 * to send to the person as it is (audit.letter.ts).
 * For the privacy officer (role with readAudit); the report itself is an audited access.
 */
import { sql } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import type { RequestContext } from '../../platform/access.ts';
import type { Db } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { demand } from '../access/access.service.ts';
import { inszHashesOf } from './audit.search.ts';
import { codeLabels, consultations, distinct } from './audit.consultations.ts';
import { actionWords, clusterWords, purposeOf, resultWords, unnamedActorWords, type Lang } from './audit.words.ts';

/** One consultation of the person's dossier: one line, however many rows it wrote in the trail. */
export interface AccessLine {
  /** When it began, and when its last row was written. */
  at: string;
  until: string;
  /** Who: the staff member's name, the partner's organisation, KBI itself. */
  actor: string;
  actorId: string;
  actorKind: string;
  organisation: string | null;
  /** The purpose stated with the access (a code), if any. */
  purpose: string | null;
  /** The purpose in words: the stated one, or that of the staff member's task. Never empty. */
  purposeText: string;
  purposeStated: boolean;
  legalBasisText: string;
  /** The first action of the consultation, and all of them. */
  action: string;
  actions: string[];
  actionText: string;
  clusters: string[];
  clusterTexts: string[];
  result: string;
  resultText: string;
  requestId: string | null;
}

/**
 * A partner's declaration that it has the person as a client (the integration register): it opens
 * the partner's access to the dossier from its start, so the person sees each one.
 */
export interface DeclarationLine {
  organisation: string;
  organisationKind: string;
  organisationKindText: string;
  capacityCode: string;
  capacityText: string;
  startsOn: string;
  endsOn: string | null;
  recordedAt: string;
  recordedBy: string;
  /** Why an administrator recorded a start further back than partners may (KBI_INTEGRATION_MAX_BACKDATE_DAYS). */
  reason: string | null;
}

export interface PersonAccessReport {
  generatedAt: string;
  lang: Lang;
  from: string | null;
  to: string | null;
  /** The person the report is about and for: the name if KBI knows the person, the INSZ masked but for its last digits. */
  person: { known: boolean; name: string | null; inszMasked: string };
  /** Who made the report (the privacy officer), to sign the letter. */
  madeBy: string | null;
  items: AccessLine[];
  declarations: DeclarationLine[];
}

/** 85.07.30-033.28 → ••.••.••-•33.28: enough for the person to recognise, too little to misuse. */
export function maskInsz(insz: string): string {
  const d = insz.replace(/\D/g, '');
  return `••.••.••-•${d.slice(7, 9)}.${d.slice(9, 11)}`;
}

const iso = (v: unknown) =>
  String(v)
    .replace(' ', 'T')
    .replace(/\+00(:00)?$/, 'Z');

export async function personAccessReport(
  db: Db,
  ctx: RequestContext,
  input: { insz: string; from?: string; to?: string; lang?: Lang },
  acceptTestInsz = false,
): Promise<PersonAccessReport> {
  demand(ctx, 'readAudit', 'audit.personReport', 'only the privacy officer reads the audit trail');
  const lang = input.lang ?? 'nl';
  const parsed = parseInsz(input.insz, { allowTestNumbers: acceptTestInsz });
  if (!parsed.ok) throw new Problem('invalidInsz', `insz: not a valid INSZ: ${parsed.message}`, [{ in: 'body', name: 'insz', detail: parsed.message }]);
  // Every INSZ the person was ever known under (an INSZ corrected later), as the audit search does.
  const target = await inszHashesOf(db, parsed.insz.value);
  const rows = (
    await sql<Record<string, any>>`
    SELECT a.id, a.at, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_iso, a.actor_id, a.actor_kind, o.name AS organisation,
           a.purpose, a.action, a.clusters, a.result, a.request_id, a.person_id, a.insz_hash, u.display_name, u.role
      FROM audit_log a
      LEFT JOIN organisations o ON o.id = a.organisation_id
      LEFT JOIN users u ON a.actor_id = 'user:' || u.id::text
     WHERE a.insz_hash = ANY(${sql.val(target.hashes)}::text[])
       AND (${input.from ?? null}::timestamptz IS NULL OR a.at >= ${input.from ?? null}::timestamptz)
       AND (${input.to ?? null}::timestamptz IS NULL OR a.at < ${input.to ?? null}::timestamptz)
       AND a.action NOT LIKE 'audit.%'
     ORDER BY a.id`.execute(db)
  ).rows;
  // Every declaration ever made of the person (under any INSZ the person had), each at its first recording.
  const declarations = (
    await sql<Record<string, any>>`
    SELECT o.name AS organisation, o.kind AS organisation_kind, i.capacity_code, i.starts_on, i.ends_on, i.recorded_by,
           coalesce((SELECT min(h.sys_from) FROM integrations_history h WHERE h.id = i.id), i.sys_from) AS recorded_at,
           (SELECT a.detail->>'reason' FROM audit_log a WHERE a.action = 'integrations.declare' AND a.detail->>'integrationId' = i.id::text AND a.detail ? 'reason' ORDER BY a.id LIMIT 1) AS reason,
           (SELECT c.label_nl || chr(31) || c.label_fr || chr(31) || c.label_en FROM code_list c
             WHERE c.list = 'capacity_code_' || lower(o.kind) AND c.code = i.capacity_code LIMIT 1) AS capacity_labels
      FROM integrations i JOIN organisations o ON o.id = i.organisation_id
     WHERE kbi_insz_hash(i.insz) = ANY(${sql.val(target.hashes)}::text[])
     ORDER BY recorded_at, i.id`.execute(db)
  ).rows;
  const person = target.personId
    ? (await sql<{ name: string }>`SELECT trim(given_names || ' ' || family_name) AS name FROM persons WHERE id = ${target.personId}::uuid`.execute(db)).rows[0]
    : undefined;
  const madeBy = ctx.actor.id.startsWith('user:')
    ? ((await sql<{ display_name: string }>`SELECT display_name FROM users WHERE 'user:' || id::text = ${ctx.actor.id}`.execute(db)).rows[0]?.display_name ??
      null)
    : null;
  const purposes = await codeLabels(db, 'purpose');
  const kinds = await codeLabels(db, 'organisation_kind');
  const pick = (labels: readonly string[] | undefined, fallback: string) => labels?.[lang === 'nl' ? 0 : lang === 'fr' ? 1 : 2] ?? fallback;

  const groups = consultations(
    rows.map((r) => ({
      r,
      actorId: r.actor_id,
      personKey: r.person_id ?? r.insz_hash,
      result: r.result,
      requestId: r.request_id ?? null,
      atMs: Date.parse(r.at_iso),
    })),
  ).map((g) => g.map((x) => x.r));
  const items: AccessLine[] = groups.map((g) => {
    const first = g[0]!;
    const stated = g.find((r) => r.purpose) ?? first;
    const reading = purposeOf({ purpose: stated.purpose ?? null, actorKind: first.actor_kind, role: first.role ?? null }, purposes, lang);
    const actions = distinct(g.map((r) => r.action as string));
    const clusters = distinct(g.flatMap((r) => (r.clusters ?? []) as string[]));
    return {
      at: first.at_iso,
      until: g[g.length - 1]!.at_iso,
      actor:
        first.display_name ??
        (first.actor_kind === 'partner' && first.actor_id !== 'anonymous'
          ? (first.organisation ?? first.actor_id)
          : unnamedActorWords(first.actor_id, first.actor_kind, lang)),
      actorId: first.actor_id,
      actorKind: first.actor_kind,
      organisation: first.organisation ?? null,
      purpose: stated.purpose ?? null,
      purposeText: reading.purpose,
      purposeStated: reading.stated,
      legalBasisText: reading.legalBasis,
      action: first.action,
      actions,
      actionText: distinct(actions.map((a) => actionWords(a, lang))).join(' + '),
      clusters,
      clusterTexts: clusters.map((c) => clusterWords(c, lang)),
      result: first.result,
      resultText: resultWords(first.result, lang),
      requestId: first.request_id ?? null,
    };
  });
  await recordAudit(db, ctx, {
    action: 'audit.personReport',
    personId: target.personId,
    clusters: [],
    result: 'allowed',
    detail: { lines: items.length, declarations: declarations.length, lang },
  });
  return {
    generatedAt: new Date().toISOString(),
    lang,
    from: input.from ?? null,
    to: input.to ?? null,
    person: { known: target.personId !== null, name: person?.name || null, inszMasked: maskInsz(parsed.insz.value) },
    madeBy,
    declarations: declarations.map((d) => ({
      organisation: d.organisation,
      organisationKind: d.organisation_kind,
      organisationKindText: pick(kinds.get(d.organisation_kind), d.organisation_kind),
      capacityCode: d.capacity_code,
      capacityText: pick(d.capacity_labels ? String(d.capacity_labels).split('\u001f') : undefined, d.capacity_code),
      startsOn: String(d.starts_on).slice(0, 10),
      endsOn: d.ends_on ? String(d.ends_on).slice(0, 10) : null,
      recordedAt: iso(d.recorded_at),
      recordedBy: d.recorded_by,
      reason: d.reason ?? null,
    })),
    items,
  };
}

/** The CSV headers, in the language of the report. */
const CSV_COLUMNS: Record<Lang, string[]> = {
  nl: ['moment', 'tot', 'wie', 'soort', 'organisatie', 'doel', 'rechtsgrond', 'handeling', 'gegevens', 'resultaat', 'handelingscodes', 'verzoek'],
  fr: ['moment', 'jusqu’à', 'qui', 'type', 'organisation', 'finalité', 'base légale', 'action', 'données', 'résultat', 'codes des actions', 'requête'],
  en: ['moment', 'until', 'who', 'kind', 'organisation', 'purpose', 'legal basis', 'action', 'data', 'result', 'action codes', 'request'],
};
const DECLARATION: Record<Lang, (d: DeclarationLine) => string> = {
  nl: (d) => `integratieverklaring ${d.capacityCode} ${d.startsOn}–${d.endsOn ?? ''}: ${d.capacityText}${d.reason ? ` (${d.reason})` : ''}`,
  fr: (d) => `déclaration d’intégration ${d.capacityCode} ${d.startsOn}–${d.endsOn ?? ''} : ${d.capacityText}${d.reason ? ` (${d.reason})` : ''}`,
  en: (d) => `integration declaration ${d.capacityCode} ${d.startsOn}–${d.endsOn ?? ''}: ${d.capacityText}${d.reason ? ` (${d.reason})` : ''}`,
};
const KIND: Record<Lang, Record<string, string>> = {
  nl: { staff: 'medewerker', partner: 'partner', system: 'KBI' },
  fr: { staff: 'collaborateur', partner: 'partenaire', system: 'KBI' },
  en: { staff: 'staff', partner: 'partner', system: 'KBI' },
};

/** One line per consultation, then one per declaration; words for reading, the codes at the end for checking. */
export function reportCsv(report: PersonAccessReport): string {
  const lang = report.lang;
  return stringify(
    [
      ...report.items.map((l) => [
        l.at,
        l.until,
        l.actor,
        KIND[lang][l.actorKind] ?? l.actorKind,
        l.organisation ?? '',
        l.purposeText,
        l.legalBasisText,
        l.actionText,
        l.clusterTexts.join(', '),
        l.resultText,
        l.actions.join(' '),
        l.requestId ?? '',
      ]),
      ...report.declarations.map((d) => [
        d.recordedAt,
        '',
        d.recordedBy,
        KIND[lang].partner!,
        d.organisation,
        '',
        '',
        DECLARATION[lang](d),
        '',
        resultWords('allowed', lang),
        'integrations.declare',
        '',
      ]),
    ],
    { header: true, columns: CSV_COLUMNS[lang] },
  );
}
