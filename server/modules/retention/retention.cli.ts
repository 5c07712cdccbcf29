/**
 * `npx kbi purge [--dry-run] [--today YYYY-MM-DD] [--json]`: applies the retention rules (or, with
 * --dry-run, lists what would go and changes nothing). Directly on the database as its owner, or —
 * while a server holds the embedded data directory — through that server.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { purge, type PurgeReport } from './retention.service.ts';

interface CliHelpers {
  config(): Readonly<Config>;
  openDirect(cfg: Readonly<Config>, command: string): Promise<Database>;
  throughServer(cfg: Readonly<Config>, path: string, body: unknown): Promise<any | null>;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The report as an operator reads it: masked INSZ, clusters, counts; never a name. */
export function reportText(report: PurgeReport): string {
  const lines: string[] = [];
  lines.push(
    report.dryRun
      ? `kbi purge --dry-run for ${report.today}: nothing was changed; this is what would go`
      : `kbi purge for ${report.today}: done${report.failed ? `, ${plural(report.failed, 'failure', 'failures')} (rolled back, tried again next run)` : ''}`,
  );
  lines.push(`${plural(report.persons.length, 'person', 'persons')} past a term:`);
  for (const p of report.persons) {
    const items = p.items.map((i) => {
      const rows = Object.values(i.rows).reduce((a, b) => a + b, 0);
      return `${i.cluster} ${i.action === 'DELETE' ? 'delete' : 'anonymise'} ${plural(rows, 'row', 'rows')}`;
    });
    lines.push(`  ${p.inszMasked}  ${p.deletesPerson ? '(whole person) ' : ''}${items.join('; ')}`);
  }
  const clusters = Object.entries(report.clusters);
  if (clusters.length) {
    lines.push('per cluster:');
    for (const [cluster, t] of clusters.sort(([a], [b]) => a.localeCompare(b)))
      lines.push(`  ${cluster.padEnd(22)} ${t.action.padEnd(10)} ${plural(t.persons, 'person', 'persons').padEnd(12)} ${plural(t.rows, 'row', 'rows')}`);
  }
  lines.push(`partner copies past their term: ${plural(report.partnerCopies.length, 'INSZ', 'INSZ')}`);
  for (const c of report.partnerCopies) lines.push(`  ${c.inszMasked}  ${plural(c.integrations, 'integration', 'integrations')}`);
  lines.push('logs:');
  for (const l of report.logs) {
    const rows = Object.entries(l.rows);
    lines.push(
      `  ${l.ruleId.padEnd(22)} written before ${l.before}: ${rows.length ? rows.map(([t, n]) => `${t} ${plural(n, 'row', 'rows')}`).join(', ') : 'nothing'}`,
    );
    // Partitioned logs (migration 0037): the months that go whole.
    for (const [table, names] of Object.entries(l.partitions ?? {})) lines.push(`  ${''.padEnd(22)} ${table} whole: ${names.join(', ')}`);
  }
  if (report.participationYears.length) lines.push(`participation years dropped whole (empty, past the courses term): ${report.participationYears.join(', ')}`);
  return lines.join('\n') + '\n';
}

export function registerPurgeCommand(program: Command, helpers: CliHelpers): void {
  program
    .command('purge')
    .description(
      'apply the retention rules: delete or anonymise what is past its term (personal data, partner copies, logs), audited; the worker does this once a day',
    )
    .option('--dry-run', 'only list what would go (masked INSZ, counts per cluster); change nothing')
    .option('--today <day>', 'the day to apply the rules for (YYYY-MM-DD); default: today in Belgium', (v) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new InvalidArgumentError('a day, e.g. 2027-01-31');
      return v;
    })
    .option('--json', 'the report as JSON')
    .action(async (opts: { dryRun?: boolean; today?: string; json?: boolean }) => {
      const cfg = helpers.config();
      const request = { today: opts.today ?? belgianToday(), dryRun: opts.dryRun === true };
      let report = (await helpers.throughServer(cfg, '/api/operator/retention/purge', request)) as PurgeReport | null;
      if (!report) {
        // As the owner (no KBI_DB_ROLE): the application role may not remove history or audit rows.
        const database = await helpers.openDirect(cfg, 'purge');
        try {
          report = await purge(database.db, request);
        } finally {
          await database.close();
        }
      }
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : reportText(report));
      if (report.failed) process.exitCode = 1;
    });
}
