/**
 * Between API values and form values. A form holds strings (and booleans, and code arrays); the
 * API wants dates, numbers, nulls. Comparing through the same conversion tells what the user changed.
 */
import type { FieldMeta } from '../../data.ts';
import { fromBrusselsLocal, toBrusselsLocal } from './model.ts';

export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

export function toForm(field: FieldMeta, value: unknown): FormValue {
  switch (field.type) {
    case 'boolean':
      return value === true;
    case 'codes':
      return Array.isArray(value) ? value.map(String) : [];
    case 'texts':
      return Array.isArray(value) ? value.join(', ') : '';
    case 'datetime':
      return toBrusselsLocal(value as string | null);
    default:
      return value === null || value === undefined ? '' : String(value);
  }
}

export function fromForm(field: FieldMeta, value: FormValue | undefined): unknown {
  switch (field.type) {
    case 'boolean':
      return value === true;
    case 'codes':
      return Array.isArray(value) ? [...value] : [];
    case 'texts':
      return typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    case 'datetime':
      return typeof value === 'string' && value ? fromBrusselsLocal(value) : null;
    case 'integer':
    case 'number': {
      if (typeof value !== 'string' || value.trim() === '') return null;
      const n = Number(value.replace(',', '.'));
      return Number.isNaN(n) ? value : n;
    }
    default:
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  }
}

const canonical = (field: FieldMeta, v: unknown) => JSON.stringify(field.type === 'codes' && Array.isArray(v) ? [...v].sort() : v);

/** Does the form value say the same as the stored value? */
export const sameAsStored = (field: FieldMeta, value: FormValue | undefined, stored: unknown) =>
  canonical(field, fromForm(field, value)) === canonical(field, fromForm(field, toForm(field, stored)));

/** Do two stored values say the same? */
export const sameStored = (field: FieldMeta, a: unknown, b: unknown) =>
  canonical(field, fromForm(field, toForm(field, a))) === canonical(field, fromForm(field, toForm(field, b)));

export const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);
