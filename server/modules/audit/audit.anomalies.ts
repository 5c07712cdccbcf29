/**
 * The privacy officer's anomaly list of the integration register. A declaration opens a partner's
 * access to a person's dossier, so two patterns deserve a look:
 *  - volume: a partner that declared unusually many persons in the window — at least `minimum`
 *    new declarations and more than three times the median of the other partners of its kind
 *    (0 when it is the only one of its kind that declared anything);
 *  - unused: a declaration older than `graceDays` through which the partner never consulted the
 *    person (no allowed consult, appointment or referral of that organisation about the person
 *    since the declaration was made) — a relation declared without the need it claims.
 * The list carries ids, codes and counts, never an INSZ or a name; reading it is audited.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import type { Db } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { demand } from '../access/access.service.ts';

export interface AnomalyInput {
  days?: number;
  minimum?: number;
  graceDays?: number;
}

export interface VolumeAnomaly {
  organisationId: string;
  organisation: string;
  kind: string;
  declarations: number;
  medianOfKind: number;
}
export interface UnusedDeclaration {
  organisationId: string;
  organisation: string;
  kind: string;
  integrationId: string;
  capacityCode: string;
  startsOn: string;
  declaredAt: string;
  personId: string | null;
}
export interface IntegrationAnomalies {
  from: string;
  to: string;
  minimum: number;
  graceDays: number;
  volume: VolumeAnomaly[];
  unused: UnusedDeclaration[];
}

const MAX_UNUSED = 500;

export async function integrationAnomalies(db: Db, ctx: RequestContext, input: AnomalyInput): Promise<IntegrationAnomalies> {
  demand(ctx, 'readAudit', 'audit.integrationAnomalies', 'only the privacy officer reads the audit trail');
  const days = input.days ?? 30,
    minimum = input.minimum ?? 20,
    graceDays = input.graceDays ?? 7;
  for (const [name, value, min, max] of [
    ['days', days, 1, 366],
    ['minimum', minimum, 1, 1_000_000],
    ['graceDays', graceDays, 0, 366],
  ] as const) {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Problem('badRequest', `${name}: a whole number from ${min} to ${max}`, [{ in: 'query', name, detail: `from ${min} to ${max}` }]);
  }
  const to = new Date(),
    from = new Date(to.getTime() - days * 86_400_000);

  const counted = (
    await sql<{ organisation_id: string; name: string; kind: string; n: number }>`
    SELECT o.id AS organisation_id, o.name, o.kind, count(*)::int AS n
      FROM audit_log a JOIN organisations o ON o.id = coalesce((a.detail->>'organisationId')::uuid, a.organisation_id) -- the partner's, also when an administrator recorded it
     WHERE a.action = 'integrations.declare' AND a.result = 'allowed' AND (a.detail->>'created')::boolean AND a.at >= ${from.toISOString()}::timestamptz
     GROUP BY o.id, o.name, o.kind`.execute(db)
  ).rows;
  const median = (values: number[]) => {
    if (!values.length) return 0;
    const s = [...values].sort((a, b) => a - b),
      mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  };
  const volume = counted
    .flatMap((c) => {
      const others = median(counted.filter((o) => o.kind === c.kind && o.organisation_id !== c.organisation_id).map((o) => o.n));
      return c.n >= minimum && c.n > 3 * others
        ? [{ organisationId: c.organisation_id, organisation: c.name, kind: c.kind, declarations: c.n, medianOfKind: others }]
        : [];
    })
    .sort((a, b) => b.declarations - a.declarations);

  const unused = (
    await sql<Record<string, any>>`
    WITH declared AS (
      SELECT i.id, i.organisation_id, i.insz, i.capacity_code, i.starts_on, coalesce((SELECT min(h.sys_from) FROM integrations_history h WHERE h.id = i.id), i.sys_from) AS declared_at
        FROM integrations i)
    SELECT d.id, d.organisation_id, o.name, o.kind, d.capacity_code, d.starts_on, d.declared_at, p.id AS person_id
      FROM declared d JOIN organisations o ON o.id = d.organisation_id
      LEFT JOIN persons p ON p.insz = d.insz
     WHERE d.declared_at >= ${from.toISOString()}::timestamptz - make_interval(days => ${graceDays})
       AND d.declared_at <= now() - make_interval(days => ${graceDays})
       AND NOT EXISTS (
         SELECT 1 FROM audit_log a
          WHERE a.organisation_id = d.organisation_id AND a.result = 'allowed' AND a.at >= d.declared_at
            AND (a.action LIKE 'exchange.consult%' OR a.action LIKE 'appointments.%' OR a.action LIKE 'referrals.%')
            AND (a.person_id = p.id OR a.insz_hash = kbi_insz_hash(d.insz)))
     ORDER BY d.declared_at, d.id
     LIMIT ${MAX_UNUSED}`.execute(db)
  ).rows.map((r) => ({
    organisationId: r.organisation_id,
    organisation: r.name,
    kind: r.kind,
    integrationId: r.id,
    capacityCode: r.capacity_code,
    startsOn: r.starts_on,
    declaredAt: String(r.declared_at)
      .replace(' ', 'T')
      .replace(/\+00(:00)?$/, 'Z'),
    personId: r.person_id ?? null,
  }));

  await recordAudit(db, ctx, {
    action: 'audit.integrationAnomalies',
    personId: null,
    clusters: [],
    result: 'allowed',
    detail: { days, minimum, graceDays, volume: volume.length, unused: unused.length },
  });
  return { from: from.toISOString(), to: to.toISOString(), minimum, graceDays, volume, unused };
}
