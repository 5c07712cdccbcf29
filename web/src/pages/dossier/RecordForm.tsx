/**
 * A form for one record, built from the resource's field definitions (GET /api/v1/resources).
 *
 * What the user typed is never lost: a failed save (invalid input, someone else's change, server
 * or network trouble) leaves every value in place. A change is sent with If-Match and only the
 * fields the user touched; after a 412 the user loads the new version: untouched fields take the
 * new values, touched ones keep the user's, and the next save is checked against the new version.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api.ts';
import { Alert, Field, describeError } from '../../components/forms.tsx';
import { useCodeList, type FieldMeta, type ResourceMeta } from '../../data.ts';
import { enumLabel } from './labels.ts';
import { referenceName, useDossier, useWords, type Words } from './context.tsx';
import { translateIssue } from './issues.ts';
import { useLessons } from './lessons.ts';
import { isLongText, recordsOf, type Rec } from './model.ts';
import { fromForm, isEmpty, sameAsStored, sameStored, toForm, type FormValue, type FormValues } from './values.ts';

export interface RecordFormProps {
  meta: ResourceMeta;
  mode: 'edit' | 'create';
  /** The record as the page last read it (edit). */
  record?: Rec;
  /** Values a new record starts with (e.g. the enrolment a participation belongs to). */
  presets?: Record<string, unknown>;
  /** How to show a field that cannot be changed, where the page knows better than the reference lists (a lesson's time). */
  staticText?: Record<string, string>;
  onDone(saved: Rec | null): void;
}

