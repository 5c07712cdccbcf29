/**
 * Create, read, change and remove any record the resource definitions describe. The one path
 * by which dossier tables are written: permission first, one transaction, the audit record in
 * that transaction, the old version kept by the database (see migration 0001).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, untyped, type Database, type Db, type Executor, type Row } from '../../platform/db.ts';
import type { RequestContext } from '../../platform/access.ts';
import { assertInTerritory, assertReferenceScope, authorize } from '../access/access.service.ts';
import { recordAudit } from '../../platform/audit.ts';
import { crashPoint } from '../../platform/crash.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import type { CodeLists } from '../../platform/codes.ts';
import { parseKbo } from '../../platform/identifiers/kbo.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { camel, type FieldDef, type ResourceDef } from './clusters.ts';

import type { Deps } from '../../platform/deps.ts';
import { lockById, shardKey } from '../../platform/shards.ts';

/** Turns API input into column values, checking everything a schema cannot: codes, INSZ, KBO, periods, rules. */
export function toColumns(deps: Deps, def: ResourceDef, input: Record<string, unknown>, mode: 'create' | 'update'): Row {
  const issues: Issue[] = [];
  const row: Row = {};
  for (const f of def.fields) {
    const name = camel(f.column);
    if (!(name in input)) continue;
    if (mode === 'update' && f.immutable) {
      issues.push({ in: 'body', name, detail: 'cannot be changed after creation' });
      continue;
    }
    const value = input[name];
    const checked = checkValue(deps, f, name, value, issues);
    if (checked !== undefined) row[f.column] = checked;
  }
  if (issues.length) throw problemFor(issues);
  return row;
}

/**
 * Plausible dates, so that a typing error (2999 for 1999, year 1) is refused at the field instead of
 * stored: no date of the integration path lies before 1900 or more than 20 years ahead (a residence
 * permit's end or a planned course may lie ahead; nothing further), and a birth date is never in the future.
 */
export const PLAUSIBLE = { earliest: '1900-01-01', yearsAhead: 20 } as const;

function implausibleDate(f: FieldDef, value: string): string | null {
  const day = value.slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  if (f.column === 'birth_date' && day > today) return `lies in the future (${day}); a birth date cannot`;
  if (day < PLAUSIBLE.earliest) return `lies before ${PLAUSIBLE.earliest}: not a plausible date`;
  const latest = `${Number(today.slice(0, 4)) + PLAUSIBLE.yearsAhead}${today.slice(4)}`;
  if (day > latest) return `lies more than ${PLAUSIBLE.yearsAhead} years ahead (after ${latest}): not a plausible date`;
  return null;
}

/** When a change holds in the real world: not before the decree's time (2000) and at most a year ahead. */
export function checkValidFrom(validFrom: unknown): void {
  if (typeof validFrom !== 'string') return;
  const t = Date.parse(validFrom);
  const detail =
    t < Date.parse('2000-01-01T00:00:00Z')
      ? 'lies before 2000: no integration path holds from then; give the moment the change holds from'
      : t > Date.now() + 366 * 86_400_000
        ? 'lies more than a year ahead: record the change when it is known, from when it holds'
        : null;
  if (detail) throw new Problem('badRequest', `validFrom: ${detail}`, [{ in: 'body', name: 'validFrom', detail }]);
}

