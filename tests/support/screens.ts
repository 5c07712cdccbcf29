/**
 * Every screen of every role (issue 14), for the browser tests that look at all of them (the
 * untranslated-text walk and the accessibility walk). A role's screens are read from the
 * navigation it actually sees — a nav link this file has no walk for is still visited as a plain
 * page, so a new screen is never left out — plus the screens reached inside: each worklist tab,
 * each administration section, a dossier in the role's territory with every group open, a form
 * with its errors shown, the history and "as known on" mode, the consultation of a client with
 * every panel open, the statistics portal with its documentation and the exchange statistics;
 * and for everyone the log-in page (with its errors) and the page of an unknown address.
 *
 * The walk calls `visit(screen)` with the page standing on each screen, loaded and quiet.
 */
import type { Page } from 'playwright-core';
import type { BrowserWorld } from './browser.ts';
import { demoPassword, demoUsername } from '../../server/modules/access/access.demo.ts';
import type { Role } from '../../server/modules/access/access.policy.ts';

export type Visit = (screen: string) => Promise<void>;

/** A wrong INSZ (its check digits do not match): the form then shows its error at the field. */
const WRONG_INSZ = '85.07.30-033.62';

const inFlight = new WeakMap<Page, { count: number; last: number }>();

/** Counts the page's requests from now on, so that `quiet` can wait until they are answered. */
export function track(page: Page): void {
  const state = { count: 0, last: Date.now() };
  inFlight.set(page, state);
  page.on('request', () => {
    state.count++;
    state.last = Date.now();
  });
  const done = () => {
    state.count = Math.max(0, state.count - 1);
    state.last = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/** Waits until no request has been open for 150 ms and no "Laden…" shows (at most 15 s). */
export async function quiet(page: Page): Promise<void> {
  const state = inFlight.get(page);
  const until = Date.now() + 15_000;
  for (;;) {
    const loading = await page.locator('.loading').count();
    const idle = !state || (state.count === 0 && Date.now() - state.last >= 150);
    if (idle && loading === 0) {
      // And two rendering steps: what reacts to layout (a ResizeObserver making a table's scrolling frame a
      // focusable region) has run and been rendered, not only the last answer's DOM (axe on a loaded machine saw the gap).
      await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      return;
    }
    if (Date.now() > until) throw new Error(`${page.url()} does not settle (${state?.count ?? 0} requests open, ${loading} loading)`);
    await page.waitForTimeout(50);
  }
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('main#main').waitFor();
  await quiet(page);
}

/** A person the role may open, preferably one with a contract (the dossier then has more to show). */
async function personOf(world: BrowserWorld, page: Page): Promise<{ id: string; insz: string } | null> {
  const db = world.database.db;
  const withContract = await db.selectFrom('contracts').select('person_id').distinct().orderBy('person_id').execute();
  const all = await db.selectFrom('persons').select('id').orderBy('id').execute();
  const candidates = [...new Set([...withContract.map((r) => r.person_id as string), ...all.map((r) => r.id as string)])];
  for (const id of candidates) {
    const res = await page.request.get(`/api/v1/persons/${id}`);
    if (res.status() === 200) return { id, insz: (await res.json()).insz };
  }
  return null;
}

/** An INSZ in the integration register of the demo OCMW (its social worker may consult it). */
export async function ocmwClient(world: BrowserWorld): Promise<string> {
  const row = await world.database.db
    .selectFrom('integrations')
    .innerJoin('users', 'users.organisation_id', 'integrations.organisation_id')
    .select('integrations.insz')
    .where('users.username', '=', demoUsername('OCMW_SOCIAL_WORKER'))
    .orderBy('integrations.insz')
    .executeTakeFirstOrThrow();
  return row.insz;
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

interface Walker {
  (world: BrowserWorld, page: Page, visit: Visit, path: string): Promise<void>;
}

/** Search (empty, with an INSZ error, with results) and the dossier of a person in the territory. */
const persons: Walker = async (world, page, visit) => {
  await open(page, '/persons');
  await visit('search');
  const form = page.locator('form[role=search]');
  await form.locator('input[name=insz]').fill(WRONG_INSZ);
  await form.locator('button[type=submit]').click();
  await page.locator('.field-error').first().waitFor();
  await quiet(page);
  await visit('search with an invalid INSZ');
  const person = await personOf(world, page);
  if (!person) throw new Error('no person the logged-in user may open: the walk cannot show a dossier');
  await form.locator('input[name=insz]').fill(person.insz);
  await form.locator('button[type=submit]').click();
  await page.locator('table a[href^="/persons/"]').first().waitFor();
  await quiet(page);
  await visit('search with results');

  await open(page, `/persons/${person.id}`);
  await page.locator('[data-dossier-ready]').waitFor();
  await page.locator('.dossier-toolbar button').first().click();
  await quiet(page);
  const details = page.locator('section[data-resource] td .link-button').first();
  if (await details.count()) {
    await details.click();
    await quiet(page);
  }
  const more = page.locator('.dossier-history > button');
  if (await more.count()) await more.click();
  await visit('dossier with every group open and its history');

  // A new record sent empty: the form shows what is missing.
  const add = page.locator('section[data-resource] .dossier-resource-head button').first();
  if (await add.count()) {
    await add.click();
    const form = page.locator('section[data-resource] form').first();
    await form.locator('button[type=submit]').click();
    await form
      .locator('.field-error, .alert')
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => {});
    await quiet(page);
    await visit('dossier with a form and its errors');
  }

  // "As known on": a day in the future is refused at its field; yesterday shows the dossier read-only.
  await open(page, `/persons/${person.id}`);
  await page.locator('[data-dossier-ready]').waitFor();
  await page.locator('#dossier-asof input[type=date]').fill(day(2));
  await page.locator('#dossier-asof button[type=submit]').click();
  await page.locator('#dossier-asof .field-error').waitFor();
  await visit('dossier with an invalid "as known on" date');
  await open(page, `/persons/${person.id}?asOf=${day(-1)}`);
  await page.locator('.dossier-asof-banner').waitFor();
  await page.locator('[data-dossier-ready]').waitFor();
  await quiet(page);
  await visit('dossier as known yesterday');
};

/** Every tab of the worklist, read from its tab list. */
const worklist: Walker = async (_world, page, visit) => {
  await open(page, '/worklist');
  const tabs = page.locator('[role=tablist] [role=tab]');
  const n = await tabs.count();
  for (let i = 0; i < n; i++) {
    const tab = tabs.nth(i);
    const name = ((await tab.getAttribute('id')) ?? `${i}`).split('-').pop();
    await tab.click();
    await quiet(page);
    await visit(`worklist tab ${name}`);
  }
};

/** The consultation: empty, with an INSZ error, and a client with every panel open. */
const consultation: Walker = async (world, page, visit) => {
  await open(page, '/consultation');
  await visit('consultation');
  const form = page.locator('form.consult-start');
  await form.locator('input[name=insz]').fill(WRONG_INSZ);
  await form.locator('button[type=submit]').click();
  await form.locator('.field-error').waitFor();
  await visit('consultation with an invalid INSZ');
  await form.locator('input[name=insz]').fill(await ocmwClient(world));
  await form.locator('button[type=submit]').click();
  const expand = page.locator('.consult-part .part-heading button[aria-controls$="-body"]');
  await expand.waitFor();
  await expand.click();
  await page.locator('.panels button[aria-expanded=true]').first().waitFor();
  // The forms of a new appointment and a new referral, open.
  for (const button of await page.locator('.consult-part .part-heading button:not([aria-controls$="-body"])').all()) await button.click();
  await quiet(page);
  await visit('consultation of a client with every panel and form open');
};

/** Every administration section the role sees, read from the section navigation. */
const admin: Walker = async (_world, page, visit) => {
  await open(page, '/admin');
  const sections = await page.locator('.admin-nav a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  for (const path of sections) {
    await open(page, path);
    await visit(`administration ${path.split('/').pop()}`);
  }
};

/** The statistics portal with its documentation open, and the exchange statistics where the role has them. */
const statistics: Walker = async (_world, page, visit) => {
  await open(page, '/statistics');
  await page.locator('[data-testid=portal-table], .statistics-page section p').first().waitFor();
  const doc = page.locator('.portal-doc summary');
  if (await doc.count()) await doc.click();
  await quiet(page);
  await visit('statistics portal');
  const exchanges = page.locator('a[href="/statistics/exchanges"]');
  if (await exchanges.count()) {
    await open(page, '/statistics/exchanges');
    await visit('exchange statistics');
  }
};

/** An INSZ the demo world does not hold (valid check digits): the House's intake then asks who it is. */
const UNKNOWN_INSZ = '91061773727';

/** The House of Dutch's desk: the intake with its errors and with an unknown INSZ, the intakes, the queue with a placement open. */
const house: Walker = async (_world, page, visit) => {
  await open(page, '/house');
  await visit('house intake');
  const form = page.locator('form.house-intake');
  await form.locator('button[type=submit]').click();
  await form.locator('.field-error').first().waitFor();
  await visit('house intake with an empty INSZ');
  await form.locator('input[name=insz]').fill(UNKNOWN_INSZ);
  await form.locator('button[type=submit]').click();
  await form.locator('input[name=familyName]').waitFor();
  await quiet(page);
  await visit('house intake of an unknown INSZ');
  await open(page, '/house?tab=intakes');
  await visit('house intakes');
  await open(page, '/house?tab=waiting');
  const place = page.locator('.house table tbody tr td:last-child button').first();
  if (await place.count()) {
    await place.click();
    await quiet(page);
  }
  await visit('house waiting list with a placement open');
};

/** A screen this file has no walk for (a new nav entry): visited as it opens. */
const plain: Walker = async (_world, page, visit, path) => {
  await open(page, path);
  await visit(path);
};

const WALKERS: Record<string, Walker> = {
  '/persons': persons,
  '/worklist': worklist,
  '/house': house,
  '/consultation': consultation,
  '/admin': admin,
  '/statistics': statistics,
};

/** The log-in page, as it opens and with the errors of an empty and of a wrong log-in. */
export async function walkLogin(page: Page, visit: Visit): Promise<void> {
  track(page);
  await open(page, '/');
  await page.locator('input[name=username]').waitFor();
  await visit('log-in');
  await page.locator('form button[type=submit]').click();
  await page.locator('.field-error').first().waitFor();
  await visit('log-in with empty fields');
  await page.locator('input[name=username]').fill('nobody');
  await page.locator('input[name=password]').fill('wrong-password');
  await page.locator('form button[type=submit]').click();
  await page.locator('.alert').first().waitFor();
  await quiet(page);
  await visit('log-in with a wrong password');
}

/** Logs in on `page` as the demo account of `role` (through the form, as a person does). */
export async function logIn(page: Page, role: Role): Promise<void> {
  await page.goto('/');
  await page.locator('input[name=username]').fill(demoUsername(role));
  await page.locator('input[name=password]').fill(demoPassword(role));
  await page.locator('form button[type=submit]').click();
  await page.locator('.user-menu').waitFor();
}

/**
 * Walks every screen of `role` on a logged-in page: its navigation (each link with its walk, or
 * plainly), then the page of an unknown address. Returns the nav paths it found.
 */
export async function walkRole(world: BrowserWorld, page: Page, visit: Visit): Promise<string[]> {
  track(page);
  await page.locator('main#main').waitFor();
  await quiet(page);
  await visit('start page');
  const nav = await page.locator('nav.main-nav a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  for (const path of nav) await (WALKERS[path] ?? plain)(world, page, visit, path);
  await open(page, '/no/such/page');
  await visit('unknown address');
  return nav;
}
