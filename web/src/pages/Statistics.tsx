/**
 * Statistics (/statistics): the exchange with partners per month, as seed 001's table — with the
 * distinct dossiers beside every count (seed 000) — a chart of the same, and the split per purpose
 * and per data cluster. The 14 base query sets of the monitoring join this screen in their own issue.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, post } from '../api.ts';
import { ErrorAlert, Field, Loading, Alert } from '../components/forms.tsx';
import { useCodeList } from '../data.ts';
import { useFormat, useI18n } from '../i18n/index.tsx';
import { clusterLabel } from './admin/clusters.ts';
import { StackedBars } from './statistics/BarChart.tsx';
import './statistics/statistics.css';

interface Cell {
  exchanges: number;
  dossiers: number;
}
interface Report {
  months: string[];
  partners: { organisationId: string; name: string; kind: string; total: Cell; byMonth: Record<string, Cell> }[];
  totalByMonth: Record<string, Cell>;
  total: Cell;
  byPurpose: ({ purpose: string | null } & Cell)[];
  byCluster: ({ cluster: string } & Cell)[];
  refused: number;
}

const thisMonth = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date()).slice(0, 7);
const monthsBack = (n: number) => {
  const [y, m] = thisMonth().split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 7);
};

export default function StatisticsPage() {
  const { t, locale } = useI18n();
  const fmt = useFormat();
  const kinds = useCodeList('organisation_kind');
  const purposes = useCodeList('purpose');
  const [form, setForm] = useState({ from: monthsBack(11), to: thisMonth(), partnerKind: '' });
  const [measure, setMeasure] = useState<'exchanges' | 'dossiers'>('exchanges');
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function load(e?: FormEvent) {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setReport(
        await post<Report>('/api/v1/statistics/exchanges', { from: form.from, to: form.to, ...(form.partnerKind ? { partnerKind: form.partnerKind } : {}) }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    void load();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const monthLabel = useMemo(() => new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' }), [locale]);
  const label = (m: string) => monthLabel.format(new Date(`${m}-15T00:00:00Z`));
  const series = useMemo(
    () => (report?.partners ?? []).map((p) => ({ label: p.name, values: report!.months.map((m) => p.byMonth[m]?.[measure] ?? 0) })),
    [report, measure],
  );
  const labels = useMemo(() => (report?.months ?? []).map(label), [report, monthLabel]); // eslint-disable-line react-hooks/exhaustive-deps
  const fieldErrors = error instanceof ApiError ? error.fieldErrors() : {};
  const cell = (c: Cell | undefined) =>
    c ? t(c.dossiers === 1 ? 'stats.cellOne' : 'stats.cell', { exchanges: fmt.number(c.exchanges), dossiers: fmt.number(c.dossiers) }) : '—';

  return (
    <div className="page statistics-page">
      <h1>{t('stats.exchanges.title')}</h1>
      <p className="muted intro">{t('stats.exchanges.intro')}</p>
      <form className="form" onSubmit={load} noValidate>
        <div className="form-row">
          <Field label={t('stats.from')} error={fieldErrors.from} required>
            {(p) => <input {...p} type="month" name="from" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />}
          </Field>
          <Field label={t('stats.to')} error={fieldErrors.to} required>
            {(p) => <input {...p} type="month" name="to" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />}
          </Field>
          <Field label={t('stats.partnerKind')} error={fieldErrors.partnerKind}>
            {(p) => (
              <select {...p} name="partnerKind" value={form.partnerKind} onChange={(e) => setForm({ ...form, partnerKind: e.target.value })}>
                <option value="">{t('stats.allKinds')}</option>
                {kinds.entries.map((k) => (
                  <option key={k.code} value={k.code}>
                    {kinds.label(k.code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t('stats.show')}
            </button>
          </div>
        </div>
      </form>
      <ErrorAlert error={error} />
      {busy && !report && <Loading />}
      {report &&
        (report.total.exchanges === 0 ? (
          <Alert kind="info">{t('stats.none')}</Alert>
        ) : (
          <>
            <fieldset className="measure">
              <legend>{t('stats.measure')}</legend>
              {(['exchanges', 'dossiers'] as const).map((m) => (
                <label key={m} className="checkbox">
                  <input type="radio" name="measure" value={m} checked={measure === m} onChange={() => setMeasure(m)} /> {t(`stats.measure.${m}`)}
                </label>
              ))}
            </fieldset>
            <StackedBars labels={labels} series={series} locale={locale} label={t('stats.chart', { measure: t(`stats.measure.${measure}`) })} />
            <div className="table-scroll">
              <table className="table stats-table">
                <caption>{t('stats.table')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('stats.month')}</th>
                    {report.partners.map((p) => (
                      <th scope="col" key={p.organisationId}>
                        {p.name}
                      </th>
                    ))}
                    <th scope="col">{t('stats.total')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.months.map((m) => (
                    <tr key={m}>
                      <th scope="row">{label(m)}</th>
                      {report.partners.map((p) => (
                        <td key={p.organisationId} className="num">
                          {cell(p.byMonth[m])}
                        </td>
                      ))}
                      <td className="num">{cell(report.totalByMonth[m])}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t('stats.total')}</th>
                    {report.partners.map((p) => (
                      <td key={p.organisationId} className="num">
                        {cell(p.total)}
                      </td>
                    ))}
                    <td className="num">
                      <strong>{cell(report.total)}</strong>
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
            {report.refused > 0 && <p className="muted">{t('stats.refused', { count: fmt.number(report.refused) })}</p>}
            <div className="stats-split">
              <table className="table">
                <caption>{t('stats.byPurpose')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('stats.purpose')}</th>
                    <th scope="col">{t('stats.exchanges')}</th>
                    <th scope="col">{t('stats.dossiers')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.byPurpose.map((r) => (
                    <tr key={r.purpose ?? '-'}>
                      <th scope="row">{r.purpose ? purposes.label(r.purpose) : t('stats.noPurpose')}</th>
                      <td className="num">{fmt.number(r.exchanges)}</td>
                      <td className="num">{fmt.number(r.dossiers)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <table className="table">
                <caption>{t('stats.byCluster')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('stats.cluster')}</th>
                    <th scope="col">{t('stats.exchanges')}</th>
                    <th scope="col">{t('stats.dossiers')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.byCluster.map((r) => (
                    <tr key={r.cluster}>
                      <th scope="row">{clusterLabel(t, r.cluster)}</th>
                      <td className="num">{fmt.number(r.exchanges)}</td>
                      <td className="num">{fmt.number(r.dossiers)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ))}
    </div>
  );
}
