/**
 * Part 1 of the screen, "Afspraken" (seed 002 §2.1): the appointments this OCMW requested for the
 * client, and "Maak een nieuwe afspraak": a reason from the list, optional extra information, an
 * optional wished date that then needs a time window, "Registreren". The form checks that rule
 * itself, and shows every field the server names at that field too.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, post } from '../../api.ts';
import { Alert, ErrorAlert, Field } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n, type MessageKey } from '../../i18n/index.tsx';
import type { Appointment } from './types.ts';
import { Empty, RecordTable, dash } from './ui.tsx';

interface Form {
  reason: string;
  extraInformation: string;
  wishedDate: string;
  timeWindow: string;
}
const EMPTY: Form = { reason: '', extraInformation: '', wishedDate: '', timeWindow: '' };
type FieldName = keyof Form;

/** Today in Belgium (YYYY-MM-DD), the day the server measures "in the past" against. */
const belgianToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date());

/** The form's own check: the same rules the server applies (seed 002 §2.1). */
export function checkAppointment(form: Form, today = belgianToday()): Partial<Record<FieldName, MessageKey>> {
  const errors: Partial<Record<FieldName, MessageKey>> = {};
  if (!form.reason) errors.reason = 'consult.appointment.error.reasonRequired';
  if (form.wishedDate) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.wishedDate)) errors.wishedDate = 'consult.appointment.error.dateInvalid';
    else if (form.wishedDate < today) errors.wishedDate = 'consult.appointment.error.datePast';
    if (!form.timeWindow) errors.timeWindow = 'consult.appointment.error.timeWindowRequired';
  }
  return errors;
}

/** A server field error in the user's words where KBI's wording is known; otherwise the server's own. */
function serverMessage(field: string, detail: string): MessageKey | null {
  if (/requires a time window/.test(detail)) return 'consult.appointment.error.timeWindowRequired';
  if (/not in code list/.test(detail)) return field === 'reason' ? 'consult.appointment.error.reasonUnknown' : 'consult.appointment.error.codeUnknown';
  if (/in the past/.test(detail)) return 'consult.appointment.error.datePast';
  if (/not a date/.test(detail)) return 'consult.appointment.error.dateInvalid';
  return null;
}

