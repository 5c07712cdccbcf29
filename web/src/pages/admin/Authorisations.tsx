/**
 * Authorisations (machtigingen; privacy officer and administrator): which partner, or every
 * partner of a kind, may receive which data clusters, for which purpose, on which legal basis and
 * in which period. A change needs the version that was read; every earlier version stays visible.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, get, request } from '../../api.ts';
import { Alert, ErrorAlert, Field, Loading, describeError } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { CLUSTERS, clusterLabel } from './clusters.ts';
import { fieldErrorsOf, rebase, splitList, useLoad, useOrganisations } from './lib.ts';

interface Authorisation {
  id: string;
  partnerOrganisationId: string | null;
  partnerKind: string | null;
  purpose: string;
  clusters: string[];
  legalBasis: string;
  reference: string | null;
  startsOn: string;
  endsOn: string | null;
  capacityCodes: string[];
  description: string | null;
  version: number;
  recordedAt: string;
  recordedBy: string;
  supersededAt?: string;
  supersededBy?: string;
}

export function Authorisations() {
  return (
    <Routes>
      <Route index element={<AuthorisationList />} />
      <Route path="new" element={<AuthorisationEditor key="new" />} />
      <Route path=":authorisationId" element={<AuthorisationEditor key="edit" />} />
    </Routes>
  );
}

function usePartnerLabel() {
  const orgs = useOrganisations();
  const kinds = useCodeList('organisation_kind');
  const { t } = useI18n();
  return (a: Pick<Authorisation, 'partnerOrganisationId' | 'partnerKind'>) =>
    a.partnerOrganisationId ? orgs.name(a.partnerOrganisationId) : t('admin.auth.everyPartnerOf', { kind: kinds.label(a.partnerKind) });
}

function AuthorisationList() {
  const { t } = useI18n();
  const fmt = useFormat();
  const orgs = useOrganisations();
  const kinds = useCodeList('organisation_kind');
  const purposes = useCodeList('purpose');
  const partner = usePartnerLabel();
  const [filter, setFilter] = useState({ partnerOrganisationId: '', partnerKind: '', on: '' });
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
  const list = useLoad(`auth:${query}`, async () => (await get<{ items: Authorisation[] }>(`/api/v1/authorisations${query ? `?${query}` : ''}`)).items);
  const kindEntries = [...kinds.entries].sort((a, b) => a.sortOrder - b.sortOrder);

  return (
    <section aria-labelledby="admin-auth-title">
      <h2 id="admin-auth-title">{t('admin.auth.title')}</h2>
      <p className="muted admin-intro">{t('admin.auth.intro')}</p>
      <div className="actions admin-toolbar">
        <Link className="button" to="new">
          {t('admin.auth.new')}
        </Link>
      </div>
      <div className="admin-filters" role="search" aria-label={t('admin.filters')}>
        <Field label={t('admin.auth.partnerOrganisation')}>
          {(p) => (
            <select {...p} value={filter.partnerOrganisationId} onChange={(e) => setFilter({ ...filter, partnerOrganisationId: e.target.value })}>
              <option value="">{t('admin.filter.all')}</option>
              {orgs.list.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('admin.auth.partnerKind')}>
          {(p) => (
            <select {...p} value={filter.partnerKind} onChange={(e) => setFilter({ ...filter, partnerKind: e.target.value })}>
              <option value="">{t('admin.filter.all')}</option>
              {kindEntries.map((k) => (
                <option key={k.code} value={k.code}>
                  {kinds.label(k.code)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('admin.auth.inForceOn')}>
          {(p) => <input {...p} type="date" value={filter.on} onChange={(e) => setFilter({ ...filter, on: e.target.value })} />}
        </Field>
      </div>
      <ErrorAlert error={list.error} />
      {!list.data ? (
        list.loading ? (
          <Loading />
        ) : null
      ) : list.data.length === 0 ? (
        <p className="empty">{t('admin.auth.none')}</p>
      ) : (
        <div className="admin-table-wrap">
          <table className="table admin-table">
            <caption>{t(list.data.length === 1 ? 'admin.auth.countOne' : 'admin.auth.count', { count: list.data.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.auth.partner')}</th>
                <th scope="col">{t('admin.auth.purpose')}</th>
                <th scope="col">{t('admin.auth.clusters')}</th>
                <th scope="col">{t('admin.auth.legalBasis')}</th>
                <th scope="col">{t('admin.auth.period')}</th>
                <th scope="col">{t('admin.auth.capacityCodes')}</th>
                <th scope="col">{t('admin.version')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    <Link to={a.id} aria-label={t('admin.auth.openOf', { partner: partner(a), purpose: purposes.label(a.purpose) })}>
                      {partner(a)}
                    </Link>
                  </th>
                  <td>{purposes.label(a.purpose)}</td>
                  <td>
                    <ClusterList clusters={a.clusters} />
                  </td>
                  <td className="admin-clip">
                    <div className="admin-clamp">{a.legalBasis}</div>
                    {a.reference ? <div className="muted admin-small">{a.reference}</div> : null}
                  </td>
                  <td className="admin-nowrap">
                    {fmt.date(a.startsOn)} – {a.endsOn ? fmt.date(a.endsOn) : t('admin.auth.open')}
                  </td>
                  <td>{a.capacityCodes.length ? a.capacityCodes.join(', ') : '—'}</td>
                  <td>{a.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The clusters of an authorisation: how many, and which when opened (tables stay dense). */
