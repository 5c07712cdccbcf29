/**
 * The dossier's path at a glance: invitation → registration → contract → trajectory components →
 * certificate. Done steps are filled, the current one is highlighted, a step that was passed over
 * (e.g. registration on one's own initiative, without invitation) is dashed. Plain CSS, no charts.
 */
import { useDossier, useWords } from './context.tsx';
import { recordsOf, type Rec } from './model.ts';

type State = 'done' | 'current' | 'todo' | 'skipped';

interface Step {
  key: string;
  label: string;
  date: string;
  detail?: string;
  state: State;
}

// Codes of the component-status list (trajectory_component_status): 99 = finished, 31 = running.
const COMPONENT_DONE = new Set(['TO_STA_99']);
const COMPONENT_RUNNING = new Set(['TO_STA_31']);

const latest = (records: Rec[], field: string) => [...records].sort((a, b) => String(b[field] ?? '').localeCompare(String(a[field] ?? '')))[0];

export function PathTimeline() {
  const { doc, codes } = useDossier();
  const w = useWords();
  const { t, fmt } = w;
  const notYet = t('dossier.path.notYet');

  const invitation = latest(recordsOf(doc, 'invitations'), 'sentOn');
  const registration = latest(recordsOf(doc, 'registrations'), 'registeredOn');
  const contract = latest(recordsOf(doc, 'contracts'), 'signedOn');
  const trajectory = latest(recordsOf(doc, 'trajectories'), 'startDate');
  const allComponents = recordsOf(doc, 'trajectoryComponents');
  const components = (trajectory ? allComponents.filter((c) => c.trajectoryId === trajectory.id) : allComponents).sort((a, b) =>
    String(a.startDate ?? '').localeCompare(String(b.startDate ?? '')),
  );
  const certificates = recordsOf(doc, 'certificates');
  const certificate =
    latest(
      certificates.filter((c) => c.kind === 'INTEGRATION'),
      'issuedOn',
    ) ?? latest(certificates, 'issuedOn');

  const before: Step[] = [
    {
      key: 'invitation',
      label: t('dossier.path.invitation'),
      date: invitation ? fmt.date(invitation.sentOn as string) : notYet,
      detail: invitation ? codes.label('invitation_status', invitation.status) : undefined,
      state: invitation ? 'done' : 'todo',
    },
    {
      key: 'registration',
      label: t('dossier.path.registration'),
      date: registration ? fmt.date(registration.registeredOn as string) : notYet,
      detail: registration ? codes.label('registration_type', registration.type) : undefined,
      state: registration ? 'done' : 'todo',
    },
    {
      key: 'contract',
      label: t('dossier.path.contract'),
      date: contract ? fmt.date(contract.signedOn as string) : notYet,
      detail: contract ? codes.label('contract_kind', contract.kind) : undefined,
      state: contract ? 'done' : 'todo',
    },
  ];
  const parts: Step[] = components.length
    ? components.map((c) => {
        const done = COMPONENT_DONE.has(String(c.status)) || c.exempted === true;
        const running = COMPONENT_RUNNING.has(String(c.status));
        const status = c.exempted === true ? t('dossier.path.exempted') : codes.label('trajectory_component_status', c.status);
        return {
          key: c.id,
          label: codes.label('trajectory_component_type', c.type),
          date: done
            ? fmt.date((c.endDate ?? c.statusSince) as string)
            : running
              ? t('dossier.path.since', { date: fmt.date(c.startDate as string) })
              : fmt.date(c.startDate as string),
          detail: status,
          state: done ? 'done' : running ? 'current' : 'todo',
        } satisfies Step;
      })
    : [{ key: 'components', label: t('dossier.path.components'), date: notYet, state: 'todo' }];
  const after: Step[] = [
    {
      key: 'certificate',
      label: certificate?.kind === 'INTEGRATION' || !certificate ? t('dossier.path.certificate') : codes.label('certificate_kind', certificate.kind),
      date: certificate ? fmt.date(certificate.issuedOn as string) : notYet,
      state: certificate ? 'done' : 'todo',
    },
  ];

  // A step not taken while a later one is done was passed over; the first open step is the current one.
  const all = [...before, ...parts, ...after];
  all.forEach((s, i) => {
    if (s.state === 'todo' && all.slice(i + 1).some((n) => n.state === 'done')) s.state = 'skipped';
  });
  if (!all.some((s) => s.state === 'current')) {
    const next = all.find((s) => s.state === 'todo');
    if (next) next.state = 'current';
  }

  const stateText: Record<State, string> = {
    done: t('dossier.path.stateDone'),
    current: t('dossier.path.stateCurrent'),
    todo: t('dossier.path.stateTodo'),
    skipped: t('dossier.path.stateSkipped'),
  };
  const item = (s: Step) => (
    <li key={s.key} className={`path-step ${s.state}`} aria-current={s.state === 'current' ? 'step' : undefined}>
      <span className="path-dot" aria-hidden="true" />
      <span className="path-label">{s.label}</span>
      <span className="path-date">{s.date}</span>
      {s.detail && <span className="path-detail">{s.detail}</span>}
      <span className="visually-hidden"> ({stateText[s.state]})</span>
    </li>
  );
  const trajectoryName = trajectory
    ? `${codes.label('trajectory_type', trajectory.type)} · ${codes.label('trajectory_status', trajectory.status)}`
    : t('dossier.path.noTrajectory');

  return (
    <div className="dossier-path-wrap" role="region" aria-label={t('dossier.path.title')} tabIndex={0}>
      <ol className="dossier-path">
        {before.map(item)}
        <li className="path-group" style={{ flexGrow: parts.length }}>
          <ol className="dossier-path nested" aria-label={t('dossier.path.trajectory', { name: trajectoryName })}>
            {parts.map(item)}
          </ol>
          <span className="path-group-label">{t('dossier.path.trajectory', { name: trajectoryName })}</span>
        </li>
        {after.map(item)}
      </ol>
    </div>
  );
}
