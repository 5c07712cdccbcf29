/**
 * Asks before an action that cannot simply be undone (disabling an account, retiring a secret).
 * A native modal <dialog>: focus stays inside, Escape cancels, and focus starts on "Cancel".
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '../../i18n/index.tsx';

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = true,
  busy = false,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      cancel.current?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="admin-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} className="admin-dialog-body">
        {children}
      </div>
      <div className="actions">
        <button type="button" className={`button${danger ? ' danger' : ''}`} onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" ref={cancel} className="button secondary" onClick={onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </dialog>
  );
}
