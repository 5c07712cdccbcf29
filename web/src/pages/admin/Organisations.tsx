/**
 * Organisations and their offices (administrator): the partners of KBI — agencies, Houses of
 * Dutch, OCMWs, VDAB and the others — with their enterprise number (KBO) and their offices.
 */
import { useMemo, useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { request } from '../../api.ts';
import { Alert, ErrorAlert, Field, Loading } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { formatKbo, kboUrl } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ReferenceForm } from './ReferenceForm.tsx';
import { fetchAll, refreshOrganisations, useLoad, useOrganisations, type Office, type Organisation } from './lib.ts';

export function Organisations() {
  return (
    <Routes>
      <Route index element={<OrganisationList />} />
      <Route path="new" element={<NewOrganisation />} />
      <Route path=":organisationId" element={<OrganisationDetail />} />
    </Routes>
  );
}

function OrganisationList() {
  const { t } = useI18n();
  const orgs = useOrganisations();
  const kinds = useCodeList('organisation_kind');
  const agencies = useCodeList('agency');
  const regions = useCodeList('region');
  const [filter, setFilter] = useState({ text: '', kind: '' });
  const shown = useMemo(() => {
    const text = filter.text.trim().toLowerCase();
    const digits = text.replace(/\D/g, '');
    return orgs.list.filter(
      (o) =>
        (!filter.kind || o.kind === filter.kind) &&
        (!text || o.name.toLowerCase().includes(text) || (digits.length >= 3 && (o.enterpriseNumber ?? '').includes(digits))),
    );
  }, [orgs.list, filter]);
  const kindEntries = [...kinds.entries].sort((a, b) => a.sortOrder - b.sortOrder);

  return (
    <section aria-labelledby="admin-orgs-title">
      <h2 id="admin-orgs-title">{t('admin.orgs.title')}</h2>
      <div className="actions admin-toolbar">
        <Link className="button" to="new">
          {t('admin.orgs.new')}
        </Link>
      </div>
      <div className="admin-filters" role="search" aria-label={t('admin.filters')}>
        <Field label={t('admin.filter.text')} hint={t('admin.orgs.filterHint')}>
          {(p) => <input {...p} type="search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />}
        </Field>
        <Field label={t('admin.org.kind')}>
          {(p) => (
            <select {...p} value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value })}>
              <option value="">{t('admin.filter.all')}</option>
              {kindEntries.map((k) => (
                <option key={k.code} value={k.code}>
                  {kinds.label(k.code)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {!orgs.loaded ? (
        <Loading />
      ) : shown.length === 0 ? (
        <p className="empty">{t('admin.orgs.none')}</p>
      ) : (
        <div className="admin-table-wrap">
          <table className="table admin-table">
            <caption>{t('admin.orgs.count', { count: shown.length, total: orgs.list.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.org.name')}</th>
                <th scope="col">{t('admin.org.kind')}</th>
                <th scope="col">{t('admin.org.enterpriseNumber')}</th>
                <th scope="col">{t('admin.org.agency')}</th>
                <th scope="col">{t('admin.org.region')}</th>
                <th scope="col">{t('admin.org.parentId')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    <Link to={o.id}>{o.name}</Link>
                  </th>
                  <td>{kinds.label(o.kind)}</td>
                  <td className="mono">
                    {o.enterpriseNumber ? (
                      <a
                        href={kboUrl(o.enterpriseNumber)}
                        target="_blank"
                        rel="noreferrer noopener"
                        aria-label={t('admin.kboLinkOf', { kbo: formatKbo(o.enterpriseNumber) })}
                      >
                        {formatKbo(o.enterpriseNumber)}
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{agencies.label(o.agency)}</td>
                  <td>{regions.label(o.region)}</td>
                  <td>{o.parentId ? orgs.name(o.parentId) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NewOrganisation() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <section aria-labelledby="admin-org-new-title">
      <p className="admin-back">
        <Link to="..">{t('admin.orgs.back')}</Link>
      </p>
      <h2 id="admin-org-new-title">{t('admin.orgs.new')}</h2>
      <ReferenceForm
        resource="organisations"
        record={null}
        etag={null}
        title={t('admin.orgs.new')}
        submitLabel={t('admin.orgs.create')}
        onCancel={() => navigate('..')}
        onSaved={({ record }) => {
          refreshOrganisations();
          navigate(`../${String(record.id)}`, { state: { created: true } });
        }}
      />
    </section>
  );
}

function OrganisationDetail() {
  const { t } = useI18n();
  const { organisationId } = useParams();
  const kinds = useCodeList('organisation_kind');
  const org = useLoad(`org:${organisationId}`, () => request<Organisation & Record<string, unknown>>('GET', `/api/v1/organisations/${organisationId}`));
  const [notice, setNotice] = useState<string | null>(null);
  if (org.error)
    return (
      <>
        <p className="admin-back">
          <Link to="..">{t('admin.orgs.back')}</Link>
        </p>
        <ErrorAlert error={org.error} />
      </>
    );
  if (!org.data) return <Loading />;
  const record = org.data.body;
  return (
    <section aria-labelledby="admin-org-title">
      <p className="admin-back">
        <Link to="..">{t('admin.orgs.back')}</Link>
      </p>
      <h2 id="admin-org-title">
        {record.name} <span className="badge">{kinds.label(record.kind)}</span>
      </h2>
      {record.enterpriseNumber && (
        <p className="admin-intro">
          {t('admin.org.enterpriseNumber')}: <span className="mono">{formatKbo(record.enterpriseNumber)}</span>
          {' — '}
          <a href={kboUrl(record.enterpriseNumber)} target="_blank" rel="noreferrer noopener">
            {t('admin.kboLink')}
          </a>
        </p>
      )}
      {notice && <Alert kind="success">{notice}</Alert>}
      <h3>{t('admin.orgs.details')}</h3>
      <ReferenceForm
        resource="organisations"
        record={record}
        etag={org.data.etag}
        title={t('admin.orgs.details')}
        submitLabel={t('save')}
        onSaved={({ record: saved, etag }) => {
          refreshOrganisations();
          org.setData({ body: saved as typeof record, etag, status: 200 });
          setNotice(t('admin.saved', { name: String(saved.name) }));
        }}
      />
      <Offices organisationId={record.id} />
    </section>
  );
}

function Offices({ organisationId }: { organisationId: string }) {
  const { t } = useI18n();
  const offices = useLoad(`offices:${organisationId}`, () => fetchAll<Office>(`/api/v1/offices?organisationId=${organisationId}`));
  const [editing, setEditing] = useState<{ record: Office; etag: string | null } | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [round, setRound] = useState(0);

  async function edit(o: Office) {
    const fresh = await request<Office>('GET', `/api/v1/offices/${o.id}`);
    setEditing({ record: fresh.body, etag: fresh.etag });
    setNotice(null);
  }

  return (
    <section aria-labelledby="admin-offices-title" className="admin-subsection">
      <h3 id="admin-offices-title">{t('admin.offices.title')}</h3>
      <ErrorAlert error={offices.error} />
      {notice && <Alert kind="success">{notice}</Alert>}
      {!offices.data ? (
        <Loading />
      ) : offices.data.length === 0 ? (
        <p className="empty">{t('admin.offices.none')}</p>
      ) : (
        <div className="admin-table-wrap">
          <table className="table admin-table">
            <caption>{t(offices.data.length === 1 ? 'admin.offices.countOne' : 'admin.offices.count', { count: offices.data.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.office.name')}</th>
                <th scope="col">{t('admin.office.kboNumber')}</th>
                <th scope="col">{t('admin.office.address')}</th>
                <th scope="col">{t('admin.office.phone')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...offices.data]
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((o) => (
                  <tr key={o.id}>
                    <th scope="row">{o.name}</th>
                    <td className="mono">{o.kboNumber ? formatKbo(o.kboNumber) : '—'}</td>
                    <td>
                      {[[o.street, o.houseNumber].filter(Boolean).join(' '), [o.postcode, o.municipality].filter(Boolean).join(' ')]
                        .filter(Boolean)
                        .join(', ') || '—'}
                    </td>
                    <td>{typeof o.phone === 'string' ? o.phone : '—'}</td>
                    <td className="admin-row-actions">
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => void edit(o)}
                        aria-label={t('admin.offices.editOf', { name: o.name })}
                      >
                        {t('edit')}
                      </button>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
      {editing === null && (
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setEditing('new');
              setNotice(null);
            }}
          >
            {t('admin.offices.new')}
          </button>
        </div>
      )}
      {editing !== null && (
        <div className="admin-panel">
          <h4>{editing === 'new' ? t('admin.offices.new') : t('admin.offices.editOf', { name: editing.record.name })}</h4>
          <ReferenceForm
            key={editing === 'new' ? `new-${round}` : editing.record.id}
            resource="offices"
            record={editing === 'new' ? null : editing.record}
            etag={editing === 'new' ? null : editing.etag}
            fixed={{ organisationId }}
            title={editing === 'new' ? t('admin.offices.new') : t('admin.offices.editOf', { name: editing.record.name })}
            submitLabel={editing === 'new' ? t('admin.offices.create') : t('save')}
            onCancel={() => setEditing(null)}
            onSaved={({ record }) => {
              setEditing(null);
              setRound((n) => n + 1);
              setNotice(t('admin.saved', { name: String(record.name) }));
              offices.reload();
            }}
          />
        </div>
      )}
    </section>
  );
}
