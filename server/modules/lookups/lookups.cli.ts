/** `kbi export dvz --out file.csv [--from --to]`: the DVZ list of the API, as CSV, run by the operator (audited). */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db.ts';
import { CodeLists } from '../../platform/codes.ts';
import { OPERATOR } from '../../platform/access.ts';
import { Problem } from '../../platform/errors.ts';
import { defaultDvzPeriod, DVZ_MAX_LIMIT, DVZ_PURPOSE, dvzCsv, dvzList, type DvzList } from './lookups.service.ts';

export interface CliHelpers {
  config(): Readonly<Config>;
  openDirect(cfg: Readonly<Config>, command: string): Promise<Database>;
  throughServer(cfg: Readonly<Config>, path: string, body: unknown): Promise<any | null>;
}

const pageSize = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > DVZ_MAX_LIMIT) throw new InvalidArgumentError(`must be a whole number from 1 to ${DVZ_MAX_LIMIT}`);
  return n;
};

export function registerExportCommands(program: Command, { config, openDirect, throughServer }: CliHelpers): void {
  const exporter = program.command('export').description('lists for partners');
  exporter
    .command('dvz')
    .description('the DVZ list (name, first name, national number, contract signed, certificate obtained) as CSV')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--from <date>', 'first day of the period (YYYY-MM-DD); default: a year before --to')
    .option('--to <date>', 'last day of the period (YYYY-MM-DD); default: today')
    .option('--batch <n>', 'persons per page of the list (each page is one transaction)', pageSize, DVZ_MAX_LIMIT)
    .action(async (opts: { out: string; from?: string; to?: string; batch: number }) => {
      const cfg = config();
      const validTo = !!opts.to && /^\d{4}-\d{2}-\d{2}$/.test(opts.to) && !Number.isNaN(Date.parse(opts.to));
      const fallback = defaultDvzPeriod(validTo ? opts.to : undefined); // a bad --to is reported by the service
      const body = (cursor: string | null) => ({
        from: opts.from ?? fallback.from,
        to: opts.to ?? fallback.to,
        purpose: DVZ_PURPOSE,
        limit: opts.batch,
        ...(cursor ? { cursor } : {}),
      });
      // Page by page into a file beside the target, renamed when complete: never a truncated list under its name.
      const partial = `${opts.out}.partial`;
      let database: Database | null = null;
      let fd: number | null = null;
      try {
        let page = (await throughServer(cfg, '/api/operator/export/dvz', body(null))) as DvzList | null;
        let nextPage = (cursor: string): Promise<DvzList> => throughServer(cfg, '/api/operator/export/dvz', body(cursor));
        if (!page) {
          const direct = await openDirect(cfg, 'export dvz');
          database = direct;
          const deps = { db: direct.db, database: direct, codes: await CodeLists.load(direct.db), acceptTestInsz: cfg.acceptTestInsz };
          const ctx = { actor: OPERATOR, requestId: 'cli:export-dvz', purpose: DVZ_PURPOSE };
          nextPage = (cursor) => dvzList(deps, ctx, body(cursor));
          page = await dvzList(deps, ctx, body(null));
        }
        fd = openSync(partial, 'w', 0o600);
        writeSync(fd, dvzCsv(page.rows, true));
        let persons = page.rows.length;
        while (page.next) {
          page = await nextPage(page.next);
          writeSync(fd, dvzCsv(page.rows, false));
          persons += page.rows.length;
        }
        closeSync(fd);
        fd = null;
        renameSync(partial, opts.out);
        process.stderr.write(`${persons} persons (${page.from} to ${page.to}) written to ${opts.out}\n`);
      } catch (e) {
        if (fd !== null) {
          closeSync(fd);
          rmSync(partial, { force: true });
        }
        if (e instanceof Problem) {
          process.stderr.write(`kbi: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw e;
      } finally {
        await database?.close();
      }
    });
}
