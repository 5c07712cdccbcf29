/** Renders docs/permissions.md from the rule book (`npm run docs:permissions`); a test keeps it current. */
import { POLICY, REFERENCE_OWNER, ROLES, roleAllows } from './access.policy.ts';
import { CAPABILITIES, type Capability } from '../../platform/access.ts';
import { ALL_RESOURCES, DOSSIER_RESOURCES, REFERENCE_RESOURCES, PERSON_RESOURCE } from '../dossier/clusters.ts';

const TERRITORY: Record<string, string> = {
  all: 'every person',
  organisation: 'persons whose dossier its organisation manages or leads, or registered',
  offices: 'persons whose dossier one of its offices manages (or its organisation registered, before a dossier exists)',
  clients: 'its clients: persons its organisation took in (intake), advised, tested, put on its waiting list, enrolled in a course it organises, or registered',
  none: 'no person',
};

/** How the permissions page names each capability. */
const CAPABILITY_TEXT: Record<Capability, string> = {
  manageUsers: 'manages accounts and partner clients',
  readAudit: 'reads the audit trail',
  manageAuthorisations: 'manages authorisations',
  consultForOrganisation: 'consults for its organisation',
  readUsageStatistics: 'reads exchange usage statistics',
  readStatistics: 'reads the statistics portal: base sets, publications, restatements (aggregates only)',
  validateStatistics: 'validates versions of the statistics definitions',
  publishStatistics: 'publishes (freezes) statistics',
  houseOfDutchDesk: 'works the desk of a House of Dutch (intakes, waiting list, placements)',
  readImportRuns: 'reads every import run',
  readRuleEvaluations: 'reads the runs of the rules re-evaluation',
  recordIntegrations: 'records integrations for a partner',
};

export function renderPermissions(): string {
  const mark = (yes: boolean) => (yes ? '✔' : '—');
  const lines = [
    '# Permissions',
    '',
    'Generated from `server/modules/access/access.policy.ts` by `npm run docs:permissions`; do not edit by hand.',
    '',
    'Every request on personal data passes two checks: the **role** may do the action on the data cluster',
    "(else 403), and the person lies in the actor's **territory** (else 404, so that not even the existence",
    'of a dossier leaks). Every refusal is audited. A dossier read shows only the clusters the role may read',
    'and lists the others under `withheld`.',
    '',
    '## Roles',
    '',
    `| role | territory | ${CAPABILITIES.map((c) => CAPABILITY_TEXT[c]).join(' | ')} | description |`,
    `|---|---|${CAPABILITIES.map(() => '---').join('|')}|---|`,
    ...ROLES.map(
      (r) => `| \`${r}\` | ${TERRITORY[POLICY[r].territory]} | ${CAPABILITIES.map((c) => mark(POLICY[r][c])).join(' | ')} | ${POLICY[r].description} |`,
    ),
    '',
    'A route that needs a capability says so (`config.capability`), and the door checks it before the request body is read.',
    '',
    '## Dossier records: read / write per role',
    '',
    `| resource | cluster | ${ROLES.map((r) => `\`${r}\``).join(' | ')} |`,
    `|---|---|${ROLES.map(() => '---').join('|')}|`,
    ...[PERSON_RESOURCE, ...DOSSIER_RESOURCES].map(
      (d) =>
        `| \`${d.resource}\` | ${d.cluster} | ${ROLES.map(
          (r) => `${roleAllows(r, 'read', d.cluster, d.table) ? 'R' : '·'}${roleAllows(r, 'create', d.cluster, d.table) ? 'W' : '·'}`,
        ).join(' | ')} |`,
    ),
    '',
    'R = may read (and search), W = may create, change and remove.',
    '',
    '## Reference data',
    '',
    'Every staff role may read reference data. Changing it:',
    '',
    `| table | ${ROLES.map((r) => `\`${r}\``).join(' | ')} |`,
    `|---|${ROLES.map(() => '---').join('|')}|`,
    ...REFERENCE_RESOURCES.map(
      (d) =>
        `| \`${d.table}\` | ${ROLES.map((r) => (roleAllows(r, 'create', null, d.table) ? (POLICY[r].referenceScope === 'all' ? 'all' : 'own') : '·')).join(' | ')} |`,
    ),
    '',
    "all = every record; own = only records of the role's own organisation, before and after the change, decided by who owns the record:",
    ...Object.entries(REFERENCE_OWNER).map(
      ([table, o]) =>
        `- \`${table}\`: ${o.via ? `the owner of its \`${o.via}\` (\`${o.column}\`)` : o.column === 'id' ? 'the organisation itself' : `\`${o.column}\``}`,
    ),
    '',
    `(${ALL_RESOURCES.length} resources in all.)`,
    '',
    '## Partners',
    '',
    'Partner organisations are API clients (`POST /api/exchange/v1/oauth/token`). What a partner receives is not',
    'in this rule book but in data: its **authorisations** (`/api/v1/authorisations`: partner or partner kind ×',
    'clusters × purpose × legal basis × period), and, where an authorisation names capacity codes, the',
    '**integration register** (`/api/exchange/v1/integrations`): the partner must have declared the person under',
    'one of those codes for the day of the consultation. A consult answers exactly the clusters of the',
    'authorisations that hold for that partner, purpose, person and day; anything else is refused and audited.',
    "The default installation carries seed 003's authorisation: every OCMW, the 17 clusters, the two purposes",
    'of §37, for persons integrated under capacity codes 1–9.',
    '',
  ];
  return lines.join('\n');
}
