/**
 * A row of tabs with its panel, as WAI-ARIA's tabs pattern asks: the tab list holds tabs only, the
 * arrow keys move between them, only the chosen tab is in the Tab order, and the panel is labelled
 * by its tab. The worklist and the House of Dutch's desk use it.
 */
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export function Tabs<T extends string>({
  tabs,
  current,
  onChange,
  label,
  title,
  beside,
  between,
  children,
}: {
  tabs: readonly T[];
  current: T;
  onChange(tab: T): void;
  /** The accessible name of the tab list. */
  label: string;
  /** Each tab's visible text. */
  title(tab: T): string;
  /** Controls that sit beside the tab list, not in it (a refresh button). */
  beside?: ReactNode;
  /** What stands between the tab list and the panel (filters that apply to every tab). */
  between?: ReactNode;
  /** The chosen tab's panel. */
  children: ReactNode;
}) {
  const id = useId();
  const refs = useRef<Partial<Record<T, HTMLButtonElement | null>>>({});
  function onKey(e: KeyboardEvent) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = tabs[(tabs.indexOf(current) + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    onChange(next);
    refs.current[next]?.focus();
  }
  return (
    <>
      <div className="worklist-tabbar">
        <div className="worklist-tabs" role="tablist" aria-label={label} onKeyDown={onKey}>
          {tabs.map((name) => (
            <button
              key={name}
              ref={(el) => {
                refs.current[name] = el;
              }}
              type="button"
              role="tab"
              id={`${id}-${name}`}
              aria-controls={`${id}-${name}-panel`}
              aria-selected={current === name}
              tabIndex={current === name ? 0 : -1}
              className="worklist-tab"
              onClick={() => onChange(name)}
            >
              {title(name)}
            </button>
          ))}
        </div>
        {beside}
      </div>
      {between}
      <section role="tabpanel" id={`${id}-${current}-panel`} aria-labelledby={`${id}-${current}`} className="worklist-panel">
        {children}
      </section>
    </>
  );
}
