/**
 * The follow-up lists: registration terms running out or run out (call the person before the
 * rules propose the infringement) and running components below the attendance threshold (talk to
 * the person while the course still runs). Each row leads to the dossier; the dossier's contact
 * person is shown as who follows the person up. Computed by the server when the list is opened.
 */
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { PersonCell, daysUntil } from './shared.tsx';

interface PersonPart {
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  contactName: string | null;
}
export interface RegistrationItem extends PersonPart {
  invitationId: string;
  sentOn: string;
  dueOn: string;
  overdue: boolean;
  proposed: boolean;
}
export interface AttendanceItem extends PersonPart {
  componentId: string;
  componentType: string;
  startDate: string;
  endDate: string | null;
  presentPercent: number | null;
  lessons: number;
  status: string;
  rule: { regularPercent: number };
}

export function Registrations({ items }: { items: RegistrationItem[] }) {
  const { t } = useI18n();
  const fmt = useFormat();
  if (!items.length) return <p className="muted">{t('worklist.registrations.none')}</p>;
  return (
    <table className="table worklist-table">
      <caption>{t('worklist.registrations.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('worklist.person')}</th>
          <th scope="col">{t('worklist.registrations.invitedOn')}</th>
          <th scope="col">{t('worklist.registrations.dueOn')}</th>
          <th scope="col">{t('worklist.followUp.contact')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => {
          const left = daysUntil(i.dueOn);
          return (
            <tr key={i.invitationId} className="worklist-row" data-invitation={i.invitationId}>
              <td>
                <PersonCell {...i} />
              </td>
              <td>{fmt.date(i.sentOn)}</td>
              <td>
                {fmt.date(i.dueOn)}{' '}
                {i.overdue ? (
                  <span className="badge bad">{t('worklist.deadline.overdue')}</span>
                ) : (
                  <span className="badge warn">{left === 0 ? t('worklist.deadline.today') : t('worklist.deadline.days', { count: left })}</span>
                )}
                {i.proposed && <div className="muted small">{t('worklist.registrations.proposed')}</div>}
              </td>
              <td>{i.contactName ?? '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function AttendanceBelow({ items }: { items: AttendanceItem[] }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const components = useCodeList('trajectory_component_type');
  if (!items.length) return <p className="muted">{t('worklist.attendance.none')}</p>;
  return (
    <table className="table worklist-table">
      <caption>{t('worklist.attendance.caption', { percent: items[0]!.rule.regularPercent })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('worklist.person')}</th>
          <th scope="col">{t('worklist.attendance.component')}</th>
          <th scope="col">{t('worklist.attendance.present')}</th>
          <th scope="col">{t('worklist.followUp.contact')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.componentId} className="worklist-row" data-component={i.componentId}>
            <td>
              <PersonCell {...i} />
            </td>
            <td>
              {components.label(i.componentType)}
              <div className="muted small">{t('worklist.attendance.since', { date: fmt.date(i.startDate) })}</div>
            </td>
            <td>
              <span className="badge bad">{i.presentPercent === null ? '—' : `${fmt.number(i.presentPercent)} %`}</span>{' '}
              <span className="muted small">{t('worklist.attendance.lessons', { count: i.lessons })}</span>
            </td>
            <td>{i.contactName ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
