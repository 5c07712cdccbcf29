/**
 * Panels 1–6 of the information part (seed 002 §2.3): certificates, signed contracts, postponements
 * of signing, registration, postponements of registration, trajectories. Each shows what the answer
 * holds and says plainly when a part is empty or not authorised.
 */
import { useCodeList } from '../../data.ts';
import type { PersonAttendance } from '../dossier/model.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import type { Cluster, Dossier, TrajectoryComponent } from './types.ts';
import { KboLink, OfficeRef, OrganisationRef, StaffRef } from './references.tsx';
import { dash, Empty, Facts, NotAuthorised, Period, RecordTable } from './ui.tsx';

export interface PanelProps {
  dossier: Dossier;
  clusters: ReadonlySet<Cluster>;
  /** KBI's attendance judgement, where the authorisations allow it (null: not asked or not allowed). */
  attendance?: PersonAttendance | null;
}

export function CertificatesPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const kind = useCodeList('certificate_kind');
  const type = useCodeList('certificate_type');
  const rows = dossier.certificates ?? [];
  if (!rows.length) return <Empty />;
  return (
    <RecordTable
      caption={t('consult.certificates.caption')}
      rows={rows}
      columns={[
        { header: t('consult.field.kind'), cell: (r) => kind.label(r.kind) },
        { header: t('consult.field.documentType'), cell: (r) => (r.documentType ? type.label(r.documentType) : dash(null)) },
        { header: t('consult.field.documentId'), cell: (r) => <span className="mono">{dash(r.documentId)}</span> },
        { header: t('consult.field.issuedOn'), cell: (r) => fmt.date(r.issuedOn) },
        { header: t('consult.field.signedOn'), cell: (r) => fmt.date(r.signedOn) },
        { header: t('consult.field.expiresOn'), cell: (r) => fmt.date(r.expiresOn) },
        { header: t('consult.field.issuedBy'), cell: (r) => (r.officeId ? <OfficeRef id={r.officeId} /> : <KboLink kbo={r.issuedByKbo} />) },
      ]}
    />
  );
}

export function ContractsPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const kind = useCodeList('contract_kind');
  const part = useCodeList('contract_part');
  const suspensionReason = useCodeList('contract_suspension_reason');
  const contracts = dossier.contracts ?? [];
  if (!contracts.length) return <Empty />;
  return (
    <>
      <p className="panel-note muted">{t('consult.contracts.note')}</p>
      {contracts.map((c) => {
        const parts = (dossier.contractParts ?? []).filter((p) => p.contractId === c.id);
        const addenda = (dossier.contractAddenda ?? []).filter((a) => a.contractId === c.id);
        const suspensions = (dossier.contractSuspensions ?? []).filter((s) => s.contractId === c.id);
        return (
          <div key={c.id} className="record-card">
            <h4>
              {kind.label(c.kind)} <span className="muted">{t('consult.contracts.signedOn', { date: fmt.date(c.signedOn) })}</span>
            </h4>
            <Facts
              items={[
                [t('consult.field.signedOn'), fmt.date(c.signedOn)],
                [t('consult.field.registeredOn'), fmt.date(c.registeredOn)],
                [t('consult.field.endDate'), fmt.date(c.endDate)],
                [t('consult.field.office'), <OfficeRef id={c.officeId} />],
                [t('consult.field.createdByKbo'), c.createdByKbo ? <KboLink kbo={c.createdByKbo} /> : null],
                [
                  t('consult.contracts.parts'),
                  parts
                    .filter((p) => !p.addendumId)
                    .map((p) => part.label(p.part))
                    .join(', ') || null,
                ],
              ]}
            />
            {addenda.length > 0 ? (
              <RecordTable
                caption={t('consult.contracts.addenda')}
                rows={addenda}
                columns={[
                  { header: t('consult.field.signedOn'), cell: (a) => fmt.date(a.signedOn) },
                  { header: t('consult.field.description'), cell: (a) => dash(a.description) },
                  {
                    header: t('consult.contracts.partsAdded'),
                    cell: (a) =>
                      dash(
                        parts
                          .filter((p) => p.addendumId === a.id)
                          .map((p) => part.label(p.part))
                          .join(', '),
                      ),
                  },
                ]}
              />
            ) : (
              <p className="sub-empty muted">{t('consult.contracts.noAddenda')}</p>
            )}
            {suspensions.length > 0 ? (
              <RecordTable
                caption={t('consult.contracts.suspensions')}
                rows={suspensions}
                columns={[
                  { header: t('consult.field.period'), cell: (s) => <Period start={s.startDate} end={s.endDate} /> },
                  { header: t('consult.field.reason'), cell: (s) => suspensionReason.label(s.reason) },
                ]}
              />
            ) : (
              <p className="sub-empty muted">{t('consult.contracts.noSuspensions')}</p>
            )}
          </div>
        );
      })}
    </>
  );
}

