/**
 * Appointment requests from partners (seed 002 §2.1): plan one at a date, time and office of the
 * user's organisation (or move it), mark a planned one held, or cancel it with an optional reason.
 */
import { Fragment, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, get } from '../../api.ts';
import { Field } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { PersonCell, fromBrusselsLocal, isStale, postIfMatch, toBrusselsLocal, useRowForms, FormRow, FormActions, ItemTable } from './shared.tsx';

export interface HandledAppointment {
  id: string;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  requestedByName: string;
  reason: string;
  extraInformation: string | null;
  wishedDate: string | null;
  timeWindow: string | null;
  status: string;
  plannedAt: string | null;
  officeId: string | null;
  version: number;
  ownerId?: string | null;
}

interface Office {
  id: string;
  name: string;
}

/** The offices of the user's organisation, the user's own first. */
function useOffices(): Office[] {
  const { user } = useSession();
  const [offices, setOffices] = useState<Office[]>([]);
  useEffect(() => {
    if (!user) return;
    let live = true;
    get<{ items: Office[] }>(`/api/v1/offices?organisationId=${user.organisationId}&limit=500`).then(
      (page) => {
        if (!live) return;
        const own = (o: Office) => (user.officeIds.includes(o.id) ? 0 : 1);
        setOffices([...page.items].sort((a, b) => own(a) - own(b) || a.name.localeCompare(b.name)));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [user]);
  return offices;
}

type Done = (message: string) => void;

function PlanForm({ item, offices, onDone, onCancel }: { item: HandledAppointment; offices: Office[]; onDone: Done; onCancel(): void }) {
  const { t } = useI18n();
  const id = useId();
  const { user } = useSession();
  const [at, setAt] = useState(item.plannedAt ? toBrusselsLocal(Date.parse(item.plannedAt)) : '');
  const [officeId, setOfficeId] = useState(item.officeId ?? offices.find((o) => user?.officeIds.includes(o.id))?.id ?? '');
  const [errors, setErrors] = useState<{ plannedAt?: string; officeId?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const name = `${item.givenNames} ${item.familyName}`;
  useEffect(() => {
    first.current?.focus();
  }, []);
  useEffect(() => {
    if (!officeId && offices.length) setOfficeId(offices.find((o) => user?.officeIds.includes(o.id))?.id ?? '');
  }, [offices, officeId, user]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    const own: typeof errors = {};
    const plannedAt = fromBrusselsLocal(at);
    if (!plannedAt) own.plannedAt = t('worklist.plan.atRequired');
    if (!officeId) own.officeId = t('worklist.plan.officeRequired');
    setErrors(own);
    if (Object.keys(own).length) return;
    setBusy(true);
    try {
      await postIfMatch(`/api/v1/appointments/${item.id}/plan`, item.version, { plannedAt, officeId });
      onDone(t('worklist.plan.done', { name, partner: item.requestedByName }));
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      if (fields.plannedAt || fields.officeId) {
        setErrors({
          ...(fields.plannedAt ? { plannedAt: t('worklist.plan.atPast') } : {}),
          ...(fields.officeId ? { officeId: t('worklist.plan.officeRequired') } : {}),
        });
      } else if (isStale(err)) onDone('');
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form worklist-form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('worklist.plan.title', { name })}</h3>
      <div className="form-row">
        <Field label={t('worklist.plan.at')} hint={t('worklist.plan.atHint')} required error={errors.plannedAt}>
          {(p) => (
            <input
              {...p}
              ref={first}
              type="datetime-local"
              name="plannedAt"
              value={at}
              onChange={(e) => {
                setAt(e.target.value);
                setErrors({ ...errors, plannedAt: undefined });
              }}
            />
          )}
        </Field>
        <Field label={t('worklist.plan.office')} required error={errors.officeId}>
          {(p) => (
            <select
              {...p}
              name="officeId"
              value={officeId}
              onChange={(e) => {
                setOfficeId(e.target.value);
                setErrors({ ...errors, officeId: undefined });
              }}
            >
              <option value="">{t('worklist.plan.choose')}</option>
              {offices.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormActions failure={failure} busy={busy} submit={t('worklist.plan.submit')} cancel={t('worklist.cancel')} onCancel={onCancel} />
    </form>
  );
}

function CancelForm({ item, onDone, onCancel }: { item: HandledAppointment; onDone: Done; onCancel(): void }) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const name = `${item.givenNames} ${item.familyName}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await postIfMatch(`/api/v1/appointments/${item.id}/cancel`, item.version, reason.trim() ? { reason: reason.trim() } : {});
      onDone(t('worklist.cancelForm.done', { name, partner: item.requestedByName }));
    } catch (err) {
      if (isStale(err)) onDone('');
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form worklist-form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('worklist.cancelForm.title', { name })}</h3>
      <Field label={t('worklist.cancelForm.reason')} hint={t('worklist.cancelForm.reasonHint')}>
        {(p) => <textarea {...p} name="reason" maxLength={500} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <FormActions failure={failure} busy={busy} danger submit={t('worklist.cancelForm.submit')} cancel={t('worklist.close')} onCancel={onCancel} />
    </form>
  );
}

export function AppointmentRequests({ items, onChanged }: { items: HandledAppointment[]; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const reason = useCodeList('appointment_reason');
  const timeWindow = useCodeList('time_window');
  const status = useCodeList('appointment_status');
  const offices = useOffices();
  const rows = useRowForms<'plan' | 'cancel'>(onChanged);
  const { open, message, setMessage, done } = rows;
  const officeName = (id: string | null) => offices.find((o) => o.id === id)?.name ?? '';

  async function hold(item: HandledAppointment) {
    setMessage(null);
    try {
      await postIfMatch(`/api/v1/appointments/${item.id}/hold`, item.version, {});
      await done(t('worklist.hold.done', { name: `${item.givenNames} ${item.familyName}`, partner: item.requestedByName }));
    } catch (err) {
      if (isStale(err)) await done('');
      else if (err instanceof ApiError && err.status === 422) setMessage({ kind: 'error', text: t('worklist.hold.tooEarly') });
      else setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    }
  }

  return (
    <ItemTable
      message={message}
      none={items.length ? null : t('worklist.appointments.none')}
      caption={t('worklist.appointments.caption')}
      headers={[t('worklist.person'), t('worklist.from'), t('worklist.reason'), t('worklist.appointments.wished'), t('worklist.status'), t('worklist.actions')]}
    >
      {items.map((a) => (
        <Fragment key={a.id}>
          <tr className="worklist-row" data-appointment={a.id}>
            <td>
              <PersonCell {...a} owner={{ list: 'appointments', item: a, onChanged }} />
            </td>
            <td>{a.requestedByName}</td>
            <td>
              {reason.label(a.reason)}
              {a.extraInformation && <div className="muted worklist-description">{a.extraInformation}</div>}
            </td>
            <td>
              {a.wishedDate ? (
                <>
                  {fmt.date(a.wishedDate)} <span className="muted">{timeWindow.label(a.timeWindow)}</span>
                </>
              ) : (
                '—'
              )}
            </td>
            <td>
              <span className={`badge${a.status === 'PLANNED' ? ' ok' : ''}`}>{status.label(a.status)}</span>
              {a.plannedAt && (
                <div className="worklist-planned">
                  {fmt.dateTime(a.plannedAt)}
                  {officeName(a.officeId) && <>, {officeName(a.officeId)}</>}
                </div>
              )}
            </td>
            <td className="worklist-actions">
              <button
                type="button"
                className="button small"
                onClick={() => {
                  rows.show(a.id, 'plan');
                }}
              >
                {a.status === 'PLANNED' ? t('worklist.appointments.move') : t('worklist.appointments.plan')}
              </button>
              {a.status === 'PLANNED' && (
                <button type="button" className="button secondary small" onClick={() => void hold(a)}>
                  {t('worklist.appointments.hold')}
                </button>
              )}
              <button
                type="button"
                className="button secondary small"
                onClick={() => {
                  rows.show(a.id, 'cancel');
                }}
              >
                {t('worklist.appointments.cancelAppointment')}
              </button>
            </td>
          </tr>
          {open?.id === a.id && (
            <FormRow columns={6}>
              {open.form === 'plan' ? (
                <PlanForm item={a} offices={offices} onDone={(m) => void done(m)} onCancel={rows.close} />
              ) : (
                <CancelForm item={a} onDone={(m) => void done(m)} onCancel={rows.close} />
              )}
            </FormRow>
          )}
        </Fragment>
      ))}
    </ItemTable>
  );
}
