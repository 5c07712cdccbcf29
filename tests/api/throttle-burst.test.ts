/**
 * The log-in throttle against guesses sent in parallel: every attempt is counted before its
 * password is checked, in one statement, so a burst of simultaneous guesses (from one address or
 * many, at one process or several) gets hardly more tries than guesses sent one after the other.
 * Before, the block was looked up before the password check and the failure written after it:
 * 30 simultaneous guesses all passed the lookup, and all 30 passwords were checked.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { createUser } from '../../server/modules/access/access.service.ts';
import { OPERATOR } from '../../server/platform/access.ts';

for (const which of TEST_DATABASES) {
  describe(`log-in throttle under parallel guesses (${which.name})`, () => {
    test('30 simultaneous wrong passwords or secrets: only about the free attempts are checked, the rest wait (429)', async (t) => {
      const app = await startTestApp(t, which, { KBI_LOGIN_FREE_ATTEMPTS: '5', KBI_LOGIN_MAX_BACKOFF_SECONDS: '60', KBI_RATE_LIMIT_PER_MINUTE: '0' });
      await createUser(
        app.database.db,
        { actor: OPERATOR, requestId: 'setup' },
        { username: 'burst.target', displayName: 'Burst', role: 'AGENCY_CASEWORKER', organisationId: app.homeOrganisationId, password: 'Right-passw0rd-2026' },
      );
      const burst = async (send: (i: number) => Promise<{ status: number }>) => {
        const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i).then((r) => r.status)));
        return { checked: statuses.filter((s) => s === 401).length, waited: statuses.filter((s) => s === 429).length };
      };
      // Five free attempts; the first back-off is 1 s, so on a slow machine it may lapse during the burst and let one or two more through.
      const logins = await burst((i) => app.anonymous('POST', '/api/v1/session', { username: 'burst.target', password: `wrong-${i}` }));
      assert.ok(logins.checked >= 5 && logins.checked <= 8 && logins.checked + logins.waited === 30, `passwords checked: ${JSON.stringify(logins)}`);

      const org = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Burst' });
      await expectOk(await app.call('POST', '/api/v1/partnerClients', { organisationId: org.id, clientId: 'ocmw-burst' }), 201);
      const tokens = await burst((i) =>
        app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'ocmw-burst', client_secret: `guess-${i}` }),
      );
      assert.ok(tokens.checked >= 5 && tokens.checked <= 8 && tokens.checked + tokens.waited === 30, `secrets checked: ${JSON.stringify(tokens)}`);
    });
  });
}
