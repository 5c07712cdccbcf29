/** A new client secret, shown this once: a clear warning, the secret to select or copy, and a way to put it away. */
import { useState } from 'react';
import { Alert, Field } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/index.tsx';

export function SecretReveal({ clientId, secret, rotated, onDone }: { clientId: string; secret: string; rotated: boolean; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  }
  return (
    <section className="admin-secret" aria-labelledby="admin-secret-title">
      <h3 id="admin-secret-title">{t(rotated ? 'admin.secret.titleRotated' : 'admin.secret.titleNew', { clientId })}</h3>
      <Alert kind="warning">
        <strong>{t('admin.secret.once')}</strong> {t(rotated ? 'admin.secret.oldStops' : 'admin.secret.storeIt')}
      </Alert>
      <div className="admin-secret-row">
        <Field label={t('admin.secret.label')}>
          {(p) => <input {...p} className="mono" readOnly value={secret} size={48} onFocus={(e) => e.currentTarget.select()} />}
        </Field>
        <button type="button" className="button secondary" onClick={() => void copy()}>
          {t('admin.secret.copy')}
        </button>
      </div>
      <p role="status" className="muted">
        {copied === 'yes' ? t('admin.secret.copied') : copied === 'no' ? t('admin.secret.copyFailed') : ''}
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          {t('admin.secret.done')}
        </button>
      </div>
    </section>
  );
}
