/** A result as a file: JSON, CSV or XLSX (statistics.export.ts lays out the last two). */
import type { SetResult } from './statistics.types.ts';

export type ExportFormat = 'json' | 'csv' | 'xlsx';
export type ExportLang = 'nl' | 'fr' | 'en';

export async function exportResult(
  result: SetResult,
  format: ExportFormat,
  lang: ExportLang,
  options: { provisional?: boolean },
): Promise<{ contentType: string; body: string | Buffer }> {
  (void lang, options);
  if (format !== 'json') throw new Error(`format ${format} is not available yet`);
  return { contentType: 'application/json', body: JSON.stringify(result, null, 2) + '\n' };
}
