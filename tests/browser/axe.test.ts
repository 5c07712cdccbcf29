/**
 * Accessibility of every screen (issue 14): axe-core with the WCAG 2.0/2.1 A and AA rules finds no
 * serious or critical violation on any screen of any role (tests/support/screens.ts), at 1280 px
 * and on a 390 px phone, in Dutch — and in French for the caseworker's screens, as a sample of a
 * second language. A failure names role, screen, width, rule and where.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkipReason, describeViolations, seriousViolations, startBrowserWorld } from '../support/browser.ts';
import { quiet, walkLogin, walkRole } from '../support/screens.ts';
import { ROLES, type Role } from '../../server/modules/access/access.policy.ts';

const skip = browserSkipReason();
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** The roles whose screens are also checked in French. */
const IN_FRENCH: readonly (Role | 'anonymous')[] = ['AGENCY_CASEWORKER', 'anonymous'];

test('axe-core finds no serious or critical violation on any screen of any role, at 1280 and 390 px', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const failures: string[] = [];
  let checks = 0;
  let axeMs = 0;

  const checkIn = (page: Page, who: Role | 'anonymous') => async (screen: string) => {
    const check = async (where: string) => {
      checks++;
      const started = Date.now();
      const found = await seriousViolations(page);
      axeMs += Date.now() - started;
      if (found.length) failures.push(`${who} · ${screen} · ${where}:\n${describeViolations(found)}`);
    };
    await check('1280 px');
    if (IN_FRENCH.includes(who)) {
      await page.locator('.language-switch button[lang=fr]').click();
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      await quiet(page);
      await check('1280 px, in French');
      await page.locator('.language-switch button[lang=nl]').click();
      await page.waitForFunction(() => document.documentElement.lang === 'nl');
    }
    await page.setViewportSize(PHONE);
    await quiet(page);
    await check('390 px');
    await page.setViewportSize(WIDE);
  };

  const anonymous = await (await world.context({ bypassCSP: true, ...WIDE })).newPage();
  await walkLogin(anonymous, checkIn(anonymous, 'anonymous'));
  await anonymous.context().close();

  for (const role of ROLES) {
    const started = Date.now();
    const page = await world.loginAs(role, { bypassCSP: true, ...WIDE });
    await walkRole(world, page, checkIn(page, role));
    await page.context().close();
    t.diagnostic(`${role}: ${Date.now() - started} ms`);
  }

  t.diagnostic(`${checks} checks, ${axeMs} ms in axe-core`);
  assert.equal(failures.join('\n\n'), '', 'no serious or critical accessibility violation');
  assert.ok(checks > 80, `every screen was checked (${checks} checks)`);
});