function checkValue(deps: Deps, f: FieldDef, name: string, value: unknown, issues: Issue[]): unknown {
  if (value === null) {
    if (f.required) {
      issues.push({ in: 'body', name, detail: 'is required and cannot be empty' });
      return undefined;
    }
    return null;
  }
  if ((f.type === 'date' || f.type === 'datetime') && typeof value === 'string') {
    const detail = implausibleDate(f, value);
    if (detail) {
      issues.push({ in: 'body', name, detail });
      return undefined;
    }
  }
  switch (f.type) {
    case 'code':
      if (!deps.codes.has(f.list!, value as string)) {
        issues.push({ in: 'body', name, detail: `unknown code "${String(value)}" for list ${f.list}`, type: 'urn:problem-type:kbi:unknownCode' });
      }
      return value;
    case 'codes': {
      const bad = (value as string[]).filter((c) => !deps.codes.has(f.list!, c));
      if (bad.length)
        issues.push({
          in: 'body',
          name,
          detail: `unknown code(s) ${bad.map((c) => `"${c}"`).join(', ')} for list ${f.list}`,
          type: 'urn:problem-type:kbi:unknownCode',
        });
      return value;
    }
    case 'kbo': {
      const parsed = parseKbo(String(value), { allowTestNumbers: deps.acceptTestInsz });
      if (!parsed.ok) {
        issues.push({ in: 'body', name, detail: `not a valid KBO number: ${parsed.message}` });
        return undefined;
      }
      return parsed.value;
    }
    case 'text':
      if (f.column === 'insz') {
        const parsed = parseInsz(String(value), { allowTestNumbers: deps.acceptTestInsz });
        if (!parsed.ok) {
          issues.push({
            in: 'body',
            name,
            detail: `not a valid INSZ: ${parsed.message}`,
            type: 'urn:problem-type:belgif-ext:input-validation:invalidStructure',
          });
          return undefined;
        }
        return parsed.insz.value;
      }
      return typeof value === 'string' ? value.trim() : value;
    default:
      return value;
  }
}

function problemFor(issues: Issue[]): Problem {
  const code = issues.every((i) => i.type === 'urn:problem-type:kbi:unknownCode')
    ? 'unknownCode'
    : issues.length === 1 && issues[0]!.name === 'insz'
      ? 'invalidInsz'
      : 'badRequest';
  return new Problem(code, issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);
}

/** Period and business rules, on the whole record as it will be stored. */
export function checkRules(def: ResourceDef, row: Row): void {
  const issues: Issue[] = [];
  if (def.table === 'persons') checkBirthDateAgainstInsz(row, issues);
  for (const [start, end] of def.periods ?? []) {
    const s = row[start],
      e = row[end];
    if (typeof s === 'string' && typeof e === 'string' && e < s) {
      issues.push({
        in: 'body',
        name: camel(end),
        detail: `must not lie before ${camel(start)} (${s})`,
        type: 'urn:problem-type:belgif-ext:input-validation:invalidPeriod',
      });
    }
  }
  if (issues.some((i) => i.name === 'birthDate')) throw new Problem('badRequest', issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);
  if (issues.length) throw new Problem('invalidPeriod', issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);
  const broken = def.rule?.(row);
  if (broken) throw new Problem('businessRule', `${broken.field}: ${broken.detail}`, [{ in: 'body', name: broken.field, detail: broken.detail }]);
}

/**
 * A national register number encodes the birth date (a bis number too, when it was known): a
 * birth date that says otherwise is a typing error in one of the two. Only a real contradiction is
 * refused: a number with an unknown day or month says nothing about them. The INSZ is not repeated.
 */
function checkBirthDateAgainstInsz(row: Row, issues: Issue[]): void {
  if (typeof row.birth_date !== 'string' || typeof row.insz !== 'string') return;
  const parsed = parseInsz(row.insz, { allowTestNumbers: true });
  if (!parsed.ok) return;
  const { birthDate, birthYear, kind } = parsed.insz;
  // A register number with an unknown day or month still gives the year; a bis number without a date gives nothing.
  const contradicts = birthDate
    ? birthDate !== row.birth_date
    : kind === 'nationalRegister' && birthYear !== null && Number(row.birth_date.slice(0, 4)) !== birthYear;
  if (contradicts) {
    issues.push({
      in: 'body',
      name: 'birthDate',
      detail: `does not match the birth date the INSZ encodes (${birthDate ?? `born in ${birthYear}`}); correct the one that is wrong`,
      type: 'urn:problem-type:kbi:birthDateContradictsInsz',
    });
  }
}

/** The kind of the organisation an office belongs to, or of the organisation itself. */
async function organisationKind(tx: Executor, table: string, id: unknown): Promise<string> {
  const q =
    table === 'offices'
      ? untyped(tx).selectFrom('offices as f').innerJoin('organisations as o', 'o.id', 'f.organisation_id').select('o.kind').where('f.id', '=', id)
      : untyped(tx).selectFrom('organisations as o').select('o.kind').where('o.id', '=', id);
  return ((await q.executeTakeFirst()) as { kind?: string } | undefined)?.kind ?? '';
}

