/**
 * Partner API clients (administrator): the machine accounts with which a partner's system calls
 * the exchange API. A new or rotated secret is shown once; KBI keeps only its hash.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, get, post, request } from '../../api.ts';
import { Alert, ErrorAlert, Field, Loading, describeError } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { SecretReveal } from './SecretReveal.tsx';
import { fieldErrorsOf, useLoad, useOrganisations } from './lib.ts';

interface Client {
  id: string;
  clientId: string;
  organisationId: string;
  active: boolean;
  version: number;
  secretRotatedAt: string | null;
  recordedAt: string;
  recordedBy: string;
  clientSecret?: string;
}

const GRACE = [0, 3600, 86_400] as const;

export function PartnerClients() {
  const { t } = useI18n();
  const fmt = useFormat();
  const orgs = useOrganisations();
  const kinds = useCodeList('organisation_kind');
  const clients = useLoad('clients', async () => (await get<{ items: Client[] }>('/api/v1/partnerClients')).items);
  const [filter, setFilter] = useState({ text: '', status: '' });
  const [form, setForm] = useState({ organisationId: '', clientId: '' });
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ clientId: string; secret: string; rotated: boolean } | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'rotate' | 'disable'; client: Client } | null>(null);
  const [grace, setGrace] = useState<number>(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const shown = useMemo(() => {
    const text = filter.text.trim().toLowerCase();
    return (clients.data ?? []).filter(
      (c) =>
        (!text || c.clientId.includes(text) || orgs.name(c.organisationId).toLowerCase().includes(text)) &&
        (!filter.status || (filter.status === 'active') === c.active),
    );
  }, [clients.data, filter, orgs]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFormError(null);
    setNotice(null);
    try {
      const made = await post<Client>('/api/v1/partnerClients', { organisationId: form.organisationId, clientId: form.clientId.trim() });
      setSecret({ clientId: made.clientId, secret: made.clientSecret!, rotated: false });
      setForm({ organisationId: '', clientId: '' });
      clients.reload();
    } catch (err) {
      setFormError(err);
    } finally {
      setBusy(false);
    }
  }

  async function confirmed() {
    if (!confirm) return;
    const { kind, client } = confirm;
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      if (kind === 'rotate') {
        const rotated = await post<Client>(`/api/v1/partnerClients/${client.id}/secret`, grace ? { graceSeconds: grace } : {});
        setSecret({ clientId: rotated.clientId, secret: rotated.clientSecret!, rotated: true });
      } else {
        await request('PATCH', `/api/v1/partnerClients/${client.id}`, { active: false });
        setNotice(t('admin.clients.disabled', { clientId: client.clientId }));
      }
      clients.reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
      setConfirm(null);
      setGrace(0);
    }
  }

  async function enable(client: Client) {
    setActionError(null);
    setNotice(null);
    try {
      await request('PATCH', `/api/v1/partnerClients/${client.id}`, { active: true });
      setNotice(t('admin.clients.enabled', { clientId: client.clientId }));
      clients.reload();
    } catch (err) {
      setActionError(err);
    }
  }

  const errors = fieldErrorsOf(formError, t);
  return (
    <section aria-labelledby="admin-clients-title">
      <h2 id="admin-clients-title">{t('admin.clients.title')}</h2>
      <p className="muted admin-intro">{t('admin.clients.intro')}</p>

      {secret && <SecretReveal {...secret} onDone={() => setSecret(null)} />}

      <details className="admin-create">
        <summary>{t('admin.clients.new')}</summary>
        <form className="form" onSubmit={create} noValidate aria-label={t('admin.clients.new')}>
          <div className="form-row">
            <Field label={t('admin.clients.organisation')} required error={errors.organisationId}>
              {(p) => (
                <select {...p} value={form.organisationId} onChange={(e) => setForm({ ...form, organisationId: e.target.value })}>
                  <option value="">{t('admin.choose')}</option>
                  {orgs.list.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name} ({kinds.label(o.kind)})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('admin.clients.clientId')} required hint={t('admin.clients.clientIdHint')} error={errors.clientId}>
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  autoComplete="off"
                  spellCheck={false}
                  value={form.clientId}
                  onChange={(e) => setForm({ ...form, clientId: e.target.value })}
                />
              )}
            </Field>
          </div>
          {formError !== null && (
            <Alert>{formError instanceof ApiError && formError.status === 409 ? t('admin.clients.taken') : describeError(formError, t)}</Alert>
          )}
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t('admin.clients.create')}
            </button>
          </div>
        </form>
      </details>

      <div className="admin-filters" role="search" aria-label={t('admin.filters')}>
        <Field label={t('admin.filter.text')}>
          {(p) => <input {...p} type="search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />}
        </Field>
        <Field label={t('admin.filter.status')}>
          {(p) => (
            <select {...p} value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
              <option value="">{t('admin.filter.all')}</option>
              <option value="active">{t('admin.status.active')}</option>
              <option value="inactive">{t('admin.status.inactive')}</option>
            </select>
          )}
        </Field>
      </div>

      {notice && <Alert kind="success">{notice}</Alert>}
      <ErrorAlert error={actionError} />
      <ErrorAlert error={clients.error} />
      {!clients.data && clients.loading && <Loading />}
      {clients.data &&
        (shown.length === 0 ? (
          <p className="empty">{t(clients.data.length ? 'admin.clients.none' : 'admin.clients.empty')}</p>
        ) : (
          <div className="admin-table-wrap">
            <table className="table admin-table">
              <caption>{t(shown.length === 1 ? 'admin.clients.countOne' : 'admin.clients.count', { count: shown.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.clients.clientId')}</th>
                  <th scope="col">{t('admin.clients.organisation')}</th>
                  <th scope="col">{t('admin.status')}</th>
                  <th scope="col">{t('admin.clients.rotatedAt')}</th>
                  <th scope="col">{t('admin.recordedAt')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('admin.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => (
                  <tr key={c.id}>
                    <th scope="row" className="mono">
                      {c.clientId}
                    </th>
                    <td>{orgs.name(c.organisationId)}</td>
                    <td>
                      <span className={`badge ${c.active ? 'ok' : 'bad'}`}>{t(c.active ? 'admin.status.active' : 'admin.status.inactive')}</span>
                    </td>
                    <td>{fmt.dateTime(c.secretRotatedAt)}</td>
                    <td>{fmt.dateTime(c.recordedAt)}</td>
                    <td className="admin-row-actions">
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => setConfirm({ kind: 'rotate', client: c })}
                        aria-label={t('admin.clients.rotateOf', { clientId: c.clientId })}
                      >
                        {t('admin.clients.rotate')}
                      </button>
                      {c.active ? (
                        <button
                          type="button"
                          className="button secondary small"
                          onClick={() => setConfirm({ kind: 'disable', client: c })}
                          aria-label={t('admin.clients.disableOf', { clientId: c.clientId })}
                        >
                          {t('admin.disable')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="button secondary small"
                          onClick={() => void enable(c)}
                          aria-label={t('admin.clients.enableOf', { clientId: c.clientId })}
                        >
                          {t('admin.enable')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}

      <ConfirmDialog
        open={confirm !== null}
        busy={busy}
        title={confirm ? t(confirm.kind === 'rotate' ? 'admin.clients.rotateTitle' : 'admin.clients.disableTitle', { clientId: confirm.client.clientId }) : ''}
        confirmLabel={t(confirm?.kind === 'rotate' ? 'admin.clients.rotateConfirm' : 'admin.clients.disableConfirm')}
        onConfirm={() => void confirmed()}
        onCancel={() => {
          setConfirm(null);
          setGrace(0);
        }}
      >
        {confirm?.kind === 'rotate' ? (
          <>
            <p>{t('admin.clients.rotateText')}</p>
            <Field label={t('admin.clients.grace')}>
              {(p) => (
                <select {...p} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
                  {GRACE.map((g) => (
                    <option key={g} value={g}>
                      {t(g === 0 ? 'admin.clients.grace0' : g === 3600 ? 'admin.clients.grace1h' : 'admin.clients.grace24h')}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        ) : (
          <p>{t('admin.clients.disableText')}</p>
        )}
      </ConfirmDialog>
    </section>
  );
}
