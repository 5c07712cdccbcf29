/**
 * `npx kbi report <set> --year 2022 --as-of 2023-01-15 --format xlsx|csv|json [--out file]`: a base
 * set computed as known on a date, as the portal would give it. Directly on PostgreSQL or on an
 * embedded data directory nobody holds, or — while a server holds it — through the server.
 */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db.ts';
import { OPERATOR } from '../../platform/access.ts';
import { Problem } from '../../platform/errors.ts';
import { exportResult } from './statistics.export.ts';
import { computeResult, listSets } from './statistics.service.ts';
import type { SetResult } from './statistics.types.ts';

interface CliHelpers {
  config(): Readonly<Config>;
  openDirect(cfg: Readonly<Config>, command: string): Promise<Database>;
  throughServer(cfg: Readonly<Config>, path: string, body: unknown): Promise<any | null>;
}

const FORMATS = ['json', 'csv', 'xlsx'] as const;
const LANGS = ['nl', 'fr', 'en'] as const;

export function registerReportCommand(program: Command, helpers: CliHelpers): void {
  program
    .command('report [set]')
    .description('a statistics base set for a year, as known on a date (without <set>: the list of sets)')
    .option('--year <year>', 'the reference year', (v) => {
      if (!/^\d{4}$/.test(v)) throw new InvalidArgumentError('a year, e.g. 2022');
      return Number(v);
    })
    .option('--as-of <date>', 'the situation on this date (end of that Belgian day) or moment; default: now')
    .option('--format <format>', `${FORMATS.join(', ')}`, 'json')
    .option('--lang <lang>', `labels in ${LANGS.join(', ')}`, 'nl')
    .option('--out <file>', 'write to this file instead of standard output (xlsx needs it)')
    .action(async (setId: string | undefined, opts: { year?: number; asOf?: string; format: string; lang: string; out?: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new InvalidArgumentError(`--format must be ${FORMATS.join(', ')}`);
      if (!(LANGS as readonly string[]).includes(opts.lang)) throw new InvalidArgumentError(`--lang must be ${LANGS.join(', ')}`);
      if (opts.format === 'xlsx' && !opts.out) throw new InvalidArgumentError('--format xlsx needs --out <file>');
      const cfg = helpers.config();
      const ctx = { actor: OPERATOR, requestId: 'cli' };
      if (!setId) {
        const database = await helpers.openDirect(cfg, 'report');
        try {
          for (const s of (await listSets(database.db, ctx)).sets) process.stdout.write(`${s.id.padEnd(24)} ${s.title.nl}\n`);
        } finally {
          await database.close();
        }
        return;
      }
      if (opts.year === undefined) throw new InvalidArgumentError('--year is required');
      const request = { setId, year: opts.year, ...(opts.asOf ? { asOf: opts.asOf } : {}) };
      let result = (await helpers.throughServer(cfg, '/api/operator/statistics/result', request)) as SetResult | null;
      if (!result) {
        const database = await helpers.openDirect(cfg, 'report');
        try {
          result = await computeResult(database.db, ctx, request);
        } catch (e) {
          if (e instanceof Problem) {
            process.stderr.write(`kbi: ${e.message}\n`);
            process.exitCode = 1;
            return;
          }
          throw e;
        } finally {
          await database.close();
        }
      }
      const file = await exportResult(result, opts.format as (typeof FORMATS)[number], opts.lang as (typeof LANGS)[number], {});
      if (opts.out) {
        writeFileSync(opts.out, file.body);
        process.stderr.write(`${result.set.title.nl} ${result.period.year}, toestand op ${result.asOf}: written to ${opts.out}\n`);
      } else process.stdout.write(file.body);
    });
}
