/** The code tables, loaded once and kept in memory: validating a code never costs a query. */
import type { Db } from './db.ts';

export interface CodeEntry {
  list: string;
  code: string;
  labelNl: string;
  labelFr: string;
  labelEn: string;
  shortNl: string | null;
  sortOrder: number;
  attributes: Record<string, unknown>;
  validFrom: string | null;
  validTo: string | null;
}

export class CodeLists {
  #lists = new Map<string, Map<string, CodeEntry>>();

  static async load(db: Db): Promise<CodeLists> {
    const rows = await db.selectFrom('code_list').selectAll().orderBy('list').orderBy('sort_order').orderBy('code').execute();
    const lists = new CodeLists();
    for (const r of rows) {
      const entry: CodeEntry = {
        list: r.list,
        code: r.code,
        labelNl: r.label_nl,
        labelFr: r.label_fr,
        labelEn: r.label_en,
        shortNl: r.short_nl,
        sortOrder: r.sort_order,
        attributes: r.attributes ?? {},
        validFrom: r.valid_from,
        validTo: r.valid_to,
      };
      let list = lists.#lists.get(r.list);
      if (!list) lists.#lists.set(r.list, (list = new Map()));
      list.set(r.code, entry);
    }
    return lists;
  }

  has(list: string, code: string): boolean {
    return this.#lists.get(list)?.has(code) ?? false;
  }

  get(list: string, code: string): CodeEntry | undefined {
    return this.#lists.get(list)?.get(code);
  }

  list(list: string): CodeEntry[] {
    return [...(this.#lists.get(list)?.values() ?? [])];
  }

  names(): string[] {
    return [...this.#lists.keys()];
  }
}
