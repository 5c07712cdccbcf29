/**
 * The stored dossier documents (migration 0016): each person's current dossier as one JSON
 * document, the same object the dossier statement assembles (`person` and one array per
 * resource, as stored). A cache for the partner consult, never a source: the triggers of 0016
 * drop a document in the transaction of any change to the person, and a document is stored only
 * when it was assembled at the version that is still current.
 */
import { quoteIdent, type Database, type Row } from '../../platform/db.ts';
import { DOSSIER_RESOURCES } from './clusters.ts';
import { resourceArray } from './dossier.service.ts';

/** The document of person `p` as of this statement's snapshot, as a JSON expression. */
function documentExpression(p: string): string {
  const parts = DOSSIER_RESOURCES.map((def) => `'${def.resource}', ${resourceArray(def, `(SELECT * FROM ${quoteIdent(def.table)} WHERE person_id = ${p})`)}`);
  // json_build_object takes at most 100 arguments: a pair per resource and one for the person.
  if (parts.length > 49) throw new Error('too many dossier resources for one json_build_object');
  return `json_build_object('person', (SELECT row_to_json(q) FROM persons q WHERE q.id = ${p}), ${parts.join(', ')})`;
}

/**
 * Assembles one person's document and stores it, in one statement and so in one snapshot: it is
 * stored only if the version read with it is still the current one and no change holds the row.
 */
const BUILD_ONE = {
  name: 'kbi_dossier_document_build',
  text: `WITH current AS (SELECT version FROM dossier_documents WHERE person_id = $1::uuid),
    doc AS (SELECT ${documentExpression('$1::uuid')} AS document),
    stored AS (
      UPDATE dossier_documents d SET document = doc.document, built_version = d.version, built_at = now() FROM doc
       WHERE d.person_id = (SELECT person_id FROM dossier_documents WHERE person_id = $1::uuid AND version = (SELECT version FROM current) FOR UPDATE SKIP LOCKED)
      RETURNING 1)
    SELECT doc.document, (SELECT count(*) FROM stored)::int AS stored FROM doc`,
};

/** Up to $1 missing documents, each assembled and stored in the snapshot of this one statement. */
const BUILD_MISSING = {
  name: 'kbi_dossier_documents_build_missing',
  text: `WITH todo AS (
      SELECT person_id, version FROM dossier_documents WHERE document IS NULL ORDER BY person_id LIMIT $1 FOR UPDATE SKIP LOCKED)
    UPDATE dossier_documents d SET document = ${documentExpression('todo.person_id')}, built_version = todo.version, built_at = now()
      FROM todo WHERE d.person_id = todo.person_id
    RETURNING 1`,
};

/** The person's current document, assembled now (and stored when it may be). Null `person` when no such person. */
export async function buildDocument(database: Database, personId: string): Promise<{ document: Row; stored: boolean }> {
  const [row] = await database.prepared(BUILD_ONE.name, BUILD_ONE.text, [personId]);
  return { document: row!.document as Row, stored: row!.stored === 1 };
}

/**
 * Builds the documents that are missing, `batch` persons per statement, until none is missing or
 * `limit` are built (after a bulk import or a seed: the first consult of each then finds one).
 * Persons whose row a change holds are skipped, and come back in a later run.
 */
export async function buildMissingDocuments(
  database: Database,
  { batch = 500, limit = Infinity, onProgress }: { batch?: number; limit?: number; onProgress?: (built: number) => void } = {},
): Promise<number> {
  let built = 0;
  while (built < limit) {
    const rows = await database.prepared(BUILD_MISSING.name, BUILD_MISSING.text, [Math.min(batch, limit - built)]);
    built += rows.length;
    onProgress?.(built);
    if (rows.length < batch) break;
  }
  return built;
}
