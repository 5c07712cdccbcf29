/**
 * The documentation platform of seed 000 §6, generated from the definitions: one page per base set
 * (population, counting unit, period rule, dimensions and breakdowns, known breaks in the series,
 * sources, versions and validations), served by the portal and written as Markdown under
 * docs/statistics/ (`npm run docs:statistics`; a test keeps the files equal to the definitions).
 */
import { BASE_SETS } from './statistics.sets.ts';
import type { SetDefinition, Validation } from './statistics.types.ts';

type Lang = 'nl' | 'fr' | 'en';

const WORDS: Record<string, Record<Lang, string>> = {
  population: { nl: 'Populatie', fr: 'Population', en: 'Population' },
  unit: { nl: 'Teleenheid', fr: 'Unité de comptage', en: 'Counting unit' },
  period: { nl: 'Referentieperiode', fr: 'Période de référence', en: 'Reference period' },
  notes: { nl: 'Lezen en interpreteren', fr: 'Lecture et interprétation', en: 'Reading the figures' },
  breakdowns: { nl: 'Uitsplitsingen', fr: 'Ventilations', en: 'Breakdowns' },
  dimensions: { nl: 'Dimensies', fr: 'Dimensions', en: 'Dimensions' },
  measures: { nl: 'Maten', fr: 'Mesures', en: 'Measures' },
  breaks: { nl: 'Breuken in de reeks', fr: 'Ruptures de série', en: 'Breaks in the series' },
  noBreaks: { nl: 'Geen gekende breuken.', fr: 'Aucune rupture connue.', en: 'No known breaks.' },
  sources: { nl: 'Bronnen', fr: 'Sources', en: 'Sources' },
  versions: { nl: 'Versies en validatie', fr: 'Versions et validation', en: 'Versions and validation' },
  notValidated: { nl: 'nog niet gevalideerd', fr: 'pas encore validée', en: 'not validated yet' },
  validatedBy: { nl: 'gevalideerd door', fr: 'validée par', en: 'validated by' },
  reproduces: { nl: 'gepubliceerde tabel', fr: 'tableau publié', en: 'published table' },
  query: { nl: 'Query', fr: 'Requête', en: 'Query' },
  asOf: {
    nl: 'Elke uitsplitsing telt dezelfde eenheden; alle cijfers worden berekend zoals de KBI de gegevens kende op de gekozen stand van zaken. Dezelfde stand van zaken geeft altijd dezelfde cijfers, ook na verbeteringen.',
    fr: 'Chaque ventilation compte les mêmes unités ; tous les chiffres sont calculés tels que la KBI connaissait les données à la date de situation choisie. La même date de situation donne toujours les mêmes chiffres, même après des corrections.',
    en: 'Every breakdown counts the same units; all figures are computed as KBI knew the data on the chosen cut-off. The same cut-off always gives the same figures, corrections notwithstanding.',
  },
};

export interface VersionInfo {
  version: number;
  createdAt: string;
  contentHash: string;
  validations: Omit<Validation, 'version'>[] | Validation[];
}

const belgianDate = (iso: string) => {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
};

/** The Markdown page of one set. `versions` are shown newest first when given. */
export function setDocumentation(def: SetDefinition, versions: readonly VersionInfo[] = [], lang: Lang = 'nl'): string {
  const w = (k: string) => WORDS[k]![lang];
  const doc = def.documentation;
  const dimLabel = new Map(def.dimensions.map((d) => [d.id, d.label[lang]]));
  const lines = [
    `# ${def.title[lang]}`,
    '',
    def.description[lang],
    '',
    `- **${w('population')}**: ${doc.population[lang]}`,
    `- **${w('unit')}**: ${doc.countingUnit[lang]}`,
    `- **${w('period')}**: ${doc.periodRule[lang]}`,
    '',
    w('asOf'),
    '',
  ];
  if (doc.notes) lines.push(`## ${w('notes')}`, '', doc.notes[lang], '');
  lines.push(`## ${w('breakdowns')}`, '');
  for (const b of def.breakdowns) {
    const dims = b.dimensions.map((d) => dimLabel.get(d)).join(' × ') || '—';
    lines.push(`- **${b.title[lang]}** (${dims})${b.reference ? ` — ${w('reproduces')} \`${b.reference}\`` : ''}`);
  }
  lines.push('', `## ${w('dimensions')}`, '');
  for (const d of def.dimensions) {
    const source =
      d.kind === 'code' ? `code list \`${[d.codeList].flat().join('`, `')}\`` : d.kind === 'values' ? d.values!.map((v) => v.label[lang]).join(' / ') : d.kind;
    lines.push(`- **${d.label[lang]}** (\`${d.id}\`): ${source}`);
  }
  lines.push('', `## ${w('measures')}`, '');
  for (const m of def.measures) lines.push(`- **${m.label[lang]}**: \`${m.sql}\``);
  lines.push('', `## ${w('breaks')}`, '');
  if (!doc.breaks.length) lines.push(w('noBreaks'));
  for (const b of doc.breaks) lines.push(`- **${belgianDate(b.on)}**: ${b.text[lang]}`);
  if (doc.sources?.length) {
    lines.push('', `## ${w('sources')}`, '');
    for (const s of doc.sources) lines.push(`- ${typeof s === 'string' ? s : s[lang]}`);
  }
  if (versions.length) {
    lines.push('', `## ${w('versions')}`, '');
    for (const v of versions) {
      const who = v.validations.length
        ? v.validations
            .map((x) => `${w('validatedBy')} ${x.validatedByName ?? x.validatedBy} (${belgianDate(x.validatedAt)})${x.note ? `: ${x.note}` : ''}`)
            .join('; ')
        : w('notValidated');
      lines.push(`- v${v.version} (${belgianDate(v.createdAt)}, \`${v.contentHash.slice(0, 12)}\`): ${who}`);
    }
  }
  lines.push('', `## ${w('query')}`, '', '```sql', def.query.trim(), '```', '');
  return lines.join('\n');
}

/** The index page of docs/statistics/. */
export function documentationIndex(sets: readonly SetDefinition[]): string {
  return [
    '# Statistieken — basissets',
    '',
    'Gegenereerd uit de definities (`server/modules/statistics/statistics.sets.ts`) door `npm run docs:statistics`; niet met de hand bewerken.',
    '',
    ...sets.map((s) => `- [${s.title.nl}](${s.id}.md) — ${s.description.nl}`),
    '',
  ].join('\n');
}

/** The files of docs/statistics/: README.md and `<set>.md` per base set (Dutch, the portal serves every language). */
export function statisticsDocumentationFiles(sets: readonly SetDefinition[] = BASE_SETS): Record<string, string> {
  return { 'README.md': documentationIndex(sets), ...Object.fromEntries(sets.map((s) => [`${s.id}.md`, setDocumentation(s)])) };
}
