/**
 * The worklists at a glance on the start page: per list how many items wait, the oldest, and how
 * many are past their deadline — each a link to that tab of the worklist.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { get } from '../../api.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import './worklist.css';

interface ListSummary {
  list: keyof typeof TITLE;
  count: number;
  oldest: string | null;
  overdue: number;
}

const TITLE = {
  referrals: 'worklist.summary.referrals',
  appointments: 'worklist.summary.appointments',
  proposals: 'worklist.summary.proposals',
  cases: 'worklist.summary.cases',
  certificates: 'worklist.summary.certificates',
  registrations: 'worklist.summary.registrations',
  attendance: 'worklist.summary.attendance',
} as const;

export function WorklistSummary() {
  const { t } = useI18n();
  const fmt = useFormat();
  const [lists, setLists] = useState<ListSummary[] | null>(null);
  useEffect(() => {
    let live = true;
    get<{ lists: ListSummary[] }>('/api/v1/worklist/summary')
      .then((r) => live && setLists(r.lists))
      .catch(() => live && setLists([]));
    return () => {
      live = false;
    };
  }, []);
  if (!lists?.length) return null;
  return (
    <section className="worklist-summary" aria-labelledby="worklist-summary-h">
      <h2 id="worklist-summary-h">{t('worklist.title')}</h2>
      <ul>
        {lists
          .filter((l) => l.list in TITLE)
          .map((l) => (
            <li key={l.list} data-list={l.list}>
              <Link to={`/worklist?tab=${l.list}`}>
                <span className="worklist-summary-count">{fmt.number(l.count)}</span> {t(TITLE[l.list])}
              </Link>
              {l.oldest && <span className="muted"> · {t('worklist.summary.oldest', { date: fmt.date(l.oldest) })}</span>}
              {l.overdue > 0 && <span className="badge bad">{t('worklist.summary.overdue', { count: fmt.number(l.overdue) })}</span>}
            </li>
          ))}
      </ul>
    </section>
  );
}
