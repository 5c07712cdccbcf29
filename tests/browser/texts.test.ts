/**
 * Dutch means Dutch (issue 14): every screen of every role (tests/support/screens.ts), in Dutch,
 * French and English, switched the way a person does (the language buttons). Every text a user
 * sees — the page's text, and its aria-labels, titles, placeholders and option texts — comes from
 * the message catalogues or the code lists' labels. The walk fails, naming role, screen, language
 * and text, on a message key shown as itself, a raw code (BEGELEIDING_OCMW_CLIENT, a code list's
 * code, a camelCase name), an English sentence on a Dutch or French screen, or a Dutch one on a
 * French screen.
 */
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { sql } from 'kysely';
import { browserSkipReason, SCREENSHOTS, startBrowserWorld } from '../support/browser.ts';
import type { Database } from '../../server/platform/db.ts';
import { quiet, walkLogin, walkRole } from '../support/screens.ts';
import { ROLES } from '../../server/modules/access/access.policy.ts';
import * as core from '../../web/src/i18n/core.ts';
import * as dossier from '../../web/src/i18n/dossier.ts';
import * as consultation from '../../web/src/i18n/consultation.ts';
import * as admin from '../../web/src/i18n/admin.ts';
import * as worklist from '../../web/src/i18n/worklist.ts';
import * as statistics from '../../web/src/i18n/statistics.ts';
import * as imports from '../../web/src/i18n/imports.ts';

const skip = browserSkipReason();
const LANGUAGES = ['nl', 'fr', 'en'] as const;
type Language = (typeof LANGUAGES)[number];

/** Every key of the catalogues: a text equal to one (or shaped like one of its families) is a key shown as itself. */
const KEYS = new Set([core, dossier, consultation, admin, worklist, statistics, imports].flatMap((m) => Object.keys(m.nl)));
const MESSAGES = Object.fromEntries(
  LANGUAGES.map((l) => [
    l,
    Object.assign({}, ...[core, dossier, consultation, admin, worklist, statistics, imports].map((m) => m[l])) as Record<string, string>,
  ]),
) as Record<Language, Record<string, string>>;
const FAMILIES = new Set([...KEYS].filter((k) => k.includes('.')).map((k) => k.split('.')[0]!));

/**
 * Words written in capitals that are names, not codes: the partners as they write themselves, and
 * the abbreviations the catalogues use on purpose.
 */
const NAMES = new Set(['OCMW', 'VDAB', 'VMSW', 'AHOVOKS', 'ACTIRIS', 'INSZ', 'XLSX', 'KBO']);

/** English words that are neither Dutch nor French (a Dutch or French screen never holds one). */
const ENGLISH = /\b(the|must|not|and|with|cannot|should|which|been|have|does|are|this|that|your|from|please|check digits|anonymous|found)\b/i;
/** English words that are Dutch too (is, was, of): wrong on a French screen only. */
const ENGLISH_NOT_DUTCH = /\b(is|was|of|to|yes|no)\b/i;
/** Dutch words a French screen never holds ('met' is French too: « met fin »). */
const DUTCH = /\b(het|niet|een|van de|zijn|voor|wordt|naar|geen|ook|deze|bij|nog|kan|moet|werd|dat|uw|gegevens)\b/i;

/** Texts that look wrong and are not, each with its reason. Keep it tiny. */
const ALLOWED: { text: RegExp; why: string }[] = [
  {
    text: /^(Bv\.|P\. ex\.|E\.g\.) dossier\.read ?; .* users\.\*$/,
    why: "the audit search's hint: the trail's action names are what the privacy officer types in that filter (identifiers of the log, as an INSZ is)",
  },
];

