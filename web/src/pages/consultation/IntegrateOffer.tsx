/**
 * When the client is not in the OCMW's integration register today (seed 002, footnote 1: the
 * person must be integrated on the day of the consultation under capacity code 1–9), the screen
 * says so and offers to integrate the client under a capacity code, then consults again.
 */
import { useId, useState, type FormEvent } from 'react';
import { ApiError, post } from '../../api.ts';
import { Alert, ErrorAlert, Field } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useI18n } from '../../i18n/index.tsx';
import { formatInsz } from '../../format.ts';

export function IntegrateOffer({ insz, onIntegrated }: { insz: string; onIntegrated(): void }) {
  const { t } = useI18n();
  const id = useId();
  const codes = useCodeList('capacity_code_ocmw');
  const [code, setCode] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  // What is wrong, as message keys: worded when shown (a language switch rewords them).
  const [confirmError, setConfirmError] = useState<'consult.integrate.error.confirm' | undefined>();
  const [fieldError, setFieldError] = useState<'consult.integrate.error.codeRequired' | 'consult.integrate.error.codeUnknown' | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!code) {
      setFieldError('consult.integrate.error.codeRequired');
      return;
    }
    // Integrating opens the dossier to the OCMW: the social worker confirms the relation it rests on.
    if (!confirmed) {
      setConfirmError('consult.integrate.error.confirm');
      document.getElementById(`${id}-confirm`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      await post('/api/v1/consultations/integrations', { insz, capacityCode: code });
      onIntegrated();
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors().capacityCode) setFieldError('consult.integrate.error.codeUnknown');
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="consult-integrate" aria-labelledby={id}>
      <Alert kind="warning">
        <h2 id={id} className="alert-title">
          {t('consult.notIntegrated.title')}
        </h2>
        <p>{t('consult.notIntegrated.text', { insz: formatInsz(insz) })}</p>
      </Alert>
      <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-form`}>
        <h3 id={`${id}-form`}>{t('consult.integrate.title')}</h3>
        <p className="muted">{t('consult.integrate.text')}</p>
        <div className="consult-start-row">
          <Field label={t('consult.integrate.capacityCode')} required error={fieldError && t(fieldError)}>
            {(p) => (
              <select
                {...p}
                name="capacityCode"
                value={code}
                onChange={(e) => {
                  setCode(e.target.value);
                  setFieldError(undefined);
                }}
              >
                <option value="">{t('consult.choose')}</option>
                {codes.entries.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.code} – {codes.label(c.code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {code && (
          <div className={`field${confirmError ? ' has-error' : ''}`}>
            <p>{t('consult.integrate.gives', { code: `${code} – ${codes.label(code)}` })}</p>
            <label className="checkbox">
              <input
                id={`${id}-confirm`}
                type="checkbox"
                checked={confirmed}
                aria-invalid={confirmError ? true : undefined}
                aria-describedby={confirmError ? `${id}-confirm-error` : undefined}
                onChange={(e) => {
                  setConfirmed(e.target.checked);
                  setConfirmError(undefined);
                }}
              />{' '}
              {t('consult.integrate.confirm', { code: `${code} – ${codes.label(code)}` })}
            </label>
            {confirmError && (
              <div id={`${id}-confirm-error`} className="field-error" role="alert">
                {t(confirmError)}
              </div>
            )}
          </div>
        )}
        <div className="consult-start-row">
          <div className="consult-start-submit">
            <button type="submit" className="button" disabled={busy}>
              {t('consult.integrate.submit')}
            </button>
          </div>
        </div>
        {error !== null && !fieldError && <ErrorAlert error={error} />}
      </form>
    </section>
  );
}