function ClusterList({ clusters }: { clusters: string[] }) {
  const { t } = useI18n();
  if (clusters.length === CLUSTERS.length) return <>{t('admin.auth.allClusters')}</>;
  if (clusters.length <= 3) return <span className="admin-clusters">{clusters.map((c) => clusterLabel(t, c)).join(', ')}</span>;
  return (
    <details className="admin-cluster-details">
      <summary>{t('admin.auth.clusterCount', { count: clusters.length })}</summary>
      <span className="admin-clusters">{clusters.map((c) => clusterLabel(t, c)).join(', ')}</span>
    </details>
  );
}

interface Form {
  partnerMode: 'organisation' | 'kind';
  partnerOrganisationId: string;
  partnerKind: string;
  purpose: string;
  clusters: string[];
  legalBasis: string;
  reference: string;
  startsOn: string;
  endsOn: string;
  capacityCodes: string;
  description: string;
}
const EMPTY: Form = {
  partnerMode: 'organisation',
  partnerOrganisationId: '',
  partnerKind: '',
  purpose: '',
  clusters: [],
  legalBasis: '',
  reference: '',
  startsOn: '',
  endsOn: '',
  capacityCodes: '',
  description: '',
};

const formOf = (a: Authorisation): Form => ({
  partnerMode: a.partnerKind ? 'kind' : 'organisation',
  partnerOrganisationId: a.partnerOrganisationId ?? '',
  partnerKind: a.partnerKind ?? '',
  purpose: a.purpose,
  clusters: a.clusters,
  legalBasis: a.legalBasis,
  reference: a.reference ?? '',
  startsOn: a.startsOn,
  endsOn: a.endsOn ?? '',
  capacityCodes: a.capacityCodes.join(', '),
  description: a.description ?? '',
});

/** The API body of a form: every field, the partner named one way only. */
function bodyOf(f: Form): Record<string, unknown> {
  return {
    partnerOrganisationId: f.partnerMode === 'organisation' ? f.partnerOrganisationId || null : null,
    partnerKind: f.partnerMode === 'kind' ? f.partnerKind || null : null,
    purpose: f.purpose,
    clusters: f.clusters,
    legalBasis: f.legalBasis.trim(),
    reference: f.reference.trim() || null,
    startsOn: f.startsOn,
    endsOn: f.endsOn || null,
    capacityCodes: splitList(f.capacityCodes),
    description: f.description.trim() || null,
  };
}

