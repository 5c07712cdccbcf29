/**
 * The integration register, as the privacy officer and the administrator see it: which partners
 * declared a person in their client register, under which capacity code, for which period. The
 * INSZ travels in a POST body, never in a URL; every look-up is audited.
 */
import { useState, type FormEvent } from 'react';
import { post } from '../../api.ts';
import { Alert, ErrorAlert, Field, Loading } from '../../components/forms.tsx';
import { useCodeList } from '../../data.ts';
import { formatInsz } from '../../format.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { fieldErrorsOf, useOrganisations } from './lib.ts';

interface Integration {
  id: string;
  organisationId: string;
  capacityCode: string;
  startsOn: string;
  endsOn: string | null;
  version: number;
  recordedAt: string;
  recordedBy: string;
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date());

export function Integrations() {
  const { t } = useI18n();
  const fmt = useFormat();
  const orgs = useOrganisations();
  const ocmwCodes = useCodeList('capacity_code_ocmw');
  const [form, setForm] = useState({ insz: '', organisationId: '' });
  const [result, setResult] = useState<{ insz: string; items: Integration[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const insz = form.insz.replace(/[\s.-]/g, '');
      const { items } = await post<{ items: Integration[] }>('/api/v1/integrations/search', {
        insz,
        ...(form.organisationId ? { organisationId: form.organisationId } : {}),
      });
      setResult({ insz, items });
    } catch (err) {
      setError(err);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  const errors = fieldErrorsOf(error, t);
  const codeLabel = (i: Integration) =>
    orgs.byId.get(i.organisationId)?.kind === 'OCMW' ? `${i.capacityCode} — ${ocmwCodes.label(i.capacityCode)}` : i.capacityCode;
  const day = today();
  return (
    <section aria-labelledby="admin-int-title">
      <h2 id="admin-int-title">{t('admin.int.title')}</h2>
      <p className="muted admin-intro">{t('admin.int.intro')}</p>
      <form className="form" onSubmit={run} noValidate role="search" aria-label={t('admin.int.title')}>
        <div className="form-row">
          <Field label={t('admin.insz')} hint={t('admin.inszHint')} required error={errors.insz}>
            {(p) => (
              <input {...p} name="insz" inputMode="numeric" autoComplete="off" value={form.insz} onChange={(e) => setForm({ ...form, insz: e.target.value })} />
            )}
          </Field>
          <Field label={t('admin.int.organisation')} error={errors.organisationId}>
            {(p) => (
              <select {...p} value={form.organisationId} onChange={(e) => setForm({ ...form, organisationId: e.target.value })}>
                <option value="">{t('admin.int.everyPartner')}</option>
                {orgs.list.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t('search')}
          </button>
        </div>
      </form>
      {busy && <Loading />}
      <ErrorAlert error={error} />
      {result &&
        (result.items.length === 0 ? (
          <Alert kind="info">{t('admin.int.none', { insz: formatInsz(result.insz) })}</Alert>
        ) : (
          <div className="admin-table-wrap">
            <table className="table admin-table">
              <caption>
                {t(result.items.length === 1 ? 'admin.int.countOne' : 'admin.int.count', { count: result.items.length, insz: formatInsz(result.insz) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.int.organisation')}</th>
                  <th scope="col">{t('admin.int.capacityCode')}</th>
                  <th scope="col">{t('admin.int.startsOn')}</th>
                  <th scope="col">{t('admin.int.endsOn')}</th>
                  <th scope="col">{t('admin.status')}</th>
                  <th scope="col">{t('admin.recordedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((i) => {
                  const current = i.startsOn <= day && (!i.endsOn || i.endsOn >= day);
                  return (
                    <tr key={i.id}>
                      <th scope="row">{orgs.name(i.organisationId)}</th>
                      <td>{codeLabel(i)}</td>
                      <td>{fmt.date(i.startsOn)}</td>
                      <td>{fmt.date(i.endsOn)}</td>
                      <td>
                        <span className={`badge ${current ? 'ok' : ''}`}>
                          {t(current ? 'admin.int.current' : i.startsOn > day ? 'admin.int.future' : 'admin.int.ended')}
                        </span>
                      </td>
                      <td>{fmt.dateTime(i.recordedAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
