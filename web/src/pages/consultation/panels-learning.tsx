/**
 * Panels 7–16 of the information part (seed 002 §2.3): training activities, tests, advice,
 * perspectives, infringements, language knowledge, waiting list, conversations, case lead and
 * contact, diploma-recognition support.
 */
import { useCodeList } from '../../data.ts';
import { ClientAttendance } from './Attendance.tsx';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import type { Dossier, Participation, WaitingListEntry } from './types.ts';
import { OfficeRef, OrganisationRef, StaffRef, CourseRef } from './references.tsx';
import type { PanelProps } from './panels-path.tsx';
import { dash, Empty, Facts, NotAuthorised, Period, RecordTable } from './ui.tsx';

export function CoursesPanel({ dossier, attendance }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const status = useCodeList('enrolment_status');
  const result = useCodeList('enrolment_result');
  const exitReason = useCodeList('enrolment_exit_reason');
  const rows = dossier.enrolments ?? [];
  if (!rows.length) return <Empty />;
  return (
    <>
      <ClientAttendance attendance={attendance} />
      <RecordTable
        caption={t('consult.courses.caption')}
        rows={rows}
        columns={[
          { header: t('consult.field.course'), cell: (r) => <CourseRef id={r.courseId} moduleId={r.moduleId} /> },
          { header: t('consult.field.enrolledOn'), cell: (r) => fmt.date(r.enrolledOn) },
          { header: t('consult.field.period'), cell: (r) => <Period start={r.startDate} end={r.endDate} /> },
          { header: t('consult.field.status'), cell: (r) => status.label(r.status) },
          {
            header: t('consult.field.targetAttendance'),
            cell: (r) => (r.targetAttendanceRate == null ? dash(null) : `${fmt.number(r.targetAttendanceRate)} %`),
            className: 'num',
          },
          {
            header: t('consult.field.attendance'),
            // KBI's judgement per enrolment (minutes, excused absences out of the base), never restated here.
            cell: (r) => {
              const a = attendance?.components.flatMap((c) => c.enrolments).find((e) => e.enrolmentId === r.id);
              if (!a) return <span className="muted">{attendance ? t('consult.courses.noLessons') : t('consult.notAuthorised')}</span>;
              if (a.status === 'NO_LESSONS' || a.presentPercent === null) return <span className="muted">{t('consult.courses.noLessons')}</span>;
              return (
                <>
                  <span className={`badge ${a.status === 'REGULAR' ? 'ok' : 'bad'}`}>{fmt.number(a.presentPercent)} %</span>
                  <span className="cell-sub muted">{t('consult.courses.lessons', { count: a.lessons })}</span>
                </>
              );
            },
          },
          { header: t('consult.field.result'), cell: (r) => (r.result ? result.label(r.result) : dash(null)) },
          { header: t('consult.field.exitReason'), cell: (r) => (r.exitReason ? exitReason.label(r.exitReason) : dash(null)) },
        ]}
      />
    </>
  );
}

export function TestsPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const type = useCodeList('test_type');
  const result = useCodeList('test_result');
  const rows = dossier.testResults ?? [];
  if (!rows.length) return <Empty />;
  return (
    <RecordTable
      caption={t('consult.panel.tests')}
      hideCaption
      rows={rows}
      columns={[
        { header: t('consult.field.test'), cell: (r) => type.label(r.testType) },
        { header: t('consult.field.takenOn'), cell: (r) => fmt.date(r.takenOn) },
        {
          header: t('consult.field.result'),
          cell: (r) => <span className={`badge ${r.result === 'GESLAAGD' ? 'ok' : r.result === 'NIET_GESLAAGD' ? 'bad' : ''}`}>{result.label(r.result)}</span>,
        },
        { header: t('consult.field.level'), cell: (r) => dash(r.level) },
        {
          header: t('consult.field.score'),
          cell: (r) => (r.score == null ? dash(null) : r.maxScore == null ? fmt.number(r.score) : `${fmt.number(r.score)} / ${fmt.number(r.maxScore)}`),
          className: 'num',
        },
        { header: t('consult.field.provider'), cell: (r) => <OrganisationRef id={r.providerId} /> },
      ]}
    />
  );
}

