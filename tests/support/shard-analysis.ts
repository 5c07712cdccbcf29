/**
 * Does a statement keep to the distribution of the schema (server/platform/distribution.ts)? Each
 * statement is parsed by PostgreSQL's own parser (libpg-query: the grammar of the server, compiled
 * to WebAssembly), never by a regular expression, and every reference to a distributed table —
 * in FROM and JOIN, in a subquery or CTE, as the target of INSERT, UPDATE or DELETE — must have its
 * distribution column pinned: equal to a value the statement is given ($n, a constant, an array of
 * them through `= ANY`, `IN (…)` or `unnest($n)`), or equal to the pinned distribution column of
 * another reference (a co-located join on the key, a correlated subquery on the key). Equalities
 * carry through non-key columns too (`p.insz = $1 AND i.insz = p.insz` pins both), through derived
 * tables and CTEs in both directions (a filter on a derived table's key is pushed into it), and
 * through `x IN (SELECT …)`. Only conjuncts count: an equality under OR, NOT or CASE pins nothing,
 * and an outer join's ON clause pins only its nullable side.
 *
 * A reference that is not pinned makes the statement multi-shard under Citus: it is reported, with
 * whether its joins with other distributed references are on the key (a co-located join, which
 * Citus runs in parallel on every shard) or not (a repartition join).
 */
import { loadModule, parsePlPgSQLSync, parseSync } from 'libpg-query';
import type { Placement } from '../../server/platform/distribution.ts';

export interface Finding {
  table: string;
  /** The name the statement gives the reference (its alias, or the table's name). */
  alias: string;
  /**
   * `unpinned`: the key is not tied to a given value, so every shard is asked; `repartition`: also
   * joined to another distributed reference on something else than the key; `lock`: unpinned in a
   * statement that locks rows (FOR UPDATE, FOR SHARE …), which Citus runs on one shard only — such
   * a statement fails there.
   */
  problem: 'unpinned' | 'repartition' | 'lock';
  detail: string;
}

export interface Analysis {
  /** Distributed tables the statement reads or writes. */
  tables: string[];
  findings: Finding[];
}

export interface Schema {
  placements: Record<string, Placement>;
  /** Columns of every table (to resolve unqualified names and `*`). */
  columns: Record<string, readonly string[]>;
  /** `table.column` of the columns that have a default. */
  defaults?: ReadonlySet<string>;
}

/**
 * The SQL statements in the body of a PL/pgSQL function (its `CREATE FUNCTION` text, as
 * pg_get_functiondef gives it), parsed by PostgreSQL's own PL/pgSQL parser: every query it runs,
 * and every assignment's expression as a SELECT (`x := (SELECT …)` runs that SELECT). Plain
 * conditions and dynamic SQL (EXECUTE of a built string) are not statements and are left out.
 */
