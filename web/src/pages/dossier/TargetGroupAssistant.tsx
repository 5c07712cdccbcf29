/**
 * The target-group assistant inside the dossier (registration group): what the dossier tells about
 * the person, the questions only the caseworker can answer, and the server's proposal — obliged,
 * entitled, minor or not in the target group — with its reasons and legal source. The caseworker
 * confirms the proposal or decides otherwise with a reason; either way a target-group determination
 * is recorded that remembers the proposal. The judgement is the server's; this screen only asks.
 */
import { useId, useState, type FormEvent } from 'react';
import { ApiError, post } from '../../api.ts';
import { Alert, ErrorAlert, Field } from '../../components/forms.tsx';
import type { MessageKey } from '../../i18n/index.tsx';
import { useDossier, useWords } from './context.tsx';

type Outcome = 'PLICHT' | 'RECHT' | 'MINDERJARIG' | 'NONE';
const QUESTIONS = [
  'firstLongResidence',
  'temporaryStay',
  'bornAbroad',
  'parentBornAbroad',
  'ministerOfReligion',
  'seriousIllness',
  'dutchDiploma',
  'earlierCertificate',
] as const;
type Question = (typeof QUESTIONS)[number];

interface Proposal {
  outcome: Outcome;
  subtype: string | null;
  noTargetGroupReason: string | null;
  exemptionReason: string | null;
  reasons: { key: string; facts: Record<string, unknown> }[];
  missing: string[];
  rule: { id: string; validFrom: string; source: string };
  on: string;
}
interface Advice {
  known: Record<string, unknown>;
  proposal: Proposal;
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date());

