/** The consulted client at the top of the screen: name (when the answer carries it), INSZ, birth date, integration, purpose. */
import { useEffect, useRef, useState } from 'react';
import { post } from '../../api.ts';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { formatInsz } from '../../format.ts';
import { birthDateOf } from './insz.ts';
import type { ConsultAnswer, Integration } from './types.ts';
import { Facts } from './ui.tsx';

export function ClientHeader({ insz, answer, consultedAt, refresh }: { insz: string; answer: ConsultAnswer; consultedAt: string; refresh: number }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const purposes = useCodeList('purpose');
  const capacity = useCodeList('capacity_code_ocmw');
  const heading = useRef<HTMLHeadingElement>(null);
  const [integrations, setIntegrations] = useState<Integration[] | null>(null);
  useEffect(() => {
    let live = true;
    post<{ items: Integration[] }>('/api/v1/consultations/integrations/search', { insz }).then(
      (r) => {
        if (live) setIntegrations(r.items);
      },
      () => {
        if (live) setIntegrations([]);
      },
    );
    return () => {
      live = false;
    };
  }, [insz, refresh]);
  // A new answer: bring keyboard and screen-reader users to it.
  useEffect(() => {
    heading.current?.focus();
  }, [insz, refresh]);

  const person = answer.person;
  const name = person?.familyName ? `${person.familyName}, ${person.givenNames ?? ''}`.trim() : null;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date());
  const open = (integrations ?? []).filter((i) => i.startsOn <= today && (!i.endsOn || i.endsOn >= today));
  return (
    <section className="client-header" aria-labelledby="consult-client">
      <h2 id="consult-client" ref={heading} tabIndex={-1}>
        {name ?? t('consult.client.title')} <span className="mono client-insz">{formatInsz(insz)}</span>
      </h2>
      <Facts
        items={[
          ...(name ? [[t('consult.client.name'), name] as [string, string]] : []),
          [t('consult.client.birthDate'), fmt.date(person?.birthDate ?? birthDateOf(insz))],
          [
            t('consult.client.integration'),
            integrations === null ? (
              <span className="muted">{t('loading')}</span>
            ) : open.length ? (
              open
                .map((i) => t('consult.client.integratedAs', { code: i.capacityCode, label: capacity.label(i.capacityCode), date: fmt.date(i.startsOn) }))
                .join('; ')
            ) : (
              <span className="muted">{t('consult.none')}</span>
            ),
          ],
          [t('consult.purpose'), purposes.label(answer.purpose)],
          [t('consult.client.consultedAt'), fmt.dateTime(consultedAt)],
        ]}
      />
      {!name && <p className="panel-note muted">{t('consult.client.nameNotShared')}</p>}
      {answer.authorisations.length > 0 && (
        <details className="legal-basis">
          <summary>{t('consult.client.legalBasis')}</summary>
          <ul>
            {answer.authorisations.map((a) => (
              <li key={a.id}>{a.legalBasis}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