/**
 * Every reference must exist now; a `samePerson` reference must belong to the same dossier; an
 * office or organisation must be of a kind that fits the field.
 */
export async function checkReferences(tx: Executor, def: ResourceDef, row: Row, personId: string | null): Promise<void> {
  const issues: Issue[] = [];
  for (const f of def.fields) {
    if (f.type !== 'ref' || row[f.column] == null) continue;
    const target = await untyped(tx)
      .selectFrom(f.ref!.table)
      .select(f.ref!.samePerson ? ['id', 'person_id'] : ['id'])
      .where('id', '=', row[f.column])
      .executeTakeFirst();
    if (!target || (f.ref!.samePerson && target.person_id !== personId)) {
      issues.push({
        in: 'body',
        name: camel(f.column),
        detail: f.ref!.samePerson ? 'no such record in this dossier' : `no such ${f.ref!.table.replace(/_/g, ' ')}`,
        type: 'urn:problem-type:belgif:input-validation:referencedResourceNotFound',
      });
    } else if (f.ref!.kinds && !f.ref!.kinds.includes(await organisationKind(tx, f.ref!.table, row[f.column]))) {
      issues.push({
        in: 'body',
        name: camel(f.column),
        detail: `${f.ref!.table === 'offices' ? 'an office of ' : ''}an organisation of kind ${f.ref!.kinds.join(', ')}`,
        type: 'urn:problem-type:kbi:referenceDoesNotFit',
      });
    }
  }
  if (issues.length) throw new Problem('referencedResourceNotFound', issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);
}

function defaults(deps: Deps, def: ResourceDef, row: Row): Row {
  if (def.table === 'persons' && row.birth_date == null && typeof row.insz === 'string') {
    const parsed = parseInsz(row.insz, { allowTestNumbers: deps.acceptTestInsz });
    if (parsed.ok && parsed.insz.birthDate && parsed.insz.kind === 'nationalRegister') row.birth_date = parsed.insz.birthDate;
  }
  if (def.table === 'offices' && row.kbi_key == null) row.kbi_key = randomBytes(16).toString('hex').toUpperCase();
  if (def.table === 'dossiers' && row.dossier_number == null) {
    row.dossier_number = 'K' + String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0');
  }
  return row;
}

const personOf = (def: ResourceDef, row: Row): string | null => (def.table === 'persons' ? row.id : def.personScoped ? row.person_id : null);

export async function createRecord(
  deps: Deps,
  ctx: RequestContext,
  def: ResourceDef,
  personId: string | null,
  input: Record<string, unknown>,
  within?: (tx: Executor, created: Row) => Promise<void>,
): Promise<Row> {
  authorize(ctx, 'create', def.cluster, def.table, personId);
  checkValidFrom(input.validFrom);
  const row = defaults(deps, def, toColumns(deps, def, input, 'create'));
  checkRules(def, row);
  if (input.validFrom) row.valid_from = input.validFrom;
  // A person registered by staff belongs to their organisation until a dossier says otherwise.
  if (def.table === 'persons' && row.created_by_organisation_id == null) row.created_by_organisation_id = ctx.actor.organisationId;
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    if (def.personScoped) {
      await assertInTerritory(tx, ctx, personId!, `${def.resource}.create`);
      row.person_id = personId;
    } else {
      await assertReferenceScope(tx, ctx, def.table, row, `${def.resource}.create`);
    }
    await checkReferences(tx, def, row, personId);
    // The partition key of participations (migration 0038): the date of the lesson.
    if (def.table === 'participations')
      row.lesson_on = sql`(SELECT (l.starts_at AT TIME ZONE 'Europe/Brussels')::date FROM lessons l WHERE l.id = ${row.lesson_id})`;
    const created = await untyped(tx).insertInto(def.table).values(row).returningAll().executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: `${def.resource}.create`,
      personId: personOf(def, created),
      clusters: def.cluster ? [def.cluster] : [],
      result: 'allowed',
      detail: { recordId: created.id },
    });
    await within?.(tx, created);
    return created;
  });
}

