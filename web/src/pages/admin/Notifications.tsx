/**
 * Change notices to partners (administrator): every partner webhook with its state (failing ones
 * first, with an alert), the delivery log of one webhook (every attempt, a POST of one or more
 * events: time, which events, status, latency), and the dead letters with a button that sends them
 * again. The administrator chooses each partner's channel: a JSON webhook or MAGDA's
 * InvalidatieKBIDossier.
 */
import { useState } from 'react';
import { get, post, request } from '../../api.ts';
import { Alert, ErrorAlert, Loading, TableScroll } from '../../components/forms.tsx';
import { hasMessage, useFormat, useI18n, type Translate } from '../../i18n/index.tsx';
import { useLoad } from './lib.ts';

const TRANSPORTS = ['WEBHOOK', 'MAGDA'] as const;
type Transport = (typeof TRANSPORTS)[number];

interface Endpoint {
  id: string;
  organisationId: string;
  organisationName: string | null;
  url: string;
  mode: 'PUSH' | 'PULL' | 'BOTH';
  /** WEBHOOK: signed JSON POSTs; MAGDA: one InvalidatieKBIDossier question per dossier change. */
  transport: Transport;
  active: boolean;
  retrying: { seq: number; attempts: number; since: string; nextAttemptAt: string } | null;
  pending: number;
  deadLetters: number;
  failing: boolean;
  lastSuccessAt: string | null;
  lastError: string | null;
}

/** One delivery attempt: a POST of `events` events, from `seq` to `lastSeq`. */
interface Attempt {
  seq: number;
  lastSeq: number;
  events: number;
  eventId: string;
  type: string | null;
  attempt: number;
  at: string;
  statusCode: number | null;
  latencyMs: number;
  delivered: boolean;
  error: string | null;
  replay: boolean;
}

interface DeadLetter {
  endpointId: string;
  organisationName: string;
  seq: number;
  eventId: string;
  type: string;
  deadAt: string;
  attempts: number;
  lastError: string | null;
  status: 'DEAD' | 'QUEUED' | 'DELIVERED';
}

const eventWords = (t: Translate, type: string | null) => {
  const key = `notifications.event.${type}`;
  return type && hasMessage(key) ? t(key) : '—';
};

/** The relay's failure kinds in words (timeout, redirect, connection …, status N; over MAGDA a SOAP fault, an Uitzondering FOUT, no MAGDA answer). */
const errorWords = (t: Translate, error: string | null) => {
  if (!error) return '—';
  if (error === 'timeout') return t('notifications.error.timeout');
  if (error === 'redirect') return t('notifications.error.redirect');
  if (error.startsWith('connection')) return t('notifications.error.connection');
  const fault = /^status (\d+) SOAP fault/.exec(error);
  if (fault) return t('notifications.error.fault', { status: fault[1]! });
  if (error.startsWith('Uitzondering FOUT ')) return t('notifications.error.uitzondering', { detail: error.slice('Uitzondering FOUT '.length) });
  if (error.startsWith('not a MAGDA answer')) return t('notifications.error.answer');
  if (error === 'integration record gone' || error === 'no active partner client') return t('notifications.error.recipient');
  const status = /^status (\d+)$/.exec(error);
  return status ? t('notifications.error.status', { status: status[1]! }) : t('notifications.error.other');
};

