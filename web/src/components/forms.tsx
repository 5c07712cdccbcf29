/**
 * Form parts that every screen uses: a labelled field whose error sits next to it (and is tied to
 * it for screen readers), an alert for what went wrong, a progress bar for long operations.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useI18n, type Translate } from '../i18n/index.tsx';

export function Field({
  label,
  error,
  hint,
  required,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean | undefined;
  /** Renders the control with the ids it must carry. */
  children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string; required?: boolean }) => ReactNode;
}) {
  const id = useId();
  const { t } = useI18n();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required-mark" title={t('required')}>
            {' '}
            *
          </span>
        )}
      </label>
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
      {children({
        id,
        ...(error ? { 'aria-invalid': true as const } : {}),
        ...(described ? { 'aria-describedby': described } : {}),
        ...(required ? { required: true } : {}),
      })}
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** A sentence for what went wrong, in the user's language; field errors are shown at their fields. */
export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('error.title');
  if (error.status === 0) return t('error.network');
  if (error.status === 412) return t('error.conflict');
  // The server words its problems in English for developers; a user reads them in the app's language.
  if (error.status === 403) return t('error.forbidden');
  if (error.status === 404) return t('error.notFound');
  if (error.status >= 500) return t('error.server', { status: error.status });
  if (Object.keys(error.fieldErrors()).length) return t('error.fields');
  if (error.status === 409) return t('error.conflictState');
  if (error.status === 429) return t('error.tooMany');
  return t('error.request');
}

export function Alert({ kind = 'error', children }: { kind?: 'error' | 'success' | 'info' | 'warning'; children: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return <Alert>{describeError(error, t)}</Alert>;
}

export function Progress({ done, total, label }: { done: number; total: number; label?: string }) {
  const { t } = useI18n();
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div className="progress">
      <progress max={total || 1} value={done} aria-label={label ?? t('progress.label')} />
      <span className="progress-text">
        {t('progress.done', { done, total })} ({pct} %)
      </span>
    </div>
  );
}

/**
 * A wide table's own frame, which scrolls sideways on a phone instead of the page. While it does
 * scroll it is a named region in the Tab order, so that a keyboard can scroll it too (WCAG 2.1.1).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    // The table inside grows with its rows without the frame changing size.
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} className="table-scroll" {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': label } : {})}>
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('loading')}
    </p>
  );
}