function PostponementTable({ rows, list, caption }: { rows: Dossier['signingPostponements']; list: string; caption: string }) {
  const { t } = useI18n();
  const reason = useCodeList(list);
  if (!rows?.length) return <Empty />;
  return (
    <RecordTable
      caption={caption}
      hideCaption
      rows={rows}
      columns={[
        { header: t('consult.field.startDate'), cell: (r) => <DateCell value={r.startDate} /> },
        { header: t('consult.field.endDate'), cell: (r) => <DateCell value={r.endDate} /> },
        { header: t('consult.field.reason'), cell: (r) => reason.label(r.reason) },
      ]}
    />
  );
}

function DateCell({ value }: { value: string | null | undefined }) {
  const fmt = useFormat();
  return <>{fmt.date(value)}</>;
}

export function SigningPostponementsPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  return <PostponementTable rows={dossier.signingPostponements} list="signing_postponement_reason" caption={t('consult.panel.signingPostponements')} />;
}

export function RegistrationPostponementsPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  return (
    <PostponementTable
      rows={dossier.registrationPostponements}
      list="registration_postponement_reason"
      caption={t('consult.panel.registrationPostponements')}
    />
  );
}

export function RegistrationsPanel({ dossier }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const type = useCodeList('registration_type');
  const reason = useCodeList('registration_reason');
  const rows = dossier.registrations ?? [];
  if (!rows.length) return <Empty>{t('consult.registrations.none')}</Empty>;
  return (
    <RecordTable
      caption={t('consult.registrations.caption')}
      rows={rows}
      columns={[
        { header: t('consult.field.registeredOn'), cell: (r) => fmt.date(r.registeredOn) },
        { header: t('consult.field.type'), cell: (r) => type.label(r.type) },
        { header: t('consult.field.registrationReason'), cell: (r) => reason.label(r.reason) },
        { header: t('consult.field.office'), cell: (r) => <OfficeRef id={r.officeId} /> },
      ]}
    />
  );
}

