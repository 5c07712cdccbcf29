/** The dossier's clusters in groups a caseworker recognises, each a panel that opens and closes. */
import { useId } from 'react';
import type { MessageKey } from '../../i18n/index.tsx';
import { useDossier, useWords } from './context.tsx';
import { GROUPS, SUMMARISED, recordsOf, type GroupId } from './model.ts';
import { ResourceSection } from './ResourceSection.tsx';
import { TargetGroupAssistant } from './TargetGroupAssistant.tsx';

/** The readable resources of each group (a group the role cannot read at all is left out). */
export function groupsOf(doc: Record<string, unknown>): { id: GroupId; resources: string[] }[] {
  const known = new Set<string>(GROUPS.flatMap((g) => g.resources));
  const present = (r: string) => Array.isArray(doc[r]);
  const extra = Object.keys(doc).filter((k) => k !== 'withheld' && k !== 'person' && k !== 'asOf' && present(k) && !known.has(k));
  return GROUPS.map((g) => ({ id: g.id, resources: [...g.resources, ...(g.id === 'other' ? extra : [])].filter(present) })).filter(
    (g) => g.resources.length > 0,
  );
}

export function Groups({ open, setOpen }: { open: Record<string, boolean>; setOpen(id: string, value: boolean): void }) {
  const { doc } = useDossier();
  return (
    <>
      {groupsOf(doc).map((g) => (
        <Group key={g.id} id={g.id} resources={g.resources} open={!!open[g.id]} setOpen={(v) => setOpen(g.id, v)} />
      ))}
    </>
  );
}

function Group({ id, resources, open, setOpen }: { id: GroupId; resources: string[]; open: boolean; setOpen(v: boolean): void }) {
  const { doc } = useDossier();
  const { t } = useWords();
  const uid = useId();
  const shown = resources.filter((r) => !SUMMARISED.has(r));
  const count = shown.reduce((n, r) => n + recordsOf(doc, r).length, 0);
  const label = t(`dossier.group.${id}` as MessageKey);
  return (
    <section className="panel dossier-group" aria-labelledby={`${uid}-b`} data-group={id} id={`dossier-group-${id}`}>
      <h2 className="panel-header dossier-group-heading">
        <button type="button" id={`${uid}-b`} className="panel-toggle" aria-expanded={open} aria-controls={`${uid}-p`} onClick={() => setOpen(!open)}>
          <span className="sign" aria-hidden="true">
            {open ? '−' : '+'}
          </span>
          {label}
          <span className="panel-count">
            {count === 0 ? t('dossier.noDataShort') : t(count === 1 ? 'dossier.recordCountOne' : 'dossier.recordCount', { count })}
          </span>
        </button>
      </h2>
      <div id={`${uid}-p`} className="panel-body" hidden={!open}>
        {id === 'registration' && <TargetGroupAssistant />}
        {shown.map((r) => (
          <ResourceSection key={r} resource={r} />
        ))}
      </div>
    </section>
  );
}

/**
 * The dossier's table of contents, at the top and staying in view: each part with its count (a
 * link opens the part and moves there), then the "as known on" switch and the history.
 */
export function DossierIndex({ open }: { open(id: string): void }) {
  const { doc } = useDossier();
  const { t } = useWords();
  const go = (target: string) => {
    const el = document.getElementById(target);
    el?.scrollIntoView({ block: 'start' });
    el?.querySelector<HTMLElement>('button, input, select, h2')?.focus({ preventScroll: true });
  };
  return (
    <nav className="dossier-index" aria-label={t('dossier.index.label')}>
      <ul>
        {groupsOf(doc).map((g) => {
          const count = g.resources.filter((r) => !SUMMARISED.has(r)).reduce((n, r) => n + recordsOf(doc, r).length, 0);
          return (
            <li key={g.id}>
              <a
                href={`#dossier-group-${g.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  open(g.id);
                  // After the part has opened.
                  requestAnimationFrame(() => go(`dossier-group-${g.id}`));
                }}
              >
                {t(`dossier.group.${g.id}` as MessageKey)} <span className="dossier-index-count">{count}</span>
              </a>
            </li>
          );
        })}
        <li className="dossier-index-side">
          <a
            href="#dossier-asof"
            onClick={(e) => {
              e.preventDefault();
              go('dossier-asof');
            }}
          >
            {t('dossier.index.asOf')}
          </a>
        </li>
        <li className="dossier-index-side">
          <a
            href="#dossier-history"
            onClick={(e) => {
              e.preventDefault();
              go('dossier-history');
            }}
          >
            {t('dossier.history.title')}
          </a>
        </li>
      </ul>
    </nav>
  );
}
