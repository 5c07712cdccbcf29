/**
 * A form for a reference record (an organisation, an office), built from the field definitions the
 * server publishes (GET /api/v1/resources), so that it asks exactly what the server checks. A
 * change sends only what changed, with If-Match; whatever goes wrong, the typed values stay.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api.ts';
import { Alert, Field, Loading, describeError } from '../../components/forms.tsx';
import { useCodeList, useResources, type FieldMeta } from '../../data.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { fieldErrorsOf, rebase, useOrganisations } from './lib.ts';

export type ReferenceResource = 'organisations' | 'offices';

const LABELS: Record<string, MessageKey> = {
  'organisations.kind': 'admin.org.kind',
  'organisations.name': 'admin.org.name',
  'organisations.enterpriseNumber': 'admin.org.enterpriseNumber',
  'organisations.agency': 'admin.org.agency',
  'organisations.region': 'admin.org.region',
  'organisations.parentId': 'admin.org.parentId',
  'organisations.municipalityNis': 'admin.org.municipalityNis',
  'offices.organisationId': 'admin.office.organisationId',
  'offices.name': 'admin.office.name',
  'offices.kboNumber': 'admin.office.kboNumber',
  'offices.kbiKey': 'admin.office.kbiKey',
  'offices.street': 'admin.office.street',
  'offices.houseNumber': 'admin.office.houseNumber',
  'offices.postcode': 'admin.office.postcode',
  'offices.municipality': 'admin.office.municipality',
  'offices.phone': 'admin.office.phone',
  'offices.email': 'admin.office.email',
  'offices.contactName': 'admin.office.contactName',
  'offices.openingHours': 'admin.office.openingHours',
};
const HINTS: Record<string, MessageKey> = {
  'organisations.enterpriseNumber': 'admin.org.enterpriseNumberHint',
  'organisations.municipalityNis': 'admin.org.municipalityNisHint',
  'offices.kboNumber': 'admin.office.kboNumberHint',
  'offices.postcode': 'admin.office.postcodeHint',
};

type Values = Record<string, string>;
const asText = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export interface Saved {
  record: Record<string, unknown>;
  etag: string | null;
}

export function ReferenceForm({
  resource,
  record,
  etag,
  fixed = {},
  title,
  submitLabel,
  onSaved,
  onCancel,
}: {
  resource: ReferenceResource;
  /** The record being changed, or null for a new one. */
  record: Record<string, unknown> | null;
  etag: string | null;
  /** Values the form does not ask (an office's organisation). */
  fixed?: Record<string, string>;
  title: string;
  submitLabel: string;
  onSaved(saved: Saved): void;
  onCancel?(): void;
}) {
  const { t } = useI18n();
  const meta = useResources()?.find((r) => r.resource === resource);
  const [base, setBase] = useState<{ record: Record<string, unknown> | null; etag: string | null }>({ record, etag });
  const [values, setValues] = useState<Values>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [info, setInfo] = useState<string | null>(null);
  const fields = (meta?.fields ?? []).filter((f) => !(f.name in fixed) && !(f.name === 'kbiKey' && !record));

  const textValues = (r: Record<string, unknown> | null): Values => Object.fromEntries((meta?.fields ?? []).map((f) => [f.name, asText(r?.[f.name])]));
  useEffect(() => {
    setValues(Object.fromEntries((meta?.fields ?? []).map((f) => [f.name, asText(record?.[f.name])])));
  }, [meta, record]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      let reply;
      if (!base.record) {
        const body: Record<string, unknown> = { ...fixed };
        for (const f of fields) if (values[f.name]?.trim()) body[f.name] = values[f.name]!.trim();
        reply = await request<Record<string, unknown>>('POST', `/api/v1/${resource}`, body);
      } else {
        const body: Record<string, unknown> = {};
        for (const f of fields) {
          if (f.immutable) continue;
          const now = (values[f.name] ?? '').trim();
          if (now !== asText(base.record[f.name])) body[f.name] = now === '' && !f.required ? null : now;
        }
        if (!Object.keys(body).length) {
          setInfo(t('admin.nothingChanged'));
          return;
        }
        reply = await request<Record<string, unknown>>('PATCH', `/api/v1/${resource}/${String(base.record.id)}`, body, {
          'if-match': base.etag ?? `"${String(base.record.version)}"`,
        });
      }
      setBase({ record: reply.body, etag: reply.etag });
      onSaved({ record: reply.body, etag: reply.etag });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  /** After a 412: the server's new version becomes the base, what the user typed stays. */
  async function takeNewVersion() {
    if (!base.record) return;
    const fresh = await request<Record<string, unknown>>('GET', `/api/v1/${resource}/${String(base.record.id)}`);
    setValues((typed) => rebase(typed, textValues(base.record), textValues(fresh.body)));
    setBase({ record: fresh.body, etag: fresh.etag });
    setError(null);
    setInfo(t('admin.newVersionLoaded', { version: String(fresh.body.version) }));
  }

  if (!meta) return <Loading />;
  const errors = fieldErrorsOf(error, t);
  const conflict = error instanceof ApiError && error.status === 412;
  return (
    <form className="form admin-form" onSubmit={save} noValidate aria-label={title}>
      <div className="form-row">
        {fields.map((f) => (
          <ReferenceField
            key={f.name}
            resource={resource}
            field={f}
            value={values[f.name] ?? ''}
            error={errors[f.name]}
            readOnly={!!base.record && f.immutable}
            selfId={base.record ? String(base.record.id) : null}
            onChange={(v) => setValues((all) => ({ ...all, [f.name]: v }))}
          />
        ))}
      </div>
      {error !== null && <Alert>{describeError(error, t)}</Alert>}
      {conflict && (
        <div className="actions">
          <button type="button" className="button secondary small" onClick={() => void takeNewVersion()}>
            {t('error.conflictReload')}
          </button>
        </div>
      )}
      {info && <Alert kind="info">{info}</Alert>}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button secondary" onClick={onCancel}>
            {t('cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function ReferenceField({
  resource,
  field,
  value,
  error,
  readOnly,
  selfId,
  onChange,
}: {
  resource: ReferenceResource;
  field: FieldMeta;
  value: string;
  error: string | undefined;
  readOnly: boolean;
  selfId: string | null;
  onChange(v: string): void;
}) {
  const { t } = useI18n();
  const key = `${resource}.${field.name}`;
  const label = LABELS[key] ? t(LABELS[key]) : field.name;
  const hint = HINTS[key] ? t(HINTS[key]) : undefined;
  const wide = field.type === 'text' && (field.maxLength ?? 200) > 200;
  return (
    <div className={wide ? 'admin-wide' : undefined}>
      <Field label={label} hint={hint} error={error} required={field.required && !readOnly}>
        {(p) =>
          field.type === 'code' ? (
            <CodeSelect list={field.list!} props={p} value={value} onChange={onChange} disabled={readOnly} />
          ) : field.type === 'ref' && field.ref === 'organisations' ? (
            <OrganisationSelect props={p} value={value} onChange={onChange} exclude={selfId} disabled={readOnly} />
          ) : wide ? (
            <textarea {...p} name={field.name} value={value} readOnly={readOnly} maxLength={field.maxLength} onChange={(e) => onChange(e.target.value)} />
          ) : (
            <input
              {...p}
              name={field.name}
              value={value}
              readOnly={readOnly}
              maxLength={field.maxLength}
              className={field.type === 'kbo' || field.name === 'kbiKey' ? 'mono' : undefined}
              inputMode={field.type === 'kbo' || field.name === 'postcode' || field.name === 'municipalityNis' ? 'numeric' : undefined}
              type={field.name === 'email' ? 'email' : 'text'}
              onChange={(e) => onChange(e.target.value)}
            />
          )
        }
      </Field>
    </div>
  );
}

type ControlProps = { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string; required?: boolean };

function CodeSelect({
  list,
  props,
  value,
  onChange,
  disabled,
}: {
  list: string;
  props: ControlProps;
  value: string;
  onChange(v: string): void;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const codes = useCodeList(list);
  const entries = [...codes.entries].sort((a, b) => a.sortOrder - b.sortOrder);
  return (
    <select {...props} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('admin.choose')}</option>
      {entries.map((e) => (
        <option key={e.code} value={e.code}>
          {codes.label(e.code)}
        </option>
      ))}
      {value && !entries.some((e) => e.code === value) && <option value={value}>{value}</option>}
    </select>
  );
}

function OrganisationSelect({
  props,
  value,
  onChange,
  exclude,
  disabled,
}: {
  props: ControlProps;
  value: string;
  onChange(v: string): void;
  exclude: string | null;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const orgs = useOrganisations();
  return (
    <select {...props} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('admin.none')}</option>
      {orgs.list
        .filter((o) => o.id !== exclude)
        .map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
    </select>
  );
}
