/**
 * Import runs of the course feeds (administrator): every batch a partner sent, with its progress
 * while it runs (refreshed every two seconds; the rows read so far — the size of a streamed upload
 * is not known in advance, so no percentage is made up) and the row-level error report of a
 * refused batch.
 */
import { useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { ErrorAlert, Field, Loading, Alert } from '../../components/forms.tsx';
import { cached } from '../../data.ts';
import { hasMessage, useFormat, useI18n, type MessageKey } from '../../i18n/index.tsx';

interface RowError {
  line: number | null;
  column: string | null;
  code?: string;
  params?: Record<string, string | number>;
  reason: string;
}
interface Run {
  id: string;
  organisationId: string;
  kind: 'participations' | 'enrolments';
  batchId: string;
  format: string;
  status: 'running' | 'succeeded' | 'failed' | 'replayed';
  rowsTotal: number;
  rowsWritten: number;
  bytesRead: number;
  errorCount: number;
  replayOf: string | null;
  startedAt: string;
  finishedAt: string | null;
  errors?: RowError[];
}

const BADGE = { running: 'warn', succeeded: 'ok', failed: 'bad', replayed: '' } as const;
const bytes = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

export function Imports() {
  const { t } = useI18n();
  const fmt = useFormat();
  const [status, setStatus] = useState('');
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Run | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});

  useEffect(() => {
    void cached<{ items: { id: string; name: string }[] }>('/api/v1/organisations?limit=500').then(
      (r) => setNames(Object.fromEntries(r.items.map((o) => [o.id, o.name]))),
      () => {},
    );
  }, []);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const { items } = await get<{ items: Run[] }>(`/api/v1/imports${status ? `?status=${status}` : ''}`);
        if (!live) return;
        setRuns(items);
        setError(null);
        if (items.some((r) => r.status === 'running')) timer = setTimeout(load, 2000);
      } catch (e) {
        if (live) setError(e);
      }
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [status]);

  async function details(run: Run) {
    try {
      setOpen(await get<Run>(`/api/v1/imports/${run.id}`));
    } catch (e) {
      setError(e);
    }
  }

  const statusLabel = (s: Run['status']) => t(`imports.status.${s}` as MessageKey);
  // In the reader's language by the server's code; a report written before codes existed says it in English.
  const reasonOf = (e: RowError) => (e.code && hasMessage(`imports.error.${e.code}`) ? t(`imports.error.${e.code}` as MessageKey, e.params) : e.reason);
  return (
    <section aria-labelledby="imports-h">
      <h2 id="imports-h">{t('imports.title')}</h2>
      <p className="muted">{t('imports.intro')}</p>
      <div className="form-row">
        <Field label={t('imports.status')}>
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">{t('imports.allStatuses')}</option>
              {(['running', 'succeeded', 'failed', 'replayed'] as const).map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorAlert error={error} />
      {runs === null ? (
        <Loading />
      ) : runs.length === 0 ? (
        <Alert kind="info">{t('imports.none')}</Alert>
      ) : (
        <>
          {runs.some((r) => r.status === 'running') && (
            <p className="muted" role="status">
              {t('imports.refreshing')}
            </p>
          )}
          <table className="table">
            <caption>{t('imports.list', { count: runs.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('imports.batch')}</th>
                <th scope="col">{t('imports.kind')}</th>
                <th scope="col">{t('imports.partner')}</th>
                <th scope="col">{t('imports.status')}</th>
                <th scope="col">{t('imports.rows')}</th>
                <th scope="col">{t('imports.written')}</th>
                <th scope="col">{t('imports.errors')}</th>
                <th scope="col">{t('imports.started')}</th>
                <th scope="col">{t('imports.finished')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <button type="button" className="link-button mono" aria-label={t('imports.open', { batch: r.batchId })} onClick={() => void details(r)}>
                      {r.batchId}
                    </button>
                  </td>
                  <td>{t(`imports.kind.${r.kind}` as MessageKey)}</td>
                  <td>{names[r.organisationId] ?? '—'}</td>
                  <td>
                    <span className={`badge ${BADGE[r.status]}`}>{statusLabel(r.status)}</span>
                  </td>
                  <td className="num">
                    {r.status === 'running' ? (
                      <span className="progress">
                        <progress aria-label={t('imports.running', { rows: fmt.number(r.rowsTotal), bytes: bytes(r.bytesRead) })} />{' '}
                        {t('imports.running', { rows: fmt.number(r.rowsTotal), bytes: bytes(r.bytesRead) })}
                      </span>
                    ) : (
                      fmt.number(r.rowsTotal)
                    )}
                  </td>
                  <td className="num">{fmt.number(r.rowsWritten)}</td>
                  <td className="num">{r.errorCount ? <strong>{fmt.number(r.errorCount)}</strong> : '0'}</td>
                  <td>{fmt.dateTime(r.startedAt)}</td>
                  <td>{fmt.dateTime(r.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {open && (
        <section aria-labelledby="import-report-h" className="import-report">
          <h3 id="import-report-h">
            {t('imports.report')}: <span className="mono">{open.batchId}</span>
          </h3>
          {open.status === 'replayed' && <Alert kind="info">{t('imports.replayOf')}</Alert>}
          {open.errorCount === 0 ? (
            <p>{t('imports.noErrors')}</p>
          ) : (
            <>
              <p>{t('imports.reportIntro', { count: fmt.number(open.errorCount) })}</p>
              <table className="table">
                <caption className="visually-hidden">{t('imports.report')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('imports.line')}</th>
                    <th scope="col">{t('imports.column')}</th>
                    <th scope="col">{t('imports.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(open.errors ?? []).map((e, i) => (
                    <tr key={i}>
                      <td className="num">{e.line ?? '—'}</td>
                      <td className="mono">{e.column ?? '—'}</td>
                      <td>{reasonOf(e)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}
    </section>
  );
}
