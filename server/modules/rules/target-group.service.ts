/**
 * The target-group assistant for one person (target-group.policy.ts): what the dossier tells —
 * nationality and its group, residence status, birth date, the region of the address, whether the
 * INSZ is a national-register number, an integration certificate obtained before — merged with what
 * the caseworker answered, and the proposal under the rule in force on the day. Writes nothing but
 * the audit record: the caseworker confirms or overrides by recording a determination.
 */
import type { RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { assertInTerritory, authorize } from '../access/access.service.ts';
import { proposeTargetGroup, regionOfPostcode, type TargetGroupFacts, type TargetGroupProposal } from './target-group.policy.ts';

/** What the caseworker may answer; the rest comes from the dossier. */
export const ANSWERABLE = [
  'firstRegisteredOn',
  'firstRegisteredRegion',
  'firstLongResidence',
  'temporaryStay',
  'bornAbroad',
  'parentBornAbroad',
  'ministerOfReligion',
  'seriousIllness',
  'dutchDiploma',
  'earlierCertificate',
] as const satisfies readonly (keyof TargetGroupFacts)[];
export type Answers = Partial<Pick<TargetGroupFacts, (typeof ANSWERABLE)[number]>>;

export interface TargetGroupAdvice {
  personId: string;
  /** The facts as the dossier gives them (before the caseworker's answers). */
  known: TargetGroupFacts;
  proposal: TargetGroupProposal;
}

export async function targetGroupAdvice(deps: Deps, ctx: RequestContext, personId: string, on: string, answers: Answers): Promise<TargetGroupAdvice> {
  authorize(ctx, 'read', 'personalia', 'persons', personId);
  authorize(ctx, 'read', 'targetGroup', 'target_group_determinations', personId);
  await assertInTerritory(deps.db, ctx, personId, 'targetGroup.propose');
  if (answers.firstRegisteredOn && answers.firstRegisteredOn > on)
    throw new Problem('badRequest', 'answers.firstRegisteredOn: not after the day judged on', [
      { in: 'body', name: 'answers.firstRegisteredOn', detail: 'not after the day judged on' },
    ]);
  const person = await deps.db
    .selectFrom('persons')
    .select(['insz', 'birth_date', 'nationality', 'residence_status', 'postcode'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  const nationality = person.nationality ? deps.codes.get('nationality', person.nationality) : undefined;
  const certificate = await deps.db
    .selectFrom('certificates')
    .select('id')
    .where('person_id', '=', personId)
    .where('kind', '=', 'INTEGRATION')
    .where('issued_on', '<=', on)
    .executeTakeFirst();
  const parsed = parseInsz(person.insz);
  const group = nationality?.attributes?.group;
  const known: TargetGroupFacts = {
    nationality: person.nationality ?? undefined,
    nationalityGroup: group === 'EU_PLUS' || group === 'THIRD_COUNTRY' ? group : undefined,
    residenceStatus: person.residence_status ?? undefined,
    birthDate: person.birth_date ? String(person.birth_date).slice(0, 10) : undefined,
    region: regionOfPostcode(person.postcode),
    inNationalRegister: parsed.ok ? parsed.insz.kind === 'nationalRegister' : undefined,
    ...(certificate ? { earlierCertificate: true } : {}),
  };
  const proposal = proposeTargetGroup({ ...known, ...answers }, on);
  await recordAudit(deps.db, ctx, {
    action: 'targetGroup.propose',
    personId,
    clusters: ['personalia', 'targetGroup'],
    result: 'allowed',
    detail: { on, outcome: proposal.outcome, rule: proposal.rule.id },
  });
  return { personId, known, proposal };
}
