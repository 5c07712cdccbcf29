/** Part 2 of the screen, "Doelgroep" (seed 002 §2.2): the most recent target-group determination. */
import { useId } from 'react';
import { useCodeList } from '../../data.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import type { Cluster, Dossier } from './types.ts';
import { Empty, Facts, NotAuthorised, Period } from './ui.tsx';

export function TargetGroup({ dossier, clusters }: { dossier: Dossier; clusters: ReadonlySet<Cluster> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const id = useId();
  const type = useCodeList('target_group_type');
  const subtype = useCodeList('target_group_subtype');
  const noReason = useCodeList('no_target_group_reason');
  const exemption = useCodeList('exemption_reason');
  // The answer holds only the most recent determination (seed 003 §61); take the latest should it hold more.
  const latest = [...(dossier.targetGroupDeterminations ?? [])].sort((a, b) => b.determinedOn.localeCompare(a.determinedOn))[0];
  return (
    <section className="consult-part" aria-labelledby={id}>
      <h2 id={id}>{t('consult.part.targetGroup')}</h2>
      {!clusters.has('targetGroup') ? (
        <NotAuthorised />
      ) : !latest ? (
        <Empty />
      ) : (
        <div className="target-group">
          <Facts
            items={[
              [t('consult.targetGroup.type'), latest.type ? type.label(latest.type) : null],
              [t('consult.targetGroup.subtype'), latest.subtype ? subtype.label(latest.subtype) : null],
              [t('consult.targetGroup.period'), <Period start={latest.startDate} end={latest.endDate} />],
              [t('consult.targetGroup.determined'), <span className={`badge ${latest.determined ? 'ok' : ''}`}>{latest.determined ? t('yes') : t('no')}</span>],
              [t('consult.targetGroup.noTargetGroupReason'), latest.noTargetGroupReason ? noReason.label(latest.noTargetGroupReason) : null],
              [t('consult.targetGroup.exemptionReason'), latest.exemptionReason ? exemption.label(latest.exemptionReason) : null],
            ]}
          />
          <p className="panel-note muted">{t('consult.targetGroup.determinedOn', { date: fmt.date(latest.determinedOn) })}</p>
        </div>
      )}
    </section>
  );
}
