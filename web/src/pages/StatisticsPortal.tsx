/**
 * The statistics portal (/statistics) of the monitoring analyst: choose a base set, a year, a
 * breakdown and the situation date; table and chart side by side; downloads; the set's
 * documentation; publications with their restatements. Aggregates only: the API never sends a person.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { get, post } from '../api.ts';
import { Alert, ErrorAlert, Field, Loading } from '../components/forms.tsx';
import { useFormat, useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { StackedBars } from './statistics/BarChart.tsx';
import './statistics/statistics.css';

type Lang = 'nl' | 'fr' | 'en';
type Local = Record<Lang, string>;
interface SetSummary {
  id: string;
  version: number;
  title: Local;
  validated: boolean;
  breakdowns: { id: string; title: Local; dimensions: string[] }[];
}
interface Cell {
  key: Record<string, string | null>;
  labels: Record<string, Local>;
  values: Record<string, number>;
  percentage?: number;
  suppressed?: string;
}
interface Breakdown {
  id: string;
  title: Local;
  dimensions: string[];
  cells: Cell[];
  subtotals: { dimension: string; code: string | null; label: Local; values: Record<string, number>; suppressed?: string }[];
  total: Record<string, number>;
}
interface Result {
  asOf: string;
  current: boolean;
  measures: { id: string; label: Local }[];
  dimensions: { id: string; label: Local }[];
  breakdowns: Breakdown[];
  suppression: { threshold: number } | null;
}
interface SetDetail {
  version: number;
  definition: {
    description: Local;
    documentation: {
      population: Local;
      countingUnit: Local;
      periodRule: Local;
      notes?: Local;
      breaks: { on: string; text: Local }[];
      /** In three languages (a version stored before 2026-12: in Dutch only). */
      sources?: (Local | string)[];
    };
  };
  versions: {
    version: number;
    createdAt: string;
    validations: { validatedBy: string; validatedByName: string | null; validatedAt: string; note: string | null }[];
  }[];
}
interface Publication {
  id: string;
  version: number;
  year: number;
  asOf: string;
  provisional: boolean;
  threshold: number | null;
  contentHash: string;
  title: string;
  publishedBy: string;
  publishedAt: string;
}
interface Restatement {
  unchanged: boolean;
  cells: {
    breakdown: string;
    labels: Record<string, Local>;
    published: Record<string, number>;
    restated: Record<string, number>;
    delta: Record<string, number>;
  }[];
  corrections: {
    table: string;
    recordId: string;
    kind: 'created' | 'changed' | 'deleted';
    recordedAt: string;
    columns: string[];
    moved: { breakdown: string; from: Record<string, Local> | null; to: Record<string, Local> | null }[];
  }[];
}

const thisYear = () => Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric' }).format(new Date()));
const YEARS = Array.from({ length: thisYear() - 2014 }, (_, i) => thisYear() - i);

