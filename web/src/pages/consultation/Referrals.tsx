/**
 * Referring the client to the integration agency (toeleiding, seed 003 §59) from the consultation
 * screen: the referrals this OCMW made for the client with their status and the agency's answer,
 * and a form — a reason from the list and, if needed, a few words (share no more than needed). The
 * agency that manages the dossier receives it and answers within ten working days.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, post } from '../../api.ts';
import { Alert, ErrorAlert, Field } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { Empty, RecordTable, dash } from './ui.tsx';

interface Referral {
  id: string;
  reason: string;
  referredOn: string;
  respondBy: string | null;
  status: string;
  decidedOn: string | null;
  decisionReason: string | null;
}

export function Referrals({ insz, purpose }: { insz: string; purpose: string }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const id = useId();
  const reasons = useCodeList('referral_reason');
  const statuses = useCodeList('referral_status');
  const decisionReasons = useCodeList('referral_decision_reason');
  const [items, setItems] = useState<Referral[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; description?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setItems((await post<{ items: Referral[] }>('/api/v1/consultations/referrals/search', { insz })).items);
      setListError(null);
    } catch (e) {
      setListError(e);
    }
  }, [insz]);
  useEffect(() => {
    void load();
  }, [load]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    if (!reason) {
      setErrors({ reason: t('consult.referral.reasonRequired') });
      document.querySelector<HTMLSelectElement>('.consult-referrals select[name=reason]')?.focus();
      return;
    }
    setBusy(true);
    try {
      await post('/api/v1/consultations/referrals', { insz, purpose, reason, ...(description.trim() ? { description: description.trim() } : {}) });
      setOpen(false);
      setReason('');
      setDescription('');
      setDone(true);
      await load();
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      if (fields.reason) setErrors({ reason: t('consult.referral.reasonRequired') });
      else if (fields.toOrganisationId) setFailure(new Error(t('consult.referral.noAgency')));
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="consult-referrals" aria-labelledby={`${id}-title`} role="group">
      <div className="part-heading">
        <h3 id={`${id}-title`}>{t('consult.referral.title')}</h3>
        {!open && (
          <button
            type="button"
            className="button secondary small"
            onClick={() => {
              setOpen(true);
              setDone(false);
            }}
          >
            {t('consult.referral.new')}
          </button>
        )}
      </div>
      {done && <Alert kind="success">{t('consult.referral.sent')}</Alert>}
      {open && (
        <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-form-title`}>
          <h4 id={`${id}-form-title`}>{t('consult.referral.formTitle')}</h4>
          <p className="muted">{t('consult.referral.explain')}</p>
          <Field label={t('consult.referral.reason')} required error={errors.reason}>
            {(p) => (
              <select
                {...p}
                name="reason"
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  setErrors({});
                }}
              >
                <option value="">{t('consult.choose')}</option>
                {reasons.entries.map((c) => (
                  <option key={c.code} value={c.code}>
                    {reasons.label(c.code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('consult.referral.description')} hint={t('consult.referral.descriptionHint')} error={errors.description}>
            {(p) => <textarea {...p} name="description" rows={3} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
          {failure !== null && (failure instanceof ApiError ? <ErrorAlert error={failure} /> : <Alert>{(failure as Error).message}</Alert>)}
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t('consult.referral.submit')}
            </button>
            <button type="button" className="button secondary" onClick={() => setOpen(false)}>
              {t('worklist.cancel')}
            </button>
          </div>
        </form>
      )}
      {listError !== null ? (
        <ErrorAlert error={listError} />
      ) : items === null ? null : !items.length ? (
        <Empty>{t('consult.referral.none')}</Empty>
      ) : (
        <RecordTable
          caption={t('consult.referral.caption')}
          rows={items}
          columns={[
            { header: t('consult.referral.referredOn'), cell: (r) => fmt.date(r.referredOn) },
            { header: t('consult.referral.reason'), cell: (r) => reasons.label(r.reason) },
            { header: t('consult.field.status'), cell: (r) => statuses.label(r.status) },
            { header: t('consult.referral.respondBy'), cell: (r) => (r.respondBy ? fmt.date(r.respondBy) : dash(null)) },
            {
              header: t('consult.referral.answer'),
              cell: (r) => (r.decidedOn ? `${fmt.date(r.decidedOn)}${r.decisionReason ? ` · ${decisionReasons.label(r.decisionReason)}` : ''}` : dash(null)),
            },
          ]}
        />
      )}
    </div>
  );
}
