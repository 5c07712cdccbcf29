/**
 * Infringement proposals: what the rules of the decree found, the oldest first — the person (to the
 * dossier), the infringement, the facts behind it in words, when it was found and by when it should
 * be handled (overdue flagged). Accept opens the infringement case; dismiss needs a reason, asked at
 * the field before anything is sent.
 */
import { Fragment } from 'react';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { DecisionButtons, FormRow, PersonCell, ReasonForm, postIfMatch, useRowForms, ItemTable, DueCell } from './shared.tsx';

interface Part {
  componentType: string;
  presentPercent: number | null;
  status: string;
}

export interface Proposal {
  id: string;
  version: number;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  type: string;
  detectedOn: string;
  dueOn: string | null;
  overdue: boolean;
  facts:
    | { kind: 'registrationTerm'; sentOn: string; due: string; registeredOn: string | null }
    | { kind: 'signingTerm'; registeredOn: string; due: string; signedOn: string | null }
    | { kind: 'reRegistrationTerm'; suspensionEnded: string; due: string; registeredOn: string | null }
    | { kind: 'attendance'; parts: Part[]; rule: { regularPercent: number } };
  status: string;
  ownerId?: string | null;
}

type Decision = 'ACCEPT' | 'DISMISS';

/** The facts of a proposal in one or two lines. */
function Facts({ p }: { p: Proposal }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const components = useCodeList('trajectory_component_type');
  const f = p.facts;
  if (f.kind === 'registrationTerm')
    return (
      <>
        {t('worklist.proposals.factsTerm', { sent: fmt.date(f.sentOn), due: fmt.date(f.due) })}{' '}
        {f.registeredOn ? t('worklist.proposals.registeredLate', { on: fmt.date(f.registeredOn) }) : t('worklist.proposals.notRegistered')}
      </>
    );
  if (f.kind === 'signingTerm')
    return (
      <>
        {t('worklist.proposals.factsSigning', { registered: fmt.date(f.registeredOn), due: fmt.date(f.due) })}{' '}
        {f.signedOn ? t('worklist.proposals.signedLate', { on: fmt.date(f.signedOn) }) : t('worklist.proposals.notSigned')}
      </>
    );
  if (f.kind === 'reRegistrationTerm')
    return (
      <>
        {t('worklist.proposals.factsReRegistration', { ended: fmt.date(f.suspensionEnded), due: fmt.date(f.due) })}{' '}
        {f.registeredOn ? t('worklist.proposals.registeredLate', { on: fmt.date(f.registeredOn) }) : t('worklist.proposals.notRegistered')}
      </>
    );
  return (
    <>
      {f.parts
        .filter((x) => x.status !== 'REGULAR' && x.status !== 'NO_LESSONS')
        .map((x) =>
          t('worklist.proposals.factsAttendance', {
            part: components.label(x.componentType),
            percent: fmt.number(x.presentPercent ?? 0),
            min: f.rule.regularPercent,
          }),
        )
        .join('; ')}
    </>
  );
}

function DecisionForm({ proposal, decision, onDone, onCancel }: { proposal: Proposal; decision: Decision; onDone(message: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const types = useCodeList('infringement_type');
  const dismissing = decision === 'DISMISS';
  const name = `${proposal.givenNames} ${proposal.familyName}`;
  return (
    <ReasonForm
      title={t(dismissing ? 'worklist.proposals.dismissTitle' : 'worklist.proposals.acceptTitle', { name })}
      label={t(dismissing ? 'worklist.proposals.reason' : 'worklist.proposals.motivation')}
      hint={dismissing ? undefined : t('worklist.decision.reasonOptional')}
      required={dismissing}
      requiredMessage={t('worklist.proposals.reasonRequired')}
      submit={t(dismissing ? 'worklist.proposals.confirmDismiss' : 'worklist.proposals.confirmAccept')}
      danger={dismissing}
      send={async (reason) => {
        await postIfMatch(`/api/v1/infringementProposals/${proposal.id}/decision`, proposal.version, { decision, ...(reason ? { reason } : {}) });
        return t(dismissing ? 'worklist.proposals.dismissed' : 'worklist.proposals.accepted', { name, type: types.label(proposal.type) });
      }}
      onDone={onDone}
      onCancel={onCancel}
    />
  );
}

export function Proposals({ items, onChanged }: { items: Proposal[]; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const types = useCodeList('infringement_type');
  const rows = useRowForms<Decision>(onChanged);
  const { open, message } = rows;

  return (
    <ItemTable
      message={message}
      none={items.length ? null : t('worklist.proposals.none')}
      caption={t('worklist.proposals.caption')}
      headers={[
        t('worklist.person'),
        t('worklist.proposals.type'),
        t('worklist.proposals.facts'),
        t('worklist.proposals.detectedOn'),
        t('worklist.proposals.dueOn'),
        t('worklist.actions'),
      ]}
    >
      {items.map((p) => (
        <Fragment key={p.id}>
          <tr className="worklist-row" data-proposal={p.id}>
            <td>
              <PersonCell {...p} owner={{ list: 'infringementProposals', item: p, onChanged }} />
            </td>
            <td>{types.label(p.type)}</td>
            <td className="worklist-description">
              <Facts p={p} />
            </td>
            <td>{fmt.date(p.detectedOn)}</td>
            <DueCell dueOn={p.dueOn} overdue={p.overdue} />
            <DecisionButtons
              first={t('worklist.proposals.accept')}
              second={t('worklist.proposals.dismiss')}
              onFirst={() => rows.show(p.id, 'ACCEPT')}
              onSecond={() => rows.show(p.id, 'DISMISS')}
            />
          </tr>
          {open?.id === p.id && (
            <FormRow columns={6}>
              <DecisionForm key={open.form} proposal={p} decision={open.form} onDone={(m) => void rows.done(m)} onCancel={rows.close} />
            </FormRow>
          )}
        </Fragment>
      ))}
    </ItemTable>
  );
}
