/**
 * The audit trail search (privacy officer): every access to personal data and every
 * administrative change, newest first, filtered and paged, one line per consultation (a dossier
 * and its timeline are one; the line opens to show its rows). Who acted, what, why and with which
 * result come in words from the server, in the user's language; the person concerned is an id.
 * Requests refused before anybody was identified are hidden unless asked for. The search itself
 * is recorded in the trail.
 */
import { useState, type FormEvent } from 'react';
import { post } from '../../api.ts';
import { Alert, ErrorAlert, Field, Loading } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { fieldErrorsOf, localMomentToIso, useMomentFormat, useOrganisations } from './lib.ts';

export interface AuditLine {
  id: number;
  lane: number;
  seq: number;
  at: string;
  actorId: string;
  actorKind: string;
  organisationId: string | null;
  purpose: string | null;
  action: string;
  personId: string | null;
  clusters: string[];
  result: 'allowed' | 'denied';
  requestId: string | null;
  actorName: string;
  organisationName: string | null;
  actionText: string;
  purposeText: string;
  purposeStated: boolean;
  legalBasisText: string;
  resultText: string;
  clusterTexts: string[];
}
/** One consultation: the fields of its newest row, every cluster seen, and its rows (newest first). */
export interface AuditConsultation extends AuditLine {
  firstAt: string;
  actions: string[];
  lines: AuditLine[];
}

/** Actions that are common in the trail, offered as suggestions; any other can be typed. */
const ACTIONS = [
  'dossier.read',
  'dossier.timeline',
  'persons.search',
  'persons.read',
  'persons.create',
  'persons.update',
  'exchange.consult',
  'exchange.consultAsOf',
  'exchange.appointments',
  'integrations.declare',
  'integrations.end',
  'integrations.search',
  'session.login',
  'session.logout',
  'oauth.token',
  'users.create',
  'users.update',
  'partnerClients.create',
  'partnerClients.rotateSecret',
  'partnerClients.update',
  'authorisations.create',
  'authorisations.update',
  'audit.search',
  'audit.personReport',
  'users.*',
  'partnerClients.*',
  'exchange.*',
];

const PAGE = 100;
interface Form {
  from: string;
  to: string;
  actorId: string;
  organisationId: string;
  action: string;
  result: string;
  insz: string;
  includeAnonymous: boolean;
}
const EMPTY: Form = { from: '', to: '', actorId: '', organisationId: '', action: '', result: '', insz: '', includeAnonymous: false };

