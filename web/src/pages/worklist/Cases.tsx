/**
 * Infringement cases awaiting a decision, the oldest first: the person (to the dossier), the
 * infringements, when the case was opened and by when it should be decided (overdue flagged), the
 * fine the schedule proposes for this person — or, for a person on a living wage, that no fine is
 * possible and the case goes to the OCMW that pays it (seed 003 §15, §38).
 *
 * The decision form asks what was decided (fine, no fine, no further action), the amount within
 * the schedule's range (the proposal filled in), the day and the deciding organisation; a reason
 * for no fine. Errors are said at the field before anything is sent, and the server's too.
 */
import { Fragment, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api.ts';
import { Field } from '../../components/forms.tsx';
import { cached, useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { FormActions, FormRow, PersonCell, belgianToday, isStale, postIfMatch, useRowForms, ItemTable, DueCell } from './shared.tsx';

export interface LivingWage {
  source: 'INTEGRATION' | 'RECORD';
  organisationId: string;
  organisationName: string;
  startsOn: string;
  endsOn: string | null;
}

export interface InfringementCase {
  id: string;
  version: number;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  status: string;
  openedOn: string;
  dueOn: string | null;
  overdue: boolean;
  infringements: { id: string; type: string; establishedOn: string }[];
  earlierFines: number;
  proposedFine: { amount: number; minimum: number; maximum: number } | null;
  livingWage: LivingWage | null;
  defaultDeciderId: string | null;
  ownerId?: string | null;
}

type Form = 'decide' | 'ocmw';
type Decision = 'BOETE' | 'GEEN_BOETE' | 'GEEN_GEVOLG';
const DECISIONS: Decision[] = ['BOETE', 'GEEN_BOETE', 'GEEN_GEVOLG'];

/** The organisations that decide on infringements, for the form's pick-list: the enforcement officers' agency first. */
function useDeciders(also: string | null): { id: string; name: string; kind: string }[] {
  const [orgs, setOrgs] = useState<{ id: string; name: string; kind: string }[]>([]);
  useEffect(() => {
    void cached<{ items: { id: string; name: string; kind: string }[] }>('/api/v1/organisations?limit=500').then((r) =>
      setOrgs(
        r.items
          .filter((o) => o.kind === 'ABB' || o.kind === 'AGENCY')
          .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'ABB' ? -1 : 1)),
      ),
    );
  }, [also]);
  return orgs;
}