export function AdvicePanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const source = useCodeList('advice_source');
  const type = useCodeList('advice_type');
  const intensity = useCodeList('course_intensity');
  const rows = dossier.advice ?? [];
  if (!rows.length) return <Empty />;
  return (
    <RecordTable
      caption={t('consult.panel.advice')}
      hideCaption
      rows={rows}
      columns={[
        { header: t('consult.field.givenOn'), cell: (r) => fmt.date(r.givenOn) },
        { header: t('consult.field.source'), cell: (r) => source.label(r.source) },
        {
          header: t('consult.field.advice'),
          cell: (r) => (
            <>
              {type.label(r.adviceType)}
              {(r.advisedLevel || r.intensity) && (
                <span className="cell-sub muted">{[r.advisedLevel, r.intensity ? intensity.label(r.intensity) : null].filter(Boolean).join(' · ')}</span>
              )}
            </>
          ),
        },
        { header: t('consult.field.givenBy'), cell: (r) => <OrganisationRef id={r.givenById} /> },
        { header: t('consult.field.text'), cell: (r) => dash(r.text) },
      ]}
    />
  );
}

export function PerspectivesPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const perspective = useCodeList('perspective');
  const trajectoryType = useCodeList('trajectory_type');
  const rows = dossier.perspectives ?? [];
  if (!rows.length) return <Empty />;
  const trajectoryOf = (id: string | undefined) => (dossier.trajectories ?? []).find((x) => x.id === id);
  return (
    <RecordTable
      caption={t('consult.panel.perspectives')}
      hideCaption
      rows={rows}
      columns={[
        { header: t('consult.field.perspective'), cell: (r) => perspective.label(r.perspective) },
        { header: t('consult.field.period'), cell: (r) => <Period start={r.startDate} end={r.endDate} /> },
        {
          header: t('consult.field.trajectory'),
          cell: (r) => {
            const tr = trajectoryOf(r.trajectoryId);
            return tr ? trajectoryType.label(tr.type) : dash(null);
          },
        },
      ]}
    />
  );
}

export function InfringementsPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const type = useCodeList('infringement_type');
  const authority = useCodeList('sanctioning_authority');
  const decision = useCodeList('infringement_decision');
  const rows = dossier.infringements ?? [];
  if (!rows.length) return <Empty />;
  const decisionsOf = (caseId: string | undefined) => (dossier.infringementDecisions ?? []).filter((d) => caseId && d.caseId === caseId);
  return (
    <RecordTable
      caption={t('consult.panel.infringements')}
      hideCaption
      rows={rows}
      columns={[
        { header: t('consult.field.infringement'), cell: (r) => type.label(r.type) },
        { header: t('consult.field.establishedOn'), cell: (r) => fmt.date(r.establishedOn) },
        { header: t('consult.field.noticeSentOn'), cell: (r) => fmt.date(r.noticeSentOn) },
        { header: t('consult.field.sanctioningAuthority'), cell: (r) => authority.label(r.sanctioningAuthority) },
        {
          header: t('consult.field.decision'),
          cell: (r) => {
            const list = decisionsOf(r.caseId);
            if (!list.length) return dash(null);
            return (
              <ul className="plain-list">
                {list.map((d) => (
                  <li key={d.id}>
                    {decision.label(d.decision)} ({fmt.date(d.decidedOn)}){d.fineAmount != null ? ` · € ${fmt.number(d.fineAmount)}` : ''}
                  </li>
                ))}
              </ul>
            );
          },
        },
      ]}
    />
  );
}

