/**
 * Certificate eligibility: when the components of a primary trajectory are completed as the rules
 * require, the integration certificate (inburgeringsattest) is proposed. Dated data; the version is
 * the one in force when the trajectory started (the regime a person follows is the one they began
 * under, domain-rules §4.1):
 * - 2003 decree (from 01/04/2004): the programme followed regularly — social orientation, Dutch and
 *   career orientation completed, each with regular attendance (domain-rules §4.9, refli.be).
 * - 2013 decree (from 29/02/2016): the result commitment — for each part the objectives achieved
 *   (decision "voldaan"), attendance no longer the criterion (domain-rules §4.1).
 * - from 01/03/2022: social orientation (the test passed) and Dutch at level A2 (domain-rules §4.5).
 * A part counts as done when its component is completed with the decision met, or exempted. Every
 * other component of the trajectory must be closed too (completed or exempted): a running one waits.
 */
import type { PartStatus } from './attendance.policy.ts';
import { ruleOn } from './attendance.policy.ts';

export type Part = 'MO' | 'NT2' | 'LO' | 'WORK' | 'PARTICIPATION';

export interface CertificateRule {
  id: string;
  validFrom: string;
  validTo: string | null;
  requiredParts: readonly Part[];
  /** The Dutch level the NT2 part must reach; null: any NT2 component. */
  nt2Level: 'A1' | 'A2' | null;
  requiresRegularAttendance: boolean;
  source: string;
}

export const CERTIFICATE_RULES: readonly CertificateRule[] = [
  {
    id: 'certificate-2004',
    validFrom: '2004-04-01',
    validTo: '2016-02-28',
    requiredParts: ['MO', 'NT2', 'LO'],
    nt2Level: null,
    requiresRegularAttendance: true,
    source: 'Decreet 28 februari 2003, zoals gewijzigd in 2006: het vormingsprogramma regelmatig gevolgd (domain-rules §4.9)',
  },
  {
    id: 'certificate-2016',
    validFrom: '2016-02-29',
    validTo: '2022-02-28',
    requiredParts: ['MO', 'NT2', 'LO'],
    nt2Level: null,
    requiresRegularAttendance: false,
    source: 'Decreet 7 juni 2013: resultaatsverbintenis, voor elk onderdeel de doelstellingen bereikt (domain-rules §4.1, §4.9)',
  },
  {
    id: 'certificate-2022',
    validFrom: '2022-03-01',
    validTo: null,
    requiredParts: ['MO', 'NT2'],
    nt2Level: 'A2',
    requiresRegularAttendance: false,
    source: 'Decreet 7 juni 2013, zoals gewijzigd op 9 juli 2021: MO-test geslaagd en Nederlands op niveau A2 (domain-rules §4.5)',
  },
];

export interface ComponentFacts {
  id: string;
  /** Code list trajectory_component_type, with its part and level attributes. */
  type: string;
  part: Part | null;
  level: string | null;
  /** Code list trajectory_component_status: TO_STA_99 is completed. */
  status: string;
  /** Code list trajectory_component_decision: VO met, NVO not met, VR exempted. */
  decision: string | null;
  exempted: boolean;
  /** The attendance of the component, where the rule asks for it. */
  attendance: PartStatus | null;
}

export interface Eligibility {
  eligible: boolean;
  rule: { id: string; validFrom: string; source: string };
  /** Per required part, the component that fulfils it (null: none yet). */
  parts: { part: Part; componentId: string | null; done: boolean }[];
  /** Components not closed yet (they keep the certificate waiting). */
  open: string[];
}

const LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];
const COMPLETED = 'TO_STA_99';

/** Whether a component is done as the rule requires. */
export function componentDone(c: ComponentFacts, rule: CertificateRule): boolean {
  if (c.exempted || c.decision === 'VR') return true;
  if (c.status !== COMPLETED || c.decision !== 'VO') return false;
  return !rule.requiresRegularAttendance || c.attendance === 'REGULAR' || c.attendance === 'NO_LESSONS';
}

/** Whether the trajectory begun on `trajectoryStart` with these components earns the integration certificate. Pure. */
export function certificateEligibility(components: readonly ComponentFacts[], trajectoryStart: string, rules = CERTIFICATE_RULES): Eligibility {
  const rule = ruleOn(rules, trajectoryStart < rules[0]!.validFrom ? rules[0]!.validFrom : trajectoryStart);
  const fits = (c: ComponentFacts, part: Part) =>
    c.part === part && (part !== 'NT2' || rule.nt2Level === null || LEVELS.indexOf(c.level ?? '') >= LEVELS.indexOf(rule.nt2Level));
  const parts = rule.requiredParts.map((part) => {
    const candidates = components.filter((c) => fits(c, part));
    const done = candidates.find((c) => componentDone(c, rule));
    return { part, componentId: (done ?? candidates[0])?.id ?? null, done: done !== undefined };
  });
  const open = components.filter((c) => !c.exempted && c.decision !== 'VR' && c.status !== COMPLETED).map((c) => c.id);
  return {
    eligible: parts.every((p) => p.done) && open.length === 0,
    rule: { id: rule.id, validFrom: rule.validFrom, source: rule.source },
    parts,
    open,
  };
}