function bodyOf(f: Form, lang: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    from: localMomentToIso(f.from),
    to: localMomentToIso(f.to),
    actorId: f.actorId.trim() || undefined,
    organisationId: f.organisationId || undefined,
    action: f.action.trim() || undefined,
    result: f.result || undefined,
    insz: f.insz.replace(/[\s.-]/g, '') || undefined,
    includeAnonymous: f.includeAnonymous || undefined,
    lang,
    group: true,
    limit: PAGE,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/** A long id, short on screen; whole for screen readers and on hover. */
function ShortId({ id }: { id: string }) {
  const [prefix, rest] = id.includes(':') ? [id.slice(0, id.indexOf(':') + 1), id.slice(id.indexOf(':') + 1)] : ['', id];
  if (rest.length <= 12) return <span className="mono">{id}</span>;
  return (
    <span className="mono" title={id}>
      <span aria-hidden="true">
        {prefix}
        {rest.slice(0, 8)}…
      </span>
      <span className="visually-hidden">{id}</span>
    </span>
  );
}

export function AuditSearch() {
  const { t, language } = useI18n();
  const moment = useMomentFormat();
  const orgs = useOrganisations();
  const [form, setForm] = useState<Form>(EMPTY);
  const [result, setResult] = useState<{ body: Record<string, unknown>; items: AuditConsultation[]; next: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function search(f: Form) {
    setBusy(true);
    setError(null);
    try {
      const body = bodyOf(f, language);
      const page = await post<{ items: AuditConsultation[]; next: string | null }>('/api/v1/audit/search', body);
      setResult({ body, ...page });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function more() {
    if (!result?.next) return;
    setBusy(true);
    setError(null);
    try {
      const page = await post<{ items: AuditConsultation[]; next: string | null }>('/api/v1/audit/search', { ...result.body, cursor: result.next });
      setResult({ body: result.body, items: [...result.items, ...page.items], next: page.next });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const run = (e: FormEvent) => {
    e.preventDefault();
    void search(form);
  };
  const byActor = (actorId: string) => {
    const f = { ...form, actorId };
    setForm(f);
    void search(f);
  };
  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });
  const errors = fieldErrorsOf(error, t);

  return (
    <section aria-labelledby="admin-audit-title">
      <h2 id="admin-audit-title">{t('admin.audit.title')}</h2>
      <p className="muted admin-intro">{t('admin.audit.intro')}</p>
      <form className="form" onSubmit={run} noValidate role="search" aria-label={t('admin.audit.title')}>
        <div className="form-row">
          <Field label={t('admin.audit.from')} error={errors.from}>
            {(p) => <input {...p} name="from" type="datetime-local" step={1} value={form.from} onChange={set('from')} />}
          </Field>
          <Field label={t('admin.audit.to')} error={errors.to}>
            {(p) => <input {...p} name="to" type="datetime-local" step={1} value={form.to} onChange={set('to')} />}
          </Field>
          <Field label={t('admin.audit.action')} hint={t('admin.audit.actionHint')} error={errors.action}>
            {(p) => (
              <input {...p} name="action" list="admin-audit-actions" autoComplete="off" spellCheck={false} value={form.action} onChange={set('action')} />
            )}
          </Field>
          <Field label={t('admin.audit.result')} error={errors.result}>
            {(p) => (
              <select {...p} name="result" value={form.result} onChange={set('result')}>
                <option value="">{t('admin.filter.all')}</option>
                <option value="allowed">{t('admin.audit.allowed')}</option>
                <option value="denied">{t('admin.audit.denied')}</option>
              </select>
            )}
          </Field>
          <Field label={t('admin.audit.actor')} hint={t('admin.audit.actorHint')} error={errors.actorId}>
            {(p) => <input {...p} name="actorId" className="mono" autoComplete="off" spellCheck={false} value={form.actorId} onChange={set('actorId')} />}
          </Field>
          <Field label={t('admin.audit.organisation')} error={errors.organisationId}>
            {(p) => (
              <select {...p} name="organisationId" value={form.organisationId} onChange={set('organisationId')}>
                <option value="">{t('admin.filter.all')}</option>
                {orgs.list.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('admin.insz')} hint={t('admin.audit.inszHint')} error={errors.insz}>
            {(p) => <input {...p} name="insz" inputMode="numeric" autoComplete="off" value={form.insz} onChange={set('insz')} />}
          </Field>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            name="includeAnonymous"
            checked={form.includeAnonymous}
            onChange={(e) => setForm({ ...form, includeAnonymous: e.target.checked })}
          />{' '}
          {t('admin.audit.includeAnonymous')}
        </label>
        <datalist id="admin-audit-actions">
          {ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t('search')}
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setForm(EMPTY);
              setResult(null);
              setError(null);
            }}
          >
            {t('admin.filter.clear')}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {busy && <Loading />}
      {result &&
        (result.items.length === 0 ? (
          <Alert kind="info">{t('admin.audit.none')}</Alert>
        ) : (
          <>
            <div className="admin-table-wrap">
              <table className="table admin-table admin-audit-table">
                <caption>
                  {t(result.next ? 'admin.audit.countMore' : result.items.length === 1 ? 'admin.audit.countOne' : 'admin.audit.count', {
                    count: result.items.length,
                  })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.audit.moment')}</th>
                    <th scope="col">{t('admin.audit.who')}</th>
                    <th scope="col">{t('admin.audit.organisation')}</th>
                    <th scope="col">{t('admin.audit.action')}</th>
                    <th scope="col">{t('admin.audit.person')}</th>
                    <th scope="col">{t('admin.audit.clusters')}</th>
                    <th scope="col">{t('admin.audit.result')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((l) => (
                    <tr key={l.id} className="admin-audit-line">
                      <th scope="row" className="admin-nowrap">
                        {moment(l.at)}
                        <div className="muted admin-small">#{l.id}</div>
                      </th>
                      <td>
                        <button
                          type="button"
                          className="link-button admin-id-button"
                          title={l.actorId}
                          onClick={() => byActor(l.actorId)}
                          aria-label={t('admin.audit.filterActor', { actor: `${l.actorName} (${l.actorId})` })}
                        >
                          {l.actorName}
                        </button>
                        <div className="muted admin-small">
                          {t(
                            l.actorKind === 'partner'
                              ? 'admin.audit.kindPartner'
                              : l.actorKind === 'system'
                                ? 'admin.audit.kindSystem'
                                : 'admin.audit.kindStaff',
                          )}
                        </div>
                      </td>
                      <td>{l.organisationName ?? (l.organisationId ? orgs.name(l.organisationId) : '—')}</td>
                      <td>
                        <span className="admin-audit-action" title={l.actions.join(', ')}>
                          {l.actionText}
                        </span>
                        <div className="muted admin-small" title={t('admin.audit.legalBasisOf', { basis: l.legalBasisText })}>
                          {t('admin.audit.purpose')}: {l.purposeText}
                          {l.purposeStated ? null : ` (${t('admin.audit.ofTask')})`}
                        </div>
                        {l.lines.length > 1 && (
                          <details className="admin-audit-rows">
                            <summary>{t('admin.audit.lines', { count: l.lines.length })}</summary>
                            <ul>
                              {l.lines.map((r) => (
                                <li key={r.id}>
                                  {moment(r.at)} — {r.actionText}{' '}
                                  <span className="mono muted">
                                    {r.action}
                                    {r.requestId ? ` · ${r.requestId}` : ''} · #{r.id}
                                  </span>
                                </li>
                              ))}
                            </ul>
                          </details>
                        )}
                      </td>
                      <td>{l.personId ? <ShortId id={l.personId} /> : '—'}</td>
                      <td className="admin-clusters">{l.clusterTexts.length ? l.clusterTexts.join(', ') : '—'}</td>
                      <td>
                        <span className={`badge ${l.result === 'allowed' ? 'ok' : 'bad'}`}>{l.resultText}</span>
                        {l.lines.length === 1 && l.requestId ? (
                          <div className="muted admin-small">
                            {t('admin.audit.request')}: <ShortId id={l.requestId} />
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {result.next && (
              <div className="actions">
                <button type="button" className="button secondary" onClick={() => void more()} disabled={busy}>
                  {t('admin.audit.more', { count: PAGE })}
                </button>
              </div>
            )}
          </>
        ))}
    </section>
  );
}