export function functionStatements(definition: string): string[] {
  const out: string[] = [];
  const walk = (n: N) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    const query: string | undefined = n.PLpgSQL_expr?.query;
    if (query) {
      const assignment = /^\s*[\w.]+\s*:=\s*([\s\S]*)$/.exec(query);
      const text = assignment ? `SELECT ${assignment[1]}` : query;
      if (/\b(select|insert|update|delete)\b/i.test(text) && parses(text)) out.push(text);
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(parsePlPgSQLSync(definition));
  return out;
}

function parses(text: string): boolean {
  try {
    return (parseSync(text) as N).stmts?.length > 0;
  } catch {
    return false;
  }
}

let loaded: Promise<void> | null = null;
/** Loads the parser (WebAssembly) once. */
export function loadParser(): Promise<void> {
  return (loaded ??= loadModule());
}

type N = any;

interface Rte {
  id: string;
  /** Table name for a table reference; null for a derived table, CTE reference or function. */
  table: string | null;
  alias: string;
  placement: Placement | null;
  /** Column name → its node id. */
  columns: Map<string, string>;
  scope: Scope;
  /** Every value of it is given (a trigger's transition table). */
  given?: boolean;
}

interface Scope {
  parent: Scope | null;
  rtes: Rte[];
  ctes: Map<string, Output>;
}

interface Output {
  names: string[];
  /** Per output column: its node id, or 'external' for a given value, or null when opaque. */
  nodes: (string | 'external' | null)[];
}

type Value = { kind: 'node'; id: string } | { kind: 'external' } | { kind: 'opaque' };
const EXTERNAL: Value = { kind: 'external' };
const OPAQUE: Value = { kind: 'opaque' };

/** The text of a String node (names, operators). */
const stringOf = (n: N): string => n?.String?.sval ?? '';

/**
 * How a text is read. `plpgsql`: it is a statement of a PL/pgSQL function, whose names that are no
 * column (variables, NEW and OLD, a record's fields) are values the statement is given, and whose
 * transition tables (`new_rows`, `old_rows`: the rows the triggering statement changed, on the shard
 * where the trigger fires) are given too.
 */
export interface Mode {
  plpgsql?: boolean;
}

const TRANSITION_TABLES = new Set(['new_rows', 'old_rows']);

/** Analyses one SQL text (one or more statements). Statements that are not queries (SET, BEGIN, LISTEN …) give nothing. */
export function analyse(text: string, schema: Schema, mode: Mode = {}): Analysis {
  const parsed = parseSync(text) as N;
  const tables = new Set<string>();
  const findings: Finding[] = [];
  for (const raw of parsed.stmts ?? []) {
    const a = new Statement(schema, mode);
    a.statement(raw.stmt, null);
    const result = a.finish();
    for (const t of result.tables) tables.add(t);
    findings.push(...result.findings);
  }
  return { tables: [...tables].sort(), findings };
}

class Statement {
  private seq = 0;
  private readonly rules: { from: string[]; to: string }[] = [];
  /** Equalities between two nodes, both ways (for the co-location check of joins). */
  private readonly equal: [string, string][] = [];
  private readonly pinned = new Set<string>();
  private readonly distributed: { rte: Rte; keyNode: string; siblings: Rte[] }[] = [];
  /** Scopes whose SELECT locks rows. */
  private readonly locking = new Set<Scope>();

  constructor(
    private readonly schema: Schema,
    private readonly mode: Mode,
  ) {}

  private node(): string {
    return `n${++this.seq}`;
  }

  private implies(from: string[], to: string) {
    this.rules.push({ from, to });
  }

  private eq(a: string, b: string) {
    this.implies([a], b);
    this.implies([b], a);
    this.equal.push([a, b]);
  }

  private pin(n: string) {
    this.implies([], n);
  }

  finish(): Analysis {
    // Fixpoint: a node is pinned when every node of a rule leading to it is.
    let changed = true;
    while (changed) {
      changed = false;
      for (const r of this.rules) {
        if (!this.pinned.has(r.to) && r.from.every((f) => this.pinned.has(f))) {
          this.pinned.add(r.to);
          changed = true;
        }
      }
    }
    // Equivalence classes of plain equalities (for joins on the key).
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      while (parent.has(x) && parent.get(x) !== x) x = parent.get(x)!;
      return x;
    };
    for (const [a, b] of this.equal) {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(ra, rb);
    }
    const tables = new Set<string>();
    const findings: Finding[] = [];
    for (const d of this.distributed) {
      tables.add(d.rte.table!);
      if (this.pinned.has(d.keyNode)) continue;
      const column = d.rte.placement!.kind === 'distributed' ? d.rte.placement!.column : '';
      const others = this.distributed.filter(
        (o) =>
          o !== d &&
          d.siblings.includes(o.rte) &&
          !this.pinned.has(o.keyNode) &&
          (o.rte.placement as { group?: string }).group === (d.rte.placement as { group?: string }).group &&
          find(o.keyNode) !== find(d.keyNode),
      );
      if (this.locking.has(d.rte.scope)) {
        findings.push({
          table: d.rte.table!,
          alias: d.rte.alias,
          problem: 'lock',
          detail: `${d.rte.alias}.${column} is not tied to a given value in a statement that locks rows`,
        });
      } else if (others.length) {
        findings.push({
          table: d.rte.table!,
          alias: d.rte.alias,
          problem: 'repartition',
          detail: `${d.rte.alias}.${column} is neither given nor joined to the key of ${others.map((o) => o.rte.alias).join(', ')}`,
        });
      } else {
        findings.push({ table: d.rte.table!, alias: d.rte.alias, problem: 'unpinned', detail: `${d.rte.alias}.${column} is not tied to a given value` });
      }
    }
    return { tables: [...tables], findings };
  }

  // ---- statements ---------------------------------------------------------------------------

  /** Any statement; returns its output (RETURNING or select list). */
  statement(stmt: N, parent: Scope | null): Output {
    if (stmt.SelectStmt) return this.select(stmt.SelectStmt, parent);
    if (stmt.InsertStmt) return this.insert(stmt.InsertStmt, parent);
    if (stmt.UpdateStmt) return this.update(stmt.UpdateStmt, parent);
    if (stmt.DeleteStmt) return this.delete(stmt.DeleteStmt, parent);
    if (stmt.ExplainStmt) return this.statement(stmt.ExplainStmt.query, parent);
    // DECLARE CURSOR, CREATE TABLE AS …: analyse the query inside when there is one.
    if (stmt.DeclareCursorStmt) return this.statement(stmt.DeclareCursorStmt.query, parent);
    if (stmt.CreateTableAsStmt) return this.statement(stmt.CreateTableAsStmt.query, parent);
    return { names: [], nodes: [] };
  }

  private newScope(parent: Scope | null, withClause: N): Scope {
    const scope: Scope = { parent, rtes: [], ctes: new Map() };
    for (const c of withClause?.ctes ?? []) {
      const cte = c.CommonTableExpr;
      const out = this.statement(cte.ctequery, scope);
      const names = cte.aliascolnames?.length ? cte.aliascolnames.map(stringOf) : out.names;
      scope.ctes.set(cte.ctename, { names, nodes: out.nodes });
    }
    return scope;
  }

  private select(s: N, parent: Scope | null): Output {
    if (s.op && s.op !== 'SETOP_NONE') {
      const scope = this.newScope(parent, s.withClause);
      const l = this.select(s.larg, scope);
      const r = this.select(s.rarg, scope);
      // An output column of a UNION is pinned when it is on both sides; a filter on it is pushed into both.
      const nodes = l.nodes.map((ln, i) => {
        const rn = r.nodes[i] ?? null;
        const sides = [ln, rn];
        if (sides.every((x) => x === 'external')) return 'external';
        const out = this.node();
        const ids = sides.filter((x): x is string => x !== null && x !== 'external');
        if (sides.every((x) => x !== null)) this.implies(ids, out);
        for (const id of ids) this.implies([out], id);
        return out;
      });
      return { names: l.names, nodes };
    }
    const scope = this.newScope(parent, s.withClause);
    if (s.valuesLists) {
      const rows: Value[][] = s.valuesLists.map((l: N) => (l.List?.items ?? []).map((e: N) => this.value(e, scope)));
      const width = rows[0]?.length ?? 0;
      const nodes: (string | 'external' | null)[] = [];
      for (let i = 0; i < width; i++) {
        const col = rows.map((r) => r[i]!);
        if (col.every((v) => v.kind === 'external')) nodes.push('external');
        else {
          const out = this.node();
          const ids = col.filter((v): v is { kind: 'node'; id: string } => v.kind === 'node').map((v) => v.id);
          if (col.every((v) => v.kind !== 'opaque')) this.implies(ids, out);
          nodes.push(out);
        }
      }
      return { names: nodes.map((_, i) => `column${i + 1}`), nodes };
    }
    if (s.lockingClause?.length) this.locking.add(scope);
    const siblings: Rte[] = [];
    for (const item of s.fromClause ?? []) this.fromItem(item, scope, siblings);
    this.condition(s.whereClause, scope);
    this.walk(s.havingClause, scope);
    for (const g of s.groupClause ?? []) this.walk(g, scope);
    for (const o of s.sortClause ?? []) this.walk(o, scope);
    this.walk(s.limitCount, scope);
    this.walk(s.limitOffset, scope);
    for (const d of s.distinctClause ?? []) this.walk(d, scope);
    return this.targets(s.targetList ?? [], scope);
  }

  private targets(list: N[], scope: Scope): Output {
    const names: string[] = [];
    const nodes: (string | 'external' | null)[] = [];
    for (const t of list) {
      const rt = t.ResTarget;
      const v = rt.val;
      if (v?.ColumnRef?.fields?.some((f: N) => f.A_Star)) {
        const qual = v.ColumnRef.fields.length > 1 ? stringOf(v.ColumnRef.fields[0]) : null;
        for (const rte of scope.rtes.filter((r) => r.alias !== 'excluded')) {
          if (qual && rte.alias !== qual) continue;
          for (const [name, id] of rte.columns) {
            names.push(name);
            nodes.push(id);
          }
        }
        continue;
      }
      const value = this.value(v, scope);
      names.push(rt.name ?? (v?.ColumnRef ? stringOf(v.ColumnRef.fields[v.ColumnRef.fields.length - 1]) : '?column?'));
      nodes.push(value.kind === 'node' ? value.id : value.kind === 'external' ? 'external' : null);
    }
    return { names, nodes };
  }

  private insert(s: N, parent: Scope | null): Output {
    const scope = this.newScope(parent, s.withClause);
    const target = this.tableRte(s.relation, scope, []);
    const cols: string[] = s.cols?.length ? s.cols.map((c: N) => c.ResTarget.name) : [...target.columns.keys()];
    // A column the INSERT leaves out takes its default, which the coordinator evaluates before it routes the row.
    for (const [c, id] of target.columns) if (!cols.includes(c) && this.schema.defaults?.has(`${target.table}.${c}`)) this.pin(id);
    if (s.selectStmt) {
      const source = this.select(s.selectStmt.SelectStmt, scope);
      cols.forEach((c, i) => {
        const own = target.columns.get(c);
        const from = source.nodes[i];
        if (!own || from === undefined || from === null) return;
        if (from === 'external') this.pin(own);
        else this.implies([from], own);
      });
    } else {
      // INSERT … DEFAULT VALUES: every key comes from its default, which the statement gives.
      for (const id of target.columns.values()) this.pin(id);
    }
    // The conflicting row is the row being inserted: same key.
    const conflict = s.onConflictClause;
    if (conflict) {
      const excluded: Rte = { ...target, id: this.node(), alias: 'excluded', table: null, placement: null, scope };
      scope.rtes.push(excluded);
      for (const t of conflict.targetList ?? []) this.walk(t.ResTarget.val, scope);
      this.walk(conflict.whereClause, scope);
    }
    return this.targets(s.returningClause?.exprs ?? s.returningList ?? [], scope);
  }

  private update(s: N, parent: Scope | null): Output {
    const scope = this.newScope(parent, s.withClause);
    const siblings: Rte[] = [];
    this.tableRte(s.relation, scope, siblings);
    for (const item of s.fromClause ?? []) this.fromItem(item, scope, siblings);
    this.condition(s.whereClause, scope);
    for (const t of s.targetList ?? []) this.walk(t.ResTarget.val, scope);
    return this.targets(s.returningClause?.exprs ?? s.returningList ?? [], scope);
  }

  private delete(s: N, parent: Scope | null): Output {
    const scope = this.newScope(parent, s.withClause);
    const siblings: Rte[] = [];
    this.tableRte(s.relation, scope, siblings);
    for (const item of s.usingClause ?? []) this.fromItem(item, scope, siblings);
    this.condition(s.whereClause, scope);
    return this.targets(s.returningClause?.exprs ?? s.returningList ?? [], scope);
  }

  // ---- FROM ---------------------------------------------------------------------------------

  private tableRte(rv: N, scope: Scope, siblings: Rte[]): Rte {
    const name: string = rv.relname;
    const alias: string = rv.alias?.aliasname ?? name;
    const cte = rv.schemaname ? undefined : this.cte(scope, name);
    if (cte) return this.derivedRte(alias, cte, rv.alias?.colnames, scope);
    if (this.mode.plpgsql && TRANSITION_TABLES.has(name)) {
      const rte: Rte = { id: this.node(), table: null, alias, placement: null, columns: new Map(), scope, given: true };
      scope.rtes.push(rte);
      return rte;
    }
    const placement = this.schema.placements[name] ?? null;
    const columns = new Map<string, string>();
    for (const c of this.schema.columns[name] ?? []) columns.set(c, this.node());
    const rte: Rte = { id: this.node(), table: name, alias, placement, columns, scope };
    scope.rtes.push(rte);
    siblings.push(rte);
    if (placement?.kind === 'distributed') {
      let key = columns.get(placement.column);
      if (!key) {
        key = this.node();
        columns.set(placement.column, key);
      }
      this.distributed.push({ rte, keyNode: key, siblings });
    }
    return rte;
  }

  private derivedRte(alias: string, out: Output, colnames: N[] | undefined, scope: Scope): Rte {
    const names = colnames?.length ? colnames.map(stringOf) : out.names;
    const columns = new Map<string, string>();
    names.forEach((n, i) => {
      const own = this.node();
      columns.set(n, own);
      const inner = out.nodes[i];
      if (inner === 'external') this.pin(own);
      else if (inner) this.eq(own, inner);
    });
    const rte: Rte = { id: this.node(), table: null, alias, placement: null, columns, scope };
    scope.rtes.push(rte);
    return rte;
  }

  private cte(scope: Scope | null, name: string): Output | undefined {
    for (let s = scope; s; s = s.parent) if (s.ctes.has(name)) return s.ctes.get(name);
    return undefined;
  }

  private fromItem(item: N, scope: Scope, siblings: Rte[]) {
    if (item.RangeVar) {
      this.tableRte(item.RangeVar, scope, siblings);
    } else if (item.JoinExpr) {
      const j = item.JoinExpr;
      const before = scope.rtes.length;
      this.fromItem(j.larg, scope, siblings);
      const middle = scope.rtes.length;
      this.fromItem(j.rarg, scope, siblings);
      const left = scope.rtes.slice(before, middle);
      const right = scope.rtes.slice(middle);
      // Which side an ON equality may pin: both for an inner join, only the nullable side of an outer join.
      const mode = j.jointype === 'JOIN_LEFT' ? 'right' : j.jointype === 'JOIN_RIGHT' ? 'left' : j.jointype === 'JOIN_FULL' ? 'none' : 'both';
      for (const u of j.usingClause ?? []) {
        const col = stringOf(u);
        const l = left.find((r) => r.columns.has(col));
        const r = right.find((x) => x.columns.has(col));
        if (l && r) this.joinEq(l.columns.get(col)!, r.columns.get(col)!, mode);
      }
      if (j.quals) this.condition(j.quals, scope, { left, right, mode });
    } else if (item.RangeSubselect) {
      const sub = item.RangeSubselect;
      const out = this.statement(sub.subquery, scope);
      this.derivedRte(sub.alias?.aliasname ?? '?subquery?', out, sub.alias?.colnames, scope);
    } else if (item.RangeFunction) {
      const f = item.RangeFunction;
      let given = true;
      for (const fn of f.functions ?? [])
        for (const call of fn.List?.items ?? []) if (call && Object.keys(call).length && this.value(call, scope).kind !== 'external') given = false;
      const names: string[] = (f.alias?.colnames ?? []).map(stringOf);
      if (!names.length) names.push(f.alias?.aliasname ?? '?function?');
      if (f.ordinality && !f.alias?.colnames) names.push('ordinality');
      const nodes = names.map(() => (given ? ('external' as const) : null));
      this.derivedRte(f.alias?.aliasname ?? '?function?', { names, nodes }, undefined, scope);
    } else {
      this.walk(item, scope);
    }
  }

  /** `USING (col)` between left column `l` and right column `r`: a join on them; it pins the nullable side only. */
  private joinEq(l: string, r: string, mode: string) {
    if (mode === 'both') return this.eq(l, r);
    this.equal.push([l, r]); // still a join on these columns (co-location), though it pins only one side
    if (mode === 'right') this.implies([l], r);
    if (mode === 'left') this.implies([r], l);
  }

  // ---- conditions and values ----------------------------------------------------------------

  /** A WHERE or ON condition: its top-level conjuncts may pin; everything inside is walked for subqueries. */
  private condition(c: N, scope: Scope, join?: { left: Rte[]; right: Rte[]; mode: string }) {
    if (!c) return;
    if (c.BoolExpr?.boolop === 'AND_EXPR') {
      for (const a of c.BoolExpr.args) this.condition(a, scope, join);
      return;
    }
    const side = (id: string): 'left' | 'right' | null => {
      if (!join) return null;
      if (join.left.some((r) => [...r.columns.values()].includes(id))) return 'left';
      if (join.right.some((r) => [...r.columns.values()].includes(id))) return 'right';
      return null;
    };
    // May this conjunct pin node `id`? Not the preserved side of an outer join.
    const mayPin = (id: string) => {
      if (!join || join.mode === 'both') return true;
      const s = side(id);
      return s === null || s === join.mode;
    };
    const e = c.A_Expr;
    if (e && stringOf(e.name?.[0]) === '=') {
      if (e.kind === 'AEXPR_OP') {
        const l = this.value(e.lexpr, scope);
        const r = this.value(e.rexpr, scope);
        if (l.kind === 'node' && r.kind === 'node') {
          if (!join || join.mode === 'both') this.eq(l.id, r.id);
          else {
            this.equal.push([l.id, r.id]);
            if (mayPin(r.id)) this.implies([l.id], r.id);
            if (mayPin(l.id)) this.implies([r.id], l.id);
          }
        } else if (l.kind === 'node' && r.kind === 'external' && mayPin(l.id)) this.pin(l.id);
        else if (r.kind === 'node' && l.kind === 'external' && mayPin(r.id)) this.pin(r.id);
        return;
      }
      if (e.kind === 'AEXPR_OP_ANY') {
        const l = this.value(e.lexpr, scope);
        const r = this.value(e.rexpr, scope);
        if (l.kind === 'node' && r.kind === 'external' && mayPin(l.id)) this.pin(l.id);
        return;
      }
      if (e.kind === 'AEXPR_IN') {
        const l = this.value(e.lexpr, scope);
        const items: N[] = e.rexpr?.List?.items ?? [];
        const values = items.map((i) => this.value(i, scope));
        if (l.kind === 'node' && values.every((v) => v.kind === 'external') && mayPin(l.id)) this.pin(l.id);
        return;
      }
    }
    const sub = c.SubLink;
    if (sub && sub.subLinkType === 'ANY_SUBLINK' && (!sub.operName || stringOf(sub.operName[0]) === '=')) {
      const l = this.value(sub.testexpr, scope);
      const out = this.statement(sub.subselect, scope);
      const inner = out.nodes[0];
      if (l.kind === 'node' && inner === 'external' && mayPin(l.id)) this.pin(l.id);
      else if (l.kind === 'node' && inner) {
        this.implies([inner], l.id);
        this.implies([l.id], inner);
      }
      return;
    }
    this.walk(c, scope);
  }

  /** What an expression is: a column (its node), a value the statement is given, or something else. */
  private value(e: N, scope: Scope): Value {
    if (!e) return OPAQUE;
    if (e.ParamRef || e.A_Const || e.SQLValueFunction) return EXTERNAL;
    if (e.TypeCast) return this.value(e.TypeCast.arg, scope);
    if (e.CollateClause) return this.value(e.CollateClause.arg, scope);
    if (e.ColumnRef) return this.column(e.ColumnRef, scope);
    if (e.SubLink) {
      const sub = e.SubLink;
      if (sub.subLinkType === 'EXPR_SUBLINK') {
        const out = this.statement(sub.subselect, scope);
        const inner = out.nodes[0];
        if (inner === 'external') return EXTERNAL;
        if (inner) return { kind: 'node', id: inner };
        return OPAQUE;
      }
      this.walk(e, scope);
      return OPAQUE;
    }
    if (e.A_ArrayExpr) {
      const values = (e.A_ArrayExpr.elements ?? []).map((x: N) => this.value(x, scope));
      return values.every((v: Value) => v.kind === 'external') ? EXTERNAL : OPAQUE;
    }
    if (e.FuncCall) {
      const f = e.FuncCall;
      const args: Value[] = (f.args ?? []).map((x: N) => this.value(x, scope));
      if (f.agg_filter) this.walk(f.agg_filter, scope);
      if (f.over) this.walk(f.over, scope);
      for (const o of f.agg_order ?? []) this.walk(o, scope);
      return !f.agg_star && !f.over && args.every((v) => v.kind === 'external') ? EXTERNAL : OPAQUE;
    }
    this.walk(e, scope);
    return OPAQUE;
  }

  private column(ref: N, scope: Scope): Value {
    const fields: string[] = ref.fields.map(stringOf);
    if (ref.fields.some((f: N) => f.A_Star)) return OPAQUE;
    const col = fields[fields.length - 1]!;
    const qual = fields.length > 1 ? fields[fields.length - 2]! : null;
    for (let s: Scope | null = scope; s; s = s.parent) {
      for (const rte of [...s.rtes].reverse()) {
        if (qual ? rte.alias === qual : rte.columns.has(col)) {
          if (rte.given) return EXTERNAL;
          let id = rte.columns.get(col);
          if (!id) {
            // A column the schema does not list (a system column, or an unknown table): a node all the same.
            id = this.node();
            rte.columns.set(col, id);
          }
          return { kind: 'node', id };
        }
      }
    }
    // In a function, a name that is no column is a variable, NEW or OLD, or a record's field: a given value.
    // An unqualified column of a transition table is one too.
    return this.mode.plpgsql ? EXTERNAL : OPAQUE;
  }

  /** Walks any expression for the subqueries in it (each is a statement of its own, correlated to this scope). */
  private walk(e: N, scope: Scope) {
    if (!e || typeof e !== 'object') return;
    if (Array.isArray(e)) {
      for (const x of e) this.walk(x, scope);
      return;
    }
    if (e.SubLink) {
      const sub = e.SubLink;
      if (sub.testexpr) this.walk(sub.testexpr, scope);
      this.statement(sub.subselect, scope);
      return;
    }
    if (e.SelectStmt || e.InsertStmt || e.UpdateStmt || e.DeleteStmt) {
      this.statement(e, scope);
      return;
    }
    for (const v of Object.values(e)) if (v && typeof v === 'object') this.walk(v, scope);
  }
}
