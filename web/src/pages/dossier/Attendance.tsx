/**
 * Participations summarised per enrolment: the attendance rate against the target (seed 003 §35:
 * 80 % in every part), and — on demand — the lessons one by one, each editable.
 */
import { useId, useState } from 'react';
import { Alert } from '../../components/forms.tsx';
import { useDossier, useWords } from './context.tsx';
import { useLessons } from './lessons.ts';
import { recordsOf, type Rec } from './model.ts';
import { RecordForm } from './RecordForm.tsx';

export interface Attendance {
  total: number;
  present: number;
  absent: number;
  justified: number;
  rate: number | null;
}

/** Present lessons over all recorded lessons; a justified absence is counted apart but is not presence. */
export function attendanceOf(participations: Rec[]): Attendance {
  const count = (code: string) => participations.filter((p) => p.attendance === code).length;
  const total = participations.length;
  const present = count('PRESENT');
  return { total, present, absent: count('ABSENT'), justified: count('ABSENT_JUSTIFIED'), rate: total ? Math.round((present / total) * 100) : null };
}

export function AttendanceSummary({ enrolment }: { enrolment: Rec }) {
  const { doc } = useDossier();
  const { t } = useWords();
  const a = attendanceOf(recordsOf(doc, 'participations').filter((p) => p.enrolmentId === enrolment.id));
  if (a.rate === null) return <span className="muted">{t('dossier.attendance.none')}</span>;
  const target = typeof enrolment.targetAttendanceRate === 'number' ? enrolment.targetAttendanceRate : 80;
  // seed 003 §35: at least the target is regular, at least 50 % irregular, below that unlawful early termination.
  const level = a.rate >= target ? 'ok' : a.rate >= 50 ? 'warn' : 'bad';
  return (
    <div className="dossier-attendance">
      <span className={`badge ${level}`}>{a.rate} %</span>
      <span className="dossier-bar" aria-hidden="true">
        <span className={`dossier-bar-fill ${level}`} style={{ width: `${a.rate}%` }} />
        <span className="dossier-bar-target" style={{ left: `${target}%` }} />
      </span>
      <span className="dossier-attendance-text">
        {t('dossier.attendance.summary', { present: a.present, total: a.total, target })}
        {a.justified > 0 && <> · {t('dossier.attendance.justified', { count: a.justified })}</>}
      </span>
    </div>
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