const SCRIPT_KEYS = { LATIN: 'consult.script.latin', ARABIC: 'consult.script.arabic', CYRILLIC: 'consult.script.cyrillic' } as const;
const BASIS_KEYS = {
  TEST: 'consult.basis.test',
  COURSE: 'consult.basis.course',
  CAREER: 'consult.basis.career',
  CERTIFICATE: 'consult.basis.certificate',
} as const;

export function LanguagesPanel({ dossier, clusters }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const language = useCodeList('language');
  const proficiency = useCodeList('language_proficiency');
  const literacy = useCodeList('literacy_level');
  const skills = dossier.languageSkills ?? [];
  const literacyRows = dossier.literacyAssessments ?? [];
  const levels = dossier.levelAttainments ?? [];
  const basis = (b: string) => (b in BASIS_KEYS ? t(BASIS_KEYS[b as keyof typeof BASIS_KEYS]) : b);
  return (
    <div className="panel-parts">
      <div className="panel-part">
        <h4>{t('consult.languages.spoken')}</h4>
        {!clusters.has('languages') ? (
          <NotAuthorised />
        ) : !skills.length ? (
          <Empty />
        ) : (
          <RecordTable
            caption={t('consult.languages.spoken')}
            hideCaption
            rows={skills}
            columns={[
              { header: t('consult.field.language'), cell: (r) => language.label(r.language) },
              { header: t('consult.field.proficiency'), cell: (r) => proficiency.label(r.proficiency) },
              { header: t('consult.field.contactLanguage'), cell: (r) => (r.contactLanguage ? t('yes') : t('no')) },
            ]}
          />
        )}
      </div>
      <div className="panel-part">
        <h4>{t('consult.languages.literacy')}</h4>
        {!clusters.has('languages') ? (
          <NotAuthorised />
        ) : !literacyRows.length ? (
          <Empty />
        ) : (
          <RecordTable
            caption={t('consult.languages.literacy')}
            hideCaption
            rows={literacyRows}
            columns={[
              { header: t('consult.field.literacy'), cell: (r) => literacy.label(r.level) },
              {
                header: t('consult.field.script'),
                cell: (r) => (r.script && r.script in SCRIPT_KEYS ? t(SCRIPT_KEYS[r.script as keyof typeof SCRIPT_KEYS]) : dash(r.script)),
              },
              { header: t('consult.field.assessedOn'), cell: (r) => fmt.date(r.assessedOn) },
            ]}
          />
        )}
      </div>
      <div className="panel-part">
        <h4>{t('consult.languages.level')}</h4>
        {!clusters.has('level') ? (
          <NotAuthorised />
        ) : !levels.length ? (
          <Empty />
        ) : (
          <RecordTable
            caption={t('consult.languages.level')}
            hideCaption
            rows={levels}
            columns={[
              {
                header: t('consult.field.level'),
                cell: (r) => (
                  <strong>
                    {r.domain ? `${r.domain} ` : ''}
                    {r.level}
                  </strong>
                ),
              },
              { header: t('consult.field.obtainedOn'), cell: (r) => fmt.date(r.obtainedOn) },
              { header: t('consult.field.basis'), cell: (r) => basis(r.basis) },
            ]}
          />
        )}
      </div>
    </div>
  );
}

/**
 * Seed 002: the waiting list holds the applications for courses that are not cancelled and have
 * no placement or refusal that is not itself cancelled. An application placed through an
 * enrolment the answer holds counts as placed, unless that enrolment was struck out.
 */
export function onWaitingList(entries: WaitingListEntry[], dossier: Dossier): WaitingListEntry[] {
  return entries.filter((e) => {
    if (e.status === 'CANCELLED' || e.status === 'PLACED' || e.status === 'REFUSED') return false;
    const placement = e.enrolmentId ? (dossier.enrolments ?? []).find((x) => x.id === e.enrolmentId) : undefined;
    return !placement || placement.status === 'UITGESCHREVEN';
  });
}

