/**
 * Participations summarised per enrolment: the attendance as the server judged it against the rule
 * (seed 003 §35: 80 % in every part), and — on demand — the lessons one by one, each editable.
 */
import { useId, useState } from 'react';
import { Alert } from '../../components/forms.tsx';
import { useDossier, useWords } from './context.tsx';
import { useLessons } from './lessons.ts';
import { recordsOf, type AttendanceFigures, type PersonAttendance, type Rec } from './model.ts';
import { RecordForm } from './RecordForm.tsx';

const LEVEL = { REGULAR: 'ok', BELOW_REGULAR: 'warn', EARLY_TERMINATION: 'bad', NO_LESSONS: '' } as const;

/** Minutes as hours for the screen: "13,5 u". */
const hours = (minutes: number, fmt: (n: number) => string) => fmt(Math.round((minutes / 60) * 10) / 10);

/** A bar of the percentage present with the rule's lines (80 %, and 50 % where the rule has it). */
export function AttendanceBar({ figures, rule }: { figures: AttendanceFigures; rule: PersonAttendance['rule'] }) {
  const { fmt } = useWords();
  const level = LEVEL[figures.status];
  return (
    <>
      <span className={`badge ${level}`}>{figures.presentPercent === null ? '—' : `${fmt.number(figures.presentPercent)} %`}</span>
      <span className="dossier-bar" aria-hidden="true">
        <span className={`dossier-bar-fill ${level}`} style={{ width: `${figures.presentPercent ?? 0}%` }} />
        <span className="dossier-bar-target" style={{ left: `${rule.regularPercent}%` }} />
        {rule.earlyTerminationAbsentPercent !== null && (
          <span className="dossier-bar-target minor" style={{ left: `${100 - rule.earlyTerminationAbsentPercent}%` }} />
        )}
      </span>
    </>
  );
}

/** The figures of one part in words: hours present of hours counted, excused and suspended apart. */
export function AttendanceText({ figures, rule }: { figures: AttendanceFigures; rule: PersonAttendance['rule'] }) {
  const { t, fmt } = useWords();
  const n = (x: number) => fmt.number(x);
  return (
    <span className="dossier-attendance-text">
      {t('dossier.attendance.hours', { present: hours(figures.presentMinutes, n), counted: hours(figures.countedMinutes, n), target: rule.regularPercent })}
      {figures.justifiedMinutes > 0 && <> · {t('dossier.attendance.justifiedHours', { hours: hours(figures.justifiedMinutes, n) })}</>}
      {figures.suspendedMinutes > 0 && <> · {t('dossier.attendance.suspendedHours', { hours: hours(figures.suspendedMinutes, n) })}</>}
    </span>
  );
}

/**
 * An enrolment's attendance as the server judged it. Where there is no judgement (a past state of
 * the dossier, or a role that may not read the components), only the lessons are counted: the
 * rule is applied in one place, on the server.
 */
export function AttendanceSummary({ enrolment }: { enrolment: Rec }) {
  const { doc, attendance } = useDossier();
  const { t } = useWords();
  const judged = attendance?.components.flatMap((c) => c.enrolments).find((e) => e.enrolmentId === enrolment.id);
  if (judged && attendance && judged.status !== 'NO_LESSONS')
    return (
      <div className="dossier-attendance">
        <AttendanceBar figures={judged} rule={attendance.rule} />
        <AttendanceText figures={judged} rule={attendance.rule} />
      </div>
    );
  const rows = recordsOf(doc, 'participations').filter((p) => p.enrolmentId === enrolment.id);
  if (!rows.length) return <span className="muted">{t('dossier.attendance.none')}</span>;
  return (
    <span className="dossier-attendance-text">
      {t('dossier.attendance.counted', { present: rows.filter((p) => p.attendance === 'PRESENT').length, total: rows.length })}
    </span>
  );
}

type FormState = { mode: 'edit'; record: Rec } | { mode: 'create' } | null;

export function AttendanceDetails({ enrolment }: { enrolment: Rec }) {
  const { doc, meta, refs, readOnly, reload, codes } = useDossier();
  const w = useWords();
  const { t } = w;
  const id = useId();
  const m = meta.get('participations');
  const lessons = useLessons(enrolment.courseId, refs);
  const [form, setForm] = useState<FormState>(null);
  const [saved, setSaved] = useState<string | null>(null);
  if (!m) return null;
  const rows = recordsOf(doc, 'participations').filter((p) => p.enrolmentId === enrolment.id);
  const lessonOf = (p: Rec) => lessons?.find((l) => l.id === p.lessonId);
  const sorted = [...rows].sort((a, b) => String(lessonOf(a)?.startsAt ?? '').localeCompare(String(lessonOf(b)?.startsAt ?? '')));
  const canWrite = m.canWrite && !readOnly;

  async function done(rec: Rec | null) {
    setForm(null);
    if (rec) {
      setSaved(t('dossier.form.saved', { name: w.singular('participations') }));
      await reload();
    }
  }

  return (
    <div className="dossier-lessons">
      <div className="dossier-resource-head">
        <h4 id={`${id}-h`}>{t('dossier.attendance.lessons')}</h4>
        {canWrite && !form && (
          <button
            type="button"
            className="button secondary small"
            onClick={() => {
              setSaved(null);
              setForm({ mode: 'create' });
            }}
          >
            {t('add')}
            <span className="visually-hidden"> — {w.singular('participations')}</span>
          </button>
        )}
      </div>
      {saved && <Alert kind="success">{saved}</Alert>}
      {rows.length === 0 ? (
        <p className="empty">{t('dossier.attendance.none')}</p>
      ) : (
        <ul className="dossier-lesson-grid" aria-labelledby={`${id}-h`}>
          {sorted.map((p) => {
            const lesson = lessonOf(p);
            const when = lesson ? w.fmt.dateTime(lesson.startsAt as string) : lessons === null ? t('loading') : '—';
            const content = (
              <>
                <span>{when}</span>
                <span className="dossier-lesson-state">{codes.label('attendance', p.attendance)}</span>
              </>
            );
            return (
              <li key={p.id}>
                {canWrite ? (
                  <button
                    type="button"
                    className={`dossier-lesson ${String(p.attendance)}`}
                    onClick={() => {
                      setSaved(null);
                      setForm({ mode: 'edit', record: p });
                    }}
                  >
                    <span className="visually-hidden">{t('edit')}: </span>
                    {content}
                  </button>
                ) : (
                  <span className={`dossier-lesson ${String(p.attendance)}`}>{content}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {form && (
        <RecordForm
          key={form.mode === 'edit' ? form.record.id : 'new'}
          meta={m}
          mode={form.mode}
          record={form.mode === 'edit' ? form.record : undefined}
          presets={{ enrolmentId: enrolment.id, attendance: 'PRESENT' }}
          staticText={form.mode === 'edit' && lessonOf(form.record) ? { lessonId: w.fmt.dateTime(lessonOf(form.record)!.startsAt as string) } : {}}
          onDone={(rec) => void done(rec)}
        />
      )}
    </div>
  );
}
