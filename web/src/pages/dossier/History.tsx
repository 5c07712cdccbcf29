/** Every change to the dossier, newest first: which record, created/changed/removed, when, by whom. */
import { useState } from 'react';
import { useDossier, useWords } from './context.tsx';
import { recordsOf, type TimelineItem } from './model.ts';
import { whoText } from './ResourceSection.tsx';
import { useStaffNames } from '../../data.ts';

const PAGE = 25;

export function History({ items, asOf }: { items: TimelineItem[] | null; asOf: string | null }) {
  const { doc, me } = useDossier();
  const w = useWords();
  const { t } = w;
  const [shown, setShown] = useState(PAGE);
  const names = useStaffNames((items ?? []).slice(0, shown).map((i) => i.by));
  const asOfMs = asOf ? Date.parse(asOf) : null;
  const change = { created: t('dossier.history.created'), updated: t('dossier.history.updated'), deleted: t('dossier.history.deleted') } as const;
  const badge = { created: 'ok', updated: 'warn', deleted: 'bad' } as const;

  return (
    <section className="dossier-history" aria-labelledby="dossier-history-h">
      <h2 id="dossier-history-h">{t('dossier.history.title')}</h2>
      {items === null ? (
        <p className="loading">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('dossier.history.empty')}</p>
      ) : (
        <>
          <ol className="dossier-history-list">
            {items.slice(0, shown).map((i) => {
              const rec = i.resource === 'persons' ? null : recordsOf(doc, i.resource).find((r) => r.id === i.recordId);
              const later = asOfMs !== null && Date.parse(i.at) > asOfMs;
              return (
                <li key={`${i.recordId}-${i.version}-${i.change}`} className={later ? 'later' : undefined}>
                  <div className="dossier-history-what">
                    <span className={`badge ${badge[i.change]}`}>{change[i.change]}</span> <strong>{w.singular(i.resource)}</strong>
                    {rec && <span className="muted"> · {w.recordName(i.resource, rec)}</span>}
                  </div>
                  <div className="dossier-history-meta">
                    <time dateTime={i.at}>{w.fmt.dateTime(i.at)}</time>
                    {' · '}
                    {t('dossier.history.by', { who: whoText(i.by, me, t, names) })}
                    {' · '}
                    {t('dossier.history.version', { version: i.version })}
                    {later && <span className="dossier-history-later"> · {t('dossier.history.later')}</span>}
                  </div>
                </li>
              );
            })}
          </ol>
          {items.length > shown && (
            <button type="button" className="button secondary small" onClick={() => setShown((n) => n + PAGE * 4)}>
              {t('dossier.history.more', { shown: Math.min(shown, items.length), total: items.length })}
            </button>
          )}
        </>
      )}
    </section>
  );
}
