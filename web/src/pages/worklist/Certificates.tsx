/**
 * Integration certificates to issue: trajectories the rules found completed as required, the
 * oldest first — the person (to the dossier), each required part with whether it is met, when it
 * was found and by when it should be issued (overdue flagged). Issuing records the certificate and
 * the trajectory's decision; dismissing needs a reason.
 */
import { Fragment } from 'react';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { DecisionButtons, FormRow, PersonCell, ReasonForm, postIfMatch, useRowForms, ItemTable, DueCell } from './shared.tsx';

export interface CertificateProposal {
  id: string;
  version: number;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  ruleId: string;
  detectedOn: string;
  dueOn: string | null;
  overdue: boolean;
  facts: { parts: { part: string; done: boolean }[]; rule: { source: string } };
  ownerId?: string | null;
}

type Decision = 'ISSUE' | 'DISMISS';

export function Certificates({ items, onChanged }: { items: CertificateProposal[]; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const rows = useRowForms<Decision>(onChanged);
  const { open, message } = rows;
  const partName = (part: string) => t(`worklist.certificates.part.${part}` as Parameters<typeof t>[0]);

  return (
    <ItemTable
      message={message}
      none={items.length ? null : t('worklist.certificates.none')}
      caption={t('worklist.certificates.caption')}
      headers={[
        t('worklist.person'),
        t('worklist.certificates.parts'),
        t('worklist.proposals.detectedOn'),
        t('worklist.certificates.dueOn'),
        t('worklist.actions'),
      ]}
    >
      {items.map((c) => {
        const name = `${c.givenNames} ${c.familyName}`;
        return (
          <Fragment key={c.id}>
            <tr className="worklist-row" data-certificate={c.id}>
              <td>
                <PersonCell {...c} owner={{ list: 'certificateProposals', item: c, onChanged }} />
              </td>
              <td className="worklist-description" title={c.facts.rule.source}>
                {c.facts.parts.map((p) => `${partName(p.part)} ${p.done ? '✓' : '✗'}`).join(' · ')}
              </td>
              <td>{fmt.date(c.detectedOn)}</td>
              <DueCell dueOn={c.dueOn} overdue={c.overdue} />
              <DecisionButtons
                first={t('worklist.certificates.issue')}
                second={t('worklist.proposals.dismiss')}
                onFirst={() => rows.show(c.id, 'ISSUE')}
                onSecond={() => rows.show(c.id, 'DISMISS')}
              />
            </tr>
            {open?.id === c.id && (
              <FormRow columns={5}>
                <ReasonForm
                  key={open.form}
                  title={t(open.form === 'ISSUE' ? 'worklist.certificates.issueTitle' : 'worklist.certificates.dismissTitle', { name })}
                  label={t(open.form === 'ISSUE' ? 'worklist.proposals.motivation' : 'worklist.certificates.reason')}
                  hint={open.form === 'ISSUE' ? t('worklist.decision.reasonOptional') : undefined}
                  required={open.form === 'DISMISS'}
                  requiredMessage={t('worklist.certificates.reasonRequired')}
                  submit={t(open.form === 'ISSUE' ? 'worklist.certificates.confirmIssue' : 'worklist.proposals.confirmDismiss')}
                  danger={open.form === 'DISMISS'}
                  send={async (reason) => {
                    await postIfMatch(`/api/v1/certificateProposals/${c.id}/decision`, c.version, { decision: open.form, ...(reason ? { reason } : {}) });
                    return t(open.form === 'ISSUE' ? 'worklist.certificates.issued' : 'worklist.certificates.dismissed', { name });
                  }}
                  onDone={(m) => void rows.done(m)}
                  onCancel={rows.close}
                />
              </FormRow>
            )}
          </Fragment>
        );
      })}
    </ItemTable>
  );
}
