/** `kbi export dvz --out file.csv [--from --to]`: the DVZ list of the API, as CSV, run by the operator (audited). */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db.ts';
import { CodeLists } from '../../platform/codes.ts';
import { OPERATOR } from '../../platform/access.ts';
import { Problem } from '../../platform/errors.ts';
import { defaultDvzPeriod, DVZ_PURPOSE, dvzCsv, dvzList, type DvzList } from './lookups.service.ts';

export interface CliHelpers {
  config(): Readonly<Config>;
  openDirect(cfg: Readonly<Config>, command: string): Promise<Database>;
  throughServer(cfg: Readonly<Config>, path: string, body: unknown): Promise<any | null>;
}

export function registerExportCommands(program: Command, { config, openDirect, throughServer }: CliHelpers): void {
  const exporter = program.command('export').description('lists for partners');
  exporter.command('dvz').description('the DVZ list (name, first name, national number, contract signed, certificate obtained) as CSV')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--from <date>', 'first day of the period (YYYY-MM-DD); default: a year before --to')
    .option('--to <date>', 'last day of the period (YYYY-MM-DD); default: today')
    .action(async (opts: { out: string; from?: string; to?: string }) => {
      const cfg = config();
      const validTo = !!opts.to && /^\d{4}-\d{2}-\d{2}$/.test(opts.to) && !Number.isNaN(Date.parse(opts.to));
      const fallback = defaultDvzPeriod(validTo ? opts.to : undefined); // a bad --to is reported by the service
      const body = { from: opts.from ?? fallback.from, to: opts.to ?? fallback.to, purpose: DVZ_PURPOSE };
      let list = await throughServer(cfg, '/api/operator/export/dvz', body) as DvzList | null;
      if (!list) {
        const database = await openDirect(cfg, 'export dvz');
        try {
          const deps = { db: database.db, database, codes: await CodeLists.load(database.db), acceptTestInsz: cfg.acceptTestInsz };
          list = await dvzList(deps, { actor: OPERATOR, requestId: 'cli:export-dvz', purpose: DVZ_PURPOSE }, body);
        } catch (e) {
          if (e instanceof Problem) { process.stderr.write(`kbi: ${e.message}\n`); process.exitCode = 1; return; }
          throw e;
        } finally { await database.close(); }
      }
      writeFileSync(opts.out, dvzCsv(list), { mode: 0o600 });
      process.stderr.write(`${list.rows.length} persons (${list.from} to ${list.to}) written to ${opts.out}\n`);
    });
}
