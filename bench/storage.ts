/**
 * Storage per person and per exchange on PostgreSQL, for the sizing in docs/SCALING.md:
 *
 *   node --import tsx bench/storage.ts [persons=20000] [consults=2000]
 *
 * Seeds a scratch database with the demo generator's population (whole life-cycles, as `npm run
 * bench` seeds it), then lets a partner consult integrated persons over HTTP (each consult writes
 * its audit record, as in production), runs VACUUM ANALYZE, and prints the on-disk size of every
 * table with its indexes (pg_total_relation_size) per person, and of the audit trail per record.
 * Sizes do not depend on how busy the machine is; times are not measured here.
 */
import { sql } from 'kysely';
import { scratchDatabase } from '../tests/support/databases.ts';
import { generateDemoData } from '../server/modules/demo/generator.ts';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/platform/config.ts';
import { makeKbo } from '../server/platform/identifiers/kbo.ts';
import { OPERATOR } from '../server/platform/access.ts';
import { createUser } from '../server/modules/access/access.service.ts';

const persons = Number(process.argv[2] ?? 20_000);
const consults = Number(process.argv[3] ?? 2_000);
const server = process.env.KBI_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const database = await scratchDatabase(server, 'kbi_storage', 4);
try {
  await generateDemoData(database, { persons, seed: 1 });

  // A partner with a client and an integration register, consulting over the real API.
  const config = loadConfig({
    KBI_LOG_LEVEL: 'silent',
    KBI_DEMO_PERSONS: '0',
    PORT: '0',
    KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '0',
    KBI_RATE_LIMIT_PER_MINUTE: '0',
  });
  const app = await buildApp({ config, database });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const [home] = await database.prepared(
    'storage_home',
    `INSERT INTO organisations (kind, name, recorded_by) VALUES ('ABB', 'ABB', 'bench:storage') RETURNING id`,
    [],
  );
  const password = 'Storage-bench-passw0rd!';
  await createUser(
    database.db,
    { actor: OPERATOR, requestId: 'bench' },
    { username: 'storage.admin', displayName: 'Bench', role: 'ADMINISTRATOR', organisationId: home!.id, officeIds: [], password },
  );
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'storage.admin', password }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const admin = { cookie, 'x-csrf-token': ((await login.json()) as any).csrfToken as string };
  const ocmw = await post('/api/v1/organisations', { kind: 'OCMW', name: 'OCMW Opslag', enterpriseNumber: makeKbo(5_433_999, 'enterprise') }, admin);
  const client = await post('/api/v1/partnerClients', { organisationId: ocmw.id, clientId: 'ocmw-storage' }, admin);
  const token = await post('/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'ocmw-storage', client_secret: client.clientSecret });
  const bearer = { authorization: `Bearer ${token.access_token}` };
  const inszs = (await database.db.selectFrom('persons').select('insz').orderBy('id').limit(200).execute()).map((r) => r.insz);
  for (const insz of inszs) await post('/api/exchange/v1/integrations', { insz, capacityCode: '1' }, bearer);
  const auditBefore = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(database.db)).rows[0]!.n);
  for (let i = 0; i < consults; i++)
    await post('/api/exchange/v1/dossiers/consult', { insz: inszs[i % inszs.length], purpose: 'BEGELEIDING_OCMW_CLIENT' }, bearer);
  await app.close();

  await database.exec('VACUUM ANALYZE');
  const rows = (
    await sql<{ table: string; bytes: number; rows: number }>`
      SELECT c.relname AS table, pg_total_relation_size(c.oid)::bigint AS bytes, c.reltuples::bigint AS rows
        FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY 2 DESC`.execute(database.db)
  ).rows;
  const audit = (
    await sql<{
      n: number;
      row: number;
    }>`SELECT count(*)::int AS n, avg(pg_column_size(a.*))::int AS row FROM audit_log a WHERE a.action LIKE 'exchange.%'`.execute(database.db)
  ).rows[0]!;
  const auditTable = rows.find((r) => r.table === 'audit_log')!;
  const auditTotal = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(database.db)).rows[0]!.n);
  const total = rows.reduce((s, r) => s + Number(r.bytes), 0);
  const personal = rows.filter((r) => r.table !== 'audit_log').reduce((s, r) => s + Number(r.bytes), 0);
  console.log(`# Storage on PostgreSQL, ${new Date().toISOString().slice(0, 16)} UTC`);
  console.log(
    `${persons.toLocaleString('en')} generated persons, ${consults.toLocaleString('en')} partner consults (${auditTotal - auditBefore} audit records written by them)\n`,
  );
  console.log('| table | rows | MiB (with indexes) | bytes per person |');
  console.log('|---|---|---|---|');
  for (const r of rows.slice(0, 15))
    console.log(
      `| ${r.table} | ${Number(r.rows).toLocaleString('en')} | ${(Number(r.bytes) / 2 ** 20).toFixed(1)} | ${Math.round(Number(r.bytes) / persons)} |`,
    );
  console.log(`| all ${rows.length} tables | | ${(total / 2 ** 20).toFixed(1)} | ${Math.round(total / persons)} |`);
  console.log(`\nWithout the audit trail: ${Math.round(personal / persons).toLocaleString('en')} bytes per person.`);
  console.log(
    `Audit trail: ${auditTotal.toLocaleString('en')} records, ${Math.round(Number(auditTable.bytes) / auditTotal)} bytes per record with its indexes; an exchange record's row alone ${audit.row} bytes (${audit.n} rows).`,
  );
} finally {
  await database.close();
}