export async function getRecord(deps: Deps, ctx: RequestContext, def: ResourceDef, id: string): Promise<Row> {
  authorize(ctx, 'read', def.cluster, def.table);
  const row = await untyped(deps.db).selectFrom(def.table).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new Problem('resourceNotFound', `${def.title.toLowerCase()} not found`);
  if (def.personScoped || def.table === 'persons') {
    await assertInTerritory(deps.db, ctx, personOf(def, row)!, `${def.resource}.read`);
    await recordAudit(deps.db, ctx, {
      action: `${def.resource}.read`,
      personId: personOf(def, row),
      clusters: def.cluster ? [def.cluster] : [],
      result: 'allowed',
      detail: { recordId: id },
    });
  }
  return row;
}

export async function updateRecord(
  deps: Deps,
  ctx: RequestContext,
  def: ResourceDef,
  id: string,
  expectedVersion: number,
  input: Record<string, unknown>,
): Promise<Row> {
  authorize(ctx, 'update', def.cluster, def.table);
  checkValidFrom(input.validFrom);
  const patch = toColumns(deps, def, input, 'update');
  const updated = await inTransaction(deps.db, ctx.actor.id, async (tx) => {
    // FOR NO KEY UPDATE, the lock the UPDATE below takes anyway (a change never touches the id): it
    // serialises two changes of the record, yet lets other transactions check foreign keys to it
    // (FOR KEY SHARE). FOR UPDATE would block those checks, and a transaction that wrote a child of
    // this person (its dossier document's invalidation first, the key check of its outbox event or
    // row after) would wait on this one while this one's invalidation waits on it: a deadlock (the soak
    // met it, a person's change beside a change of the same person's conversation or enrolment).
    const current = await lockById(tx, def.table, id, {}, 'no key update');
    if (!current) throw new Problem('resourceNotFound', `${def.title.toLowerCase()} not found`);
    if (personOf(def, current)) await assertInTerritory(tx, ctx, personOf(def, current)!, `${def.resource}.update`);
    if (current.version !== expectedVersion) {
      throw new Problem(
        'preconditionFailed',
        `this ${def.title.toLowerCase()} is at version ${current.version}; you changed version ${expectedVersion}. Reload it and apply your change again.`,
        undefined,
        { currentVersion: current.version },
      );
    }
    const merged = { ...current, ...patch };
    if (!def.personScoped) {
      await assertReferenceScope(tx, ctx, def.table, current, `${def.resource}.update`); // whose it is
      await assertReferenceScope(tx, ctx, def.table, merged, `${def.resource}.update`); // and whose it would become
    }
    checkRules(def, merged);
    await checkReferences(tx, def, patch, personOf(def, current));
    const shard = shardKey(def.table, current);
    const changed = await untyped(tx)
      .updateTable(def.table)
      .set({ ...patch, valid_from: (input.validFrom as string | undefined) ?? sql`now()` })
      .where('id', '=', id)
      .$call((q) => (shard ? q.where(shard[0], '=', shard[1]) : q))
      .where('version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: `${def.resource}.update`,
      personId: personOf(def, current),
      clusters: def.cluster ? [def.cluster] : [],
      result: 'allowed',
      detail: { recordId: id, fields: Object.keys(patch).map(camel), version: changed.version },
    });
    crashPoint('dossier.update.uncommitted');
    return changed;
  });
  crashPoint('dossier.update.committed');
  return updated;
}