/** What is wrong with one visible text in `language`, or null. */
export function problemOf(text: string, language: Language, codes: Set<string>, data: string[]): string | null {
  if (ALLOWED.some((a) => a.text.test(text))) return null;
  // (An English word may be its own key: 'required' is the English of `required`.)
  if (KEYS.has(text) && MESSAGES[language][text] !== text) return 'a message key shown as itself';
  for (const token of text.match(/\b[a-z][a-zA-Z]*(?:\.[a-zA-Z][a-zA-Z0-9]*)+\b/g) ?? []) {
    if (FAMILIES.has(token.split('.')[0]!)) return `a message key shown as itself (${token})`;
  }
  const snake = /\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b/.exec(text);
  if (snake) return `a raw code (${snake[0]})`;
  for (const token of text.match(/\b[A-Z]{4,}\b/g) ?? []) if (codes.has(token) && !NAMES.has(token)) return `a raw code (${token})`;
  if (/\bseed \d{3}\b/i.test(text)) return 'a reference to the source documents';
  // What people wrote (a conversation's text, a remark) and what things are called (an
  // organisation, an office, a course) is data: in the language it was written in.
  const foreign = (words: string) => foreignWord(words, language);
  if (!foreign(text)) return null;
  let words = text;
  for (const value of data) if (words.includes(value)) words = words.replaceAll(value, ' ');
  return foreign(words);
}

/** An English word on a Dutch or French screen, or a Dutch one on a French screen. */
function foreignWord(words: string, language: Language): string | null {
  if (language !== 'en') {
    const english = ENGLISH.exec(words) ?? (language === 'fr' ? ENGLISH_NOT_DUTCH.exec(words) : null);
    if (english) return `English (${english[0]})`;
  }
  if (language === 'fr') {
    const dutch = DUTCH.exec(words);
    if (dutch) return `Dutch (${dutch[0]})`;
  }
  return null;
}

/**
 * The texts a user sees (or hears) on the page as it is now. (A string, not a function: the test
 * runner's compiler would name the inner functions with a helper the page does not have.)
 */
const VISIBLE_TEXTS = `(() => {
  const out = new Set();
  const add = (s) => {
    for (const line of (s || '').split('\\n')) if (line.trim()) out.add(line.trim().replace(/\\s+/g, ' '));
  };
  add(document.body.innerText);
  // The language buttons name each language in itself (Nederlands, Français, English).
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [aria-description]')) {
    if (el.closest('.language-switch')) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description']) add(el.getAttribute(a));
  }
  for (const option of document.querySelectorAll('option')) add(option.textContent);
  // Each text node on its own too (innerText runs two buttons' words together).
  const nodes = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue.trim();
    if (text && n.parentElement && n.parentElement.checkVisibility() && !n.parentElement.closest('script, style')) nodes.add(text.replace(/\\s+/g, ' '));
  }
  return { lines: [...out], nodes: [...nodes] };
})()`;
const visibleTexts = (page: Page) => page.evaluate<{ lines: string[]; nodes: string[] }>(VISIBLE_TEXTS);

/** A name from the program's code (targetGroup, caseLead) in one text node. */
const camelCase = (text: string) => /\b[a-z]+[A-Z][a-zA-Z]*\b/.exec(text)?.[0];

/**
 * The texts people and partners stored (names, remarks, a conversation's text): every text column's
 * values of more than one word, longest first. Not the code lists (their labels are the app's
 * words in three languages) nor the accounts' and sessions' own tables.
 */
