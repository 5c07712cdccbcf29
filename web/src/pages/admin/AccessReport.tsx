/**
 * A person's access report (privacy officer): who consulted the dossier of the person with this
 * INSZ, when, for which purpose and on which legal basis — for the person who asks (GDPR art. 15).
 * On screen one line per consultation, in words from the server in the user's language; to hand
 * over as a letter (PDF) in Dutch or French, or as CSV or JSON. Over a long history it takes a
 * while; the screen says so, without pretending to know how far along it is.
 */
import { useState, type FormEvent } from 'react';
import { post } from '../../api.ts';
import { Alert, ErrorAlert, Field, Loading } from '../../components/forms.tsx';
import { formatInsz } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { fieldErrorsOf, dayToIso, downloadPost, useMomentFormat } from './lib.ts';

/** One consultation (however many rows it wrote in the trail), in words. */
interface AccessLine {
  at: string;
  until: string;
  actor: string;
  actorId: string;
  actorKind: string;
  organisation: string | null;
  purpose: string | null;
  purposeText: string;
  purposeStated: boolean;
  legalBasisText: string;
  action: string;
  actions: string[];
  actionText: string;
  clusters: string[];
  clusterTexts: string[];
  result: string;
  resultText: string;
  requestId: string | null;
}
/** A partner's declaration of the person in its integration register: it opens the partner's access from its start. */
interface Declaration {
  organisation: string;
  organisationKind: string;
  organisationKindText: string;
  capacityCode: string;
  capacityText: string;
  startsOn: string;
  endsOn: string | null;
  recordedAt: string;
  recordedBy: string;
  reason: string | null;
}
interface Report {
  generatedAt: string;
  lang: string;
  person: { known: boolean; name: string | null; inszMasked: string };
  from: string | null;
  to: string | null;
  items: AccessLine[];
  declarations: Declaration[];
}

