import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, get } from '../api.ts';
import { Alert, ErrorAlert, Field } from '../components/forms.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';

interface Methods {
  local: boolean;
  oidc: boolean;
}

export function LoginPage() {
  const { t } = useI18n();
  const { login, expired } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  // Which fields are empty; worded when shown, so that a language switch rewords them.
  const [missing, setMissing] = useState<{ username?: boolean; password?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const [methods, setMethods] = useState<Methods | null>(null);
  useEffect(() => {
    get<Methods>('/api/v1/session/methods').then(setMethods, () => {});
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    // An empty field is said at the field, before anything is sent (it is not a wrong password).
    const empty = {
      ...(username.trim() ? {} : { username: true }),
      ...(password ? {} : { password: true }),
    };
    setMissing(empty);
    if (empty.username || empty.password) {
      document.querySelector<HTMLInputElement>(`form input[name=${empty.username ? 'username' : 'password'}]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await login(username, password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const wrong = error instanceof ApiError && error.status === 401;
  return (
    <div className="page narrow">
      <h1>{t('login.title')}</h1>
      {expired && <Alert kind="warning">{t('login.expired')}</Alert>}
      <p>{t('login.intro')}</p>
      {wrong ? <Alert>{t('login.failed')}</Alert> : <ErrorAlert error={error} />}
      <form onSubmit={submit} className="form" noValidate>
        <Field label={t('login.username')} required error={missing.username ? t('login.usernameRequired') : undefined}>
          {(p) => <input {...p} name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />}
        </Field>
        <Field label={t('login.password')} required error={missing.password ? t('login.passwordRequired') : undefined}>
          {(p) => (
            <input {...p} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t('login.submit')}
          </button>
        </div>
      </form>
      {methods?.oidc && (
        <p>
          <a className="button secondary" href="/api/v1/session/oidc/start">
            {t('login.oidc', { name: 'OpenID Connect' })}
          </a>
        </p>
      )}
    </div>
  );
}
