/**
 * Usage statistics of the exchange (seed 001's table of exchanges per partner per month), from the
 * audit trail, where every exchange is recorded once. Seed 000 warns that counting exchanges alone
 * misleads — one dossier is consulted many times — so every figure comes twice: the number of
 * exchanges and the number of distinct dossiers they concern. Also per purpose and per cluster.
 * Months are Belgian calendar months.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import type { Db } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { demand } from '../access/access.service.ts';

export interface UsageInput {
  from: string;
  to: string;
  partnerKind?: string;
}

export interface UsageCell {
  exchanges: number;
  dossiers: number;
}

export interface UsageReport {
  from: string;
  to: string;
  months: string[];
  partners: { organisationId: string; name: string; kind: string; total: UsageCell; byMonth: Record<string, UsageCell> }[];
  totalByMonth: Record<string, UsageCell>;
  total: UsageCell;
  byPurpose: ({ purpose: string | null } & UsageCell)[];
  byCluster: ({ cluster: string } & UsageCell)[];
  refused: number;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Months from `from` to `to` inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export async function exchangeUsage(db: Db, ctx: RequestContext, input: UsageInput): Promise<UsageReport> {
  demand(ctx, 'readUsageStatistics', 'statistics.exchanges', 'your role may not read the exchange statistics');
  const issues = [
    ...(!MONTH.test(input.from) ? [{ in: 'body' as const, name: 'from', detail: 'a month, YYYY-MM' }] : []),
    ...(!MONTH.test(input.to) ? [{ in: 'body' as const, name: 'to', detail: 'a month, YYYY-MM' }] : []),
  ];
  if (!issues.length && input.to < input.from) issues.push({ in: 'body', name: 'to', detail: 'before from' });
  if (!issues.length && monthsBetween(input.from, input.to).length > 120) issues.push({ in: 'body', name: 'to', detail: 'at most 120 months' });
  if (issues.length) throw new Problem('badRequest', issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);

  const months = monthsBetween(input.from, input.to);
  // [from, to + 1 month) in Belgian time.
  const start = `${input.from}-01 00:00`;
  const [ty, tm] = input.to.split('-').map(Number) as [number, number];
  const end = tm === 12 ? `${ty + 1}-01-01 00:00` : `${ty}-${String(tm + 1).padStart(2, '0')}-01 00:00`;
  const scope = sql`a.action LIKE 'exchange.%' AND a.organisation_id IS NOT NULL
    AND a.at >= (${start}::timestamp AT TIME ZONE 'Europe/Brussels') AND a.at < (${end}::timestamp AT TIME ZONE 'Europe/Brussels')
    ${input.partnerKind ? sql`AND o.kind = ${input.partnerKind}` : sql``}`;
  const cell = (r: { exchanges: unknown; dossiers: unknown }): UsageCell => ({ exchanges: Number(r.exchanges), dossiers: Number(r.dossiers) });

  const perMonth = (
    await sql<{ organisation_id: string; name: string; kind: string; month: string; exchanges: string; dossiers: string }>`
    SELECT a.organisation_id, o.name, o.kind, to_char(a.at AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') AS month,
           count(*) AS exchanges, count(DISTINCT a.person_id) AS dossiers
      FROM audit_log a JOIN organisations o ON o.id = a.organisation_id
     WHERE ${scope} AND a.result = 'allowed'
     GROUP BY GROUPING SETS ((a.organisation_id, o.name, o.kind, month), (a.organisation_id, o.name, o.kind), (month), ())
     ORDER BY o.name NULLS LAST, month NULLS LAST`.execute(db)
  ).rows;
  const partners = new Map<string, UsageReport['partners'][number]>();
  const totalByMonth: Record<string, UsageCell> = Object.fromEntries(months.map((m) => [m, { exchanges: 0, dossiers: 0 }]));
  let total: UsageCell = { exchanges: 0, dossiers: 0 };
  for (const r of perMonth) {
    if (r.organisation_id === null && r.month === null) {
      total = cell(r);
      continue;
    }
    if (r.organisation_id === null) {
      totalByMonth[r.month] = cell(r);
      continue;
    }
    let p = partners.get(r.organisation_id);
    if (!p)
      partners.set(
        r.organisation_id,
        (p = {
          organisationId: r.organisation_id,
          name: r.name,
          kind: r.kind,
          total: { exchanges: 0, dossiers: 0 },
          byMonth: Object.fromEntries(months.map((m) => [m, { exchanges: 0, dossiers: 0 }])),
        }),
      );
    if (r.month === null) p.total = cell(r);
    else p.byMonth[r.month] = cell(r);
  }
  const byPurpose = (
    await sql<{ purpose: string | null; exchanges: string; dossiers: string }>`
    SELECT a.purpose, count(*) AS exchanges, count(DISTINCT a.person_id) AS dossiers
      FROM audit_log a JOIN organisations o ON o.id = a.organisation_id
     WHERE ${scope} AND a.result = 'allowed' GROUP BY a.purpose ORDER BY count(*) DESC, a.purpose`.execute(db)
  ).rows;
  const byCluster = (
    await sql<{ cluster: string; exchanges: string; dossiers: string }>`
    SELECT c.cluster, count(*) AS exchanges, count(DISTINCT a.person_id) AS dossiers
      FROM audit_log a JOIN organisations o ON o.id = a.organisation_id CROSS JOIN LATERAL unnest(a.clusters) AS c(cluster)
     WHERE ${scope} AND a.result = 'allowed' GROUP BY c.cluster ORDER BY count(*) DESC, c.cluster`.execute(db)
  ).rows;
  const [refused] = (
    await sql<{ n: string }>`
    SELECT count(*) AS n FROM audit_log a JOIN organisations o ON o.id = a.organisation_id WHERE ${scope} AND a.result = 'denied'`.execute(db)
  ).rows;

  await recordAudit(db, ctx, {
    action: 'statistics.exchanges',
    personId: null,
    clusters: [],
    result: 'allowed',
    detail: { from: input.from, to: input.to, partnerKind: input.partnerKind ?? null },
  });
  return {
    from: input.from,
    to: input.to,
    months,
    partners: [...partners.values()],
    totalByMonth,
    total,
    byPurpose: byPurpose.map((r) => ({ purpose: r.purpose, ...cell(r) })),
    byCluster: byCluster.map((r) => ({ cluster: r.cluster, ...cell(r) })),
    refused: Number(refused?.n ?? 0),
  };
}