export function TrajectoriesPanel({ dossier, clusters }: PanelProps) {
  const { t } = useI18n();
  const fmt = useFormat();
  const type = useCodeList('trajectory_type');
  const status = useCodeList('trajectory_status');
  const decision = useCodeList('trajectory_decision');
  const endReason = useCodeList('trajectory_end_reason');
  if (!clusters.has('trajectories')) return <NotAuthorised />;
  const rows = dossier.trajectories ?? [];
  if (!rows.length) return <Empty />;
  const officeShared = clusters.has('trajectoryOffice');
  const sanctioningShared = clusters.has('sanctioningPartner');
  return (
    <>
      {rows.map((r) => (
        <div key={r.id} className="record-card">
          <h4>{type.label(r.type)}</h4>
          <Facts
            items={[
              [t('consult.field.period'), <Period start={r.startDate} end={r.endDate} />],
              [
                t('consult.field.status'),
                <>
                  {status.label(r.status)} <span className="muted">{t('consult.since', { date: fmt.date(r.statusSince) })}</span>
                </>,
              ],
              [
                t('consult.field.managingOffice'),
                officeShared ? <OfficeRef id={r.managingOfficeId} /> : <span className="badge warn">{t('consult.notAuthorised')}</span>,
              ],
              [
                t('consult.field.contactPerson'),
                officeShared ? <StaffRef id={r.contactStaffId} /> : <span className="badge warn">{t('consult.notAuthorised')}</span>,
              ],
              [
                t('consult.field.sanctioningPartner'),
                sanctioningShared ? <OrganisationRef id={r.sanctioningPartnerId} /> : <span className="badge warn">{t('consult.notAuthorised')}</span>,
              ],
              [
                t('consult.field.decision'),
                r.decision ? (
                  <>
                    {decision.label(r.decision)} <span className="muted">({fmt.date(r.decisionDate)})</span>
                  </>
                ) : null,
              ],
              [t('consult.field.decisionReason'), r.decisionReason],
              [t('consult.field.endReason'), r.endReason ? endReason.label(r.endReason) : null],
            ]}
          />
          <Components dossier={dossier} clusters={clusters} components={(dossier.trajectoryComponents ?? []).filter((c) => c.trajectoryId === r.id)} />
        </div>
      ))}
    </>
  );
}

function Components({ dossier, clusters, components }: PanelProps & { components: TrajectoryComponent[] }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const type = useCodeList('trajectory_component_type');
  const status = useCodeList('trajectory_component_status');
  const decision = useCodeList('trajectory_component_decision');
  const suspensionReason = useCodeList('component_suspension_reason');
  if (!clusters.has('components')) return <NotAuthorised what={t('consult.trajectories.components')} />;
  if (!components.length) return <p className="sub-empty muted">{t('consult.trajectories.noComponents')}</p>;
  const suspensionsShared = clusters.has('componentSuspensions');
  const suspensionsOf = (id: string) => (dossier.componentSuspensions ?? []).filter((s) => s.componentId === id);
  return (
    <RecordTable
      caption={t('consult.trajectories.components')}
      rows={components}
      columns={[
        { header: t('consult.field.component'), cell: (c) => type.label(c.type) },
        { header: t('consult.field.period'), cell: (c) => <Period start={c.startDate} end={c.endDate} /> },
        {
          header: t('consult.field.status'),
          cell: (c) => (
            <>
              {status.label(c.status)}
              <span className="cell-sub muted">{t('consult.since', { date: fmt.date(c.statusSince) })}</span>
            </>
          ),
        },
        { header: t('consult.field.exempted'), cell: (c) => (c.exempted == null ? dash(null) : c.exempted ? t('yes') : t('no')) },
        {
          header: t('consult.field.decision'),
          cell: (c) =>
            c.decision ? (
              <>
                {decision.label(c.decision)}
                <span className="cell-sub muted">
                  {fmt.date(c.decisionDate)}
                  {c.decisionReason ? ` · ${c.decisionReason}` : ''}
                </span>
              </>
            ) : (
              dash(null)
            ),
        },
        { header: t('consult.field.remarks'), cell: (c) => dash(c.remarks) },
        {
          header: t('consult.field.suspensions'),
          cell: (c) => {
            if (!suspensionsShared) return <span className="badge warn">{t('consult.notAuthorised')}</span>;
            const list = suspensionsOf(c.id);
            if (!list.length) return <span className="muted">{t('consult.none')}</span>;
            return (
              <ul className="plain-list">
                {list.map((s) => (
                  <li key={s.id}>
                    <Period start={s.startDate} end={s.endDate} />: {suspensionReason.label(s.reason)}
                  </li>
                ))}
              </ul>
            );
          },
        },
      ]}
    />
  );
}