export function Notifications() {
  const { t } = useI18n();
  const fmt = useFormat();
  const endpoints = useLoad('endpoints', () => get<{ items: Endpoint[] }>('/api/v1/notifications/endpoints').then((r) => r.items));
  const dead = useLoad('dead', () => get<{ items: DeadLetter[] }>('/api/v1/notifications/deadLetters').then((r) => r.items));
  const [logOf, setLogOf] = useState<Endpoint | null>(null);
  const log = useLoad(logOf?.id ?? null, () =>
    get<{ items: Attempt[] }>(`/api/v1/notifications/endpoints/${logOf!.id}/attempts?limit=200`).then((r) => r.items),
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  /** Another channel for the partner's notices (the address stays; the administrator changes it with the partner). */
  const setTransport = async (e: Endpoint, transport: Transport) => {
    setError(null);
    setNotice(null);
    try {
      await request('PUT', `/api/v1/notifications/endpoints/${e.organisationId}`, { url: e.url, transport });
      setNotice(t('notifications.transport.saved', { partner: e.organisationName ?? '—', transport: t(`notifications.transport.long.${transport}`) }));
      endpoints.reload();
    } catch (err) {
      setError(err);
    }
  };

  const replay = async (filter: { eventId?: string }) => {
    setError(null);
    try {
      const r = await post<{ queued: number }>('/api/v1/notifications/replay', filter);
      setNotice(r.queued === 1 ? t('notifications.replayDone.one') : t('notifications.replayDone', { count: r.queued }));
      dead.reload();
      endpoints.reload();
    } catch (e) {
      setError(e);
    }
  };

  if (endpoints.error) return <ErrorAlert error={endpoints.error} />;
  if (!endpoints.data) return <Loading />;
  const failing = endpoints.data.filter((e) => e.failing);
  return (
    <section aria-labelledby="notifications-h">
      <h2 id="notifications-h">{t('notifications.title')}</h2>
      <p className="muted">{t('notifications.intro')}</p>
      {failing.length > 0 && <Alert kind="warning">{t('notifications.failingAlert', { count: failing.length })}</Alert>}
      {notice && <Alert kind="success">{notice}</Alert>}
      {error !== null && <ErrorAlert error={error} />}
      <div className="toolbar">
        <button
          type="button"
          onClick={() => {
            endpoints.reload();
            dead.reload();
            if (logOf) log.reload();
          }}
        >
          {t('notifications.refresh')}
        </button>
      </div>

      <h3>{t('notifications.endpoints')}</h3>
      {!endpoints.data.length ? (
        <p className="muted">{t('notifications.none')}</p>
      ) : (
        <TableScroll label={t('notifications.endpoints')}>
          <table className="table" data-testid="notification-endpoints">
            <caption className="visually-hidden">{t('notifications.endpoints')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('notifications.partner')}</th>
                <th scope="col">{t('notifications.url')}</th>
                <th scope="col">{t('notifications.mode')}</th>
                <th scope="col">{t('notifications.transport')}</th>
                <th scope="col">{t('notifications.state')}</th>
                <th scope="col" className="num">
                  {t('notifications.pending')}
                </th>
                <th scope="col" className="num">
                  {t('notifications.dead')}
                </th>
                <th scope="col">{t('notifications.lastSuccess')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.map((e) => (
                <tr key={e.id} data-endpoint={e.id}>
                  <td>{e.organisationName ?? '—'}</td>
                  <td>
                    <code className="break-anywhere">{e.url}</code>
                  </td>
                  <td>{t(`notifications.mode.${e.mode}`)}</td>
                  <td>
                    <select
                      aria-label={t('notifications.transport.label', { partner: e.organisationName ?? '—' })}
                      title={t(`notifications.transport.long.${e.transport}`)}
                      value={e.transport}
                      onChange={(ev) => void setTransport(e, ev.target.value as Transport)}
                    >
                      {TRANSPORTS.map((x) => (
                        <option key={x} value={x}>
                          {t(`notifications.transport.${x}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {!e.active ? (
                      <span className="badge warn">{t('notifications.inactive')}</span>
                    ) : e.failing ? (
                      <span className="badge bad">{t('notifications.failing')}</span>
                    ) : (
                      <span className="badge ok">{t('notifications.ok')}</span>
                    )}
                    {e.retrying && (
                      <div className="muted">
                        {t('notifications.retrying', { seq: e.retrying.seq, attempts: e.retrying.attempts, at: fmt.dateTime(e.retrying.nextAttemptAt) })}
                      </div>
                    )}
                    {e.lastError && e.failing && <div className="muted">{errorWords(t, e.lastError)}</div>}
                  </td>
                  <td className="num">{fmt.number(e.pending)}</td>
                  <td className="num">{fmt.number(e.deadLetters)}</td>
                  <td>{fmt.dateTime(e.lastSuccessAt)}</td>
                  <td>
                    <button type="button" onClick={() => setLogOf(e)} aria-pressed={logOf?.id === e.id}>
                      {t('notifications.showLog')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      {logOf && (
        <section aria-labelledby="notifications-log-h">
          <h3 id="notifications-log-h">{t('notifications.log', { partner: logOf.organisationName ?? '—' })}</h3>
          <button type="button" onClick={() => setLogOf(null)}>
            {t('notifications.close')}
          </button>
          {log.error ? (
            <ErrorAlert error={log.error} />
          ) : !log.data ? (
            <Loading />
          ) : !log.data.length ? (
            <p className="muted">{t('notifications.log.none')}</p>
          ) : (
            <TableScroll label={t('notifications.log', { partner: logOf.organisationName ?? '—' })}>
              <table className="table" data-testid="notification-log">
                <caption className="visually-hidden">{t('notifications.log', { partner: logOf.organisationName ?? '—' })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('notifications.at')}</th>
                    <th scope="col" className="num">
                      {t('notifications.seq')}
                    </th>
                    <th scope="col">{t('notifications.type')}</th>
                    <th scope="col" className="num">
                      {t('notifications.attempt')}
                    </th>
                    <th scope="col" className="num">
                      {t('notifications.status')}
                    </th>
                    <th scope="col" className="num">
                      {t('notifications.latency')}
                    </th>
                    <th scope="col">{t('notifications.result')}</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.map((a, i) => (
                    <tr key={`${a.seq}-${a.attempt}-${i}`}>
                      <td>{fmt.dateTime(a.at)}</td>
                      <td className="num">{a.events > 1 ? `${a.seq}–${a.lastSeq}` : a.seq}</td>
                      <td>
                        {eventWords(t, a.type)}
                        {a.events > 1 && ` ${t('notifications.andMore', { count: a.events - 1 })}`}
                      </td>
                      <td className="num">{a.attempt}</td>
                      <td className="num">{a.statusCode ?? '—'}</td>
                      <td className="num">{fmt.number(a.latencyMs)}</td>
                      <td>
                        {a.delivered ? (
                          <span className="badge ok">{t('notifications.delivered')}</span>
                        ) : (
                          <span className="badge bad">{t('notifications.notDelivered')}</span>
                        )}{' '}
                        {!a.delivered && errorWords(t, a.error)} {a.replay && t('notifications.replayed')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </section>
      )}

      <h3>{t('notifications.deadLetters')}</h3>
      <p className="muted">{t('notifications.deadLetters.intro')}</p>
      {dead.error ? (
        <ErrorAlert error={dead.error} />
      ) : !dead.data ? (
        <Loading />
      ) : !dead.data.length ? (
        <p className="muted">{t('notifications.deadLetters.none')}</p>
      ) : (
        <>
          <div className="toolbar">
            <button type="button" onClick={() => void replay({})}>
              {t('notifications.replayAll')}
            </button>
          </div>
          <TableScroll label={t('notifications.deadLetters')}>
            <table className="table" data-testid="notification-dead-letters">
              <caption className="visually-hidden">{t('notifications.deadLetters')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('notifications.partner')}</th>
                  <th scope="col" className="num">
                    {t('notifications.seq')}
                  </th>
                  <th scope="col">{t('notifications.type')}</th>
                  <th scope="col">{t('notifications.deadAt')}</th>
                  <th scope="col" className="num">
                    {t('notifications.attempts')}
                  </th>
                  <th scope="col">{t('notifications.lastError')}</th>
                  <th scope="col">{t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {dead.data.map((d) => (
                  <tr key={`${d.endpointId}-${d.seq}`} data-event={d.eventId}>
                    <td>{d.organisationName}</td>
                    <td className="num">{d.seq}</td>
                    <td>{eventWords(t, d.type)}</td>
                    <td>{fmt.dateTime(d.deadAt)}</td>
                    <td className="num">{d.attempts}</td>
                    <td>{errorWords(t, d.lastError)}</td>
                    <td>
                      {d.status === 'QUEUED' ? (
                        <span className="badge warn">{t('notifications.queued')}</span>
                      ) : (
                        <button type="button" onClick={() => void replay({ eventId: d.eventId })}>
                          {t('notifications.replay')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}
