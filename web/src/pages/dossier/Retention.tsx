/**
 * When the dossier's data go (seed 003 §68–70): the first day something is deleted or anonymised,
 * and on request every cluster's term. The server works the dates out from the retention rules.
 */
import { useDossier, useWords } from './context.tsx';
import { clusterLabel } from './labels.ts';

export function Retention() {
  const { doc } = useDossier();
  const w = useWords();
  const { t } = w;
  const r = doc.retention;
  if (!r) return null;
  const action = (a: string) => t(`dossier.retention.action.${a}` as 'dossier.retention.action.DELETE');
  const first = r.deletionDate ? r.clusters.filter((c) => c.date === r.deletionDate) : [];
  const line = r.anonymisedOn
    ? t('dossier.retention.anonymised', { date: w.fmt.date(r.anonymisedOn) })
    : r.deletionDate
      ? t('dossier.retention.next', {
          date: w.fmt.date(r.deletionDate),
          list: first.map((c) => t('dossier.retention.item', { cluster: clusterLabel(w.language, c.cluster), action: action(c.action) })).join(', '),
        })
      : t('dossier.retention.none');
  return (
    <div className="dossier-retention" data-testid="dossier-retention">
      <strong>{t('dossier.retention.title')}</strong>: {line}
      {!r.anonymisedOn && r.clusters.length > 0 && (
        <details>
          <summary>{t('dossier.retention.all')}</summary>
          <ul>
            {r.clusters.map((c) => {
              const words = {
                cluster: clusterLabel(w.language, c.cluster),
                action: action(c.action),
                months: String(c.termMonths),
                from: t(`dossier.retention.from.${c.startsFrom}` as 'dossier.retention.from.LAST_ACTIVITY'),
              };
              return (
                <li key={c.cluster}>{c.date ? t('dossier.retention.line', { ...words, date: w.fmt.date(c.date) }) : t('dossier.retention.lineOpen', words)}</li>
              );
            })}
          </ul>
        </details>
      )}
    </div>
  );
}
