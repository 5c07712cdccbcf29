/**
 * One resource of the dossier as a compact table: labelled values, a details row with every field
 * and the record's version, and — for roles that may write, in the present — Edit and Add forms.
 */
import { Fragment, useId, useRef, useState, type ReactNode } from 'react';
import { Alert } from '../../components/forms.tsx';
import { useStaffNames, type FieldMeta, type ResourceMeta, type StaffName } from '../../data.ts';
import { useDossier, useWords, Value, type Words } from './context.tsx';
import { columnsOf, recordsOf, type Rec } from './model.ts';
import { RecordForm } from './RecordForm.tsx';
import { AttendanceDetails, AttendanceSummary } from './Attendance.tsx';

type FormState = { mode: 'edit'; record: Rec } | { mode: 'create' } | null;

const SINGLETONS = new Set(['caseLead']);

/** From how many rows a table shows only its latest, with a button for the rest. */
const LONG = 8;

export function ResourceSection({ resource }: { resource: string }) {
  const { doc, meta, readOnly, reload } = useDossier();
  const w = useWords();
  const { t } = w;
  const m = meta.get(resource);
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [form, setForm] = useState<FormState>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [saved, setSaved] = useState<{ id: string; text: string } | null>(null);
  const [all, setAll] = useState(false);
  if (!m) return null;
  const records = recordsOf(doc, resource);
  const canWrite = m.canWrite && !readOnly;
  // A person has one dossier (case lead); the server refuses a second.
  const canAdd = canWrite && !(SINGLETONS.has(resource) && records.length > 0);
  const columns = columnsOf(m);
  // A long table shows its latest rows (they come oldest first), and the one being saved or edited.
  const hidden = all || records.length <= LONG ? 0 : records.length - LONG;
  const shownRecords = records.filter((r, i) => i >= hidden || r.id === saved?.id || (form?.mode === 'edit' && form.record.id === r.id));
  const withAttendance = resource === 'enrolments' && Array.isArray(doc.participations);

  async function done(rec: Rec | null, mode: 'edit' | 'create') {
    setForm(null);
    if (rec) {
      setSaved({ id: rec.id, text: t(mode === 'edit' ? 'dossier.form.saved' : 'dossier.form.added', { name: w.recordName(resource, rec) }) });
      await reload();
    }
    headingRef.current?.focus();
  }

  return (
    <section className="dossier-resource" aria-labelledby={`${id}-h`} data-resource={resource}>
      <div className="dossier-resource-head">
        <h3 id={`${id}-h`} ref={headingRef} tabIndex={-1}>
          {w.resource(resource)} <span className="dossier-count">{records.length}</span>
        </h3>
        {canAdd && form?.mode !== 'create' && (
          <button
            type="button"
            className="button secondary small"
            onClick={() => {
              setSaved(null);
              setForm({ mode: 'create' });
            }}
          >
            {t('add')}
            <span className="visually-hidden"> — {w.singular(resource)}</span>
          </button>
        )}
      </div>
      {saved && <Alert kind="success">{saved.text}</Alert>}
      {records.length === 0 ? (
        <p className="empty">{t('dossier.noData')}</p>
      ) : (
        <div className="dossier-table-wrap">
          <table className="table dossier-table">
            <caption className="visually-hidden">{w.resource(resource)}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.name} scope="col">
                    {w.field(resource, c.name)}
                  </th>
                ))}
                {withAttendance && <th scope="col">{t('dossier.attendance.title')}</th>}
                <th scope="col" className="dossier-actions-col">
                  <span className="visually-hidden">{t('dossier.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shownRecords.map((r) => {
                const name = w.recordName(resource, r);
                const detailsId = `${id}-d-${r.id}`;
                const isOpen = !!open[r.id];
                return (
                  <Fragment key={r.id}>
                    <tr className={saved?.id === r.id ? 'dossier-just-saved' : undefined}>
                      {columns.map((c) => (
                        <td key={c.name} className={cellClass(c)}>
                          <Value resource={resource} field={c} value={r[c.name]} words={w} clip />
                        </td>
                      ))}
                      {withAttendance && (
                        <td>
                          <AttendanceSummary enrolment={r} />
                        </td>
                      )}
                      <td className="dossier-row-actions">
                        <button
                          type="button"
                          className="link-button"
                          aria-expanded={isOpen}
                          aria-controls={isOpen ? detailsId : undefined}
                          onClick={() => setOpen((o) => ({ ...o, [r.id]: !isOpen }))}
                        >
                          {t('dossier.details')}
                          <span className="visually-hidden"> — {name}</span>
                        </button>
                        {canWrite && (
                          <button
                            type="button"
                            className="button secondary small"
                            onClick={() => {
                              setSaved(null);
                              setForm({ mode: 'edit', record: r });
                            }}
                            disabled={form?.mode === 'edit' && form.record.id === r.id}
                          >
                            {t('edit')}
                            <span className="visually-hidden"> — {name}</span>
                          </button>
                        )}
                      </td>
                    </tr>
                    {isOpen && (
                      <tr id={detailsId} className="dossier-details-row">
                        <td colSpan={columns.length + (withAttendance ? 2 : 1)}>
                          <RecordDetails meta={m} record={r} words={w} />
                          {withAttendance && <AttendanceDetails enrolment={r} />}
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          {records.length > LONG && (
            <button type="button" className="link-button dossier-table-more" aria-expanded={all} onClick={() => setAll(!all)}>
              {all ? t('dossier.table.fewer', { count: LONG }) : t('dossier.table.all', { count: records.length, hidden })}
            </button>
          )}
        </div>
      )}
      {form && (
        <RecordForm
          key={form.mode === 'edit' ? form.record.id : 'new'}
          meta={m}
          mode={form.mode}
          record={form.mode === 'edit' ? form.record : undefined}
          onDone={(rec) => void done(rec, form.mode)}
        />
      )}
    </section>
  );
}

const cellClass = (f: FieldMeta) =>
  f.type === 'date' || f.type === 'datetime' ? 'dossier-nowrap' : f.type === 'text' && (f.maxLength ?? 200) > 200 ? 'dossier-longtext' : undefined;

/** Every field of a record, and when and by whom this version was recorded. */
export function RecordDetails({ meta, record, words: w }: { meta: ResourceMeta; record: Rec; words: Words }) {
  const { me } = useDossier();
  const { t } = w;
  const names = useStaffNames([record.recordedBy as string | undefined]);
  const rows: [string, ReactNode][] = meta.fields.map((f) => [
    w.field(meta.resource, f.name),
    <Value resource={meta.resource} field={f} value={record[f.name]} words={w} />,
  ]);
  rows.push(
    [t('dossier.meta.version'), String(record.version)],
    [t('dossier.meta.validFrom'), w.fmt.dateTime(record.validFrom)],
    [t('dossier.meta.recordedAt'), w.fmt.dateTime(record.recordedAt)],
    [t('dossier.meta.recordedBy'), whoText(record.recordedBy as string | undefined, me, t, names)],
  );
  return (
    <dl className="dossier-details">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Who recorded a change, as far as the page can tell: you, a colleague, a partner or the system. */
export function whoText(by: string | undefined, me: string, t: Words['t'], names: Record<string, StaffName | null> = {}): string {
  if (!by) return '—';
  if (by === me) return t('dossier.who.you');
  const name = names[by];
  if (name) return name.organisation ? `${name.displayName} (${name.organisation})` : name.displayName;
  if (by === 'system:demo-generator') return t('dossier.who.demo');
  if (by.startsWith('system:')) return t('dossier.who.system');
  if (by.startsWith('partner:')) return t('dossier.who.partner');
  if (by.startsWith('user:')) return t('dossier.who.colleague', { id: by.slice(5, 13) });
  return by;
}
