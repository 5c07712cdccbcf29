/**
 * When the session ends while someone works (idle time-out), the screen stays as it is — with
 * whatever was typed in its forms — and this dialog asks for the password again. Only the same
 * account may continue; another account means logging out first.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { Alert, ErrorAlert, Field } from './forms.tsx';

export function ReloginDialog() {
  const { t } = useI18n();
  const { user, login, logout } = useSession();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal(); // modal: the page behind is inert until the user is back
    return () => d?.close();
  }, []);
  if (!user) return null;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await login(user!.username, password);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="relogin-title" onCancel={(e) => e.preventDefault()}>
      <h2 id="relogin-title">{t('login.expiredTitle')}</h2>
      <p>{t('login.expiredKept')}</p>
      {error instanceof ApiError && error.status === 401 ? <Alert>{t('login.failed')}</Alert> : <ErrorAlert error={error} />}
      <form onSubmit={submit} className="form" noValidate>
        <Field label={t('login.username')}>{(p) => <input {...p} name="username" value={user.username} readOnly autoComplete="username" />}</Field>
        <Field label={t('login.password')} required>
          {(p) => (
            <input
              {...p}
              name="password"
              type="password"
              autoComplete="current-password"
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button">
            {t('login.submit')}
          </button>
          <button type="button" className="button secondary" onClick={() => void logout()}>
            {t('logout')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