export async function deleteRecord(deps: Deps, ctx: RequestContext, def: ResourceDef, id: string, expectedVersion: number): Promise<void> {
  authorize(ctx, 'delete', def.cluster, def.table);
  await inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockById(tx, def.table, id);
    if (!current) throw new Problem('resourceNotFound', `${def.title.toLowerCase()} not found`);
    if (personOf(def, current)) await assertInTerritory(tx, ctx, personOf(def, current)!, `${def.resource}.delete`);
    else if (!def.personScoped) await assertReferenceScope(tx, ctx, def.table, current, `${def.resource}.delete`);
    if (current.version !== expectedVersion) {
      throw new Problem(
        'preconditionFailed',
        `this ${def.title.toLowerCase()} is at version ${current.version}; you removed version ${expectedVersion}`,
        undefined,
        { currentVersion: current.version },
      );
    }
    const shard = shardKey(def.table, current);
    await untyped(tx)
      .deleteFrom(def.table)
      .where('id', '=', id)
      .$call((q) => (shard ? q.where(shard[0], '=', shard[1]) : q))
      .execute();
    await recordAudit(tx, ctx, {
      action: `${def.resource}.delete`,
      personId: personOf(def, current),
      clusters: def.cluster ? [def.cluster] : [],
      result: 'allowed',
      detail: { recordId: id },
    });
  });
}

export interface Page {
  items: Row[];
  next: string | null;
}

export const encodeCursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
export function decodeCursor<T>(cursor: string | undefined): T | null {
  if (!cursor) return null;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    throw new Problem('badRequest', 'cursor is not one this API gave out', [{ in: 'query', name: 'cursor', detail: 'unknown cursor' }]);
  }
}

/** The records of one person for a resource, in the resource's order. */
export async function listForPerson(deps: Deps, ctx: RequestContext, def: ResourceDef, personId: string, limit: number, cursor?: string): Promise<Page> {
  authorize(ctx, 'read', def.cluster, def.table, personId);
  await assertInTerritory(deps.db, ctx, personId, `${def.resource}.list`);
  const offset = decodeCursor<{ o: number }>(cursor)?.o ?? 0;
  let q = untyped(deps.db).selectFrom(def.table).selectAll().where('person_id', '=', personId);
  for (const c of def.orderBy) q = q.orderBy(c);
  const rows = await q
    .limit(limit + 1)
    .offset(offset)
    .execute();
  await recordAudit(deps.db, ctx, { action: `${def.resource}.list`, personId, clusters: def.cluster ? [def.cluster] : [], result: 'allowed' });
  return { items: rows.slice(0, limit), next: rows.length > limit ? encodeCursor({ o: offset + limit }) : null };
}

/** Reference data (not personal): keyset pagination by id. */
export async function listReference(deps: Deps, ctx: RequestContext, def: ResourceDef, limit: number, cursor?: string, filters: Row = {}): Promise<Page> {
  authorize(ctx, 'read', def.cluster, def.table);
  const after = decodeCursor<{ id: string }>(cursor)?.id;
  let q = untyped(deps.db).selectFrom(def.table).selectAll().orderBy('id');
  if (after) q = q.where('id', '>', after);
  for (const [k, v] of Object.entries(filters)) if (v !== undefined) q = q.where(k, '=', v);
  const rows = await q.limit(limit + 1).execute();
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? encodeCursor({ id: items[items.length - 1]!.id }) : null };
}

/** Every version of one record, oldest first, with who recorded it and when it was superseded. */
export async function versionsOf(deps: Deps, ctx: RequestContext, def: ResourceDef, id: string): Promise<Row[]> {
  authorize(ctx, 'read', def.cluster, def.table);
  const rows = await sql<Row>`
    SELECT * FROM ${sql.table(`${def.table}_history`)} WHERE id = ${id}
    UNION ALL SELECT * FROM ${sql.table(def.table)} WHERE id = ${id}
    ORDER BY version, sys_from`.execute(deps.db);
  if (!rows.rows.length) throw new Problem('resourceNotFound', `${def.title.toLowerCase()} not found`);
  if (def.personScoped || def.table === 'persons') {
    await assertInTerritory(deps.db, ctx, personOf(def, rows.rows[0]!)!, `${def.resource}.versions`);
    await recordAudit(deps.db, ctx, {
      action: `${def.resource}.versions`,
      personId: personOf(def, rows.rows[0]!),
      clusters: def.cluster ? [def.cluster] : [],
      result: 'allowed',
      detail: { recordId: id },
    });
  }
  return rows.rows;
}
