/**
 * Issue 11, defect 6: reference-data writes were not scoped to the caller's organisation (a team
 * lead created staff in another agency; a House of Dutch created a course for an adult-education
 * centre). The rule book now says whose records a role may change (referenceScope); this proves it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type Res } from '../support/app.ts';

function refused(res: Res, field: string, what: string) {
  assert.equal(res.status, 403, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.issues?.[0]?.name, field, what);
}

for (const which of TEST_DATABASES) {
  describe(`reference data by organisation (${which.name})`, () => {
    test('a team lead manages the staff of its own agency only; the administrator any', async (t) => {
      const app = await startTestApp(t, which);
      const [own, other] = [await app.factories.organisation({ name: 'Agentschap Gent' }), await app.factories.organisation({ name: 'Agentschap Brussel' })];
      const lead = await app.as('TEAM_LEAD', { organisationId: own.id });
      const staff = (organisationId: string, familyName = 'Claes') => ({ organisationId, familyName, givenName: 'Lien' });
      const before = await app.rowCounts('staff');
      const mine = await expectOk(await lead.call('POST', '/api/v1/staff', staff(own.id)), 201);
      refused(await lead.call('POST', '/api/v1/staff', staff(other.id)), 'organisationId', 'staff in another agency');
      assert.equal((await app.rowCounts('staff')).staff, before.staff! + 1, 'only the own one stored');

      const theirs = await expectOk(await app.call('POST', '/api/v1/staff', staff(other.id, 'Wouters')), 201);
      refused(
        await lead.call(
          'PATCH',
          `/api/v1/staff/${theirs.id}`,
          { familyName: 'X' },
          { 'if-match': `"${theirs.version}"`, 'content-type': 'application/merge-patch+json' },
        ),
        'organisationId',
        "changing another agency's staff member",
      );
      refused(
        await lead.call(
          'PATCH',
          `/api/v1/staff/${mine.id}`,
          { organisationId: other.id },
          { 'if-match': `"${mine.version}"`, 'content-type': 'application/merge-patch+json' },
        ),
        'organisationId',
        "moving one's own staff member to another agency",
      );
      refused(
        await lead.call('DELETE', `/api/v1/staff/${theirs.id}`, undefined, { 'if-match': `"${theirs.version}"` }),
        'organisationId',
        "removing another agency's staff member",
      );
      const unchanged = await expectOk(await app.call('GET', `/api/v1/staff/${theirs.id}`));
      assert.deepEqual([unchanged.familyName, unchanged.version], ['Wouters', 1]);
      await expectOk(
        await lead.call(
          'PATCH',
          `/api/v1/staff/${mine.id}`,
          { familyName: 'Claes-Peeters' },
          { 'if-match': `"${mine.version}"`, 'content-type': 'application/merge-patch+json' },
        ),
      );
      const denials = await app.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('result', '=', 'denied')
        .where('actor_id', '=', `user:${lead.userId}`)
        .execute();
      assert.deepEqual(
        denials.map((d) => d.action),
        ['staff.create', 'staff.update', 'staff.update', 'staff.delete'],
        'every refusal audited',
      );
      await expectOk(
        await app.call(
          'PATCH',
          `/api/v1/staff/${theirs.id}`,
          { familyName: 'Wouters-Janssens' },
          { 'if-match': `"${theirs.version}"`, 'content-type': 'application/merge-patch+json' },
        ),
      );
    });

    test("a House of Dutch manages the courses it organises itself, with their modules and lessons; not an adult-education centre's", async (t) => {
      const app = await startTestApp(t, which);
      const house = await app.factories.organisation({ kind: 'HOUSE_OF_DUTCH', name: 'Huis van het Nederlands Gent' });
      const cvo = await app.factories.organisation({ kind: 'CVO', name: 'CVO Gent' });
      const hvn = await app.as('HOUSE_OF_DUTCH', { organisationId: house.id });
      const course = (providerId: string) => ({
        providerId,
        courseType: 'NT2',
        name: 'NT2 richtgraad 1',
        trainingCode: 'NT2-RG1',
        startDate: '2026-09-07',
        endDate: '2026-12-18',
      });
      const own = await expectOk(await hvn.call('POST', '/api/v1/courses', course(house.id)), 201);
      const ownModule = await expectOk(
        await hvn.call('POST', '/api/v1/courseModules', { courseId: own.id, code: 'BT1', name: 'Breakthrough 1', hours: 12, sequence: 1 }),
        201,
      );
      await expectOk(await hvn.call('POST', '/api/v1/lessons', { moduleId: ownModule.id, startsAt: '2026-09-07T09:00:00+02:00', durationMinutes: 180 }), 201);
      refused(await hvn.call('POST', '/api/v1/courses', course(cvo.id)), 'providerId', 'a course for an adult-education centre');

      const theirs = await expectOk(await app.call('POST', '/api/v1/courses', course(cvo.id)), 201);
      const theirModule = await expectOk(
        await app.call('POST', '/api/v1/courseModules', { courseId: theirs.id, code: 'BT1', name: 'Breakthrough 1', hours: 12, sequence: 1 }),
        201,
      );
      refused(
        await hvn.call('POST', '/api/v1/courseModules', { courseId: theirs.id, code: 'BT2', name: 'Breakthrough 2', hours: 12, sequence: 2 }),
        'courseId',
        "a module of the centre's course",
      );
      refused(
        await hvn.call('POST', '/api/v1/lessons', { moduleId: theirModule.id, startsAt: '2026-09-07T09:00:00+02:00', durationMinutes: 180 }),
        'moduleId',
        "a lesson of the centre's course",
      );
      refused(
        await hvn.call(
          'PATCH',
          `/api/v1/courses/${own.id}`,
          { providerId: cvo.id },
          { 'if-match': `"${own.version}"`, 'content-type': 'application/merge-patch+json' },
        ),
        'providerId',
        'handing its course to the centre',
      );
      assert.equal((await app.rowCounts('lessons')).lessons, 1);
    });
  });
}
