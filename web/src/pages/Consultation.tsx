/**
 * "Consultatie Inburgering" (seed 002): an OCMW social worker consults, for the OCMW, the KBI
 * dossier of a client the OCMW has integrated, exactly as the OCMW's partner client would — the
 * OCMW's authorisations and integration register decide what the answer holds. Three parts, in
 * the seed's order: 1) Afspraken, 2) Doelgroep, 3) Informatieluiken (sixteen panels).
 */
import { useRef, useState } from 'react';
import { ClientAttendanceFailure, useClientAttendance } from './consultation/Attendance.tsx';
import { ApiError, post } from '../api.ts';
import { Alert, ErrorAlert } from '../components/forms.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatInsz } from '../format.ts';
import { Appointments } from './consultation/Appointments.tsx';
import { Referrals } from './consultation/Referrals.tsx';
import { ClientHeader } from './consultation/ClientHeader.tsx';
import { InformationPanels } from './consultation/InformationPanels.tsx';
import { IntegrateOffer } from './consultation/IntegrateOffer.tsx';
import { StartForm } from './consultation/StartForm.tsx';
import { TargetGroup } from './consultation/TargetGroup.tsx';
import type { Cluster, ConsultAnswer, Dossier } from './consultation/types.ts';
import './consultation/consultation.css';

type Outcome =
  | { kind: 'none' }
  | { kind: 'answer'; insz: string; purpose: string; answer: ConsultAnswer; at: string; clusters: ReadonlySet<Cluster>; serial: number }
  | { kind: 'notIntegrated'; insz: string; purpose: string }
  | { kind: 'error'; error: unknown };

export default function ConsultationPage() {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  /** The server refused the INSZ (worded when shown, so that a language switch rewords it). */
  const [inszRefused, setInszRefused] = useState(false);
  const [integrated, setIntegrated] = useState(false);
  /** Numbers each answer, so that a new consultation starts its parts afresh. */
  const serial = useRef(0);

  async function consult(insz: string, purpose: string, afterIntegration = false) {
    setBusy(true);
    setInszRefused(false);
    setIntegrated(afterIntegration);
    try {
      const answer = await post<ConsultAnswer>('/api/v1/consultations/dossier', { insz, purpose });
      setOutcome({ kind: 'answer', insz, purpose, answer, at: new Date().toISOString(), clusters: new Set(answer.clusters), serial: ++serial.current });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'notIntegrated') setOutcome({ kind: 'notIntegrated', insz, purpose });
      else if (err instanceof ApiError && err.code === 'invalidInsz') {
        setInszRefused(true);
        setOutcome({ kind: 'none' });
      } else setOutcome({ kind: 'error', error: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page consultation">
      <h1>{t('consult.title')}</h1>
      <p className="consult-intro muted">{t('consult.intro')}</p>
      <StartForm
        busy={busy}
        serverError={inszRefused ? t('consult.insz.error.checksum') : undefined}
        onConsult={(insz, purpose) => void consult(insz, purpose)}
      />
      {busy && (
        <p className="loading muted" role="status">
          {t('consult.consulting')}
        </p>
      )}
      {outcome.kind === 'error' &&
        (outcome.error instanceof ApiError && outcome.error.code === 'noAuthorisation' ? (
          <Alert kind="warning">{t('consult.noAuthorisation')}</Alert>
        ) : (
          <ErrorAlert error={outcome.error} />
        ))}
      {outcome.kind === 'notIntegrated' && (
        <IntegrateOffer key={outcome.insz} insz={outcome.insz} onIntegrated={() => void consult(outcome.insz, outcome.purpose, true)} />
      )}
      {outcome.kind === 'answer' && !outcome.answer.known && <Alert kind="info">{t('consult.unknown', { insz: formatInsz(outcome.insz) })}</Alert>}
      {outcome.kind === 'answer' && outcome.answer.known && (
        <div className="consult-result">
          {integrated && <Alert kind="success">{t('consult.integrate.done')}</Alert>}
          <ClientHeader insz={outcome.insz} answer={outcome.answer} consultedAt={outcome.at} refresh={outcome.serial} />
          <Appointments key={`appointments-${outcome.serial}`} insz={outcome.insz} purpose={outcome.purpose}>
            <Referrals key={`referrals-${outcome.serial}`} insz={outcome.insz} purpose={outcome.purpose} />
          </Appointments>
          <TargetGroup dossier={outcome.answer.dossier ?? {}} clusters={outcome.clusters} />
          <Judged
            key={`judged-${outcome.serial}`}
            insz={outcome.insz}
            purpose={outcome.purpose}
            dossier={outcome.answer.dossier ?? {}}
            clusters={outcome.clusters}
          />
        </div>
      )}
    </div>
  );
}

/** The information panels with KBI's attendance judgement, asked once for this consultation. */
function Judged({ insz, purpose, dossier, clusters }: { insz: string; purpose: string; dossier: Dossier; clusters: ReadonlySet<Cluster> }) {
  const attendance = useClientAttendance(insz, purpose, clusters);
  return (
    <>
      <ClientAttendanceFailure state={attendance} />
      <InformationPanels dossier={dossier} clusters={clusters} attendance={attendance.attendance} />
    </>
  );
}
