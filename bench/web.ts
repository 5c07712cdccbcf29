/**
 * The web app's figures for BENCHMARKS.md: the production bundle's size (gzip, as a browser
 * downloads it) and the time to interactive of the dossier page on a seeded database, measured
 * in Debian's Chromium through playwright-core.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../tests/support/browser.ts';

const DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).byteLength;

export interface BundleSizes {
  initialJsGzip: number;
  initialCssGzip: number;
  lazy: { file: string; gzip: number }[];
}

/** Builds the production bundle afresh and weighs what the first page load fetches, and the rest. */
export function bundleSizes(): BundleSizes {
  const build = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build-web.mjs', import.meta.url)), '--force'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('web build failed');
  const html = readFileSync(`${DIST}index.html`, 'utf8');
  // What index.html loads: its module script, the chunks it preloads, its style sheets.
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  const initialJs = initial.filter((f) => f.endsWith('.js'));
  const initialCss = initial.filter((f) => f.endsWith('.css'));
  const lazy = readdirSync(`${DIST}assets`)
    .filter((f) => f.endsWith('.js') && !initialJs.includes(`assets/${f}`))
    .map((file) => ({ file, gzip: gz(`${DIST}assets/${file}`) }))
    .sort((a, b) => b.gzip - a.gzip);
  return {
    initialJsGzip: initialJs.reduce((n, f) => n + gz(`${DIST}${f}`), 0),
    initialCssGzip: initialCss.reduce((n, f) => n + gz(`${DIST}${f}`), 0),
    lazy,
  };
}

export interface Interactive {
  coldMs: number[];
  warmMs: number[];
}

/**
 * Opens the dossier page of `personIds` one after another and times each from the start of the
 * navigation until the dossier is on screen and the browser's main thread is idle (the page can
 * take input): cold = a new browser context (no cache, log-in first), warm = the same context.
 */
export async function dossierTimeToInteractive(base: string, username: string, password: string, personIds: string[]): Promise<Interactive> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  const login = async () => {
    const context = await browser.newContext({ baseURL: base, locale: 'nl-BE', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto('/');
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(password);
    await page.locator('form button[type=submit]').click();
    await page.locator('.user-menu').waitFor();
    return { context, page };
  };
  const open = async (page: import('playwright-core').Page, id: string) => {
    const started = performance.now();
    await page.goto(`/persons/${id}`);
    await page.locator('[data-dossier-ready]').waitFor({ timeout: 30_000 });
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => resolve(null))));
    return performance.now() - started;
  };
  const coldMs: number[] = [];
  const warmMs: number[] = [];
  try {
    for (const id of personIds.slice(0, 5)) {
      const { context, page } = await login();
      coldMs.push(await open(page, id));
      await context.close();
    }
    const { context, page } = await login();
    await open(page, personIds[0]!);
    for (const id of personIds) warmMs.push(await open(page, id));
    await context.close();
  } finally {
    await browser.close();
  }
  return { coldMs: coldMs.sort((a, b) => a - b), warmMs: warmMs.sort((a, b) => a - b) };
}

export function reportWeb(say: (s: string) => void, sizes: BundleSizes, tti: Interactive | null, persons: number): void {
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
  say('## Web app');
  say('');
  say('Production build (`npm run build`), gzip level 9 as served over the wire.');
  say('');
  say('| what | gzip |');
  say('|---|---|');
  say(`| initial JavaScript (what the first page loads) | **${kB(sizes.initialJsGzip)}** |`);
  say(`| initial CSS | ${kB(sizes.initialCssGzip)} |`);
  for (const chunk of sizes.lazy)
    say(`| lazy chunk \`${chunk.file.replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js')}\` (loaded when its screen opens) | ${kB(chunk.gzip)} |`);
  say('');
  say(`Goal: initial JS under 300 kB gzip — ${sizes.initialJsGzip < 300 * 1024 ? 'met' : 'NOT met'} (${kB(sizes.initialJsGzip)}).`);
  say('');
  if (!tti) {
    say('Time to interactive of the dossier page: not measured (Chromium not found).');
    say('');
    return;
  }
  say(
    `Time to interactive of the dossier page (\`/persons/{id}\`) on the PostgreSQL database of ${persons.toLocaleString('en')} persons, as a logged-in administrator in headless Chromium at 1280×800: from the start of the navigation until the dossier is on screen and the main thread is idle. Cold = a fresh browser context (empty cache); warm = the same context, another person.`,
  );
  say('');
  say('| what | median | max | loads |');
  say('|---|---|---|---|');
  say(`| cold | ${median(tti.coldMs).toFixed(0)} ms | ${tti.coldMs[tti.coldMs.length - 1]!.toFixed(0)} ms | ${tti.coldMs.length} |`);
  say(`| warm | **${median(tti.warmMs).toFixed(0)} ms** | ${tti.warmMs[tti.warmMs.length - 1]!.toFixed(0)} ms | ${tti.warmMs.length} |`);
  say('');
}
