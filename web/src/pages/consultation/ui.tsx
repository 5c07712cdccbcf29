/** Small parts the consultation panels share: a dense table, a period, the "no data" and "not authorised" lines. */
import type { ReactNode } from 'react';
import { TableScroll } from '../../components/forms.tsx';
import { useFormat, useI18n } from '../../i18n/index.tsx';

export interface Column<R> {
  header: string;
  cell: (row: R) => ReactNode;
  className?: string;
}

/** A table of records with a caption and column headers (`th scope="col"`); nothing when there are no rows. */
export function RecordTable<R extends { id: string }>({
  caption,
  hideCaption = false,
  columns,
  rows,
  rowClass,
}: {
  caption: string;
  /** For a caption that would only repeat the heading above it: still read out, not shown. */
  hideCaption?: boolean;
  columns: Column<R>[];
  rows: R[];
  rowClass?: (row: R) => string | undefined;
}) {
  return (
    // A wide table scrolls inside its own frame on a phone, never the page.
    <TableScroll label={caption}>
      <table className="table consult-table">
        <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={rowClass?.(r)}>
              {columns.map((c) => (
                <td key={c.header} className={c.className}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** "01/02/2023 – 30/06/2023", or "sinds 01/02/2023" while it runs. */
export function Period({ start, end }: { start: string | null | undefined; end: string | null | undefined }) {
  const { t } = useI18n();
  const fmt = useFormat();
  if (!start && !end) return <span className="muted">—</span>;
  if (!end) return <>{t('consult.since', { date: fmt.date(start) })}</>;
  return (
    <span className="nowrap-period">
      {fmt.date(start)} – {fmt.date(end)}
    </span>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  // The panel's header says "no data" already; the body says what that means.
  return <p className="empty">{children ?? t('consult.noDataBody')}</p>;
}

/** Said where a cluster is not in the answer: the OCMW is not authorised for it today. */
export function NotAuthorised({ what }: { what?: string }) {
  const { t } = useI18n();
  return (
    <p className="not-authorised">
      <span className="badge warn">{t('consult.notAuthorised')}</span>{' '}
      <span className="muted">{what ? t('consult.notAuthorisedFor', { what }) : t('consult.notAuthorisedText')}</span>
    </p>
  );
}

/** A label–value grid (definition list), for one record seen as a card. */
export function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {items.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value ?? <span className="muted">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

export const dash = (value: ReactNode) => (value === null || value === undefined || value === '' ? <span className="muted">—</span> : value);
