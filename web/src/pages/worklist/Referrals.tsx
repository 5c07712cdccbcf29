/**
 * Incoming referrals (toeleidingen): the person, the referring partner, the reason, when, and the
 * deadline with a badge when it is close or past. Accept (a reason may be given) or reject (a
 * reason is required, and the form says so at the field before anything is sent).
 */
import { Fragment, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { Alert, Field } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { DecisionButtons, FormRow, PersonCell, daysUntil, isStale, postIfMatch, useRowForms, FormActions } from './shared.tsx';

export interface WorklistReferral {
  id: string;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  fromOrganisationName: string;
  reason: string;
  description: string | null;
  referredOn: string;
  respondBy: string;
  status: string;
  version: number;
  ownerId?: string | null;
}

type Decision = 'ACCEPTED' | 'REJECTED';

function DeadlineBadge({ day }: { day: string }) {
  const { t } = useI18n();
  const left = daysUntil(day);
  if (left < 0) return <span className="badge bad">{t('worklist.deadline.overdue')}</span>;
  if (left === 0) return <span className="badge warn">{t('worklist.deadline.today')}</span>;
  if (left <= 3) return <span className="badge warn">{left === 1 ? t('worklist.deadline.day') : t('worklist.deadline.days', { count: left })}</span>;
  return null;
}

function DecisionForm({
  referral,
  decision,
  onDone,
  onCancel,
}: {
  referral: WorklistReferral;
  decision: Decision;
  onDone(message: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const reasons = useCodeList('referral_decision_reason');
  const [reason, setReason] = useState('');
  // What is wrong with the reason, as a message key: worded when shown (a language switch rewords it).
  const [error, setError] = useState<'worklist.decision.reasonRequired' | 'worklist.decision.reasonUnknown' | undefined>();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const select = useRef<HTMLSelectElement>(null);
  const name = `${referral.givenNames} ${referral.familyName}`;
  const rejecting = decision === 'REJECTED';
  // Each reason says which decision it goes with (attributes.decision, migration 0013).
  const options = reasons.entries.filter((e) => (e as { attributes?: { decision?: string } }).attributes?.decision === decision);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    if (rejecting && !reason) {
      setError('worklist.decision.reasonRequired');
      select.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await postIfMatch(`/api/v1/referrals/${referral.id}/decision`, referral.version, { decision, ...(reason ? { reason } : {}) });
      onDone(t(rejecting ? 'worklist.decision.rejected' : 'worklist.decision.accepted', { name, partner: referral.fromOrganisationName }));
    } catch (err) {
      const field = err instanceof ApiError ? err.fieldErrors().reason : undefined;
      if (field) {
        setError(/needs a reason/.test(field) ? 'worklist.decision.reasonRequired' : 'worklist.decision.reasonUnknown');
        select.current?.focus();
      } else if (isStale(err)) onDone('');
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form worklist-form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t(rejecting ? 'worklist.decision.rejectTitle' : 'worklist.decision.acceptTitle', { name })}</h3>
      {referral.status === 'EXPIRED' && <Alert kind="info">{t('worklist.decision.late')}</Alert>}
      <Field
        label={t('worklist.decision.reason')}
        required={rejecting}
        hint={rejecting ? undefined : t('worklist.decision.reasonOptional')}
        error={error && t(error)}
      >
        {(p) => (
          <select
            {...p}
            ref={select}
            name="reason"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setError(undefined);
            }}
          >
            <option value="">{t('worklist.plan.choose')}</option>
            {options.map((o) => (
              <option key={o.code} value={o.code}>
                {reasons.label(o.code)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormActions
        failure={failure}
        busy={busy}
        danger={rejecting}
        submit={t(rejecting ? 'worklist.decision.confirmReject' : 'worklist.decision.confirmAccept')}
        cancel={t('worklist.cancel')}
        onCancel={onCancel}
      />
    </form>
  );
}

export function Referrals({ items, onChanged }: { items: WorklistReferral[]; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const reason = useCodeList('referral_reason');
  const status = useCodeList('referral_status');
  const rows = useRowForms<Decision>(onChanged);
  const { open, message } = rows;
  const sorted = [...items].sort((a, b) => (a.respondBy < b.respondBy ? -1 : a.respondBy > b.respondBy ? 1 : a.referredOn < b.referredOn ? -1 : 1));

  return (
    <>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {!sorted.length ? (
        <p className="muted">{t('worklist.referrals.none')}</p>
      ) : (
        <table className="table worklist-table">
          <caption>{t('worklist.referrals.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('worklist.person')}</th>
              <th scope="col">{t('worklist.from')}</th>
              <th scope="col">{t('worklist.reason')}</th>
              <th scope="col">{t('worklist.referrals.referredOn')}</th>
              <th scope="col">{t('worklist.referrals.respondBy')}</th>
              <th scope="col">{t('worklist.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <Fragment key={r.id}>
                <tr className="worklist-row" data-referral={r.id}>
                  <td>
                    <PersonCell {...r} owner={{ list: 'referrals', item: r, onChanged }} />
                  </td>
                  <td>{r.fromOrganisationName}</td>
                  <td>
                    {reason.label(r.reason)}
                    {r.description && <div className="muted worklist-description">{r.description}</div>}
                  </td>
                  <td>{fmt.date(r.referredOn)}</td>
                  <td>
                    {fmt.date(r.respondBy)} <DeadlineBadge day={r.respondBy} />
                    {r.status !== 'SENT' && (
                      <div>
                        <span className="badge">{status.label(r.status)}</span>
                      </div>
                    )}
                  </td>
                  <DecisionButtons
                    first={t('worklist.accept')}
                    second={t('worklist.reject')}
                    onFirst={() => rows.show(r.id, 'ACCEPTED')}
                    onSecond={() => rows.show(r.id, 'REJECTED')}
                  />
                </tr>
                {open?.id === r.id && (
                  <FormRow columns={6}>
                    <DecisionForm key={open.form} referral={r} decision={open.form} onDone={(m) => void rows.done(m)} onCancel={rows.close} />
                  </FormRow>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