export function Appointments({ insz, purpose, children }: { insz: string; purpose: string; children?: ReactNode }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const id = useId();
  const reason = useCodeList('appointment_reason');
  const timeWindow = useCodeList('time_window');
  const status = useCodeList('appointment_status');
  const [items, setItems] = useState<Appointment[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [registered, setRegistered] = useState<string | null>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  const firstField = useRef<HTMLSelectElement>(null);

  const load = useCallback(async () => {
    try {
      setItems((await post<{ items: Appointment[] }>('/api/v1/consultations/appointments/search', { insz, purpose })).items);
      setListError(null);
    } catch (e) {
      setListError(e);
    }
  }, [insz, purpose]);
  useEffect(() => {
    setItems(null);
    setRegistered(null);
    setFormOpen(false);
    void load();
  }, [load]);
  useEffect(() => {
    if (formOpen) firstField.current?.focus();
  }, [formOpen]);

  const set = (k: FieldName) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => {
    setForm({ ...form, [k]: e.target.value });
    if (errors[k]) setErrors({ ...errors, [k]: undefined });
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const formElement = e.currentTarget as HTMLFormElement;
    setSubmitError(null);
    const own = checkAppointment(form);
    if (Object.keys(own).length) {
      setErrors(Object.fromEntries(Object.entries(own).map(([k, key]) => [k, t(key)])));
      requestAnimationFrame(() => focusFirstError(formElement));
      return;
    }
    setBusy(true);
    try {
      const created = await post<Appointment>('/api/v1/consultations/appointments', {
        insz,
        purpose,
        reason: form.reason,
        ...(form.extraInformation.trim() ? { extraInformation: form.extraInformation.trim() } : {}),
        ...(form.wishedDate ? { wishedDate: form.wishedDate } : {}),
        ...(form.timeWindow ? { timeWindow: form.timeWindow } : {}),
      });
      setForm(EMPTY);
      setErrors({});
      setFormOpen(false);
      setRegistered(created.id);
      await load();
      openButton.current?.focus();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fieldErrors()).length) {
        const fields = err.fieldErrors();
        setErrors(
          Object.fromEntries(
            Object.entries(fields).map(([k, detail]) => {
              const key = serverMessage(k, detail);
              return [k, key ? t(key) : detail];
            }),
          ),
        );
        requestAnimationFrame(() => focusFirstError(formElement));
      }
      setSubmitError(err);
    } finally {
      setBusy(false);
    }
  }

  const cancel = () => {
    setFormOpen(false);
    setForm(EMPTY);
    setErrors({});
    setSubmitError(null);
    openButton.current?.focus();
  };
  const formId = `${id}-form`;
  const dateGiven = form.wishedDate !== '';

  return (
    <section className="consult-part" aria-labelledby={`${id}-title`}>
      <div className="part-heading">
        <h2 id={`${id}-title`}>{t('consult.part.appointments')}</h2>
        <button
          ref={openButton}
          type="button"
          className="button secondary small"
          aria-expanded={formOpen}
          aria-controls={formId}
          onClick={() => (formOpen ? cancel() : (setFormOpen(true), setRegistered(null)))}
        >
          {t('consult.appointment.new')}
        </button>
      </div>
      {registered && <Alert kind="success">{t('consult.appointment.registered')}</Alert>}
      <div id={formId} hidden={!formOpen}>
        {formOpen && (
          <form className="form appointment-form" noValidate onSubmit={submit} aria-labelledby={`${id}-form-title`}>
            <h3 id={`${id}-form-title`}>{t('consult.appointment.formTitle')}</h3>
            <div className="form-row">
              <Field label={t('consult.appointment.reason')} required error={errors.reason}>
                {(p) => (
                  <select {...p} ref={firstField} name="reason" value={form.reason} onChange={set('reason')}>
                    <option value="">{t('consult.choose')}</option>
                    {reason.entries.map((e) => (
                      <option key={e.code} value={e.code}>
                        {reason.label(e.code)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('consult.appointment.wishedDate')} hint={t('consult.appointment.wishedDateHint')} error={errors.wishedDate}>
                {(p) => <input {...p} type="date" name="wishedDate" min={belgianToday()} value={form.wishedDate} onChange={set('wishedDate')} />}
              </Field>
              <Field label={t('consult.appointment.timeWindow')} hint={t('consult.appointment.timeWindowHint')} required={dateGiven} error={errors.timeWindow}>
                {(p) => (
                  <select {...p} name="timeWindow" value={form.timeWindow} onChange={set('timeWindow')}>
                    <option value="">{t('consult.choose')}</option>
                    {timeWindow.entries.map((e) => (
                      <option key={e.code} value={e.code}>
                        {timeWindow.label(e.code)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <Field label={t('consult.appointment.extraInformation')} hint={t('consult.appointment.extraInformationHint')} error={errors.extraInformation}>
              {(p) => <textarea {...p} name="extraInformation" maxLength={2000} rows={3} value={form.extraInformation} onChange={set('extraInformation')} />}
            </Field>
            {submitError !== null && <ErrorAlert error={submitError} />}
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t('consult.appointment.register')}
              </button>
              <button type="button" className="button secondary" onClick={cancel}>
                {t('cancel')}
              </button>
            </div>
          </form>
        )}
      </div>
      {listError !== null && <ErrorAlert error={listError} />}
      {items === null && listError === null && (
        <p className="loading muted" role="status">
          {t('loading')}
        </p>
      )}
      {items &&
        (items.length === 0 ? (
          <Empty>{t('consult.appointment.none')}</Empty>
        ) : (
          <RecordTable
            caption={t('consult.appointment.caption')}
            rows={items}
            rowClass={(r) => (r.id === registered ? 'just-added' : undefined)}
            columns={[
              { header: t('consult.appointment.reason'), cell: (r) => reason.label(r.reason) },
              { header: t('consult.appointment.wishedDate'), cell: (r) => fmt.date(r.wishedDate) },
              { header: t('consult.appointment.timeWindow'), cell: (r) => (r.timeWindow ? timeWindow.label(r.timeWindow) : dash(null)) },
              {
                header: t('consult.appointment.status'),
                cell: (r) => (
                  <>
                    {status.label(r.status)}
                    {r.plannedAt && <span className="cell-sub muted">{t('consult.appointment.plannedAt', { moment: fmt.dateTime(r.plannedAt) })}</span>}
                  </>
                ),
              },
              { header: t('consult.appointment.recordedAt'), cell: (r) => fmt.dateTime(r.recordedAt) },
              { header: t('consult.appointment.extraInformation'), cell: (r) => dash(r.extraInformation) },
            ]}
          />
        ))}
      {children}
    </section>
  );
}

function focusFirstError(form: HTMLFormElement) {
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