export function RecordForm({ meta, mode, record, presets = {}, staticText = {}, onDone }: RecordFormProps) {
  const { personId } = useDossier();
  const w = useWords();
  const { t } = w;
  const formId = useId();
  const fields = meta.fields;
  const initial = (base: Rec | undefined): FormValues => Object.fromEntries(fields.map((f) => [f.name, toForm(f, base ? base[f.name] : presets[f.name])]));

  const [base, setBase] = useState<Rec | undefined>(record);
  const [etag, setEtag] = useState<string>(record ? `"${record.version}"` : '');
  const [values, setValues] = useState<FormValues>(() => initial(record));
  const [touched, setTouched] = useState<Record<string, true>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** Fields the user changed that someone else changed too: the other person's value. */
  const [theirs, setTheirs] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const problemBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);
  useEffect(() => {
    if (error) problemBox.current?.focus();
  }, [error]);

  const set = (name: string, value: FormValue) => {
    setValues((v) => ({ ...v, [name]: value }));
    setTouched((x) => ({ ...x, [name]: true }));
  };
  const editable = (f: FieldMeta) => mode === 'create' || !f.immutable;

  function body(): Record<string, unknown> {
    if (mode === 'edit') {
      return Object.fromEntries(
        fields
          .filter((f) => editable(f) && touched[f.name] && !sameAsStored(f, values[f.name], base![f.name]))
          .map((f) => [f.name, fromForm(f, values[f.name])]),
      );
    }
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = fromForm(f, values[f.name]);
      if (f.type === 'boolean') {
        if (touched[f.name] || f.required || presets[f.name] !== undefined) out[f.name] = v;
      } else if (!isEmpty(v)) out[f.name] = v;
    }
    return out;
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const payload = body();
    if (mode === 'edit' && Object.keys(payload).length === 0) {
      setNotice(t('dossier.form.noChanges'));
      return;
    }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const reply =
        mode === 'edit'
          ? await request<Rec>('PATCH', `/api/v1/${meta.resource}/${base!.id}`, payload, { 'if-match': etag })
          : await request<Rec>('POST', `/api/v1/persons/${personId}/${meta.resource}`, payload);
      onDone(reply.body);
    } catch (err) {
      setError(err); // the values stay as typed
    } finally {
      setBusy(false);
    }
  }

  /** After a 412: the new version becomes the base; what the user typed stays. */
  async function loadNewVersion() {
    setBusy(true);
    try {
      const reply = await request<Rec>('GET', `/api/v1/${meta.resource}/${base!.id}`);
      const fresh = reply.body;
      const clash: Record<string, string> = {};
      const next: FormValues = { ...values };
      for (const f of fields) {
        if (sameStored(f, base![f.name], fresh[f.name])) continue;
        if (touched[f.name]) clash[f.name] = w.text(meta.resource, f, fresh[f.name]);
        else next[f.name] = toForm(f, fresh[f.name]);
      }
      setValues(next);
      setTheirs(clash);
      setBase(fresh);
      setEtag(reply.etag ?? `"${fresh.version}"`);
      setError(null);
      setNotice(t('dossier.form.reloaded', { version: fresh.version }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  const conflict = apiError?.status === 412;
  const rawFieldErrors = apiError ? apiError.fieldErrors() : {};
  const fieldErrors = Object.fromEntries(
    Object.entries(rawFieldErrors).map(([k, v]) => [k, translateIssue(v, t, (n) => w.field(meta.resource, n), w.fmt.date)]),
  );
  const title =
    mode === 'edit' ? t('dossier.form.editTitle', { name: w.singular(meta.resource) }) : t('dossier.form.addTitle', { name: w.singular(meta.resource) });
  const anchor = (name: string) => `${formId}-${name}`;
  const focusField = (name: string) => {
    const el = document.getElementById(anchor(name))?.querySelector<HTMLElement>('input, select, textarea');
    el?.focus();
  };

  return (
    <form className="form dossier-form" onSubmit={save} noValidate aria-labelledby={`${formId}-title`}>
      <h4 id={`${formId}-title`} ref={heading} tabIndex={-1}>
        {title}
        {mode === 'edit' && base && <span className="muted dossier-form-version"> · {t('dossier.form.version', { version: base.version })}</span>}
      </h4>
      <div ref={problemBox} tabIndex={-1} className="dossier-form-problems">
        {conflict && (
          <div className="alert alert-warning dossier-conflict" role="alert">
            <p>{t('error.conflict')}</p>
            <button type="button" className="button secondary small" onClick={() => void loadNewVersion()} disabled={busy}>
              {t('error.conflictReload')}
            </button>
          </div>
        )}
        {error !== null && !conflict && (
          <div className="alert alert-error" role="alert">
            <p>{describeError(error, t)}</p>
            {Object.keys(fieldErrors).length > 0 && (
              <ul className="dossier-error-list">
                {Object.entries(fieldErrors).map(([name, message]) => (
                  <li key={name}>
                    {fields.some((f) => f.name === name) ? (
                      <a
                        href={`#${anchor(name)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          focusField(name);
                        }}
                      >
                        {w.field(meta.resource, name)}: {message}
                      </a>
                    ) : (
                      <>
                        {name}: {message}
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      {notice && <Alert kind="info">{notice}</Alert>}
      <div className="form-row dossier-form-fields">
        {fields.map((f) => (
          <div key={f.name} id={anchor(f.name)} className={isLongText(f) || f.type === 'codes' ? 'dossier-wide' : undefined}>
            {editable(f) ? (
              <Control meta={meta} selfId={base?.id} field={f} values={values} set={set} error={fieldErrors[f.name]} theirs={theirs[f.name]} words={w} />
            ) : (
              <Static
                label={w.field(meta.resource, f.name)}
                text={staticText[f.name] ?? w.text(meta.resource, f, base?.[f.name])}
                hint={t('dossier.form.immutable')}
              />
            )}
          </div>
        ))}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {t('save')}
        </button>
        <button type="button" className="button secondary" onClick={() => onDone(null)} disabled={busy}>
          {t('cancel')}
        </button>
        {busy && (
          <span className="muted" role="status">
            {t('loading')}
          </span>
        )}
      </div>
    </form>
  );
}

function Static({ label, text, hint }: { label: string; text: string; hint: string }) {
  return (
    <div className="field dossier-static">
      <span className="dossier-static-label">{label}</span>
      <span>{text}</span>
      <span className="field-hint">{hint}</span>
    </div>
  );
}

interface ControlProps {
  meta: ResourceMeta;
  selfId: string | undefined;
  field: FieldMeta;
  values: FormValues;
  set(name: string, value: FormValue): void;
  error: string | undefined;
  theirs: string | undefined;
  words: Words;
}

function Control({ meta, selfId, field: f, values, set, error, theirs, words: w }: ControlProps) {
  const label = w.field(meta.resource, f.name);
  const value = values[f.name];
  const hint =
    [theirs !== undefined ? w.t('dossier.form.theirs', { value: theirs }) : '', f.type === 'texts' ? w.t('dossier.form.textsHint') : '']
      .filter(Boolean)
      .join(' ') || undefined;
  const text = typeof value === 'string' ? value : '';
  const onText = (e: { target: { value: string } }) => set(f.name, e.target.value);

  if (f.type === 'codes') return <CodesControl field={f} value={Array.isArray(value) ? value : []} set={set} error={error} label={label} />;
  return (
    <Field label={label} error={error} hint={hint} required={f.required && f.type !== 'boolean'}>
      {(p) => {
        switch (f.type) {
          case 'boolean': {
            const { required: _omit, ...rest } = p;
            return <input {...rest} type="checkbox" className="dossier-checkbox" checked={value === true} onChange={(e) => set(f.name, e.target.checked)} />;
          }
          case 'date':
            return <input {...p} type="date" value={text} onChange={onText} />;
          case 'datetime':
            return <input {...p} type="datetime-local" value={text} onChange={onText} />;
          case 'integer':
          case 'number':
            return (
              <input
                {...p}
                type="number"
                inputMode="decimal"
                step={f.type === 'integer' ? 1 : 'any'}
                min={f.minimum}
                max={f.maximum}
                value={text}
                onChange={onText}
              />
            );
          case 'code':
            return <CodeSelect p={p} field={f} value={text} onChange={onText} />;
          case 'ref':
            return <RefSelect p={p} resource={meta.resource} selfId={selfId} field={f} values={values} value={text} onChange={onText} words={w} />;
          case 'kbo':
            return <input {...p} type="text" inputMode="numeric" autoComplete="off" maxLength={16} value={text} onChange={onText} />;
          default:
            if (f.enum) {
              return (
                <select {...p} value={text} onChange={onText}>
                  <option value="">{f.required ? w.t('dossier.form.choose') : w.t('dossier.form.noValue')}</option>
                  {f.enum.map((v) => (
                    <option key={v} value={v}>
                      {enumLabel(w.language, v)}
                    </option>
                  ))}
                </select>
              );
            }
            if (isLongText(f)) return <textarea {...p} rows={f.maxLength! > 1000 ? 4 : 3} maxLength={f.maxLength} value={text} onChange={onText} />;
            return <input {...p} type="text" autoComplete="off" maxLength={f.maxLength} value={text} onChange={onText} />;
        }
      }}
    </Field>
  );
}

type ControlAttrs = { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string; required?: boolean };

function CodeSelect({ p, field, value, onChange }: { p: ControlAttrs; field: FieldMeta; value: string; onChange(e: { target: { value: string } }): void }) {
  const list = useCodeList(field.list);
  const w = useWords();
  const entries = [...list.entries].sort((a, b) => a.sortOrder - b.sortOrder);
  return (
    <select {...p} value={value} onChange={onChange}>
      <option value="">{field.required ? w.t('dossier.form.choose') : w.t('dossier.form.noValue')}</option>
      {value && !entries.some((e) => e.code === value) && <option value={value}>{list.label(value)}</option>}
      {entries.map((e) => (
        <option key={e.code} value={e.code}>
          {list.label(e.code)}
        </option>
      ))}
    </select>
  );
}

function CodesControl({
  field,
  value,
  set,
  error,
  label,
}: {
  field: FieldMeta;
  value: string[];
  set(n: string, v: FormValue): void;
  error?: string;
  label: string;
}) {
  const list = useCodeList(field.list);
  const id = useId();
  const entries = [...list.entries].sort((a, b) => a.sortOrder - b.sortOrder);
  const toggle = (code: string, on: boolean) => set(field.name, on ? [...value, code] : value.filter((c) => c !== code));
  return (
    <fieldset className={`field dossier-codes${error ? ' has-error' : ''}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      <div className="dossier-codes-options">
        {entries.map((e) => (
          <label key={e.code} className="checkbox">
            <input type="checkbox" checked={value.includes(e.code)} onChange={(ev) => toggle(e.code, ev.target.checked)} />
            {list.label(e.code)}
          </label>
        ))}
      </div>
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}

function RefSelect({
  p,
  resource,
  selfId,
  field,
  values,
  value,
  onChange,
  words: w,
}: {
  p: ControlAttrs;
  resource: string;
  selfId: string | undefined;
  field: FieldMeta;
  values: FormValues;
  value: string;
  onChange(e: { target: { value: string } }): void;
  words: Words;
}) {
  const { doc, refs } = useDossier();
  const [filter, setFilter] = useState('');
  // A participation's lesson is one of its enrolment's course; an enrolment's module one of its course.
  const enrolment = field.ref === 'lessons' ? recordsOf(doc, 'enrolments').find((e) => e.id === values.enrolmentId) : undefined;
  const lessons = useLessons(field.ref === 'lessons' ? enrolment?.courseId : undefined, refs);
  let options: { value: string; label: string }[] | null;
  if (field.samePerson) {
    // A record cannot point to itself (a contract is not its own previous contract).
    options = recordsOf(doc, field.ref!)
      .filter((r) => !(field.ref === resource && r.id === selfId))
      .map((r) => ({ value: r.id, label: w.recordName(field.ref!, r) }));
  } else if (field.ref === 'lessons') {
    // Lessons already recorded for this enrolment are not offered again.
    const taken = new Set(
      recordsOf(doc, 'participations')
        .filter((x) => x.enrolmentId === values.enrolmentId)
        .map((x) => x.lessonId),
    );
    options = lessons?.filter((l) => !taken.has(l.id)).map((l) => ({ value: l.id, label: w.fmt.dateTime(l.startsAt as string) })) ?? null;
  } else {
    let rows = refs.list(field.ref!);
    if (rows && field.ref === 'courseModules' && values.courseId) rows = rows.filter((m) => m.courseId === values.courseId);
    // Only the organisations (or their offices) of a kind that fits the field: no OCMW where an agency office belongs.
    const kinds = field.organisationKinds;
    if (rows && kinds) {
      const organisations = refs.list('organisations');
      const kindOf = new Map((organisations ?? []).map((o) => [o.id, o.kind as string]));
      rows =
        field.ref === 'organisations'
          ? rows.filter((o) => kinds.includes(o.kind as string))
          : organisations
            ? rows.filter((o) => kinds.includes(kindOf.get(o.organisationId as string) ?? ''))
            : null;
    }
    options =
      rows?.map((r) => ({ value: r.id, label: referenceName(field.ref!, r, w.fmt.date) })).sort((a, b) => a.label.localeCompare(b.label, w.language)) ?? null;
  }
  // A long list gets a search box: typing narrows the choices (the chosen one always stays).
  const needle = filter.trim().toLowerCase();
  const shown = needle ? options?.filter((o) => o.value === value || o.label.toLowerCase().includes(needle)) : options;
  return (
    <>
      {options && options.length > 12 && (
        <input
          type="search"
          className="dossier-ref-filter"
          aria-label={w.t('dossier.form.filterList', { field: w.field(resource, field.name) })}
          placeholder={w.t('dossier.form.filterPlaceholder')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      )}
      <select {...p} value={value} onChange={onChange}>
        <option value="">{options === null ? w.t('loading') : field.required ? w.t('dossier.form.choose') : w.t('dossier.form.noValue')}</option>
        {value && !options?.some((o) => o.value === value) && <option value={value}>{w.refName(field, value) ?? value}</option>}
        {shown?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}
