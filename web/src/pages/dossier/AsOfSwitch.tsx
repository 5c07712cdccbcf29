/**
 * "Show as known on date": the dossier exactly as KBI knew it at the end of that day (Brussels
 * time), or at a given time of it. The choice lives in the address (?asOf=2023-01-15&time=14:05),
 * so it can be shared and the browser's Back button returns to today.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Field } from '../../components/forms.tsx';
import type { MessageKey } from '../../i18n/index.tsx';
import { useWords } from './context.tsx';
import { brusselsIso, brusselsToday, endOfBrusselsDay, isDate, isTime } from './model.ts';

export interface AsOfChoice {
  date: string;
  time: string | null;
}

/** The asOf the server wants, from the address's choice; null when the choice is not a valid moment. */
export function asOfIso(choice: AsOfChoice | null): string | null {
  if (!choice || !isDate(choice.date)) return null;
  if (choice.time && isTime(choice.time)) return brusselsIso(choice.date, choice.time.length === 5 ? `${choice.time}:59` : choice.time, '.999999');
  return endOfBrusselsDay(choice.date);
}

export function AsOfSwitch({ choice, onChange }: { choice: AsOfChoice | null; onChange(choice: AsOfChoice | null): void }) {
  const { t } = useWords();
  const [date, setDate] = useState(choice?.date ?? '');
  const [time, setTime] = useState(choice?.time ?? '');
  // What is wrong with the fields, as message keys: worded when shown, so that a language switch rewords them.
  const [errors, setErrors] = useState<{ date?: MessageKey; time?: MessageKey }>({});
  useEffect(() => {
    setDate(choice?.date ?? '');
    setTime(choice?.time ?? '');
  }, [choice?.date, choice?.time]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const found: { date?: MessageKey; time?: MessageKey } = {};
    if (!isDate(date)) found.date = 'dossier.asOf.dateInvalid';
    else if (date > brusselsToday()) found.date = 'dossier.asOf.future';
    if (time && !isTime(time)) found.time = 'dossier.asOf.timeInvalid';
    setErrors(found);
    if (Object.keys(found).length) return;
    onChange({ date, time: time || null });
  }

  return (
    <form className="dossier-asof" id="dossier-asof" onSubmit={submit} noValidate aria-labelledby="dossier-asof-h">
      <h2 id="dossier-asof-h" className="dossier-asof-title">
        {t('dossier.asOf.title')}
      </h2>
      <div className="dossier-asof-fields">
        <Field label={t('dossier.asOf.date')} error={errors.date && t(errors.date)}>
          {(p) => <input {...p} type="date" max={brusselsToday()} value={date} onChange={(e) => setDate(e.target.value)} />}
        </Field>
        <Field label={t('dossier.asOf.time')} error={errors.time && t(errors.time)}>
          {(p) => (
            <input
              {...p}
              aria-describedby={[p['aria-describedby'], 'dossier-asof-hint'].filter(Boolean).join(' ')}
              type="time"
              step={1}
              value={time}
              onChange={(e) => setTime(e.target.value)}
            />
          )}
        </Field>
        <p id="dossier-asof-hint" className="dossier-asof-hint">
          {t('dossier.asOf.timeHint')}
        </p>
        <div className="actions">
          <button type="submit" className="button secondary small">
            {t('dossier.asOf.show')}
          </button>
          {choice && (
            <button type="button" className="button small" onClick={() => onChange(null)}>
              {t('dossier.asOf.today')}
            </button>
          )}
        </div>
      </div>
    </form>
  );
}