export function TargetGroupAssistant() {
  const { personId, doc, readOnly, meta, codes, reload } = useDossier();
  const { t, fmt } = useWords();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [firstOn, setFirstOn] = useState('');
  const [firstRegion, setFirstRegion] = useState('');
  const [answers, setAnswers] = useState<Partial<Record<Question, boolean>>>({});
  const [advice, setAdvice] = useState<Advice | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [override, setOverride] = useState(false);
  const [otherOutcome, setOtherOutcome] = useState<Outcome | ''>('');
  const [reason, setReason] = useState('');
  const [noReason, setNoReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  if (readOnly || !meta.get('targetGroupDeterminations')?.canWrite) return null;

  const body = () => ({
    answers: {
      ...(firstOn ? { firstRegisteredOn: firstOn } : {}),
      ...(firstRegion ? { firstRegisteredRegion: firstRegion } : {}),
      ...answers,
    },
  });

  async function propose(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    setDone(null);
    setErrors({});
    if (firstOn && firstOn > today()) {
      setErrors({ firstRegisteredOn: t('dossier.tg.notFuture') });
      return;
    }
    setBusy(true);
    try {
      setAdvice(await post<Advice>(`/api/v1/persons/${personId}/targetGroupProposal`, body()));
      setOverride(false);
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  async function record(outcome: Outcome, why: string | null) {
    if (!advice) return;
    const p = advice.proposal;
    const same = outcome === p.outcome;
    if (!same) {
      const e: Record<string, string> = {};
      if (!outcome) e.outcome = t('dossier.tg.chooseOutcome');
      if (outcome === 'NONE' && !noReason) e.noTargetGroupReason = t('dossier.tg.chooseReason');
      if (!why?.trim()) e.overrideReason = t('dossier.tg.reasonRequired');
      setErrors(e);
      if (Object.keys(e).length) return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await post(`/api/v1/persons/${personId}/targetGroupDeterminations`, {
        determinedOn: today(),
        determined: outcome !== 'NONE',
        ...(outcome !== 'NONE' ? { type: outcome, subtype: same ? p.subtype : outcome === 'PLICHT' ? 'VOL_PROG' : outcome } : {}),
        ...(outcome === 'NONE' ? { noTargetGroupReason: same ? p.noTargetGroupReason : noReason } : {}),
        ...(same && p.exemptionReason ? { exemptionReason: p.exemptionReason } : {}),
        proposedOutcome: p.outcome,
        proposalRuleId: p.rule.id,
        ...(why?.trim() ? { overrideReason: why.trim() } : {}),
      });
      setDone(t('dossier.tg.recorded', { outcome: outcomeLabel(outcome) }));
      setAdvice(null);
      setOpen(false);
      await reload();
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors().overrideReason) setErrors({ overrideReason: t('dossier.tg.reasonRequired') });
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  const outcomeLabel = (o: Outcome) => (o === 'NONE' ? t('dossier.tg.none') : codes.label('target_group_type', o));
  const yesNo = (q: Question) => (
    <Field key={q} label={t(`dossier.tg.q.${q}` as MessageKey)}>
      {(p) => (
        <select
          {...p}
          name={q}
          value={answers[q] === undefined ? '' : answers[q] ? 'yes' : 'no'}
          onChange={(e) => setAnswers(({ [q]: _, ...rest }) => (e.target.value === '' ? rest : { ...rest, [q]: e.target.value === 'yes' }))}
        >
          <option value="">{t('dossier.tg.unknown')}</option>
          <option value="yes">{t('dossier.tg.yes')}</option>
          <option value="no">{t('dossier.tg.no')}</option>
        </select>
      )}
    </Field>
  );
  const known = advice?.known;

  return (
    <section className="dossier-assistant" aria-labelledby={`${id}-h`} data-testid="target-group-assistant">
      <div className="dossier-rule-head">
        <h3 id={`${id}-h`}>{t('dossier.tg.title')}</h3>
        {!open && (
          <button type="button" className="button secondary small" onClick={() => setOpen(true)}>
            {t('dossier.tg.open')}
          </button>
        )}
      </div>
      {done && <Alert kind="success">{done}</Alert>}
      {open && (
        <>
          <p className="muted">{t('dossier.tg.intro')}</p>
          <form className="form" noValidate onSubmit={propose} aria-label={t('dossier.tg.questions')}>
            <div className="dossier-assistant-grid">
              <Field label={t('dossier.tg.q.firstRegisteredOn')} error={errors.firstRegisteredOn}>
                {(p) => <input {...p} type="date" name="firstRegisteredOn" max={today()} value={firstOn} onChange={(e) => setFirstOn(e.target.value)} />}
              </Field>
              <Field label={t('dossier.tg.q.firstRegisteredRegion')}>
                {(p) => (
                  <select {...p} name="firstRegisteredRegion" value={firstRegion} onChange={(e) => setFirstRegion(e.target.value)}>
                    <option value="">{t('dossier.tg.unknown')}</option>
                    {(['FLANDERS', 'BRUSSELS', 'WALLONIA'] as const).map((r) => (
                      <option key={r} value={r}>
                        {t(`dossier.tg.region.${r}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {/* Born abroad (and a parent born abroad) decide only for Belgians. */}
              {QUESTIONS.filter(
                (q) => (q !== 'bornAbroad' && q !== 'parentBornAbroad') || (doc.person as { nationality?: string } | undefined)?.nationality === 'BEL',
              ).map(yesNo)}
            </div>
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {t('dossier.tg.propose')}
              </button>
              <button type="button" className="button secondary" onClick={() => setOpen(false)}>
                {t('worklist.cancel')}
              </button>
            </div>
          </form>
          {failure !== null && <ErrorAlert error={failure} />}
          {advice && known && (
            <div className="dossier-assistant-result" role="status" data-testid="target-group-proposal" data-outcome={advice.proposal.outcome}>
              <h4>
                {t('dossier.tg.proposal')}: {outcomeLabel(advice.proposal.outcome)}
                {advice.proposal.subtype && ` · ${codes.label('target_group_subtype', advice.proposal.subtype)}`}
              </h4>
              {advice.proposal.exemptionReason && <p>{t('dossier.tg.exempt', { reason: codes.label('exemption_reason', advice.proposal.exemptionReason) })}</p>}
              {advice.proposal.noTargetGroupReason && <p>{codes.label('no_target_group_reason', advice.proposal.noTargetGroupReason)}</p>}
              <ul>
                {advice.proposal.reasons.map((r, i) => (
                  <li key={i}>{t(`dossier.tg.reason.${r.key}` as MessageKey, { months: String(r.facts.months ?? ''), age: String(r.facts.age ?? '') })}</li>
                ))}
              </ul>
              <p className="muted small">
                {t('dossier.tg.known', {
                  nationality: codes.label('nationality', String(known.nationality ?? '')),
                  birth: known.birthDate ? fmt.date(String(known.birthDate)) : '—',
                  region: known.region ? t(`dossier.tg.region.${String(known.region)}` as MessageKey) : '—',
                })}{' '}
                {t('dossier.tg.source', { source: advice.proposal.rule.source, from: fmt.date(advice.proposal.rule.validFrom) })}
              </p>
              {advice.proposal.missing.length > 0 && (
                <p className="dossier-assistant-missing">
                  {t('dossier.tg.missing', { questions: advice.proposal.missing.map((m) => t(`dossier.tg.q.${m}` as MessageKey)).join('; ') })}
                </p>
              )}
              {!override ? (
                <div className="actions">
                  <button type="button" className="button" disabled={busy} onClick={() => void record(advice.proposal.outcome, null)}>
                    {t('dossier.tg.confirm')}
                  </button>
                  <button type="button" className="button secondary" onClick={() => setOverride(true)}>
                    {t('dossier.tg.otherwise')}
                  </button>
                </div>
              ) : (
                <form
                  className="form"
                  noValidate
                  aria-label={t('dossier.tg.otherwise')}
                  onSubmit={(e) => {
                    e.preventDefault();
                    void record(otherOutcome as Outcome, reason);
                  }}
                >
                  <Field label={t('dossier.tg.outcome')} required error={errors.outcome}>
                    {(p) => (
                      <select {...p} name="outcome" value={otherOutcome} onChange={(e) => setOtherOutcome(e.target.value as Outcome)}>
                        <option value="">{t('admin.choose')}</option>
                        {(['PLICHT', 'RECHT', 'MINDERJARIG', 'NONE'] as const)
                          .filter((o) => o !== advice.proposal.outcome)
                          .map((o) => (
                            <option key={o} value={o}>
                              {outcomeLabel(o)}
                            </option>
                          ))}
                      </select>
                    )}
                  </Field>
                  {otherOutcome === 'NONE' && (
                    <Field label={t('dossier.tg.noTargetGroupReason')} required error={errors.noTargetGroupReason}>
                      {(p) => (
                        <select {...p} name="noTargetGroupReason" value={noReason} onChange={(e) => setNoReason(e.target.value)}>
                          <option value="">{t('admin.choose')}</option>
                          {codes.entries('no_target_group_reason').map((c) => (
                            <option key={c.code} value={c.code}>
                              {codes.label('no_target_group_reason', c.code)}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                  )}
                  <Field label={t('dossier.tg.overrideReason')} required error={errors.overrideReason}>
                    {(p) => <textarea {...p} name="overrideReason" rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />}
                  </Field>
                  <div className="actions">
                    <button type="submit" className="button" disabled={busy}>
                      {t('dossier.tg.recordOtherwise')}
                    </button>
                    <button type="button" className="button secondary" onClick={() => setOverride(false)}>
                      {t('worklist.cancel')}
                    </button>
                  </div>
                </form>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