export function WaitingListPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const courseType = useCodeList('course_type');
  const status = useCodeList('waiting_list_status');
  const all = dossier.waitingListEntries ?? [];
  const rows = onWaitingList(all, dossier);
  const left = all.length - rows.length;
  return (
    <>
      {rows.length ? (
        <RecordTable
          caption={t('consult.waitingList.caption')}
          rows={rows}
          columns={[
            { header: t('consult.field.courseType'), cell: (r) => courseType.label(r.courseType) },
            { header: t('consult.field.appliedOn'), cell: (r) => fmt.date(r.appliedOn) },
            { header: t('consult.field.provider'), cell: (r) => <OrganisationRef id={r.providerId} /> },
            { header: t('consult.field.office'), cell: (r) => <OfficeRef id={r.officeId} /> },
            {
              header: t('consult.field.status'),
              cell: (r) => (
                <>
                  {status.label(r.status)}
                  <span className="cell-sub muted">{t('consult.since', { date: fmt.date(r.statusSince) })}</span>
                </>
              ),
            },
          ]}
        />
      ) : (
        <Empty>{t('consult.waitingList.none')}</Empty>
      )}
      {left > 0 && <p className="panel-note muted">{t('consult.waitingList.left', { count: left })}</p>}
    </>
  );
}

export function ConversationsPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const channel = useCodeList('conversation_channel');
  const rows = dossier.conversations ?? [];
  if (!rows.length) return <Empty />;
  return (
    <RecordTable
      caption={t('consult.panel.conversations')}
      hideCaption
      rows={rows}
      columns={[
        { header: t('consult.field.heldAt'), cell: (r) => fmt.dateTime(r.heldAt) },
        { header: t('consult.field.office'), cell: (r) => <OfficeRef id={r.officeId} /> },
        { header: t('consult.field.staff'), cell: (r) => <StaffRef id={r.staffId} /> },
        { header: t('consult.field.channel'), cell: (r) => (r.channel ? channel.label(r.channel) : dash(null)) },
        {
          header: t('consult.field.text'),
          cell: (r) => (r.text ? <span className="free-text">{r.text}</span> : <span className="muted">{t('consult.conversations.noText')}</span>),
        },
      ]}
    />
  );
}

export function CaseLeadPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const rows = dossier.caseLead ?? [];
  if (!rows.length) return <Empty />;
  return (
    <>
      {rows.map((r) => (
        <Facts
          key={r.id}
          items={[
            [t('consult.field.dossierNumber'), <span className="mono">{dash(r.dossierNumber)}</span>],
            [t('consult.field.caseLead'), <OrganisationRef id={r.caseLeadOrganisationId} />],
            [t('consult.field.caseLeadSince'), fmt.date(r.caseLeadSince)],
            [t('consult.field.managingOffice'), <OfficeRef id={r.managingOfficeId} detail />],
            [t('consult.field.contactPerson'), <StaffRef id={r.contactStaffId} detail />],
            [t('consult.field.dossierPeriod'), <Period start={r.openedOn} end={r.closedOn} />],
          ]}
        />
      ))}
    </>
  );
}

export function DiplomaRecognitionPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const type = useCodeList('diploma_recognition_support_type');
  const rows = dossier.diplomaRecognitionSupport ?? [];
  if (!rows.length) return <Empty />;
  return (
    <RecordTable
      caption={t('consult.panel.diplomaRecognition')}
      hideCaption
      rows={rows}
      columns={[
        { header: t('consult.field.givenOn'), cell: (r) => fmt.date(r.givenOn) },
        { header: t('consult.field.support'), cell: (r) => type.label(r.supportType) },
        { header: t('consult.field.office'), cell: (r) => <OfficeRef id={r.officeId} /> },
        { header: t('consult.field.remarks'), cell: (r) => dash(r.remarks) },
      ]}
    />
  );
}
