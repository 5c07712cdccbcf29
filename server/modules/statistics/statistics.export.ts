/**
 * A result as a file, JSON, CSV or XLSX.
 *
 * CSV is tidy, for R, Python or a spreadsheet: one row per number, columns `breakdown`, `row`
 * (cell / subtotal / total), one column per dimension of the set (empty where a breakdown does not
 * use it), one per measure, `percentage` and `suppressed`; the situation ("as known on") and the
 * definition version are columns too, so a row never loses its context when a file is cut up.
 *
 * XLSX is laid out as the minister's answers to parliament are (seed 004): a first sheet with the
 * notice (title, period, "Toestand op dd/mm/jjjj", provisional or not, version, protection,
 * sources), then one sheet per breakdown with its title, the situation line, a header, the cells
 * with each group's subtotal under it, and a bold total row. Withheld cells show "x".
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { BreakdownResult, LocalText, SetResult } from './statistics.types.ts';

export type ExportFormat = 'json' | 'csv' | 'xlsx';
export type ExportLang = 'nl' | 'fr' | 'en';

const WORDS = {
  situation: { nl: 'Toestand op', fr: 'Situation au', en: 'Situation on' },
  provisional: {
    nl: 'voorlopige cijfers, kunnen nog wijzigen',
    fr: 'chiffres provisoires, peuvent encore changer',
    en: 'provisional figures, may still change',
  },
  final: { nl: 'cijfers zoals gekend op die dag', fr: 'chiffres tels que connus ce jour-là', en: 'figures as known on that day' },
  total: { nl: 'Totaal', fr: 'Total', en: 'Total' },
  subtotal: { nl: 'Subtotaal', fr: 'Sous-total', en: 'Subtotal' },
  notice: { nl: 'Toelichting', fr: 'Notice', en: 'About' },
  period: { nl: 'Referentiejaar', fr: 'Année de référence', en: 'Reference year' },
  version: { nl: 'Versie van de definitie', fr: 'Version de la définition', en: 'Definition version' },
  suppressed: {
    nl: 'x: kleiner dan {k}, of weggelaten opdat zo een cel niet af te leiden is',
    fr: 'x : inférieur à {k}, ou omis pour qu’une telle cellule ne puisse être déduite',
    en: 'x: below {k}, or withheld so that such a cell cannot be derived',
  },
  population: { nl: 'Populatie', fr: 'Population', en: 'Population' },
  percentage: { nl: '%', fr: '%', en: '%' },
} satisfies Record<string, LocalText>;

/** dd/mm/yyyy of a moment in Belgium. */
export function belgianDate(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));
}

export function situationLine(result: SetResult, lang: ExportLang, provisional: boolean): string {
  return `${WORDS.situation[lang]} ${belgianDate(result.asOf)} (${(provisional ? WORDS.provisional : WORDS.final)[lang]})`;
}

interface Row {
  kind: 'cell' | 'subtotal' | 'total';
  labels: Record<string, string>;
  values: Record<string, number | undefined>;
  percentage?: number;
  suppressed?: string;
}

/** The rows of a breakdown in reading order: each subtotal under the cells of its group, the total last. */
function rowsOf(b: BreakdownResult, lang: ExportLang): Row[] {
  const rows: Row[] = [];
  const label = (l: Record<string, LocalText>) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v[lang]]));
  const sub = b.subtotals[0]?.dimension;
  let group: string | null | undefined;
  const flush = () => {
    if (sub === undefined || group === undefined) return;
    const s = b.subtotals.find((x) => x.dimension === sub && x.code === group);
    if (s) rows.push({ kind: 'subtotal', labels: { [sub]: `${WORDS.subtotal[lang]} ${s.label[lang]}` }, values: s.values, suppressed: s.suppressed });
  };
  for (const c of b.cells) {
    if (sub !== undefined && c.key[sub] !== group) {
      flush();
      group = c.key[sub];
    }
    rows.push({ kind: 'cell', labels: label(c.labels), values: c.values, percentage: c.percentage, suppressed: c.suppressed });
  }
  flush();
  rows.push({ kind: 'total', labels: { [b.dimensions[0] ?? 'total']: WORDS.total[lang] }, values: b.total });
  return rows;
}

