/** JSON schemas derived from the resource definitions: validation and OpenAPI in one. */
import { camel, type FieldDef, type ResourceDef } from './clusters.ts';

type Schema = Record<string, unknown>;

function fieldSchema(f: FieldDef): Schema {
  const s: Schema = {};
  switch (f.type) {
    case 'text':
      Object.assign(s, { type: 'string', minLength: f.required ? 1 : 0, maxLength: f.maxLength ?? 200 });
      break;
    case 'date':
      Object.assign(s, { type: 'string', format: 'date' });
      break;
    case 'datetime':
      Object.assign(s, { type: 'string', format: 'date-time' });
      break;
    case 'boolean':
      s.type = 'boolean';
      break;
    case 'integer':
      Object.assign(s, { type: 'integer' });
      break;
    case 'number':
      Object.assign(s, { type: 'number' });
      break;
    case 'ref':
      Object.assign(s, { type: 'string', format: 'uuid' });
      break;
    case 'code':
      Object.assign(s, { type: 'string', minLength: 1, maxLength: 40, description: `Code of list \`${f.list}\` (GET /api/v1/codeLists/${f.list}).` });
      break;
    case 'codes':
      Object.assign(s, {
        type: 'array',
        maxItems: 50,
        uniqueItems: true,
        items: { type: 'string', maxLength: 40 },
        description: `Codes of list \`${f.list}\`.`,
      });
      break;
    case 'texts':
      Object.assign(s, { type: 'array', maxItems: 50, items: { type: 'string', maxLength: f.maxLength ?? 200 } });
      break;
    case 'kbo':
      Object.assign(s, { type: 'string', maxLength: 16, description: 'KBO enterprise (0/1…) or establishment unit (2–8…) number, mod 97 checked.' });
      break;
  }
  if (f.minimum !== undefined) s.minimum = f.minimum;
  if (f.maximum !== undefined) s.maximum = f.maximum;
  if (f.enum) s.enum = f.enum;
  if (f.pattern) s.pattern = f.pattern;
  if (f.description && !s.description) s.description = f.description;
  return s;
}

const nullable = (s: Schema): Schema => ({ ...s, type: [s.type as string, 'null'] });

const VALID_FROM: Schema = {
  type: 'string',
  format: 'date-time',
  description: 'From when this change holds in the real world; defaults to now. May lie in the past for a correction.',
};

/**
 * The body of a record's create or change, generated from clusters.ts at run time: to the type
 * checker an object of fields (each one validated by this schema, then by toColumns).
 */
export type RecordBodySchema = Schema & { readonly type: 'object' };

/** An object schema built at run time (from clusters.ts), typed as such for the route's handler. */
export const generatedObject = (schema: Schema): RecordBodySchema => ({ ...schema, type: 'object' });

export function createBody(def: ResourceDef): RecordBodySchema {
  const properties: Schema = {};
  for (const f of def.fields) properties[camel(f.column)] = f.required ? fieldSchema(f) : nullable(fieldSchema(f));
  properties.validFrom = VALID_FROM;
  return {
    $id: `${def.title.replace(/[^A-Za-z]/g, '')}Create`,
    type: 'object',
    additionalProperties: false,
    required: def.fields.filter((f) => f.required).map((f) => camel(f.column)),
    properties,
  };
}

export function patchBody(def: ResourceDef): RecordBodySchema {
  const properties: Schema = {};
  for (const f of def.fields) {
    if (f.immutable) continue;
    properties[camel(f.column)] = f.required ? fieldSchema(f) : nullable(fieldSchema(f));
  }
  properties.validFrom = VALID_FROM;
  return { $id: `${def.title.replace(/[^A-Za-z]/g, '')}Patch`, type: 'object', additionalProperties: false, minProperties: 1, properties };
}

const META: Schema = {
  id: { type: 'string', format: 'uuid' },
  version: { type: 'integer', description: 'Version number; the ETag of the record.' },
  validFrom: { type: 'string', format: 'date-time' },
  recordedAt: { type: 'string', description: 'When KBI recorded this version (microsecond precision; usable as asOf).' },
  recordedBy: { type: 'string' },
  supersededAt: { type: 'string', description: 'Only on earlier versions: when this version stopped being current.' },
  supersededBy: { type: 'string' },
};

export function recordSchema(def: ResourceDef): Schema {
  const properties: Schema = { ...META };
  if (def.personScoped) properties.personId = { type: 'string', format: 'uuid' };
  for (const f of def.fields) properties[camel(f.column)] = fieldSchema(f);
  if (def.table === 'persons') properties.province = { type: 'string' };
  return { $id: def.title.replace(/[^A-Za-z]/g, ''), type: 'object', title: def.title, description: def.description, properties };
}

export const pageOf = (item: Schema): Schema => ({
  type: 'object',
  properties: { items: { type: 'array', items: item }, next: { type: ['string', 'null'], description: 'Cursor of the next page; absent on the last page.' } },
});

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
export const personParams = { type: 'object', required: ['personId'], properties: { personId: { type: 'string', format: 'uuid' } } } as const;
export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'Page size, 1–500 (default 50).' },
    cursor: { type: 'string', maxLength: 500 },
  },
} as const;

export const problemSchema: Schema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    currentVersion: { type: 'integer' },
    issues: {
      type: 'array',
      items: { type: 'object', properties: { in: { type: 'string' }, name: { type: 'string' }, detail: { type: 'string' }, type: { type: 'string' } } },
    },
  },
};
