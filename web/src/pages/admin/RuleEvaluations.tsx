/**
 * The runs of the re-evaluation of the rules (administrator): the nightly run over everyone and the
 * runs right after changes, with the day judged, how many persons, how many new infringement
 * proposals, how long it took and what failed — so that a job that stopped is seen, not guessed.
 */
import { useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { Alert, ErrorAlert, Loading } from '../../components/forms.tsx';
import { useFormat, useI18n } from '../../i18n/index.tsx';

interface Run {
  id: string;
  kind: 'full' | 'persons';
  evaluatedOn: string;
  startedAt: string;
  finishedAt: string | null;
  seconds: number | null;
  persons: number;
  proposals: number;
  error: string | null;
}

export function RuleEvaluations() {
  const { t } = useI18n();
  const fmt = useFormat();
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<{ items: Run[] }>('/api/v1/ruleEvaluations?limit=100').then(
      (r) => setRuns(r.items),
      (e: unknown) => setError(e),
    );
  }, []);
  if (error) return <ErrorAlert error={error} />;
  if (!runs) return <Loading />;
  const lastFull = runs.find((r) => r.kind === 'full' && r.finishedAt && !r.error);
  return (
    <section aria-labelledby="rule-runs-h">
      <h2 id="rule-runs-h">{t('admin.rules.title')}</h2>
      <p className="muted">{t('admin.rules.intro')}</p>
      {lastFull ? (
        <Alert kind="info">{t('admin.rules.lastFull', { day: fmt.date(lastFull.evaluatedOn), at: fmt.dateTime(lastFull.finishedAt!) })}</Alert>
      ) : (
        <Alert kind="warning">{t('admin.rules.noFull')}</Alert>
      )}
      {!runs.length ? (
        <p className="muted">{t('admin.rules.none')}</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">{t('admin.rules.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.rules.started')}</th>
              <th scope="col">{t('admin.rules.kind')}</th>
              <th scope="col">{t('admin.rules.day')}</th>
              <th scope="col" className="num">
                {t('admin.rules.persons')}
              </th>
              <th scope="col" className="num">
                {t('admin.rules.proposals')}
              </th>
              <th scope="col" className="num">
                {t('admin.rules.seconds')}
              </th>
              <th scope="col">{t('admin.rules.result')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>{fmt.dateTime(r.startedAt)}</td>
                <td>{t(r.kind === 'full' ? 'admin.rules.full' : 'admin.rules.changes')}</td>
                <td>{fmt.date(r.evaluatedOn)}</td>
                <td className="num">{fmt.number(r.persons)}</td>
                <td className="num">{fmt.number(r.proposals)}</td>
                <td className="num">{r.seconds === null ? '—' : fmt.number(Math.round(r.seconds * 10) / 10)}</td>
                <td>
                  {r.error ? (
                    <span className="badge bad" title={r.error}>
                      {t('admin.rules.failed')}
                    </span>
                  ) : r.finishedAt ? (
                    <span className="badge ok">{t('admin.rules.done')}</span>
                  ) : (
                    <span className="badge warn">{t('admin.rules.running')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
