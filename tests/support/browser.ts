/**
 * Browser tests: Debian's Chromium driven by playwright-core against the real KBI server (real
 * HTTP, the built web app, a seeded demo database with the demo log-ins). Where Chromium is
 * absent the tests skip with a clear message; CI (KBI_REQUIRE_CHROMIUM=1) demands it instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp, type App } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { openDatabase, type Database } from '../../server/platform/db.ts';
import { migrateToLatest } from '../../server/platform/migrate.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { demoPassword, demoUsername, ensureDemoAccounts } from '../../server/modules/access/access.demo.ts';
import { showcaseHouse } from '../../server/modules/demo/house.ts';
import type { Role } from '../../server/modules/access/access.policy.ts';

export const CHROMIUM = process.env.KBI_CHROMIUM ?? '/usr/bin/chromium';
const required = process.env.KBI_REQUIRE_CHROMIUM === '1';

/** Why browser tests cannot run here, or null when they can (throws in CI instead of skipping). */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `Chromium not found at ${CHROMIUM} (install Debian's chromium with apt, or set KBI_CHROMIUM): browser tests skipped`;
  if (required) throw new Error(`${why} — but KBI_REQUIRE_CHROMIUM=1 demands them`);
  return why;
}

export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** Builds web/dist when it is missing or older than its sources (the same step `npm start` takes). */
export function ensureWebBuilt(): void {
  if (process.env.KBI_WEB_BUILT === '1') return; // npm test built it once before the files started
  const script = fileURLToPath(new URL('../../scripts/build-web.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the web app failed');
}

export interface BrowserWorld {
  app: App;
  database: Database;
  base: string;
  browser: Browser;
  /** A fresh browser context (its own cookies: a second user or a second tab of another session). */
  context(options?: { locale?: string; width?: number; height?: number; bypassCSP?: boolean }): Promise<BrowserContext>;
  /** A new page in a new context, logged in through the log-in form as the demo account of `role`. */
  loginAs(role: Role, options?: { locale?: string; width?: number; height?: number; bypassCSP?: boolean }): Promise<Page>;
  /** Saves test-results/screenshots/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
}

/**
 * One server on an embedded database seeded with `persons` demo persons and the demo accounts,
 * and one Chromium, for a whole test file; both end with it.
 */
export async function startBrowserWorld(t: TestContext, persons = 120): Promise<BrowserWorld> {
  ensureWebBuilt();
  const database = await openDatabase({ url: null, dataDir: undefined });
  await migrateToLatest(database.db);
  await generateDemoData(database, { persons, seed: 7 });
  await ensureDemoAccounts(database);
  await showcaseHouse(database);
  const config = loadConfig({
    KBI_LOG_LEVEL: process.env.KBI_TEST_LOG_LEVEL ?? 'silent',
    KBI_DEMO_PERSONS: '0',
    PORT: '0',
    KBI_USER_RATE_LIMIT_PER_MINUTE: '0',
    KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '0',
    KBI_RATE_LIMIT_PER_MINUTE: '0',
  });
  const app = await buildApp({ config, database });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root in a sandboxed machine, without a GPU, and with no network beyond this machine.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(async () => {
    await browser.close();
    await app.close();
    await database.close();
  });
  mkdirSync(SCREENSHOTS, { recursive: true });

  const context: BrowserWorld['context'] = (o = {}) =>
    browser.newContext({
      baseURL: base,
      locale: o.locale ?? 'nl-BE',
      viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
      bypassCSP: o.bypassCSP ?? false,
    });
  return {
    app,
    database,
    base,
    browser,
    context,
    async loginAs(role, o = {}) {
      const page = await (await context(o)).newPage();
      // A page error is a failed test, not a warning in a log nobody reads.
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('close', () => {
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      });
      await page.goto('/');
      await page.locator('input[name=username]').fill(demoUsername(role));
      await page.locator('input[name=password]').fill(demoPassword(role));
      await page.locator('form button[type=submit]').click();
      await page.locator('.user-menu').waitFor();
      return page;
    },
    async screenshot(page, name) {
      const path = `${SCREENSHOTS}${name}.png`;
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now; returns the serious and
 * critical violations. The page's context needs `bypassCSP: true` (axe is injected as a script).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    // Only the violations are wanted: axe then skips the details of what passed (much faster on a long page).
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation: rule, impact, what it asks, and where. */
export const describeViolations = (vs: AxeViolation[]) =>
  vs.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