export default function StatisticsPortal() {
  const { t, language } = useI18n();
  const lang = language as Lang;
  const fmt = useFormat();
  const { user } = useSession();
  const caps = user?.permissions.capabilities ?? [];
  const [sets, setSets] = useState<SetSummary[] | null>(null);
  const [choice, setChoice] = useState({ setId: 'firstContracts', year: thisYear() - 1, breakdown: '', asOf: '' });
  const [result, setResult] = useState<Result | null>(null);
  const [detail, setDetail] = useState<SetDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    get<{ sets: SetSummary[] }>('/api/v1/statistics/sets').then((r) => setSets(r.sets), setError);
  }, [reload]);
  const set = sets?.find((s) => s.id === choice.setId) ?? sets?.[0];
  const breakdownId = set?.breakdowns.some((b) => b.id === choice.breakdown) ? choice.breakdown : set?.breakdowns[0]?.id;
  const query = `year=${choice.year}${choice.asOf ? `&asOf=${choice.asOf}` : ''}`;
  const base = set ? `/api/v1/statistics/sets/${set.id}` : '';

  useEffect(() => {
    if (!set) return;
    let stale = false;
    setBusy(true);
    setError(null);
    Promise.all([get<Result>(`${base}/result?${query}`), get<SetDetail>(base)])
      .then(([r, d]) => {
        if (stale) return;
        setResult(r);
        setDetail(d);
      }, setError)
      .finally(() => !stale && setBusy(false));
    return () => {
      stale = true;
    };
  }, [base, query, reload]); // eslint-disable-line react-hooks/exhaustive-deps

  const breakdown = result?.breakdowns.find((b) => b.id === breakdownId);
  const measure = result?.measures[0];

  return (
    <div className="page statistics-page">
      <h1>{t('portal.title')}</h1>
      <p className="muted intro">
        {t('portal.intro')} <Link to="/statistics/exchanges">{t('portal.exchangesLink')}</Link>
      </p>
      {!sets && !error && <Loading />}
      {sets && (
        <form className="form portal-controls" onSubmit={(e) => e.preventDefault()} noValidate>
          <div className="form-row">
            <Field label={t('portal.set')}>
              {(p) => (
                <select {...p} value={set?.id} onChange={(e) => setChoice({ ...choice, setId: e.target.value, breakdown: '' })}>
                  {sets.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.title[lang]} {s.validated ? '' : `(${t('portal.notValidated')})`}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('portal.year')}>
              {(p) => (
                <select {...p} value={choice.year} onChange={(e) => setChoice({ ...choice, year: Number(e.target.value) })}>
                  {YEARS.map((y) => (
                    <option key={y}>{y}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('portal.breakdown')}>
              {(p) => (
                <select {...p} value={breakdownId} onChange={(e) => setChoice({ ...choice, breakdown: e.target.value })}>
                  {set?.breakdowns.map((b) => (
                    <option key={b.id} value={b.id}>
                      {b.title[lang]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('portal.asOf')} hint={t('portal.asOfHint')}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={choice.asOf}
                  max={new Date().toISOString().slice(0, 10)}
                  onChange={(e) => setChoice({ ...choice, asOf: e.target.value })}
                />
              )}
            </Field>
          </div>
        </form>
      )}
      <ErrorAlert error={error} />
      {busy && <Loading />}
      {result && breakdown && measure && set && (
        <section aria-labelledby="portal-result">
          <h2 id="portal-result">
            {set.title[lang]} {choice.year} — {breakdown.title[lang]}
          </h2>
          <p className="situation" data-testid="situation">
            <strong>{t('portal.situation', { date: fmt.date(result.asOf) })}</strong> ({result.current ? t('portal.provisional') : t('portal.asKnown')}) · v
            {set.version}, {set.validated ? t('portal.validated') : t('portal.notValidated')}
          </p>
          <p className="downloads">
            {t('portal.download')}:{' '}
            <a href={`${base}/result?${query}&format=xlsx&lang=${lang}`} download>
              XLSX
            </a>{' '}
            ·{' '}
            <a href={`${base}/result?${query}&format=csv&lang=${lang}`} download>
              CSV
            </a>
          </p>
          {breakdown.cells.length === 0 ? (
            <p>{t('portal.empty')}</p>
          ) : (
            <div className="portal-split">
              <ResultTable result={result} breakdown={breakdown} lang={lang} />
              <StackedBars
                labels={breakdown.cells.map((c) => cellLabel(c.labels, breakdown.dimensions, lang))}
                series={result.measures.slice(0, 1).map((m) => ({ label: m.label[lang], values: breakdown.cells.map((c) => c.values[m.id] ?? 0) }))}
                label={t('portal.chart', { measure: measure.label[lang], breakdown: breakdown.title[lang] })}
                locale={lang}
              />
            </div>
          )}
        </section>
      )}
      {detail && set && (
        <Documentation
          detail={detail}
          lang={lang}
          canValidate={caps.includes('validateStatistics')}
          setId={set.id}
          onValidated={() => setReload((n) => n + 1)}
        />
      )}
      {set && <Publications setId={set.id} year={choice.year} asOf={choice.asOf} lang={lang} canPublish={caps.includes('publishStatistics')} />}
    </div>
  );
}

const cellLabel = (labels: Record<string, Local>, dims: string[], lang: Lang) => dims.map((d) => labels[d]?.[lang] ?? '—').join(' · ') || '—';

function ResultTable({ result, breakdown, lang }: { result: Result; breakdown: Breakdown; lang: Lang }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const dims = result.dimensions.filter((d) => breakdown.dimensions.includes(d.id));
  const withPct = breakdown.cells.some((c) => c.percentage !== undefined);
  const sub = breakdown.subtotals[0]?.dimension;
  const rows: { kind: 'cell' | 'subtotal'; cell?: Cell; subtotal?: Breakdown['subtotals'][number] }[] = [];
  breakdown.cells.forEach((c, i) => {
    rows.push({ kind: 'cell', cell: c });
    const next = breakdown.cells[i + 1];
    if (sub && (!next || next.key[sub] !== c.key[sub])) {
      const s = breakdown.subtotals.find((x) => x.dimension === sub && x.code === c.key[sub]);
      if (s) rows.push({ kind: 'subtotal', subtotal: s });
    }
  });
  const value = (v: number | undefined, suppressed?: string) => (suppressed ? 'x' : v === undefined ? '—' : fmt.number(v));
  return (
    <div className="table-scroll">
      <table className="table stats-table" data-testid="portal-table">
        <caption className="visually-hidden">{breakdown.title[lang]}</caption>
        <thead>
          <tr>
            {dims.map((d) => (
              <th key={d.id} scope="col">
                {d.label[lang]}
              </th>
            ))}
            {result.measures.map((m) => (
              <th key={m.id} scope="col" className="num">
                {m.label[lang]}
              </th>
            ))}
            {withPct && (
              <th scope="col" className="num">
                {t('portal.percentage')}
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) =>
            r.cell ? (
              <tr key={i}>
                {dims.map((d, j) =>
                  j === 0 ? (
                    <th key={d.id} scope="row">
                      {r.cell!.labels[d.id]?.[lang] ?? '—'}
                    </th>
                  ) : (
                    <td key={d.id}>{r.cell!.labels[d.id]?.[lang] ?? '—'}</td>
                  ),
                )}
                {result.measures.map((m) => (
                  <td key={m.id} className="num">
                    {value(r.cell!.values[m.id], r.cell!.suppressed)}
                  </td>
                ))}
                {withPct && (
                  <td className="num">{r.cell.suppressed ? 'x' : r.cell.percentage !== undefined ? `${r.cell.percentage.toLocaleString(lang)} %` : ''}</td>
                )}
              </tr>
            ) : (
              <tr key={i} className="subtotal">
                <th scope="row" colSpan={dims.length}>
                  {t('portal.subtotal', { label: r.subtotal!.label[lang] })}
                </th>
                {result.measures.map((m) => (
                  <td key={m.id} className="num">
                    {value(r.subtotal!.values[m.id], r.subtotal!.suppressed)}
                  </td>
                ))}
                {withPct && <td />}
              </tr>
            ),
          )}
        </tbody>
        <tfoot>
          <tr className="total">
            <th scope="row" colSpan={Math.max(dims.length, 1)}>
              {t('portal.total')}
            </th>
            {result.measures.map((m) => (
              <td key={m.id} className="num" data-testid={`total-${m.id}`}>
                {fmt.number(breakdown.total[m.id] ?? 0)}
              </td>
            ))}
            {withPct && <td className="num">100 %</td>}
          </tr>
        </tfoot>
      </table>
      {result.suppression && <p className="muted">{t('portal.suppressedNote', { k: result.suppression.threshold })}</p>}
    </div>
  );
}

function Documentation({
  detail,
  lang,
  canValidate,
  setId,
  onValidated,
}: {
  detail: SetDetail;
  lang: Lang;
  canValidate: boolean;
  setId: string;
  onValidated: () => void;
}) {
  const { t } = useI18n();
  const fmt = useFormat();
  const doc = detail.definition.documentation;
  const latest = detail.versions[0];
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  async function validate(e: FormEvent) {
    e.preventDefault();
    try {
      await post(`/api/v1/statistics/sets/${setId}/versions/${detail.version}/validations`, note ? { note } : {});
      setDone(true);
      onValidated();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <details className="panel portal-doc">
      <summary>
        <h2>{t('portal.doc')}</h2>
      </summary>
      <p>{detail.definition.description[lang]}</p>
      <dl className="facts">
        <dt>{t('portal.population')}</dt>
        <dd>{doc.population[lang]}</dd>
        <dt>{t('portal.countingUnit')}</dt>
        <dd>{doc.countingUnit[lang]}</dd>
        <dt>{t('portal.periodRule')}</dt>
        <dd>{doc.periodRule[lang]}</dd>
        {doc.notes && (
          <>
            <dt>{t('portal.notes')}</dt>
            <dd>{doc.notes[lang]}</dd>
          </>
        )}
      </dl>
      <h3>{t('portal.breaks')}</h3>
      {doc.breaks.length ? (
        <ul>
          {doc.breaks.map((b) => (
            <li key={b.on}>
              <strong>{fmt.date(b.on)}</strong>: {b.text[lang]}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('portal.noBreaks')}</p>
      )}
      {doc.sources?.length ? (
        <>
          <h3>{t('portal.sources')}</h3>
          <ul>
            {doc.sources.map((s, i) => (
              <li key={i}>{typeof s === 'string' ? s : s[lang]}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t('portal.versions')}</h3>
      <ul>
        {detail.versions.map((v) => (
          <li key={v.version}>
            {t('portal.version', { version: v.version, date: fmt.date(v.createdAt) })}:{' '}
            {v.validations.length
              ? v.validations.map((x) => t('portal.validatedBy', { name: x.validatedByName ?? x.validatedBy, date: fmt.date(x.validatedAt) })).join('; ')
              : t('portal.notValidated')}
          </li>
        ))}
      </ul>
      {canValidate && latest && !done && (
        <form className="form" onSubmit={validate}>
          <Field label={t('portal.validateNote')}>{(p) => <input {...p} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />}</Field>
          <button type="submit">{t('portal.validate')}</button>
          <ErrorAlert error={error} />
        </form>
      )}
      {done && <Alert kind="success">{t('portal.validatedNow')}</Alert>}
    </details>
  );
}

function Publications({ setId, year, asOf, lang, canPublish }: { setId: string; year: number; asOf: string; lang: Lang; canPublish: boolean }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const [list, setList] = useState<Publication[] | null>(null);
  const [form, setForm] = useState({ provisional: true, threshold: '' });
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<{ id: string; restatement: Restatement } | null>(null);
  const load = () => get<{ publications: Publication[] }>(`/api/v1/statistics/publications?setId=${setId}`).then((r) => setList(r.publications), setError);
  useEffect(() => {
    void load();
    setOpen(null);
  }, [setId]); // eslint-disable-line react-hooks/exhaustive-deps
  async function publish(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const cutOff = asOf || new Date(Date.now() - 1000).toISOString();
      await post('/api/v1/statistics/publications', {
        setId,
        year,
        asOf: cutOff,
        provisional: form.provisional,
        ...(form.threshold ? { threshold: Number(form.threshold) } : {}),
      });
      await load();
    } catch (err) {
      setError(err);
    }
  }
  async function restate(id: string) {
    try {
      setOpen({ id, restatement: await get<Restatement>(`/api/v1/statistics/publications/${id}/restatement`) });
    } catch (err) {
      setError(err);
    }
  }
  const labelsOf = (labels: Record<string, Local> | null) =>
    labels
      ? Object.values(labels)
          .map((l) => l[lang])
          .join(' · ')
      : t('portal.nowhere');
  const kinds = useMemo(
    () => ({ created: 'portal.kind.created', changed: 'portal.kind.changed', deleted: 'portal.kind.deleted' }) as Record<string, MessageKey>,
    [],
  );
  return (
    <section className="panel" aria-labelledby="portal-publications">
      <h2 id="portal-publications">{t('portal.publications')}</h2>
      <ErrorAlert error={error} />
      {list && !list.length && <p className="muted">{t('portal.noPublications')}</p>}
      {list && list.length > 0 && (
        <ul className="publications">
          {list.map((p) => (
            <li key={p.id}>
              <strong>{p.title}</strong>
              <br />
              <span className="muted">
                {t('portal.published', { date: fmt.dateTime(p.publishedAt), by: p.publishedBy.slice(0, 8) })} · v{p.version} · {t('portal.hash')}{' '}
                <code>{p.contentHash.slice(0, 12)}</code>
              </span>{' '}
              <a href={`/api/v1/statistics/publications/${p.id}?format=xlsx&lang=${lang}`} download>
                XLSX
              </a>{' '}
              <button type="button" className="link" onClick={() => restate(p.id)}>
                {t('portal.restate')}
              </button>
              {open?.id === p.id && <RestatementView r={open.restatement} labelsOf={labelsOf} kinds={kinds} />}
            </li>
          ))}
        </ul>
      )}
      {canPublish && (
        <form className="form" onSubmit={publish}>
          <h3>{t('portal.publish')}</h3>
          <p className="muted">{t('portal.publishIntro')}</p>
          <p>
            {year} · {t('portal.cutOff', { date: asOf ? fmt.date(asOf) : t('portal.now') })}
          </p>
          <label className="check">
            <input type="checkbox" checked={form.provisional} onChange={(e) => setForm({ ...form, provisional: e.target.checked })} />{' '}
            {t('portal.provisionalFlag')}
          </label>
          <Field label={t('portal.threshold')} hint={t('portal.thresholdHint')}>
            {(p) => <input {...p} type="number" min={2} max={100} value={form.threshold} onChange={(e) => setForm({ ...form, threshold: e.target.value })} />}
          </Field>
          <button type="submit">{t('portal.publish')}</button>
        </form>
      )}
    </section>
  );
}

function RestatementView({ r, labelsOf, kinds }: { r: Restatement; labelsOf: (l: Record<string, Local> | null) => string; kinds: Record<string, MessageKey> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const measure = (v: Record<string, number>) => Object.values(v)[0] ?? 0;
  return (
    <div className="restatement" data-testid="restatement">
      <h3>{t('portal.restatement')}</h3>
      <Alert kind={r.unchanged ? 'info' : 'warning'}>{r.unchanged ? t('portal.unchanged') : t('portal.changedHash')}</Alert>
      {!r.cells.length ? (
        <p>{t('portal.noMoves')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table stats-table">
            <thead>
              <tr>
                <th scope="col">{t('portal.cell')}</th>
                <th scope="col" className="num">
                  {t('portal.publishedValue')}
                </th>
                <th scope="col" className="num">
                  {t('portal.restatedValue')}
                </th>
                <th scope="col" className="num">
                  {t('portal.delta')}
                </th>
              </tr>
            </thead>
            <tbody>
              {r.cells.map((c, i) => (
                <tr key={i}>
                  <th scope="row">{labelsOf(c.labels)}</th>
                  <td className="num">{fmt.number(measure(c.published))}</td>
                  <td className="num">{fmt.number(measure(c.restated))}</td>
                  <td className="num">{(measure(c.delta) > 0 ? '+' : '') + fmt.number(measure(c.delta))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {r.corrections.length > 0 && (
        <>
          <h4>{t('portal.corrections')}</h4>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('portal.table')}</th>
                  <th scope="col">{t('portal.kind')}</th>
                  <th scope="col">{t('portal.columns')}</th>
                  <th scope="col">{t('portal.recordedAt')}</th>
                  <th scope="col">{t('portal.moved')}</th>
                </tr>
              </thead>
              <tbody>
                {r.corrections.map((c) => (
                  <tr key={`${c.table}-${c.recordId}`}>
                    <td>
                      {c.table} <code>{c.recordId.slice(0, 8)}</code>
                    </td>
                    <td>{t(kinds[c.kind]!)}</td>
                    <td>{c.columns.join(', ') || '—'}</td>
                    <td>{fmt.dateTime(c.recordedAt)}</td>
                    <td>
                      {c.moved.map((m, i) => (
                        <div key={i}>
                          {t('portal.from')} {labelsOf(m.from)} {t('portal.to')} {labelsOf(m.to)}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