async function storedTexts(database: Database): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')
       AND table_name NOT IN ('code_list', 'kysely_migration', 'kysely_migration_lock')`.execute(database.db);
  const values = new Set<string>();
  for (const { table_name, column_name } of columns.rows) {
    const found = await sql<{ v: string }>`
      SELECT DISTINCT ${sql.ref(`${table_name}.${column_name}`)} AS v FROM ${sql.table(table_name)}
       WHERE ${sql.ref(`${table_name}.${column_name}`)} LIKE '% %' AND length(${sql.ref(`${table_name}.${column_name}`)}) BETWEEN 6 AND 2000`.execute(
      database.db,
    );
    for (const { v } of found.rows) values.add(v.trim());
  }
  return [...values].sort((a, b) => b.length - a.length);
}

test('the checks know a leak from Dutch, French and English, and no catalogue message is in the wrong language', () => {
  const none = new Set<string>();
  for (const [text, language] of [
    ['Dit INSZ bestaat niet: de check digits do not match.', 'nl'],
    ['Doel: BEGELEIDING_OCMW_CLIENT', 'nl'],
    ['dossier.asOf.title', 'en'],
    ['Geraadpleegd door anonymous medewerker', 'nl'],
    ['VTC, beslissing van 25 juli 2012 (seed 004 §97)', 'nl'],
    ['Le dossier van de persoon', 'fr'],
    ['The dossier is closed', 'fr'],
  ] as const)
    assert.ok(problemOf(text, language, none, []), `${language}: "${text}" is a leak`);
  assert.equal(problemOf('LATIN', 'nl', new Set(['LATIN']), []), 'a raw code (LATIN)');
  assert.equal(camelCase('Cluster targetGroup'), 'targetGroup');
  // Every message of every catalogue in its own language.
  const wrong: string[] = [];
  for (const language of LANGUAGES)
    for (const [key, text] of Object.entries(MESSAGES[language])) {
      const problem = problemOf(text.replace(/\{\w+\}/g, '1'), language, none, []);
      if (problem) wrong.push(`${language} ${key}: ${problem}: "${text}"`);
    }
  assert.deepEqual(wrong, []);
});

test('every screen of every role speaks the chosen language, with no key, code or foreign sentence', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const rows = await world.database.db.selectFrom('code_list').select('code').distinct().execute();
  const codes = new Set(rows.map((r) => r.code as string).filter((c) => /^[A-Z]{4,}$/.test(c)));
  const data = await storedTexts(world.database);
  const failures = new Map<string, string[]>();
  const note = (what: string, where: string) => {
    const list = failures.get(what) ?? [];
    if (!failures.has(what)) failures.set(what, list);
    if (list.length < 3) list.push(where);
  };
  let screens = 0;

  // Every label of every code list, in its own language (a label that exists only in Dutch is a leak waiting for a screen).
  const labels = await world.database.db.selectFrom('code_list').select(['list', 'code', 'label_nl', 'label_fr', 'label_en']).execute();
  for (const l of labels)
    for (const language of LANGUAGES) {
      const text = l[`label_${language}`] as string;
      const problem = problemOf(text, language, new Set(), []);
      if (problem) note(`${language}: ${problem}: "${text}"`, `code list ${l.list}, code ${l.code}`);
    }

  const visitIn = (page: Page, who: string) => {
    let here = '';
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().startsWith('KBI: no message')) note(m.text(), `${who} · ${here}`);
    });
    return async (screen: string) => {
      screens++;
      for (const language of LANGUAGES) {
        here = `${screen} · ${language}`;
        await page.locator(`.language-switch button[lang=${language}]`).click();
        await page.waitForFunction((l) => document.documentElement.lang === l, language);
        await quiet(page);
        const { lines, nodes } = await visibleTexts(page);
        for (const text of lines) {
          const problem = problemOf(text, language, codes, data);
          if (problem) note(`${language}: ${problem}: "${text.slice(0, 160)}"`, `${who} · ${screen}`);
        }
        for (const text of nodes) {
          const name = camelCase(text);
          if (name && !data.some((d) => d.includes(name))) note(`${language}: a name from the code (${name}): "${text.slice(0, 160)}"`, `${who} · ${screen}`);
        }
      }
      await page.locator('.language-switch button[lang=nl]').click();
    };
  };

  const anonymous = await (await world.context()).newPage();
  await walkLogin(anonymous, visitIn(anonymous, 'anonymous'));
  await anonymous.context().close();

  for (const role of ROLES) {
    const started = Date.now();
    const page = await world.loginAs(role);
    await walkRole(world, page, visitIn(page, role));
    await page.context().close();
    t.diagnostic(`${role}: ${Date.now() - started} ms`);
  }

  const report = [...failures].map(([what, where]) => `${what}\n    at ${where.join('; ')}`).join('\n');
  writeFileSync(`${SCREENSHOTS}../texts.txt`, `${report}\n`);
  assert.equal(report, '', `untranslated texts on ${failures.size} counts`);
  assert.ok(screens > 40, `the walk saw every screen (${screens})`);
});
