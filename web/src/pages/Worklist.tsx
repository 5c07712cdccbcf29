/**
 * "Te behandelen": what partners asked of the agency and that waits for a caseworker — incoming
 * referrals (toeleidingen) to accept or reject before their deadline, and appointment requests to
 * plan, mark held or cancel, the infringements the rules of the decree proposed, and the
 * infringement cases awaiting a decision. One tab each;
 * every decision on a partner's request goes straight back to the partner.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert, Loading } from '../components/forms.tsx';
import { Tabs } from '../components/Tabs.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Referrals, type WorklistReferral } from './worklist/Referrals.tsx';
import { AppointmentRequests, type HandledAppointment } from './worklist/AppointmentRequests.tsx';
import { Proposals, type Proposal } from './worklist/Proposals.tsx';
import { Cases, type InfringementCase } from './worklist/Cases.tsx';
import { Certificates, type CertificateProposal } from './worklist/Certificates.tsx';
import { AttendanceBelow, Registrations, type AttendanceItem, type RegistrationItem } from './worklist/FollowUp.tsx';
import { belgianToday, useWorklist } from './worklist/shared.tsx';
import { useSession } from '../session.tsx';
import './worklist/worklist.css';

const TABS = ['referrals', 'appointments', 'registrations', 'attendance', 'proposals', 'cases', 'certificates'] as const;
const TAB_WORDS = {
  referrals: 'worklist.tab.referrals',
  appointments: 'worklist.tab.appointments',
  proposals: 'worklist.tab.proposals',
  cases: 'worklist.tab.cases',
  certificates: 'worklist.tab.certificates',
  registrations: 'worklist.tab.registrations',
  attendance: 'worklist.tab.attendance',
} as const;
type Tab = (typeof TABS)[number];

type Show = 'all' | 'mine' | 'nobody' | 'overdue';
type Order = 'oldest' | 'due';
/** What every item of every list has, as far as filtering and sorting need it. */
interface Item {
  ownerId?: string | null;
  overdue?: boolean;
  dueOn?: string | null;
  respondBy?: string;
  wishedDate?: string | null;
  status?: string;
}
/** The day an item should be handled by: its deadline, the partner's answer day, or the wished appointment day. */
const dueOf = (i: Item) => i.dueOn ?? i.respondBy ?? i.wishedDate ?? null;
const overdueOf = (i: Item, today: string) => i.overdue ?? ((dueOf(i) ?? '9999') < today && i.status !== 'PLANNED');

/** The items to show, in the order asked: the server sends the oldest first. */
function arrange<T extends Item>(items: T[] | null, show: Show, order: Order, me: string | undefined): T[] | null {
  if (!items) return items;
  const today = belgianToday();
  const shown = items.filter((i) => (show === 'mine' ? i.ownerId === me : show === 'nobody' ? !i.ownerId : show === 'overdue' ? overdueOf(i, today) : true));
  return order === 'due' ? [...shown].sort((a, b) => (dueOf(a) ?? '9999').localeCompare(dueOf(b) ?? '9999')) : shown;
}

export default function WorklistPage() {
  const { t } = useI18n();
  // ?tab= opens a list directly (the start page's summary links to each).
  const [params] = useSearchParams();
  const asked = params.get('tab');
  const [tab, setTab] = useState<Tab>(TABS.includes(asked as Tab) ? (asked as Tab) : 'referrals');
  // Still to decide: those on time and those past their deadline (a late decision is still a decision).
  const referrals = useWorklist<WorklistReferral>('/api/v1/worklist/referrals', ['SENT', 'EXPIRED']);
  const appointments = useWorklist<HandledAppointment>('/api/v1/worklist/appointments', ['REGISTERED', 'PLANNED']);
  const proposals = useWorklist<Proposal>('/api/v1/worklist/infringementProposals', ['OPEN']);
  const cases = useWorklist<InfringementCase>('/api/v1/worklist/infringementCases', ['AWAITING'], 'view');
  const certificates = useWorklist<CertificateProposal>('/api/v1/worklist/certificateProposals', ['OPEN']);
  const registrations = useWorklist<RegistrationItem>('/api/v1/worklist/registrations', []);
  const attendance = useWorklist<AttendanceItem>('/api/v1/worklist/attendance', []);
  const lists = { referrals, appointments, proposals, cases, certificates, registrations, attendance };
  const counts = Object.fromEntries(TABS.map((name) => [name, lists[name].items?.length ?? '…'])) as Record<Tab, number | string>;

  const { user } = useSession();
  const [show, setShow] = useState<Show>('all');
  const [order, setOrder] = useState<Order>('oldest');
  const view = <T extends Item>(items: T[] | null) => arrange(items, show, order, user?.id) ?? [];
  const current = lists[tab];
  return (
    <div className="page worklist">
      <h1>{t('worklist.title')}</h1>
      <p className="muted">{t('worklist.intro')}</p>
      {/* The refresh button sits beside the tab list, not in it: a tab list holds tabs only (WAI-ARIA). */}
      <Tabs<Tab>
        tabs={TABS}
        current={tab}
        onChange={setTab}
        label={t('worklist.tabs')}
        title={(name) => t(TAB_WORDS[name], { count: counts[name] })}
        beside={
          <button
            type="button"
            className="button secondary small worklist-refresh"
            onClick={() => {
              for (const list of Object.values(lists)) void list.load();
            }}
          >
            {t('worklist.refresh')}
          </button>
        }
        between={
          <>
            <div className="worklist-filters">
              <label>
                {t('worklist.filter.show')}{' '}
                <select name="show" value={show} onChange={(e) => setShow(e.target.value as Show)}>
                  {(['all', 'mine', 'nobody', 'overdue'] as const).map((v) => (
                    <option key={v} value={v}>
                      {t(`worklist.filter.${v}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('worklist.filter.order')}{' '}
                <select name="order" value={order} onChange={(e) => setOrder(e.target.value as Order)}>
                  <option value="oldest">{t('worklist.filter.oldest')}</option>
                  <option value="due">{t('worklist.filter.due')}</option>
                </select>
              </label>
            </div>
          </>
        }
      >
        {current.error ? (
          <ErrorAlert error={current.error} />
        ) : current.items === null ? (
          <Loading />
        ) : tab === 'referrals' ? (
          <Referrals items={view(referrals.items)} onChanged={referrals.load} />
        ) : tab === 'appointments' ? (
          <AppointmentRequests items={view(appointments.items)} onChanged={appointments.load} />
        ) : tab === 'proposals' ? (
          <Proposals items={view(proposals.items)} onChanged={async () => void (await Promise.all([proposals.load(), cases.load()]))} />
        ) : tab === 'registrations' ? (
          <Registrations items={view(registrations.items)} />
        ) : tab === 'attendance' ? (
          <AttendanceBelow items={view(attendance.items)} />
        ) : tab === 'cases' ? (
          <Cases items={view(cases.items)} onChanged={cases.load} />
        ) : (
          <Certificates items={view(certificates.items)} onChanged={certificates.load} />
        )}
      </Tabs>
    </div>
  );
}
