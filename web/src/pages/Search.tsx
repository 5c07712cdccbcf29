/** Find a person by INSZ, name or birth date. The INSZ travels in a POST body, never in the URL. */
import { useState, type FormEvent } from 'react';
import { translateIssue } from './dossier/issues.ts';
import { Link } from 'react-router';
import { ApiError, post, type Page } from '../api.ts';
import { Alert, ErrorAlert, Field } from '../components/forms.tsx';
import { useCodeList } from '../data.ts';
import { useFormat, useI18n } from '../i18n/index.tsx';
import { formatInsz } from '../format.ts';
import { CAN, useSession } from '../session.tsx';
import { WorklistSummary } from './worklist/Summary.tsx';

export interface PersonSummary {
  id: string;
  insz: string;
  familyName: string;
  givenNames: string;
  birthDate: string | null;
  gender: string;
  nationality: string;
  municipality: string | null;
}

const EMPTY = { insz: '', familyName: '', givenNames: '', birthDate: '' };

export function SearchPage() {
  const { t } = useI18n();
  const fmt = useFormat();
  const nationality = useCodeList('nationality');
  const { user } = useSession();
  const [form, setForm] = useState(EMPTY);
  const [result, setResult] = useState<Page<PersonSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(e: FormEvent) {
    e.preventDefault();
    const body = Object.fromEntries(
      Object.entries(form)
        .map(([k, v]) => [k, v.trim()])
        .filter(([, v]) => v !== ''),
    );
    if (!Object.keys(body).length) {
      setError(new ApiError({ title: '', status: 400, detail: t('search.atLeastOne') }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await post<Page<PersonSummary>>('/api/v1/persons/search', { ...body, limit: 50 }));
    } catch (err) {
      setError(err);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }
  const fieldErrors = Object.fromEntries(
    Object.entries(error instanceof ApiError ? error.fieldErrors() : {}).map(([k, v]) => [k, translateIssue(v, t, (n) => n, fmt.date)]),
  );
  const set = (k: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });

  return (
    <div className="page">
      {user && CAN.worklist(user.permissions) && <WorklistSummary />}
      <h1>{t('search.title')}</h1>
      <form onSubmit={run} className="form search-form" noValidate role="search" aria-label={t('search.title')}>
        <div className="form-row">
          <Field label={t('search.insz')} hint={t('search.inszHint')} error={fieldErrors.insz}>
            {(p) => <input {...p} name="insz" inputMode="numeric" autoComplete="off" value={form.insz} onChange={set('insz')} />}
          </Field>
          <Field label={t('search.familyName')} error={fieldErrors.familyName}>
            {(p) => <input {...p} name="familyName" autoComplete="off" value={form.familyName} onChange={set('familyName')} />}
          </Field>
          <Field label={t('search.givenNames')} error={fieldErrors.givenNames}>
            {(p) => <input {...p} name="givenNames" autoComplete="off" value={form.givenNames} onChange={set('givenNames')} />}
          </Field>
          <Field label={t('search.birthDate')} error={fieldErrors.birthDate}>
            {(p) => <input {...p} name="birthDate" type="date" value={form.birthDate} onChange={set('birthDate')} />}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t('search')}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {result &&
        (result.items.length === 0 ? (
          <Alert kind="info">{t('search.none')}</Alert>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <caption>{t(result.items.length === 1 ? 'search.resultsOne' : 'search.results', { count: result.items.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('search.name')}</th>
                  <th scope="col">{t('search.insz')}</th>
                  <th scope="col">{t('search.birthDate')}</th>
                  <th scope="col">{t('search.nationality')}</th>
                  <th scope="col">{t('search.municipality')}</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/persons/${p.id}`}>
                        {p.familyName}, {p.givenNames}
                      </Link>
                    </td>
                    <td className="mono">{formatInsz(p.insz)}</td>
                    <td>{fmt.date(p.birthDate)}</td>
                    <td>{nationality.label(p.nationality)}</td>
                    <td>{p.municipality ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </div>
  );
}
