/**
 * Part 3 of the screen, "Informatieluiken" (seed 002 §2.3): sixteen panels, each opened on its
 * own with the green plus sign or all at once with "Alles uitvouwen". A panel whose clusters are
 * not in the answer is shown as not authorised and never shows data; a panel without data says so.
 */
import { useId, useState, type ComponentType } from 'react';
import type { PersonAttendance } from '../dossier/model.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import type { Cluster, Dossier } from './types.ts';
import {
  CertificatesPanel,
  ContractsPanel,
  RegistrationPostponementsPanel,
  RegistrationsPanel,
  SigningPostponementsPanel,
  TrajectoriesPanel,
  type PanelProps,
} from './panels-path.tsx';
import {
  AdvicePanel,
  CaseLeadPanel,
  ConversationsPanel,
  CoursesPanel,
  DiplomaRecognitionPanel,
  InfringementsPanel,
  LanguagesPanel,
  onWaitingList,
  PerspectivesPanel,
  TestsPanel,
  WaitingListPanel,
} from './panels-learning.tsx';
import { NotAuthorised } from './ui.tsx';

export interface PanelDef {
  key: string;
  title: MessageKey;
  /** The clusters the panel shows; it is authorised when the answer holds at least one of them. */
  clusters: Cluster[];
  /** How many records the panel lists (for the count in its header). */
  count(dossier: Dossier): number;
  Content: ComponentType<PanelProps>;
}

const n = (rows: unknown[] | undefined) => rows?.length ?? 0;

/** The sixteen panels, in the order of seed 002 §2.3. */
export const PANELS: PanelDef[] = [
  { key: 'certificates', title: 'consult.panel.certificates', clusters: ['certificates'], count: (d) => n(d.certificates), Content: CertificatesPanel },
  { key: 'contracts', title: 'consult.panel.contracts', clusters: ['contracts'], count: (d) => n(d.contracts), Content: ContractsPanel },
  {
    key: 'signingPostponements',
    title: 'consult.panel.signingPostponements',
    clusters: ['contracts'],
    count: (d) => n(d.signingPostponements),
    Content: SigningPostponementsPanel,
  },
  { key: 'registrations', title: 'consult.panel.registrations', clusters: ['registration'], count: (d) => n(d.registrations), Content: RegistrationsPanel },
  {
    key: 'registrationPostponements',
    title: 'consult.panel.registrationPostponements',
    clusters: ['registration'],
    count: (d) => n(d.registrationPostponements),
    Content: RegistrationPostponementsPanel,
  },
  {
    key: 'trajectories',
    title: 'consult.panel.trajectories',
    clusters: ['trajectories', 'components', 'componentSuspensions'],
    count: (d) => n(d.trajectories),
    Content: TrajectoriesPanel,
  },
  { key: 'courses', title: 'consult.panel.courses', clusters: ['courses'], count: (d) => n(d.enrolments), Content: CoursesPanel },
  { key: 'tests', title: 'consult.panel.tests', clusters: ['level'], count: (d) => n(d.testResults), Content: TestsPanel },
  { key: 'advice', title: 'consult.panel.advice', clusters: ['advice'], count: (d) => n(d.advice), Content: AdvicePanel },
  { key: 'perspectives', title: 'consult.panel.perspectives', clusters: ['perspective'], count: (d) => n(d.perspectives), Content: PerspectivesPanel },
  { key: 'infringements', title: 'consult.panel.infringements', clusters: ['infringements'], count: (d) => n(d.infringements), Content: InfringementsPanel },
  {
    key: 'languages',
    title: 'consult.panel.languages',
    clusters: ['languages', 'level'],
    count: (d) => n(d.languageSkills) + n(d.literacyAssessments) + n(d.levelAttainments),
    Content: LanguagesPanel,
  },
  {
    key: 'waitingList',
    title: 'consult.panel.waitingList',
    clusters: ['courses'],
    count: (d) => onWaitingList(d.waitingListEntries ?? [], d).length,
    Content: WaitingListPanel,
  },
  { key: 'conversations', title: 'consult.panel.conversations', clusters: ['conversations'], count: (d) => n(d.conversations), Content: ConversationsPanel },
  { key: 'caseLead', title: 'consult.panel.caseLead', clusters: ['caseLead'], count: (d) => n(d.caseLead), Content: CaseLeadPanel },
  {
    key: 'diplomaRecognition',
    title: 'consult.panel.diplomaRecognition',
    clusters: ['diplomaRecognition'],
    count: (d) => n(d.diplomaRecognitionSupport),
    Content: DiplomaRecognitionPanel,
  },
];

export function InformationPanels({
  dossier,
  clusters,
  attendance = null,
}: {
  dossier: Dossier;
  clusters: ReadonlySet<Cluster>;
  attendance?: PersonAttendance | null;
}) {
  const { t } = useI18n();
  const base = useId();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const allOpen = open.size === PANELS.length;
  const toggle = (key: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const bodyId = (key: string) => `${base}-${key}-body`;
  return (
    <section className="consult-part" aria-labelledby={`${base}-title`}>
      <div className="part-heading">
        <h2 id={`${base}-title`}>{t('consult.part.panels')}</h2>
        <button
          type="button"
          className="button secondary small"
          aria-controls={PANELS.map((p) => bodyId(p.key)).join(' ')}
          onClick={() => setOpen(allOpen ? new Set() : new Set(PANELS.map((p) => p.key)))}
        >
          {allOpen ? t('consult.collapseAll') : t('consult.expandAll')}
        </button>
      </div>
      <div className="panels">
        {PANELS.map((p) => {
          const authorised = p.clusters.some((c) => clusters.has(c));
          const count = authorised ? p.count(dossier) : 0;
          const isOpen = open.has(p.key);
          const status = !authorised
            ? t('consult.notAuthorised')
            : count === 0
              ? t('consult.noData')
              : count === 1
                ? t('consult.count.one')
                : t('consult.count.many', { count });
          return (
            <div key={p.key} className={`panel consult-panel${authorised ? '' : ' unauthorised'}${count === 0 ? ' is-empty' : ''}`} data-panel={p.key}>
              <h3 className="panel-header">
                <button
                  type="button"
                  className="panel-toggle"
                  id={`${base}-${p.key}`}
                  aria-expanded={isOpen}
                  aria-controls={bodyId(p.key)}
                  onClick={() => toggle(p.key)}
                >
                  <span className="sign" aria-hidden="true">
                    {isOpen ? '−' : '+'}
                  </span>
                  <span className="panel-title">{t(p.title)}</span>
                  <span className={`panel-count${authorised ? '' : ' badge warn'}`}>{status}</span>
                </button>
              </h3>
              <div id={bodyId(p.key)} className="panel-body" role="region" aria-labelledby={`${base}-${p.key}`} hidden={!isOpen}>
                {isOpen && (authorised ? <p.Content dossier={dossier} clusters={clusters} attendance={attendance} /> : <NotAuthorised />)}
              </div>
            </div>
          );
        })}
      </div>
    </section>
  );
}