export function AccessReport() {
  const { t, language } = useI18n();
  const moment = useMomentFormat();
  const [form, setForm] = useState({ insz: '', from: '', to: '' });
  const [report, setReport] = useState<{ body: Record<string, string>; report: Report } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [working, setWorking] = useState<'report' | 'csv' | 'pdf' | 'json' | null>(null);

  const bodyOf = () => {
    const body: Record<string, string | undefined> = {
      insz: form.insz.replace(/[\s.-]/g, ''),
      from: dayToIso(form.from),
      to: dayToIso(form.to, true),
      lang: language,
    };
    return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  };

  async function run(e: FormEvent) {
    e.preventDefault();
    setWorking('report');
    setError(null);
    try {
      const body = bodyOf();
      setReport({ body, report: await post<Report>('/api/v1/audit/personReport', body) });
    } catch (err) {
      setError(err);
      setReport(null);
    } finally {
      setWorking(null);
    }
  }

  /** A file to hand over: the letter in the language chosen, or CSV and JSON in the screen's language. */
  async function download(kind: 'csv' | 'pdf' | 'json', lang?: 'nl' | 'fr') {
    if (!report) return;
    setWorking(kind);
    setError(null);
    const accept = { csv: 'text/csv', pdf: 'application/pdf', json: 'application/json' }[kind];
    try {
      await downloadPost('/api/v1/audit/personReport', { ...report.body, ...(lang ? { lang } : {}) }, accept, `raadplegingen${lang ? `-${lang}` : ''}.${kind}`);
    } catch (err) {
      setError(err);
    } finally {
      setWorking(null);
    }
  }

  const errors = fieldErrorsOf(error, t);
  return (
    <section aria-labelledby="admin-report-title">
      <h2 id="admin-report-title">{t('admin.report.title')}</h2>
      <p className="muted admin-intro">{t('admin.report.intro')}</p>
      <form className="form" onSubmit={run} noValidate aria-label={t('admin.report.title')}>
        <div className="form-row">
          <Field label={t('admin.insz')} hint={t('admin.inszHint')} required error={errors.insz}>
            {(p) => (
              <input {...p} name="insz" inputMode="numeric" autoComplete="off" value={form.insz} onChange={(e) => setForm({ ...form, insz: e.target.value })} />
            )}
          </Field>
          <Field label={t('admin.report.from')} error={errors.from}>
            {(p) => <input {...p} name="from" type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />}
          </Field>
          <Field label={t('admin.report.to')} error={errors.to}>
            {(p) => <input {...p} name="to" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={working !== null}>
            {t('admin.report.make')}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {/* The server answers in one go: no percentage to show, only that it is working. */}
      {working && (
        <div className="admin-working">
          <Loading />
          <p className="muted">{t(working === 'report' ? 'admin.report.working' : 'admin.report.downloading', { format: working.toUpperCase() })}</p>
        </div>
      )}
      {report && (
        <section aria-labelledby="admin-report-result" className="admin-subsection">
          <h3 id="admin-report-result">{t('admin.report.resultTitle', { insz: formatInsz(report.body.insz ?? '') })}</h3>
          {report.report.person.name && <p>{t('admin.report.aboutPerson', { name: report.report.person.name })}</p>}
          <p className="muted">{t('admin.report.generatedAt', { at: moment(report.report.generatedAt) })}</p>
          <div className="actions admin-report-downloads">
            <button type="button" className="button" onClick={() => void download('pdf', 'nl')} disabled={working !== null}>
              {t('admin.report.pdfNl')}
            </button>
            <button type="button" className="button" onClick={() => void download('pdf', 'fr')} disabled={working !== null}>
              {t('admin.report.pdfFr')}
            </button>
            <button type="button" className="button secondary" onClick={() => void download('csv')} disabled={working !== null}>
              {t('admin.report.csv')}
            </button>
            <button type="button" className="button secondary" onClick={() => void download('json')} disabled={working !== null}>
              {t('admin.report.json')}
            </button>
          </div>
          <h4>{t('admin.report.declarationsTitle')}</h4>
          <p className="muted">{t('admin.report.declarationsIntro')}</p>
          {report.report.declarations.length === 0 ? (
            <Alert kind="info">{t('admin.report.declarationsNone')}</Alert>
          ) : (
            <div className="admin-table-wrap">
              <table className="table admin-table">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.audit.organisation')}</th>
                    <th scope="col">{t('admin.report.capacity')}</th>
                    <th scope="col">{t('admin.report.startsOn')}</th>
                    <th scope="col">{t('admin.report.endsOn')}</th>
                    <th scope="col">{t('admin.report.recordedAt')}</th>
                    <th scope="col">{t('admin.report.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.report.declarations.map((d, i) => (
                    <tr key={`${d.recordedAt}-${i}`}>
                      <th scope="row">
                        {d.organisation}
                        <div className="muted admin-small">{d.organisationKindText}</div>
                      </th>
                      <td title={d.capacityCode}>{d.capacityText}</td>
                      <td className="admin-nowrap">{d.startsOn}</td>
                      <td className="admin-nowrap">{d.endsOn ?? '—'}</td>
                      <td className="admin-nowrap">{moment(d.recordedAt)}</td>
                      <td>{d.reason ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h4>{t('admin.report.accessesTitle')}</h4>
          {report.report.items.length === 0 ? (
            <Alert kind="info">{t('admin.report.none')}</Alert>
          ) : (
            <div className="admin-table-wrap">
              <table className="table admin-table">
                <caption>{t(report.report.items.length === 1 ? 'admin.report.countOne' : 'admin.report.count', { count: report.report.items.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.audit.moment')}</th>
                    <th scope="col">{t('admin.report.who')}</th>
                    <th scope="col">{t('admin.audit.organisation')}</th>
                    <th scope="col">{t('admin.audit.purpose')}</th>
                    <th scope="col">{t('admin.audit.action')}</th>
                    <th scope="col">{t('admin.audit.clusters')}</th>
                    <th scope="col">{t('admin.audit.result')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.report.items.map((l, i) => (
                    <tr key={`${l.at}-${i}`} className="admin-report-line">
                      <th scope="row" className="admin-nowrap">
                        {moment(l.at)}
                      </th>
                      <td>
                        <span title={l.actorId}>{l.actor}</span>
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
                      <td>{l.organisation ?? '—'}</td>
                      <td>
                        {l.purposeText}
                        {l.purposeStated ? null : <span className="muted"> ({t('admin.audit.ofTask')})</span>}
                        <div className="muted admin-small">
                          {t('admin.audit.legalBasis')}: {l.legalBasisText}
                        </div>
                      </td>
                      <td title={l.actions.join(', ')}>{l.actionText}</td>
                      <td className="admin-clusters">{l.clusterTexts.length ? l.clusterTexts.join(', ') : '—'}</td>
                      <td>
                        <span className={`badge ${l.result === 'allowed' ? 'ok' : 'bad'}`}>{l.resultText}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </section>
  );
}