function AuthorisationEditor() {
  const { t } = useI18n();
  const { authorisationId } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const loaded = useLoad(authorisationId ? `auth:${authorisationId}` : null, () =>
    request<Authorisation & { versions: Authorisation[] }>('GET', `/api/v1/authorisations/${authorisationId}`),
  );
  const [form, setForm] = useState<Form>(EMPTY);
  const [filledFrom, setFilledFrom] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>((location.state as { created?: boolean } | null)?.created ? t('admin.auth.created') : null);
  const current = loaded.data?.body ?? null;
  // Fill the form once from the record; a reload after a conflict leaves what the user typed.
  useEffect(() => {
    if (current && filledFrom !== current.id) {
      setForm(formOf(current));
      setFilledFrom(current.id);
    }
  }, [current, filledFrom]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const body = bodyOf(form);
      if (!current) {
        const { body: made } = await request<Authorisation>('POST', '/api/v1/authorisations', body);
        navigate(`../${made.id}`, { state: { created: true } });
        return;
      }
      const before = bodyOf(formOf(current));
      const changes = Object.fromEntries(Object.entries(body).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
      if (!Object.keys(changes).length) {
        setNotice(t('admin.nothingChanged'));
        return;
      }
      const etag = loaded.data!.etag ?? `"${current.version}"`;
      await request<Authorisation>('PATCH', `/api/v1/authorisations/${current.id}`, changes, { 'if-match': etag });
      const fresh = await request<Authorisation & { versions: Authorisation[] }>('GET', `/api/v1/authorisations/${current.id}`);
      loaded.setData(fresh);
      setForm(formOf(fresh.body));
      setNotice(t('admin.auth.saved', { version: fresh.body.version }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  /** After a 412: the newest version becomes the base of the next save; the form keeps its values. */
  async function takeNewVersion() {
    if (!current) return;
    const fresh = await request<Authorisation & { versions: Authorisation[] }>('GET', `/api/v1/authorisations/${current.id}`);
    setForm((typed) => rebase(typed, formOf(current), formOf(fresh.body)));
    loaded.setData(fresh);
    setError(null);
    setNotice(t('admin.newVersionLoaded', { version: fresh.body.version }));
  }

  if (authorisationId && loaded.error)
    return (
      <>
        <p className="admin-back">
          <Link to="..">{t('admin.auth.back')}</Link>
        </p>
        <ErrorAlert error={loaded.error} />
      </>
    );
  if (authorisationId && !current) return <Loading />;
  const errors = fieldErrorsOf(error, t);
  const conflict = error instanceof ApiError && error.status === 412;
  return (
    <section aria-labelledby="admin-auth-edit-title">
      <p className="admin-back">
        <Link to="..">{t('admin.auth.back')}</Link>
      </p>
      <h2 id="admin-auth-edit-title">{current ? t('admin.auth.editTitle', { version: current.version }) : t('admin.auth.new')}</h2>
      {notice && <Alert kind={notice === t('admin.nothingChanged') ? 'info' : 'success'}>{notice}</Alert>}
      <AuthorisationForm
        form={form}
        setForm={setForm}
        errors={errors}
        onSubmit={save}
        busy={busy}
        label={current ? t('admin.auth.editTitle', { version: current.version }) : t('admin.auth.new')}
        submitLabel={current ? t('save') : t('admin.auth.create')}
        footer={
          <>
            {error !== null && <Alert>{describeError(error, t)}</Alert>}
            {conflict && (
              <div className="actions">
                <button type="button" className="button secondary small" onClick={() => void takeNewVersion()}>
                  {t('error.conflictReload')}
                </button>
              </div>
            )}
          </>
        }
      />
      {current && loaded.data && <History current={current} versions={loaded.data.body.versions} />}
    </section>
  );
}

function AuthorisationForm({
  form,
  setForm,
  errors,
  onSubmit,
  busy,
  label,
  submitLabel,
  footer,
}: {
  form: Form;
  setForm(f: (f: Form) => Form): void;
  errors: Record<string, string>;
  onSubmit(e: FormEvent): void;
  busy: boolean;
  label: string;
  submitLabel: string;
  footer: ReactNode;
}) {
  const { t } = useI18n();
  const orgs = useOrganisations();
  const kinds = useCodeList('organisation_kind');
  const purposes = useCodeList('purpose');
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const kindEntries = [...kinds.entries].sort((a, b) => a.sortOrder - b.sortOrder);
  const purposeEntries = [...purposes.entries].sort((a, b) => a.sortOrder - b.sortOrder);

  return (
    <form className="form admin-form" onSubmit={onSubmit} noValidate aria-label={label}>
      <fieldset className="admin-fieldset">
        <legend>{t('admin.auth.partner')}</legend>
        <div className="admin-radios">
          <label className="checkbox">
            <input type="radio" name="partnerMode" checked={form.partnerMode === 'organisation'} onChange={() => set('partnerMode', 'organisation')} />{' '}
            {t('admin.auth.oneOrganisation')}
          </label>
          <label className="checkbox">
            <input type="radio" name="partnerMode" checked={form.partnerMode === 'kind'} onChange={() => set('partnerMode', 'kind')} />{' '}
            {t('admin.auth.everyOfKind')}
          </label>
        </div>
        <div className="form-row">
          {form.partnerMode === 'organisation' ? (
            <Field label={t('admin.auth.partnerOrganisation')} required error={errors.partnerOrganisationId}>
              {(p) => (
                <select {...p} value={form.partnerOrganisationId} onChange={(e) => set('partnerOrganisationId', e.target.value)}>
                  <option value="">{t('admin.choose')}</option>
                  {orgs.list.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name} ({kinds.label(o.kind)})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <Field label={t('admin.auth.partnerKind')} required error={errors.partnerKind}>
              {(p) => (
                <select {...p} value={form.partnerKind} onChange={(e) => set('partnerKind', e.target.value)}>
                  <option value="">{t('admin.choose')}</option>
                  {kindEntries.map((k) => (
                    <option key={k.code} value={k.code}>
                      {kinds.label(k.code)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label={t('admin.auth.purpose')} required error={errors.purpose}>
            {(p) => (
              <select {...p} value={form.purpose} onChange={(e) => set('purpose', e.target.value)}>
                <option value="">{t('admin.choose')}</option>
                {purposeEntries.map((e) => (
                  <option key={e.code} value={e.code}>
                    {purposes.label(e.code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className={`admin-fieldset${errors.clusters ? ' has-error' : ''}`} aria-describedby={errors.clusters ? 'admin-auth-clusters-error' : undefined}>
        <legend>
          {t('admin.auth.clusters')}{' '}
          <span className="required-mark" title={t('required')}>
            *
          </span>
        </legend>
        <div className="actions admin-mini-actions">
          <button type="button" className="link-button" onClick={() => set('clusters', [...CLUSTERS])}>
            {t('admin.auth.selectAll')}
          </button>
          <button type="button" className="link-button" onClick={() => set('clusters', [])}>
            {t('admin.auth.selectNone')}
          </button>
          <span className="muted" aria-live="polite">
            {t('admin.auth.selected', { count: form.clusters.length, total: CLUSTERS.length })}
          </span>
        </div>
        <div className="admin-checks">
          {CLUSTERS.map((c) => (
            <label key={c} className="checkbox">
              <input
                type="checkbox"
                name="clusters"
                value={c}
                checked={form.clusters.includes(c)}
                onChange={(e) => set('clusters', e.target.checked ? [...form.clusters, c] : form.clusters.filter((x) => x !== c))}
              />
              {clusterLabel(t, c)}
            </label>
          ))}
        </div>
        {errors.clusters && (
          <div id="admin-auth-clusters-error" className="field-error" role="alert">
            {errors.clusters}
          </div>
        )}
      </fieldset>

      <div className="form-row">
        <div className="admin-wide">
          <Field label={t('admin.auth.legalBasis')} required hint={t('admin.auth.legalBasisHint')} error={errors.legalBasis}>
            {(p) => <textarea {...p} value={form.legalBasis} maxLength={500} onChange={(e) => set('legalBasis', e.target.value)} />}
          </Field>
        </div>
        <Field label={t('admin.auth.reference')} hint={t('admin.auth.referenceHint')} error={errors.reference}>
          {(p) => <input {...p} value={form.reference} maxLength={200} onChange={(e) => set('reference', e.target.value)} />}
        </Field>
        <Field label={t('admin.auth.startsOn')} required error={errors.startsOn}>
          {(p) => <input {...p} type="date" value={form.startsOn} onChange={(e) => set('startsOn', e.target.value)} />}
        </Field>
        <Field label={t('admin.auth.endsOn')} hint={t('admin.auth.endsOnHint')} error={errors.endsOn}>
          {(p) => <input {...p} type="date" value={form.endsOn} onChange={(e) => set('endsOn', e.target.value)} />}
        </Field>
        <Field label={t('admin.auth.capacityCodes')} hint={t('admin.auth.capacityCodesHint')} error={errors.capacityCodes}>
          {(p) => <input {...p} value={form.capacityCodes} onChange={(e) => set('capacityCodes', e.target.value)} />}
        </Field>
        <div className="admin-wide">
          <Field label={t('admin.auth.description')} error={errors.description}>
            {(p) => <textarea {...p} value={form.description} maxLength={2000} onChange={(e) => set('description', e.target.value)} />}
          </Field>
        </div>
      </div>
      {footer}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

function History({ current, versions }: { current: Authorisation; versions: Authorisation[] }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const purposes = useCodeList('purpose');
  const partner = usePartnerLabel();
  const all = [current, ...versions.filter((v) => v.version !== current.version)];
  return (
    <section aria-labelledby="admin-auth-history-title" className="admin-subsection">
      <h3 id="admin-auth-history-title">{t('admin.auth.history')}</h3>
      <div className="admin-table-wrap">
        <table className="table admin-table">
          <caption>{t(all.length === 1 ? 'admin.auth.historyCountOne' : 'admin.auth.historyCount', { count: all.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.version')}</th>
              <th scope="col">{t('admin.recordedAt')}</th>
              <th scope="col">{t('admin.recordedBy')}</th>
              <th scope="col">{t('admin.auth.supersededAt')}</th>
              <th scope="col">{t('admin.auth.partner')}</th>
              <th scope="col">{t('admin.auth.purpose')}</th>
              <th scope="col">{t('admin.auth.clusters')}</th>
              <th scope="col">{t('admin.auth.period')}</th>
            </tr>
          </thead>
          <tbody>
            {all.map((v) => (
              <tr key={`${v.version}-${v.recordedAt}`}>
                <th scope="row">
                  {v.version}
                  {v === current ? (
                    <>
                      {' '}
                      <span className="badge ok">{t('admin.auth.current')}</span>
                    </>
                  ) : null}
                </th>
                <td className="admin-nowrap">{fmt.dateTime(v.recordedAt)}</td>
                <td className="mono admin-clip">{v.recordedBy}</td>
                <td className="admin-nowrap">{v.supersededAt ? fmt.dateTime(v.supersededAt) : '—'}</td>
                <td>{partner(v)}</td>
                <td>{purposes.label(v.purpose)}</td>
                <td>
                  <ClusterList clusters={v.clusters} />
                </td>
                <td className="admin-nowrap">
                  {fmt.date(v.startsOn)} – {v.endsOn ? fmt.date(v.endsOn) : t('admin.auth.open')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
