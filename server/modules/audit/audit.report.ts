/**
 * Transparency: who accessed a person's dossier, when and for which purpose. Found through the
 * keyed INSZ hash, so the report also covers accesses to a dossier that has since been removed,
 * and those made under an earlier INSZ of the person (a corrected national number).
 * For the privacy officer (role with readAudit); the report itself is an audited access.
 */
import { sql } from 'kysely';
import PDFDocument from 'pdfkit';
import { stringify } from 'csv-stringify/sync';
import type { RequestContext } from '../../platform/access.ts';
import type { Db } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { demand } from '../access/access.service.ts';
import { inszHashesOf } from './audit.search.ts';

export interface AccessLine {
  at: string;
  actor: string;
  actorKind: string;
  organisation: string | null;
  purpose: string | null;
  action: string;
  clusters: string[];
  result: string;
  requestId: string | null;
}

/**
 * A partner's declaration that it has the person as a client (the integration register): it opens
 * the partner's access to the dossier from its start, so the person sees each one.
 */
export interface DeclarationLine {
  organisation: string;
  organisationKind: string;
  capacityCode: string;
  startsOn: string;
  endsOn: string | null;
  recordedAt: string;
  recordedBy: string;
  /** Why an administrator recorded a start further back than partners may (KBI_INTEGRATION_MAX_BACKDATE_DAYS). */
  reason: string | null;
}

export interface PersonAccessReport {
  generatedAt: string;
  from: string | null;
  to: string | null;
  items: AccessLine[];
  declarations: DeclarationLine[];
}

export async function personAccessReport(
  db: Db,
  ctx: RequestContext,
  input: { insz: string; from?: string; to?: string },
  acceptTestInsz = false,
): Promise<PersonAccessReport> {
  demand(ctx, 'readAudit', 'audit.personReport', 'only the privacy officer reads the audit trail');
  const parsed = parseInsz(input.insz, { allowTestNumbers: acceptTestInsz });
  if (!parsed.ok) throw new Problem('invalidInsz', `insz: not a valid INSZ: ${parsed.message}`, [{ in: 'body', name: 'insz', detail: parsed.message }]);
  // Every INSZ the person was ever known under (an INSZ corrected later), as the audit search does.
  const target = await inszHashesOf(db, parsed.insz.value);
  const rows = (
    await sql<Record<string, any>>`
    SELECT a.at, a.actor_id, a.actor_kind, o.name AS organisation, a.purpose, a.action, a.clusters, a.result, a.request_id, u.display_name
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
           (SELECT a.detail->>'reason' FROM audit_log a WHERE a.action = 'integrations.declare' AND a.detail->>'integrationId' = i.id::text AND a.detail ? 'reason' ORDER BY a.id LIMIT 1) AS reason
      FROM integrations i JOIN organisations o ON o.id = i.organisation_id
     WHERE kbi_insz_hash(i.insz) = ANY(${sql.val(target.hashes)}::text[])
     ORDER BY recorded_at, i.id`.execute(db)
  ).rows;
  await recordAudit(db, ctx, {
    action: 'audit.personReport',
    personId: target.personId,
    clusters: [],
    result: 'allowed',
    detail: { lines: rows.length, declarations: declarations.length },
  });
  return {
    generatedAt: new Date().toISOString(),
    from: input.from ?? null,
    to: input.to ?? null,
    declarations: declarations.map((d) => ({
      organisation: d.organisation,
      organisationKind: d.organisation_kind,
      capacityCode: d.capacity_code,
      startsOn: d.starts_on,
      endsOn: d.ends_on ?? null,
      recordedAt: String(d.recorded_at)
        .replace(' ', 'T')
        .replace(/\+00(:00)?$/, 'Z'),
      recordedBy: d.recorded_by,
      reason: d.reason ?? null,
    })),
    items: rows.map((r) => ({
      at: String(r.at)
        .replace(' ', 'T')
        .replace(/\+00(:00)?$/, 'Z'),
      actor: r.display_name ? `${r.display_name} (${r.actor_id})` : r.actor_id,
      actorKind: r.actor_kind,
      organisation: r.organisation ?? null,
      purpose: r.purpose ?? null,
      action: r.action,
      clusters: r.clusters ?? [],
      result: r.result,
      requestId: r.request_id ?? null,
    })),
  };
}

export function reportCsv(report: PersonAccessReport): string {
  const declarations = report.declarations.map((d) => [
    d.recordedAt,
    d.recordedBy,
    'partner',
    d.organisation,
    '',
    `integratieverklaring ${d.capacityCode} ${d.startsOn}–${d.endsOn ?? ''}${d.reason ? ` (${d.reason})` : ''}`,
    '',
    'allowed',
    '',
  ]);
  return stringify(
    [
      ...report.items.map((l) => [
        l.at,
        l.actor,
        l.actorKind,
        l.organisation ?? '',
        l.purpose ?? '',
        l.action,
        l.clusters.join(' '),
        l.result,
        l.requestId ?? '',
      ]),
      ...declarations,
    ],
    {
      header: true,
      columns: ['moment', 'wie', 'soort', 'organisatie', 'doel', 'handeling', 'clusters', 'resultaat', 'verzoek'],
    },
  );
}

/** A printable report (A4) for the person who asked who looked at their data. */
export function reportPdf(report: PersonAccessReport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: 'Raadplegingen van uw inburgeringsdossier', Author: 'Kruispuntbank Inburgering' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(16).text('Raadplegingen van het inburgeringsdossier', { underline: false });
    doc
      .moveDown(0.3)
      .fontSize(9)
      .fillColor('#555')
      .text(
        `Kruispuntbank Inburgering — opgemaakt op ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC${report.from || report.to ? ` — periode ${report.from ?? '…'} tot ${report.to ?? '…'}` : ''}`,
      );
    doc.moveDown().fillColor('#000');
    if (report.declarations.length) {
      doc.fontSize(12).font('Helvetica-Bold').text('Organisaties die u als cliënt aangaven');
      doc.font('Helvetica').fontSize(9).text("Zo'n verklaring geeft de organisatie toegang tot uw dossier vanaf de begindatum.");
      for (const d of report.declarations) {
        doc
          .fontSize(9)
          .text(
            `${d.organisation} (${d.organisationKind}), hoedanigheid ${d.capacityCode}: van ${d.startsOn} tot ${d.endsOn ?? 'nu'} — geregistreerd ${d.recordedAt.slice(0, 16).replace('T', ' ')}${d.reason ? ` — reden: ${d.reason}` : ''}`,
          );
      }
      doc.moveDown();
    }
    if (!report.items.length) doc.fontSize(11).text('Er zijn geen raadplegingen geregistreerd in deze periode.');
    for (const l of report.items) {
      doc
        .fontSize(10)
        .font('Helvetica-Bold')
        .text(`${l.at.slice(0, 19).replace('T', ' ')}  ${l.action}${l.result === 'denied' ? '  (geweigerd)' : ''}`);
      doc
        .font('Helvetica')
        .fontSize(9)
        .text(
          `Door: ${l.actor}${l.organisation ? `, ${l.organisation}` : ''}   Doel: ${l.purpose ?? 'niet opgegeven'}   Gegevens: ${l.clusters.join(', ') || '—'}`,
        );
      doc.moveDown(0.4);
    }
    doc.end();
  });
}
