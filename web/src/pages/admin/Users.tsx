/**
 * Staff accounts (administrator): who may log in, with which role, for which organisation and
 * offices. Changes carry the version that was read (If-Match); disabling asks first, and ends the
 * person's open sessions on the server.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, get, request } from '../../api.ts';
import { Alert, ErrorAlert, Field, Loading, describeError } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { Role } from '../../session.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { fetchAll, fieldErrorsOf, rebase, useLoad, useOrganisations, type Office } from './lib.ts';

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  organisationId: string;
  officeIds: string[];
  active: boolean;
  version: number;
  recordedAt: string;
}

const ROLES: Role[] = ['AGENCY_CASEWORKER', 'TEAM_LEAD', 'HOUSE_OF_DUTCH', 'OCMW_SOCIAL_WORKER', 'MONITORING_ANALYST', 'PRIVACY_OFFICER', 'ADMINISTRATOR'];

interface Form {
  username: string;
  displayName: string;
  role: string;
  organisationId: string;
  officeIds: string[];
  password: string;
  active: boolean;
}
const EMPTY: Form = { username: '', displayName: '', role: '', organisationId: '', officeIds: [], password: '', active: true };
const formOf = (a: Account): Form => ({
  username: a.username,
  displayName: a.displayName,
  role: a.role,
  organisationId: a.organisationId,
  officeIds: a.officeIds,
  password: '',
  active: a.active,
});

function useRoleLabels() {
  const list = useCodeList('staff_role');
  const roles = list.entries.length ? [...list.entries].sort((a, b) => a.sortOrder - b.sortOrder).map((e) => e.code) : ROLES;
  return { roles, label: list.label };
}

export function Users() {
  const { t } = useI18n();
  const orgs = useOrganisations();
  const roles = useRoleLabels();
  const users = useLoad('users', async () => (await get<{ items: Account[] }>('/api/v1/users')).items);
  const [filter, setFilter] = useState({ text: '', role: '', organisationId: '', status: '' });
  const [editing, setEditing] = useState<Account | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Account | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  const shown = useMemo(() => {
    const text = filter.text.trim().toLowerCase();
    return (users.data ?? []).filter(
      (u) =>
        (!text || u.username.includes(text) || u.displayName.toLowerCase().includes(text)) &&
        (!filter.role || u.role === filter.role) &&
        (!filter.organisationId || u.organisationId === filter.organisationId) &&
        (!filter.status || (filter.status === 'active') === u.active),
    );
  }, [users.data, filter]);

  async function setActive(u: Account, active: boolean) {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      await request('PATCH', `/api/v1/users/${u.id}`, { active }, { 'if-match': `"${u.version}"` });
      setNotice(t(active ? 'admin.users.enabled' : 'admin.users.disabled', { username: u.username }));
      users.reload();
    } catch (err) {
      setActionError(err);
      users.reload();
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  }

  return (
    <section aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">{t('admin.users.title')}</h2>
      <div className="actions admin-toolbar">
        <button
          type="button"
          className="button"
          onClick={() => {
            setEditing('new');
            setNotice(null);
          }}
          aria-expanded={editing === 'new'}
        >
          {t('admin.users.new')}
        </button>
      </div>
      {editing !== null && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          account={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            setNotice(created ? t('admin.users.created', { username: saved.username }) : t('admin.saved', { name: saved.username }));
            users.reload();
          }}
          reloadAccount={async (id) => {
            const list = (await get<{ items: Account[] }>('/api/v1/users')).items;
            users.setData(list);
            return list.find((u) => u.id === id) ?? null;
          }}
        />
      )}
      {notice && <Alert kind="success">{notice}</Alert>}
      <ErrorAlert error={actionError} />

      <div className="admin-filters" role="search" aria-label={t('admin.filters')}>
        <Field label={t('admin.filter.text')} hint={t('admin.users.filterHint')}>
          {(p) => <input {...p} type="search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />}
        </Field>
        <Field label={t('admin.users.role')}>
          {(p) => (
            <select {...p} value={filter.role} onChange={(e) => setFilter({ ...filter, role: e.target.value })}>
              <option value="">{t('admin.filter.all')}</option>
              {roles.roles.map((r) => (
                <option key={r} value={r}>
                  {roles.label(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('admin.users.organisation')}>
          {(p) => (
            <select {...p} value={filter.organisationId} onChange={(e) => setFilter({ ...filter, organisationId: e.target.value })}>
              <option value="">{t('admin.filter.all')}</option>
              {orgs.list.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
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

      <ErrorAlert error={users.error} />
      {!users.data && users.loading && <Loading />}
      {users.data &&
        (shown.length === 0 ? (
          <p className="empty">{t('admin.users.none')}</p>
        ) : (
          <div className="admin-table-wrap">
            <table className="table admin-table">
              <caption>{t('admin.users.count', { count: shown.length, total: users.data.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.users.username')}</th>
                  <th scope="col">{t('admin.users.displayName')}</th>
                  <th scope="col">{t('admin.users.role')}</th>
                  <th scope="col">{t('admin.users.organisation')}</th>
                  <th scope="col">{t('admin.users.offices')}</th>
                  <th scope="col">{t('admin.status')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('admin.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((u) => (
                  <tr key={u.id}>
                    <th scope="row" className="mono">
                      {u.username}
                    </th>
                    <td>{u.displayName}</td>
                    <td>{roles.label(u.role)}</td>
                    <td>{orgs.name(u.organisationId)}</td>
                    <td>
                      {u.officeIds.length
                        ? t(u.officeIds.length === 1 ? 'admin.users.officeCountOne' : 'admin.users.officeCount', { count: u.officeIds.length })
                        : '—'}
                    </td>
                    <td>
                      <span className={`badge ${u.active ? 'ok' : 'bad'}`}>{t(u.active ? 'admin.status.active' : 'admin.status.inactive')}</span>
                    </td>
                    <td className="admin-row-actions">
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => {
                          setEditing(u);
                          setNotice(null);
                        }}
                        aria-label={t('admin.users.editOf', { username: u.username })}
                      >
                        {t('edit')}
                      </button>
                      {u.active ? (
                        <button
                          type="button"
                          className="button secondary small"
                          onClick={() => setConfirm(u)}
                          aria-label={t('admin.users.disableOf', { username: u.username })}
                        >
                          {t('admin.disable')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="button secondary small"
                          onClick={() => void setActive(u, true)}
                          aria-label={t('admin.users.enableOf', { username: u.username })}
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
        title={confirm ? t('admin.users.disableTitle', { username: confirm.username }) : ''}
        confirmLabel={t('admin.users.disableConfirm')}
        onConfirm={() => confirm && void setActive(confirm, false)}
        onCancel={() => setConfirm(null)}
      >
        <p>{t('admin.users.disableText')}</p>
      </ConfirmDialog>
    </section>
  );
}

function UserForm({
  account,
  onSaved,
  onCancel,
  reloadAccount,
}: {
  account: Account | null;
  onSaved(saved: Account, created: boolean): void;
  onCancel(): void;
  reloadAccount(id: string): Promise<Account | null>;
}) {
  const { t } = useI18n();
  const orgs = useOrganisations();
  const roles = useRoleLabels();
  const [base, setBase] = useState(account);
  const [form, setForm] = useState<Form>(account ? formOf(account) : EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [info, setInfo] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  const offices = useLoad(form.organisationId ? `offices:${form.organisationId}` : null, () =>
    fetchAll<Office>(`/api/v1/offices?organisationId=${encodeURIComponent(form.organisationId)}`),
  );
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      if (!base) {
        const body = {
          username: form.username.trim(),
          displayName: form.displayName.trim(),
          role: form.role,
          organisationId: form.organisationId,
          officeIds: form.officeIds,
          active: form.active,
          ...(form.password ? { password: form.password } : {}),
        };
        const { body: made } = await request<Account>('POST', '/api/v1/users', body);
        onSaved(made, true);
        return;
      }
      const changes: Record<string, unknown> = {};
      if (form.displayName.trim() !== base.displayName) changes.displayName = form.displayName.trim();
      if (form.role !== base.role) changes.role = form.role;
      if (form.organisationId !== base.organisationId) changes.organisationId = form.organisationId;
      if ([...form.officeIds].sort().join() !== [...base.officeIds].sort().join()) changes.officeIds = form.officeIds;
      if (form.active !== base.active) changes.active = form.active;
      if (form.password) changes.password = form.password;
      if (!Object.keys(changes).length) {
        setInfo(t('admin.nothingChanged'));
        return;
      }
      const { body: saved } = await request<Account>('PATCH', `/api/v1/users/${base.id}`, changes, { 'if-match': `"${base.version}"` });
      onSaved(saved, false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function takeNewVersion() {
    if (!base) return;
    const fresh = await reloadAccount(base.id);
    if (fresh) {
      setForm((typed) => rebase(typed, formOf(base), formOf(fresh)));
      setBase(fresh);
      setError(null);
      setInfo(t('admin.newVersionLoaded', { version: fresh.version }));
    }
  }

  const errors = fieldErrorsOf(error, t);
  const conflict = error instanceof ApiError && error.status === 412;
  const officeList = offices.data ?? [];
  return (
    <form className="form admin-form" onSubmit={save} noValidate aria-labelledby="admin-user-form-title">
      <h3 id="admin-user-form-title" ref={heading} tabIndex={-1}>
        {base ? t('admin.users.editTitle', { username: base.username }) : t('admin.users.new')}
      </h3>
      <div className="form-row">
        {!base && (
          <Field label={t('admin.users.username')} required hint={t('admin.users.usernameHint')} error={errors.username}>
            {(p) => (
              <input {...p} name="username" autoComplete="off" spellCheck={false} value={form.username} onChange={(e) => set('username', e.target.value)} />
            )}
          </Field>
        )}
        <Field label={t('admin.users.displayName')} required error={errors.displayName}>
          {(p) => <input {...p} name="displayName" autoComplete="off" value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />}
        </Field>
        <Field label={t('admin.users.role')} required error={errors.role}>
          {(p) => (
            <select {...p} name="role" value={form.role} onChange={(e) => set('role', e.target.value)}>
              <option value="">{t('admin.choose')}</option>
              {roles.roles.map((r) => (
                <option key={r} value={r}>
                  {roles.label(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('admin.users.organisation')} required error={errors.organisationId}>
          {(p) => (
            <select
              {...p}
              name="organisationId"
              value={form.organisationId}
              onChange={(e) => setForm((f) => ({ ...f, organisationId: e.target.value, officeIds: [] }))}
            >
              <option value="">{t('admin.choose')}</option>
              {orgs.list.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t(base ? 'admin.users.newPassword' : 'admin.users.password')}
          hint={t(base ? 'admin.users.newPasswordHint' : 'admin.users.passwordHint')}
          error={errors.password}
        >
          {(p) => (
            <input {...p} name="password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => set('password', e.target.value)} />
          )}
        </Field>
      </div>
      <fieldset className="admin-fieldset" aria-describedby={errors.officeIds ? 'admin-user-offices-error' : undefined}>
        <legend>{t('admin.users.offices')}</legend>
        {!form.organisationId ? (
          <p className="muted">{t('admin.users.chooseOrganisationFirst')}</p>
        ) : offices.loading && !offices.data ? (
          <Loading />
        ) : officeList.length === 0 ? (
          <p className="muted">{t('admin.users.noOffices')}</p>
        ) : (
          <div className="admin-checks">
            {officeList.map((o) => (
              <label key={o.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={form.officeIds.includes(o.id)}
                  onChange={(e) => set('officeIds', e.target.checked ? [...form.officeIds, o.id] : form.officeIds.filter((x) => x !== o.id))}
                />
                <span>{o.name}</span>
              </label>
            ))}
          </div>
        )}
        {errors.officeIds && (
          <div id="admin-user-offices-error" className="field-error" role="alert">
            {errors.officeIds}
          </div>
        )}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={form.active} onChange={(e) => set('active', e.target.checked)} /> {t('admin.users.active')}
      </label>
      {error !== null && <Alert>{error instanceof ApiError && error.status === 409 ? t('admin.users.taken') : describeError(error, t)}</Alert>}
      {conflict && (
        <div className="actions">
          <button type="button" className="button secondary small" onClick={() => void takeNewVersion()}>
            {t('error.conflictReload')}
          </button>
        </div>
      )}
      {info && <Alert kind="info">{info}</Alert>}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {base ? t('save') : t('admin.users.create')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
