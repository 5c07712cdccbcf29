/** Every action the server writes into the audit trail can be read in words, in Dutch, French and English. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DOSSIER_RESOURCES, REFERENCE_RESOURCES } from '../dossier/clusters.ts';
import { actionWordsOrNull, clusterWords, GENERIC_VERBS, LANGUAGES, NAMED_CLUSTERS, purposeOf } from './audit.words.ts';

const SERVER = new URL('../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The action codes written literally in the server's source: `action: 'x.y'`, `const action = … 'x.y'`,
 * the action argument of the work-item and follow-up helpers, and both sides of `asOf ? 'a' : 'b'`.
 */
function literalActions(): Map<string, string> {
  const found = new Map<string, string>();
  const code = String.raw`'([a-z][A-Za-z]*(?:\.[A-Za-z]+)+)'`;
  const patterns = [
    new RegExp(String.raw`action:\s*${code}`, 'g'),
    new RegExp(String.raw`action\s*=\s*[^;\n]*?${code}(?:\s*:\s*${code})?`, 'g'),
    new RegExp(String.raw`action:\s*[^,\n]*\?\s*${code}\s*:\s*${code}`, 'g'),
    new RegExp(String.raw`audited\([^,]+,[^,]+,\s*${code}`, 'g'),
    new RegExp(String.raw`lockItem\([^)]*?${code}`, 'g'),
    new RegExp(String.raw`countAttempt\([^)]*?${code}`, 'g'),
  ];
  for (const file of sourceFiles(SERVER)) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns)
      for (const m of text.matchAll(re)) for (const a of m.slice(1)) if (a && a !== 'req.action') found.set(a, file.slice(SERVER.length));
  }
  return found;
}

test('every action code the server writes has a label in nl, fr and en', () => {
  const actions = literalActions();
  assert.ok(actions.size >= 50, `the scan finds the literal actions (${actions.size})`);
  for (const must of ['dossier.read', 'dossier.readAsOf', 'exchange.consult', 'exchange.consultAsOf', 'exchange.dvzList', 'session.login', 'oauth.token'])
    assert.ok(actions.has(must), `the scan finds ${must}`);
  const expected = new Map(actions);
  // The families written from a template: records (records.ts), authorize() and the door (cluster or table), throttling, steps, imports.
  for (const def of [...DOSSIER_RESOURCES, ...REFERENCE_RESOURCES]) {
    for (const verb of GENERIC_VERBS) {
      expected.set(`${def.resource}.${verb}`, 'records.ts');
      expected.set(`${def.table}.${verb}`, 'door.ts');
    }
  }
  for (const cluster of NAMED_CLUSTERS) for (const verb of GENERIC_VERBS) expected.set(`${cluster}.${verb}`, 'access.service.ts');
  for (const step of ['plan', 'hold', 'cancel']) expected.set(`appointments.${step}`, 'appointment-handling.service.ts');
  for (const kind of ['participations', 'enrolments']) expected.set(`imports.${kind}`, 'imports.service.ts');
  for (const a of ['session.login', 'oauth.token']) expected.set(`${a}.throttled`, 'throttle.ts');
  expected.set('POST /api/v1/audit/search', 'door.ts');

  const missing: string[] = [];
  for (const [action, where] of expected) for (const lang of LANGUAGES) if (!actionWordsOrNull(action, lang)) missing.push(`${action} (${lang}, ${where})`);
  assert.deepEqual(missing, [], 'actions without words');
});

test('the words are words: no codes, and Dutch differs from French', () => {
  assert.equal(actionWordsOrNull('dossier.read', 'nl'), 'Dossier ingezien');
  assert.equal(actionWordsOrNull('dossier.read', 'fr'), 'Consultation du dossier');
  assert.equal(actionWordsOrNull('contracts.update', 'nl'), 'Wijziging: inburgeringscontracten');
  assert.equal(actionWordsOrNull('course_modules.create', 'fr'), 'Ajout: modules de cours');
  assert.equal(actionWordsOrNull('session.login.throttled', 'nl'), 'Aanmelding, afgeremd na te veel mislukte pogingen');
  assert.equal(actionWordsOrNull('nonsense', 'nl'), null);
  assert.equal(clusterWords('targetGroup', 'nl'), 'doelgroepbepaling');
  assert.equal(clusterWords('targetGroup', 'fr'), 'détermination du groupe cible');
});

test("a staff member's read without a purpose has the purpose of the role's task; a partner's, its stated purpose", () => {
  const purposes = new Map([
    ['BEGELEIDING_OCMW_CLIENT', ['Begeleiden van de OCMW-cliënt', 'Accompagner le client du CPAS', 'Guiding the OCMW client'] as const],
  ]);
  const caseworker = purposeOf({ purpose: null, actorKind: 'staff', role: 'AGENCY_CASEWORKER' }, purposes, 'nl');
  assert.equal(caseworker.purpose, 'Opvolging van het inburgeringstraject');
  assert.match(caseworker.legalBasis, /^Decreet van 7 juni 2013 betreffende het Vlaamse integratie- en inburgeringsbeleid/);
  assert.equal(caseworker.stated, false);
  assert.match(purposeOf({ purpose: null, actorKind: 'staff', role: 'AGENCY_CASEWORKER' }, purposes, 'fr').legalBasis, /^Décret du 7 juin 2013/);
  const partner = purposeOf({ purpose: 'BEGELEIDING_OCMW_CLIENT', actorKind: 'partner', role: null }, purposes, 'fr');
  assert.deepEqual([partner.purpose, partner.stated], ['Accompagner le client du CPAS', true]);
  assert.match(partner.legalBasis, /loi du 26 mai 2002/);
  // Even an actor the catalogue does not know has a purpose.
  assert.ok(purposeOf({ purpose: null, actorKind: 'staff', role: null }, purposes, 'nl').purpose);
});
