/** The start of the screen: the client's INSZ, the purpose of the consultation, "Raadplegen". */
import { useState, type FormEvent } from 'react';
import { Field } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { checkInsz, normaliseInsz } from './insz.ts';
import { OCMW_PURPOSES } from './types.ts';

const INSZ_MESSAGES: Record<'empty' | 'format' | 'checksum', MessageKey> = {
  empty: 'consult.insz.error.empty',
  format: 'consult.insz.error.format',
  checksum: 'consult.insz.error.checksum',
};

export function StartForm({
  busy,
  serverError,
  onConsult,
}: {
  busy: boolean;
  /** What the server said about the INSZ, shown at the field. */
  serverError?: string | undefined;
  onConsult(insz: string, purpose: string): void;
}) {
  const { t } = useI18n();
  const purposes = useCodeList('purpose');
  const [insz, setInsz] = useState('');
  const [purpose, setPurpose] = useState<string>(OCMW_PURPOSES[0]);
  // What is wrong with the INSZ, worded when shown (a language switch rewords it).
  const [error, setError] = useState<keyof typeof INSZ_MESSAGES | undefined>();

  function submit(e: FormEvent) {
    e.preventDefault();
    const problem = checkInsz(insz);
    if (problem) {
      setError(problem);
      (e.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>('input[name=insz]')?.focus();
      return;
    }
    setError(undefined);
    onConsult(normaliseInsz(insz), purpose);
  }

  return (
    <form className="form consult-start" noValidate onSubmit={submit} role="search" aria-label={t('consult.start.label')}>
      <div className="consult-start-row">
        <Field label={t('consult.insz')} hint={t('consult.inszHint')} required error={error ? t(INSZ_MESSAGES[error]) : serverError}>
          {(p) => (
            <input
              {...p}
              name="insz"
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
              maxLength={15}
              value={insz}
              onChange={(e) => {
                setInsz(e.target.value);
                setError(undefined);
              }}
            />
          )}
        </Field>
        <Field label={t('consult.purpose')}>
          {(p) => (
            <select {...p} name="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
              {OCMW_PURPOSES.map((code) => (
                <option key={code} value={code}>
                  {purposes.label(code)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="consult-start-submit">
          <button type="submit" className="button" disabled={busy}>
            {t('consult.consult')}
          </button>
        </div>
      </div>
    </form>
  );
}