function DecideForm({ item, onDone, onCancel }: { item: InfringementCase; onDone(message: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const decisions = useCodeList('infringement_decision');
  const deciders = useDeciders(item.defaultDeciderId);
  const id = useId();
  const [decision, setDecision] = useState<Decision | ''>('');
  const [amount, setAmount] = useState(item.proposedFine ? String(item.proposedFine.amount) : '');
  const [decidedOn, setDecidedOn] = useState(belgianToday());
  const [decider, setDecider] = useState(item.defaultDeciderId ?? '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const name = `${item.givenNames} ${item.familyName}`;
  const range = item.proposedFine ?? { minimum: 50, maximum: 5000 };

  const focusField = (name: string) => form.current?.querySelector<HTMLElement>(`[name="${name}"]:not([disabled])`)?.focus();
  /** The words for a field's problem: the server's own check, said in the user's language. */
  const words: Record<string, () => string> = {
    decision: () => (item.livingWage ? t('worklist.cases.noFineLivingWage', { ocmw: item.livingWage.organisationName }) : t('worklist.cases.decisionRequired')),
    fineAmount: () => t('worklist.cases.amountRange', { min: fmt.number(range.minimum), max: fmt.number(range.maximum) }),
    reason: () => t('worklist.cases.reasonRequired'),
    decidedOn: () => t('worklist.cases.dayRange', { from: fmt.date(item.openedOn), to: fmt.date(belgianToday()) }),
    decidingOrganisationId: () => t('worklist.cases.deciderInvalid'),
  };

  function check(): Record<string, string> {
    const e: Record<string, string> = {};
    if (!decision) e.decision = t('worklist.cases.decisionRequired');
    if (decision === 'BOETE') {
      const n = Number(amount.replace(',', '.'));
      if (!amount.trim() || !Number.isFinite(n) || n < range.minimum || n > range.maximum)
        e.fineAmount = t('worklist.cases.amountRange', { min: fmt.number(range.minimum), max: fmt.number(range.maximum) });
    }
    if (decision && decision !== 'BOETE' && !reason.trim()) e.reason = t('worklist.cases.reasonRequired');
    if (!decider) e.decidingOrganisationId = t('worklist.cases.deciderInvalid');
    if (!decidedOn || decidedOn > belgianToday() || decidedOn < item.openedOn)
      e.decidedOn = t('worklist.cases.dayRange', { from: fmt.date(item.openedOn), to: fmt.date(belgianToday()) });
    return e;
  }

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setFailure(null);
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) {
      focusField(Object.keys(found)[0]!);
      return;
    }
    setBusy(true);
    try {
      await postIfMatch(`/api/v1/infringementCases/${item.id}/decision`, item.version, {
        decision,
        decidedOn,
        ...(decision === 'BOETE' ? { fineAmount: Number(amount.replace(',', '.')) } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        decidingOrganisationId: decider,
      });
      onDone(t('worklist.cases.decided', { name, decision: decisions.label(decision as string) }));
    } catch (err) {
      const fields = Object.keys(err instanceof ApiError ? err.fieldErrors() : {}).filter((f) => f in words);
      if (fields.length) {
        setErrors(Object.fromEntries(fields.map((f) => [f, words[f]!()])));
        focusField(fields[0]!);
      } else if (isStale(err)) onDone('');
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  const clear = (field: string) => setErrors(({ [field]: _, ...rest }) => rest);
  return (
    <form ref={form} className="form worklist-form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('worklist.cases.decideTitle', { name })}</h3>
      <fieldset className={`worklist-fieldset${errors.decision ? ' has-error' : ''}`} aria-describedby={errors.decision ? `${id}-decision-error` : undefined}>
        <legend>{t('worklist.cases.decision')}</legend>
        {errors.decision && (
          <p className="field-error" id={`${id}-decision-error`} role="alert">
            {errors.decision}
          </p>
        )}
        {DECISIONS.map((d) => (
          <label key={d} className="checkbox">
            <input
              type="radio"
              name="decision"
              value={d}
              checked={decision === d}
              disabled={d === 'BOETE' && item.livingWage !== null}
              onChange={() => {
                setDecision(d);
                clear('decision');
              }}
            />{' '}
            {decisions.label(d)}
          </label>
        ))}
        {item.livingWage && <p className="field-hint">{t('worklist.cases.noFineLivingWage', { ocmw: item.livingWage.organisationName })}</p>}
      </fieldset>
      {decision === 'BOETE' && (
        <Field
          label={t('worklist.cases.amount')}
          required
          hint={
            item.proposedFine
              ? t('worklist.cases.amountHint', {
                  amount: fmt.number(item.proposedFine.amount),
                  count: item.earlierFines,
                  min: fmt.number(range.minimum),
                  max: fmt.number(range.maximum),
                })
              : undefined
          }
          error={errors.fineAmount}
        >
          {(p) => (
            <input
              {...p}
              name="fineAmount"
              inputMode="decimal"
              value={amount}
              onChange={(e) => {
                setAmount(e.target.value);
                clear('fineAmount');
              }}
            />
          )}
        </Field>
      )}
      <Field label={t('worklist.cases.decidedOn')} required error={errors.decidedOn}>
        {(p) => (
          <input
            {...p}
            type="date"
            name="decidedOn"
            value={decidedOn}
            min={item.openedOn}
            max={belgianToday()}
            onChange={(e) => {
              setDecidedOn(e.target.value);
              clear('decidedOn');
            }}
          />
        )}
      </Field>
      <Field label={t('worklist.cases.decider')} required hint={t('worklist.cases.deciderHint')} error={errors.decidingOrganisationId}>
        {(p) => (
          <select {...p} name="decidingOrganisationId" value={decider} onChange={(e) => setDecider(e.target.value)}>
            <option value="">{t('admin.choose')}</option>
            {deciders.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={t('worklist.cases.reason')}
        required={decision !== '' && decision !== 'BOETE'}
        hint={decision === 'BOETE' ? t('worklist.decision.reasonOptional') : undefined}
        error={errors.reason}
      >
        {(p) => (
          <textarea
            {...p}
            name="reason"
            rows={3}
            maxLength={2000}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              clear('reason');
            }}
          />
        )}
      </Field>
      <FormActions failure={failure} busy={busy} submit={t('worklist.cases.confirmDecide')} cancel={t('worklist.cancel')} onCancel={onCancel} />
    </form>
  );
}

/** Handing the case to the OCMW: says what it means, then asks for a confirmation. */
function OcmwForm({ item, onDone, onCancel }: { item: InfringementCase; onDone(message: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const wage = item.livingWage!;
  const name = `${item.givenNames} ${item.familyName}`;
  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await request('POST', `/api/v1/infringementCases/${item.id}/handToOcmw`, undefined, { 'if-match': `"${item.version}"` });
      onDone(t('worklist.cases.handed', { name, ocmw: wage.organisationName }));
    } catch (err) {
      if (isStale(err)) onDone('');
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="form worklist-form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('worklist.cases.ocmwTitle', { name, ocmw: wage.organisationName })}</h3>
      <p>
        {t(wage.source === 'INTEGRATION' ? 'worklist.cases.wageFromIntegration' : 'worklist.cases.wageFromRecord', {
          ocmw: wage.organisationName,
          since: fmt.date(wage.startsOn),
        })}{' '}
        {t('worklist.cases.ocmwExplained')}
      </p>
      <FormActions failure={failure} busy={busy} submit={t('worklist.cases.confirmOcmw')} cancel={t('worklist.cancel')} onCancel={onCancel} />
    </form>
  );
}

export function Cases({ items, onChanged }: { items: InfringementCase[]; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const types = useCodeList('infringement_type');
  const rows = useRowForms<Form>(onChanged);
  const { open, message } = rows;

  return (
    <ItemTable
      message={message}
      none={items.length ? null : t('worklist.cases.none')}
      caption={t('worklist.cases.caption')}
      headers={[
        t('worklist.person'),
        t('worklist.cases.infringements'),
        t('worklist.cases.openedOn'),
        t('worklist.cases.dueOn'),
        t('worklist.cases.fine'),
        t('worklist.actions'),
      ]}
    >
      {items.map((c) => (
        <Fragment key={c.id}>
          <tr className="worklist-row" data-case={c.id}>
            <td>
              <PersonCell {...c} owner={{ list: 'infringementCases', item: c, onChanged }} />
            </td>
            <td className="worklist-description">{c.infringements.map((i) => types.label(i.type)).join('; ') || '—'}</td>
            <td>{fmt.date(c.openedOn)}</td>
            <DueCell dueOn={c.dueOn} overdue={c.overdue} />
            <td>
              {c.livingWage ? (
                <span className="badge warn">{t('worklist.cases.livingWage', { ocmw: c.livingWage.organisationName })}</span>
              ) : c.proposedFine ? (
                t('worklist.cases.proposed', { amount: fmt.number(c.proposedFine.amount) })
              ) : (
                '—'
              )}
            </td>
            <td className="worklist-actions">
              <button type="button" className="button small" onClick={() => rows.show(c.id, 'decide')}>
                {t('worklist.cases.decide')}
              </button>
              {c.livingWage && (
                <button type="button" className="button secondary small" onClick={() => rows.show(c.id, 'ocmw')}>
                  {t('worklist.cases.toOcmw')}
                </button>
              )}
            </td>
          </tr>
          {open?.id === c.id && (
            <FormRow columns={6}>
              {open.form === 'decide' ? (
                <DecideForm item={c} onDone={(m) => void rows.done(m)} onCancel={rows.close} />
              ) : (
                <OcmwForm item={c} onDone={(m) => void rows.done(m)} onCancel={rows.close} />
              )}
            </FormRow>
          )}
        </Fragment>
      ))}
    </ItemTable>
  );
}
