/**
 * Every change to the dossier, grouped per record, the record changed last first: what it is, and
 * for each version created / changed / removed, when, by whom, from where (screen, partner,
 * system) and — for a change — each field before and after. Filter by part of the dossier;
 * attendance lines (many, one per lesson) are left out unless asked for.
 */
import { useId, useMemo, useState } from 'react';
import { useDossier, useWords, Value } from './context.tsx';
import { GROUPS, recordsOf, type TimelineItem } from './model.ts';
import { whoText } from './ResourceSection.tsx';
import { useStaffNames } from '../../data.ts';
import type { MessageKey } from '../../i18n/index.tsx';

const PAGE = 15;
/** The resources whose changes are attendance lines: many, one per lesson. */
const ATTENDANCE = new Set(['participations']);

interface RecordHistory {
  resource: string;
  recordId: string;
  events: TimelineItem[];
}

export function History({ items, asOf }: { items: TimelineItem[] | null; asOf: string | null }) {
  const { doc, me, meta } = useDossier();
  const w = useWords();
  const { t } = w;
  const id = useId();
  const [group, setGroup] = useState('');
  const [attendance, setAttendance] = useState(false);
  const [shown, setShown] = useState(PAGE);
  const asOfMs = asOf ? Date.parse(asOf) : null;
  const change = { created: t('dossier.history.created'), updated: t('dossier.history.updated'), deleted: t('dossier.history.deleted') } as const;
  const badge = { created: 'ok', updated: 'warn', deleted: 'bad' } as const;

  const groupOf = useMemo(() => new Map<string, string>(GROUPS.flatMap((g) => g.resources.map((r) => [r, g.id] as [string, string]))), []);
  const records = useMemo(() => {
    const wanted = (i: TimelineItem) =>
      (attendance || !ATTENDANCE.has(i.resource)) && (!group || (group === 'person' ? i.resource === 'persons' : groupOf.get(i.resource) === group));
    const out = new Map<string, RecordHistory>();
    for (const i of items ?? []) {
      if (!wanted(i)) continue;
      const r = out.get(i.recordId) ?? { resource: i.resource, recordId: i.recordId, events: [] };
      r.events.push(i);
      out.set(i.recordId, r);
    }
    return [...out.values()]; // the items come newest first, so the records do too
  }, [items, attendance, group, groupOf]);
  const attendanceCount = (items ?? []).filter((i) => ATTENDANCE.has(i.resource)).length;
  const visible = records.slice(0, shown);
  const names = useStaffNames(visible.flatMap((r) => r.events.map((e) => e.by)));
  const present = new Set((items ?? []).map((i) => (i.resource === 'persons' ? 'person' : groupOf.get(i.resource))).filter(Boolean) as string[]);

  return (
    <section className="dossier-history" aria-labelledby={`${id}-h`} id="dossier-history">
      <h2 id={`${id}-h`}>{t('dossier.history.title')}</h2>
      {items === null ? (
        <p className="loading">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('dossier.history.empty')}</p>
      ) : (
        <>
          <div className="dossier-history-filters">
            <label>
              {t('dossier.history.filter')}{' '}
              <select
                value={group}
                onChange={(e) => {
                  setGroup(e.target.value);
                  setShown(PAGE);
                }}
              >
                <option value="">{t('dossier.history.all')}</option>
                {present.has('person') && <option value="person">{w.resource('persons')}</option>}
                {GROUPS.filter((g) => present.has(g.id)).map((g) => (
                  <option key={g.id} value={g.id}>
                    {t(`dossier.group.${g.id}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
            {attendanceCount > 0 && (
              <label className="checkbox">
                <input type="checkbox" checked={attendance} onChange={(e) => setAttendance(e.target.checked)} />{' '}
                {t('dossier.history.attendance', { count: attendanceCount })}
              </label>
            )}
          </div>
          {!records.length && <p className="empty">{t('dossier.history.noneHere')}</p>}
          <ol className="dossier-history-list">
            {visible.map((r) => {
              const rec = r.resource === 'persons' ? null : recordsOf(doc, r.resource).find((x) => x.id === r.recordId);
              const fields = meta.get(r.resource)?.fields ?? [];
              return (
                <li key={r.recordId} data-record={r.recordId}>
                  <div className="dossier-history-what">
                    <strong>{w.singular(r.resource)}</strong>
                    {rec && <span className="muted"> · {w.recordName(r.resource, rec)}</span>}
                  </div>
                  <ol className="dossier-history-versions">
                    {r.events.map((e) => {
                      const later = asOfMs !== null && Date.parse(e.at) > asOfMs;
                      return (
                        <li key={`${e.version}-${e.change}`} className={later ? 'later' : undefined}>
                          <div>
                            <span className={`badge ${badge[e.change]}`}>{change[e.change]}</span>{' '}
                            <span className="dossier-history-meta">
                              <time dateTime={e.at}>{w.fmt.dateTime(e.at)}</time>
                              {' · '}
                              {t('dossier.history.by', { who: whoText(e.by, me, t, names) })}
                              {' · '}
                              {t(`dossier.history.source.${e.source ?? 'system'}` as MessageKey)}
                              {' · '}
                              {t('dossier.history.version', { version: e.version })}
                              {later && <span className="dossier-history-later"> · {t('dossier.history.later')}</span>}
                            </span>
                          </div>
                          {e.changes && e.changes.length > 0 && (
                            <dl className="dossier-history-changes">
                              {e.changes.map((c) => {
                                const field = fields.find((f) => f.name === c.field);
                                const show = (v: unknown) =>
                                  v === null || v === undefined || v === '' ? (
                                    <span className="muted">{t('dossier.history.empty.value')}</span>
                                  ) : field ? (
                                    <Value resource={r.resource} field={field} value={v} words={w} clip />
                                  ) : (
                                    String(v)
                                  );
                                return (
                                  <div key={c.field}>
                                    <dt>{w.field(r.resource, c.field)}</dt>
                                    <dd>
                                      <del>{show(c.before)}</del> <span aria-hidden="true">→</span>
                                      <span className="visually-hidden"> {t('dossier.history.becomes')} </span> <ins>{show(c.after)}</ins>
                                    </dd>
                                  </div>
                                );
                              })}
                            </dl>
                          )}
                        </li>
                      );
                    })}
                  </ol>
                </li>
              );
            })}
          </ol>
          {records.length > shown && (
            <button type="button" className="button secondary small" onClick={() => setShown((n) => n + PAGE * 4)}>
              {t('dossier.history.more', { shown: Math.min(shown, records.length), total: records.length })}
            </button>
          )}
        </>
      )}
    </section>
  );
}