export function toCsv(result: SetResult, lang: ExportLang, provisional = result.current): string {
  const dims = result.dimensions;
  const header = [
    'set',
    'version',
    'year',
    'as_of',
    'provisional',
    'breakdown',
    'row',
    ...dims.map((d) => d.id),
    ...result.measures.map((m) => m.id),
    'percentage',
    'suppressed',
  ];
  const lines: unknown[][] = [header];
  for (const b of result.breakdowns)
    for (const r of rowsOf(b, lang))
      lines.push([
        result.set.id,
        result.set.version,
        result.period.year,
        result.asOf,
        provisional ? 'true' : 'false',
        b.id,
        r.kind,
        ...dims.map((d) => r.labels[d.id] ?? ''),
        ...result.measures.map((m) => r.values[m.id] ?? ''),
        r.percentage ?? '',
        r.suppressed ?? '',
      ]);
  return stringify(lines);
}

/** A sheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  let name = title
    .replace(/[[\]:*?/\\]/g, ' ')
    .slice(0, 31)
    .trim();
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${title.slice(0, 27).trim()} (${i})`;
  taken.add(name.toLowerCase());
  return name;
}

export async function toXlsx(
  result: SetResult,
  lang: ExportLang,
  provisional = result.current,
  notes: { description?: LocalText; sources?: readonly (LocalText | string)[] } = {},
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kruispuntbank Inburgering';
  wb.created = new Date(result.computedAt);
  const taken = new Set<string>();
  const situation = situationLine(result, lang, provisional);
  const about = wb.addWorksheet(sheetName(WORDS.notice[lang], taken));
  about.getColumn(1).width = 28;
  about.getColumn(2).width = 90;
  about.addRow([result.set.title[lang]]).font = { bold: true, size: 14 };
  if (notes.description) about.addRow([notes.description[lang]]);
  about.addRow([]);
  about.addRow([WORDS.period[lang], result.period.year]);
  about.addRow([WORDS.situation[lang], situation]);
  about.addRow([WORDS.version[lang], result.set.version]);
  if (result.suppression) about.addRow(['', WORDS.suppressed[lang].replace('{k}', String(result.suppression.threshold))]);
  for (const s of notes.sources ?? []) about.addRow(['', typeof s === 'string' ? s : s[lang]]);

  for (const b of result.breakdowns) {
    const ws = wb.addWorksheet(sheetName(b.title[lang], taken));
    const dims = result.dimensions.filter((d) => b.dimensions.includes(d.id));
    const percentages = b.cells.some((c) => c.percentage !== undefined);
    const headers = [
      ...(dims.length ? dims.map((d) => d.label[lang]) : ['']),
      ...result.measures.map((m) => m.label[lang]),
      ...(percentages ? [WORDS.percentage[lang]] : []),
    ];
    ws.addRow([`${result.set.title[lang]} ${result.period.year} — ${b.title[lang]}`]).font = { bold: true, size: 12 };
    ws.addRow([situation]).font = { italic: true };
    ws.addRow([]);
    const head = ws.addRow(headers);
    head.font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 4 }];
    const labelCols = Math.max(dims.length, 1);
    for (const r of rowsOf(b, lang)) {
      const labels = dims.length ? dims.map((d) => r.labels[d.id] ?? '') : [r.kind === 'total' ? WORDS.total[lang] : ''];
      const values = result.measures.map((m) => (r.suppressed ? 'x' : (r.values[m.id] ?? null)));
      const row = ws.addRow([...labels, ...values, ...(percentages ? [r.suppressed ? 'x' : r.percentage !== undefined ? r.percentage / 100 : null] : [])]);
      if (r.kind !== 'cell') row.font = { bold: true };
      for (let i = 0; i < result.measures.length; i++) {
        const cell = row.getCell(labelCols + 1 + i);
        cell.numFmt = '#,##0';
        cell.alignment = { horizontal: 'right' };
      }
      if (percentages) {
        const cell = row.getCell(labelCols + result.measures.length + 1);
        cell.numFmt = '0.0%';
        cell.alignment = { horizontal: 'right' };
      }
    }
    if (result.suppression) ws.addRow([WORDS.suppressed[lang].replace('{k}', String(result.suppression.threshold))]).font = { italic: true };
    ws.columns.forEach((col, i) => {
      col.width = i < labelCols ? 36 : 16;
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function exportResult(
  result: SetResult,
  format: ExportFormat,
  lang: ExportLang,
  options: { provisional?: boolean; description?: LocalText; sources?: readonly (LocalText | string)[] },
): Promise<{ contentType: string; body: string | Buffer }> {
  const provisional = options.provisional ?? result.current;
  switch (format) {
    case 'csv':
      return { contentType: 'text/csv; charset=utf-8', body: toCsv(result, lang, provisional) };
    case 'xlsx':
      return {
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body: await toXlsx(result, lang, provisional, options),
      };
    default:
      return { contentType: 'application/json', body: JSON.stringify(result, null, 2) + '\n' };
  }
}
