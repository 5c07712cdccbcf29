/** Small parts both worklist sections use. */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError, request } from '../../api.ts';
import { cached } from '../../data.ts';
import { useSession } from '../../session.tsx';
import { Alert, ErrorAlert, Field } from '../../components/forms.tsx';
import { formatInsz } from '../../format.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';

/** Today in Belgium (YYYY-MM-DD), the day the server's deadlines count against. */
export const belgianToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date());

/** Calendar days from today to `day` (negative: past). */
export function daysUntil(day: string, today = belgianToday()): number {
  return Math.round((Date.parse(`${day}T12:00:00Z`) - Date.parse(`${today}T12:00:00Z`)) / 86_400_000);
}

/** The lists whose items have an owner (server: exchange/owners.service.ts). */
export type OwnedList = 'referrals' | 'appointments' | 'infringementProposals' | 'infringementCases' | 'certificateProposals';
export interface Owned {
  id: string;
  version: number;
  ownerId?: string | null;
}

interface Colleague {
  id: string;
  displayName: string;
}
function useColleagues(): Colleague[] {
  const [items, setItems] = useState<Colleague[]>([]);
  useEffect(() => {
    let live = true;
    void cached<{ items: Colleague[] }>('/api/v1/worklist/colleagues')
      .then((r) => live && setItems(r.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return items;
}

/** Who handles the item: take it, hand it to a colleague, or let it go; the list reloads after (also when someone else changed it meanwhile). */
export function OwnerControl({ list, item, onChanged }: { list: OwnedList; item: Owned; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const { user } = useSession();
  const colleagues = useColleagues();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const others = colleagues.filter((c) => c.id !== user?.id);
  const owner = item.ownerId ?? '';
  async function change(to: string) {
    setBusy(true);
    setFailure(null);
    try {
      await request('PUT', `/api/v1/worklist/${list}/${item.id}/owner`, { ownerId: to || null }, { 'if-match': `"${item.version}"` });
      await onChanged();
    } catch (err) {
      if (isStale(err)) await onChanged();
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="worklist-owner">
      <label htmlFor={id}>{t('worklist.owner.label')}</label>
      <select id={id} value={owner} disabled={busy} onChange={(e) => void change(e.target.value)}>
        <option value="">{t('worklist.owner.nobody')}</option>
        {user && <option value={user.id}>{t('worklist.owner.me')}</option>}
        {others.map((c) => (
          <option key={c.id} value={c.id}>
            {c.displayName}
          </option>
        ))}
        {owner && owner !== user?.id && !others.some((c) => c.id === owner) && <option value={owner}>{t('worklist.owner.someone')}</option>}
      </select>
      {failure !== null && <ErrorAlert error={failure} />}
    </div>
  );
}

/** The person of an item: the name links to the dossier (the caseworker's next step), with the INSZ beneath, and who handles it. */
export function PersonCell({
  personId,
  familyName,
  givenNames,
  insz,
  owner,
}: {
  personId: string;
  familyName: string;
  givenNames: string;
  insz: string;
  owner?: { list: OwnedList; item: Owned; onChanged(): Promise<void> } | undefined;
}) {
  return (
    <>
      <Link className="worklist-name" to={`/persons/${personId}`}>
        {familyName}, {givenNames}
      </Link>
      <span className="worklist-insz muted">{formatInsz(insz)}</span>
      {owner && <OwnerControl {...owner} />}
    </>
  );
}

/** A POST with If-Match, the version the list showed. */
export const postIfMatch = <T,>(path: string, version: number, body: unknown) => request<T>('POST', path, body, { 'if-match': `"${version}"` });

/** Items of one or more statuses (or views: `param`; none: the whole list), loaded together and reloaded on demand. */
export function useWorklist<T>(path: string, statuses: readonly string[], param = 'status') {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = statuses.join(',');
  const load = useCallback(async () => {
    try {
      // No statuses: the list as the server gives it.
      const pages = await Promise.all(
        statuses.length ? statuses.map((s) => request<{ items: T[] }>('GET', `${path}?${param}=${s}`)) : [request<{ items: T[] }>('GET', path)],
      );
      setItems(pages.flatMap((p) => p.body.items));
      setError(null);
    } catch (e) {
      setError(e);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, key, param]);
  useEffect(() => {
    void load();
  }, [load]);
  return { items, error, load };
}

export const isStale = (e: unknown) => e instanceof ApiError && e.status === 412;

const BRUSSELS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Brussels',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A moment as the wall-clock time in Belgium, in the form of a datetime-local value (YYYY-MM-DDTHH:MM). */
export function toBrusselsLocal(ms: number): string {
  const p = Object.fromEntries(BRUSSELS.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * The moment a datetime-local value means as Belgian wall-clock time (the app shows every moment in
 * Belgian time, whatever the computer's own time zone), as an ISO string; null when malformed.
 */
export function fromBrusselsLocal(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let t = wall;
  // Two corrections settle the offset, also next to a daylight-saving change.
  for (let i = 0; i < 2; i++) t -= Date.parse(`${toBrusselsLocal(t)}:00Z`) - wall;
  return new Date(t).toISOString();
}

type Message = { kind: 'success' | 'warning' | 'error'; text: string };

/**
 * The state of a worklist table whose rows open a form beneath them: which row and which form is
 * open, the message above the table, and `done` for a form that finished (an empty text: the item
 * was changed by someone else meanwhile) — it closes the form, says so and reloads the list.
 */
export function useRowForms<F>(onChanged: () => Promise<void>) {
  const { t } = useI18n();
  const [open, setOpen] = useState<{ id: string; form: F } | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  return {
    open,
    message,
    setMessage,
    show(id: string, form: F) {
      setMessage(null);
      setOpen({ id, form });
    },
    close: () => setOpen(null),
    async done(text: string) {
      setOpen(null);
      setMessage(text ? { kind: 'success', text } : { kind: 'warning', text: t('worklist.stale') });
      await onChanged();
    },
  };
}

/** The form row beneath an item, across the whole table. */
export function FormRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr className="worklist-form-row">
      <td colSpan={columns}>{children}</td>
    </tr>
  );
}

/** A row's two decisions: the first a primary button, the second a secondary one. */
export function DecisionButtons({ first, second, onFirst, onSecond }: { first: string; second: string; onFirst(): void; onSecond(): void }) {
  return (
    <td className="worklist-actions">
      <button type="button" className="button small" onClick={onFirst}>
        {first}
      </button>
      <button type="button" className="button secondary small" onClick={onSecond}>
        {second}
      </button>
    </td>
  );
}

/** The end of a worklist form: what went wrong, if anything, then submit and cancel. */
export function FormActions({
  failure,
  busy,
  danger = false,
  submit,
  cancel,
  onCancel,
}: {
  failure: unknown;
  busy: boolean;
  danger?: boolean;
  submit: string;
  cancel: string;
  onCancel(): void;
}) {
  return (
    <>
      {failure !== null && <ErrorAlert error={failure} />}
      <div className="actions">
        <button type="submit" className={`button${danger ? ' danger' : ''}`} disabled={busy}>
          {submit}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {cancel}
        </button>
      </div>
    </>
  );
}

/**
 * A decision that may or must carry a reason: the reason field, then submit and cancel. A required
 * reason is asked at the field before anything is sent (and again if the server refuses it);
 * `send` posts the decision and returns the message to show; a stale item closes the form.
 */
export function ReasonForm({
  title,
  label,
  hint,
  required,
  requiredMessage,
  submit,
  danger = false,
  send,
  onDone,
  onCancel,
}: {
  title: string;
  label: string;
  hint?: string | undefined;
  required: boolean;
  requiredMessage: string;
  submit: string;
  danger?: boolean;
  send(reason: string | null): Promise<string>;
  onDone(message: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState('');
  // Whether the reason is missing: `requiredMessage` words it when shown (a language switch rewords it).
  const [missing, setMissing] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    if (required && !reason.trim()) {
      setMissing(true);
      field.current?.focus();
      return;
    }
    setBusy(true);
    try {
      onDone(await send(reason.trim() || null));
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors().reason) {
        setMissing(true);
        field.current?.focus();
      } else if (isStale(err)) onDone('');
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form worklist-form" noValidate onSubmit={onSubmit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <Field label={label} required={required} hint={hint} error={missing ? requiredMessage : undefined}>
        {(p) => (
          <textarea
            {...p}
            ref={field}
            name="reason"
            rows={3}
            maxLength={1000}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setMissing(false);
            }}
          />
        )}
      </Field>
      <FormActions failure={failure} busy={busy} danger={danger} submit={submit} cancel={t('worklist.cancel')} onCancel={onCancel} />
    </form>
  );
}

/**
 * A worklist table: the message of the last decision above it, then either the sentence for an
 * empty list or the table with its caption and column headers; the rows are the caller's.
 */
export function ItemTable({
  message = null,
  none,
  caption,
  headers,
  children,
}: {
  message?: Message | null;
  /** The sentence for an empty list; null when there are items. */
  none: string | null;
  caption: string;
  headers: string[];
  children: ReactNode;
}) {
  return (
    <>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {none !== null ? (
        <p className="muted">{none}</p>
      ) : (
        <table className="table worklist-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              {headers.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </>
  );
}

/** The day an item is due, flagged when it passed. */
export function DueCell({ dueOn, overdue }: { dueOn: string | null; overdue: boolean }) {
  const { t } = useI18n();
  const fmt = useFormat();
  return (
    <td>
      {dueOn ? fmt.date(dueOn) : '—'} {overdue && <span className="badge bad">{t('worklist.deadline.overdue')}</span>}
    </td>
  );
}
