/**
 * Attendance against the rule of the decree, at the top of the dossier: per trajectory component
 * (a part of the programme) the share of time present against the 80 % line, and the outcome under
 * the version of the rule in force today, with what it would be as an infringement. The judgement
 * comes from the server (GET /persons/:id/attendance); this screen only shows it.
 */
import { useId } from 'react';
import { useCodeList } from '../../data.ts';
import { useDossier, useWords } from './context.tsx';
import { AttendanceBar, AttendanceText } from './Attendance.tsx';
import type { PersonAttendance } from './model.ts';

const OUTCOME_LEVEL = { REGULAR: 'ok', IRREGULAR: 'warn', NOT_REGULAR: 'warn', EARLY_TERMINATION: 'bad', NO_LESSONS: '' } as const;

export function AttendanceRule() {
  const { attendance } = useDossier();
  return attendance ? <AttendanceJudgement attendance={attendance} /> : null;
}

/** The server's judgement of a person's attendance, wherever it is shown (the dossier, the OCMW's consultation screen). */
export function AttendanceJudgement({ attendance, level = 2 }: { attendance: PersonAttendance; level?: 2 | 3 | 4 }) {
  const Heading = `h${level}` as const;
  const Wrapper = level === 2 ? 'section' : 'div';
  const { t, fmt } = useWords();
  const componentTypes = useCodeList('trajectory_component_type');
  const infringementTypes = useCodeList('infringement_type');
  const id = useId();
  if (!attendance.components.some((c) => c.figures.lessons > 0)) return null;
  const { rule } = attendance;
  return (
    // A region of its own at the top of the dossier; inside another region (a panel) a plain block under a lower heading.
    <Wrapper className="dossier-rule" {...(level === 2 ? { 'aria-labelledby': `${id}-h` } : {})} data-testid="attendance-rule">
      <div className="dossier-rule-head">
        <Heading id={`${id}-h`}>{t('dossier.rule.attendance.title', { percent: rule.regularPercent })}</Heading>
        <span className={`badge ${OUTCOME_LEVEL[attendance.outcome]}`} data-testid="attendance-outcome">
          {t(`dossier.rule.outcome.${attendance.outcome}`)}
        </span>
      </div>
      {attendance.infringementType && (
        <p className="dossier-rule-infringement" role="status">
          {t('dossier.rule.infringement', { type: infringementTypes.label(attendance.infringementType) })}
        </p>
      )}
      <table className="dossier-table compact dossier-rule-table">
        <thead>
          <tr>
            <th scope="col">{t('dossier.rule.component')}</th>
            <th scope="col">{t('dossier.attendance.title')}</th>
          </tr>
        </thead>
        <tbody>
          {attendance.components
            .filter((c) => c.figures.lessons > 0)
            .map((c) => (
              <tr key={c.componentId ?? 'none'}>
                <th scope="row">
                  {c.type ? componentTypes.label(c.type) : t('dossier.rule.noComponent')}
                  {c.enrolments.length > 0 && <div className="muted small">{c.enrolments.map((e) => e.module ?? e.course).join(', ')}</div>}
                </th>
                <td>
                  {c.figures.status === 'NO_LESSONS' ? (
                    <span className="muted">{t('dossier.attendance.none')}</span>
                  ) : (
                    <div className="dossier-attendance">
                      <AttendanceBar figures={c.figures} rule={rule} />
                      <AttendanceText figures={c.figures} rule={rule} />
                    </div>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      <p className="muted small">
        {t('dossier.rule.version', { from: fmt.date(rule.validFrom), on: fmt.date(attendance.on) })}{' '}
        {rule.earlyTerminationAbsentPercent !== null
          ? t('dossier.rule.explainOld', { percent: rule.regularPercent, absent: rule.earlyTerminationAbsentPercent })
          : t('dossier.rule.explainNew', { percent: rule.regularPercent })}{' '}
        {t('dossier.rule.counting')}
      </p>
    </Wrapper>
  );
}
