/**
 * The House of Dutch's own day over real HTTP (issue 14): intake by INSZ (a person the KBI knows, and
 * one it does not), the placement test, the advice with level, course type and intensity, the waiting
 * list as a queue with its age and the next free places, and the placement that never overbooks a
 * course. Each step is in the dossier's history; another House and an agency's caseworker see none of
 * the House's lists; bad input changes nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

for (const which of TEST_DATABASES) {
  describe(`House of Dutch workflow (${which.name})`, () => {
    test('intake → test → advice → waiting list → placement, in the history, for its own House only', async (t) => {
      const app = await startTestApp(t, which);
      const today = belgianToday();
      const house = await app.factories.organisation({ kind: 'HOUSE_OF_DUTCH', name: 'Huis van het Nederlands Leuven', region: 'FLEMISH_BRABANT' });
      const desk = await app.factories.office(house.id, { name: 'Onthaal Leuven' });
      const otherHouse = await app.factories.organisation({ kind: 'HOUSE_OF_DUTCH', name: 'Huis van het Nederlands Gent', region: 'EAST_FLANDERS' });
      const cvo = await app.factories.organisation({ kind: 'CVO', name: 'CVO Leuven', region: 'FLEMISH_BRABANT' });
      const agency = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering' });
      const agencyOffice = await app.factories.office(agency.id, { name: 'Kantoor Leuven' });
      const staff = await app.as('HOUSE_OF_DUTCH', { organisationId: house.id });
      const colleagueElsewhere = await app.as('HOUSE_OF_DUTCH', { organisationId: otherHouse.id });
      const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [agencyOffice.id] });

      // An INSZ nobody knows: without who it is, nothing is stored and each missing field is named.
      const newcomer = makeInsz({ birthDate: '1994-03-08', serial: 517 });
      const before = await app.rowCounts('persons', 'language_intakes');
      const unknown = await staff.call('POST', '/api/v1/house/intakes', { insz: newcomer });
      assert.equal(unknown.status, 422);
      assert.deepEqual(unknown.body.issues.map((i: { name: string }) => i.name).sort(), [
        'person.familyName',
        'person.gender',
        'person.givenNames',
        'person.nationality',
      ]);
      for (const bad of [{ insz: '12345678901' }, { insz: newcomer, intakeOn: addDays(today, 3) }, { insz: newcomer, referredBy: 'NOPE' }]) {
        const res = await staff.call('POST', '/api/v1/house/intakes', {
          ...bad,
          person: { familyName: 'Haddad', givenNames: 'Rana', gender: '2', nationality: 'SYR' },
        });
        assert.equal(res.status, 400, JSON.stringify(bad));
        assert.ok(res.body.issues?.length, 'the offending field is named');
      }
      const wrongBirth = await staff.call('POST', '/api/v1/house/intakes', {
        insz: newcomer,
        person: { familyName: 'Haddad', givenNames: 'Rana', gender: '2', nationality: 'SYR', birthDate: '1994-03-09' },
      });
      assert.equal(wrongBirth.status, 400);
      assert.deepEqual(
        wrongBirth.body.issues.map((i: { name: string }) => i.name),
        ['person.birthDate'],
        "a birth date against the INSZ is named under the person's fields",
      );
      assert.deepEqual(await app.rowCounts('persons', 'language_intakes'), before, 'nothing stored from a refused intake');

      const created = await expectOk(
        await staff.call('POST', '/api/v1/house/intakes', {
          insz: newcomer,
          referredBy: 'OWN_INITIATIVE',
          officeId: desk.id,
          person: { familyName: 'Haddad', givenNames: 'Rana', gender: '2', nationality: 'SYR' },
        }),
        201,
      );
      assert.equal(created.personCreated, true);
      assert.equal(created.followedBy, null, 'no agency follows a person the KBI did not know');
      assert.equal(created.intake.houseId, house.id);
      const rana = created.personId;
      assert.equal((await expectOk(await staff.call('GET', `/api/v1/persons/${rana}`))).birthDate, '1994-03-08', 'birth date from the INSZ');

      // A person the agency follows: unseen by the House until the intake, then a client, and the House sees who follows them.
      const followed = await app.factories.person();
      await app.factories.add(followed.id, 'caseLead', { managingOfficeId: agencyOffice.id, openedOn: addDays(today, -200) });
      assert.equal((await staff.call('GET', `/api/v1/persons/${followed.id}`)).status, 404, 'not a client yet');
      const second = await expectOk(
        await staff.call('POST', '/api/v1/house/intakes', { insz: followed.insz, referredBy: 'AGENCY', person: { familyName: 'ignored' } }),
        201,
      );
      assert.equal(second.personCreated, false);
      assert.equal(second.followedBy.organisation, agency.name);
      assert.equal((await staff.call('GET', `/api/v1/persons/${followed.id}`)).status, 200, 'a client after the intake');

      const stage = async (personId: string) =>
        (await expectOk(await staff.call('GET', '/api/v1/house/intakes'))).items.find((i: { personId: string }) => i.personId === personId)?.stage;
      assert.equal(await stage(rana), 'TEST');
      await expectOk(
        await staff.call('POST', `/api/v1/persons/${rana}/testResults`, {
          testType: 'NT2_INSCHALING',
          takenOn: today,
          result: 'GESLAAGD',
          level: 'A1',
          providerId: house.id,
        }),
        201,
      );
      assert.equal(await stage(rana), 'ADVICE');
      const badAdvice = await staff.call('POST', `/api/v1/persons/${rana}/advice`, {
        source: 'HOUSE_OF_DUTCH',
        adviceType: 'CVO_STANDAARD',
        givenOn: today,
        givenById: house.id,
        intensity: 'VERY_FAST',
      });
      assert.equal(badAdvice.status, 400);
      assert.equal(badAdvice.body.issues[0].name, 'intensity');
      await expectOk(
        await staff.call('POST', `/api/v1/persons/${rana}/advice`, {
          source: 'HOUSE_OF_DUTCH',
          adviceType: 'CVO_STANDAARD',
          givenOn: today,
          givenById: house.id,
          advisedLevel: 'A2',
          courseType: 'NT2',
          intensity: 'SEMI_INTENSIEF',
          intakeId: created.intake.id,
        }),
        201,
      );
      assert.equal(await stage(rana), 'PLACEMENT');
      assert.deepEqual(
        (await expectOk(await staff.call('GET', '/api/v1/house/intakes?open=true'))).items.map((i: { personId: string }) => i.personId).sort(),
        [rana, followed.id].sort(),
        'both wait for a step',
      );

      // No course has a place yet: both go on the House's waiting list, the earlier one first.
      const wait = (personId: string, appliedOn: string) =>
        staff.call('POST', `/api/v1/persons/${personId}/waitingListEntries`, {
          courseType: 'NT2',
          appliedOn,
          providerId: cvo.id,
          officeId: desk.id,
          status: 'APPLIED',
          statusSince: appliedOn,
        });
      const ranaWaits = await expectOk(await wait(rana, today), 201);
      const followedWaits = await expectOk(await wait(followed.id, addDays(today, -10)), 201);
      let queue = await expectOk(await staff.call('GET', '/api/v1/house/waitingList'));
      assert.deepEqual(
        queue.entries.map((e: { personId: string; position: number; waitingDays: number }) => [e.personId, e.position, e.waitingDays]),
        [
          [followed.id, 1, 10],
          [rana, 2, 0],
        ],
      );
      assert.equal(queue.oldestWaitingDays, 10);
      assert.deepEqual(queue.entries[1].advice, { adviceType: 'CVO_STANDAARD', advisedLevel: 'A2', intensity: 'SEMI_INTENSIEF' });
      assert.deepEqual(queue.freePlaces, []);
      assert.equal(await stage(rana), 'WAITING');

      // A course in the region with one place: it shows as the next free place; a full or far-away course does not.
      const course = await expectOk(
        await app.call('POST', '/api/v1/courses', {
          providerId: cvo.id,
          courseType: 'NT2',
          name: 'NT2 richtgraad 1 – avond',
          startDate: addDays(today, 14),
          places: 1,
        }),
        201,
      );
      const gent = await app.factories.organisation({ kind: 'CVO', name: 'CVO Gent', region: 'EAST_FLANDERS' });
      await expectOk(
        await app.call('POST', '/api/v1/courses', { providerId: gent.id, courseType: 'NT2', name: 'NT2 Gent', startDate: addDays(today, 7), places: 20 }),
        201,
      );
      queue = await expectOk(await staff.call('GET', '/api/v1/house/waitingList'));
      assert.deepEqual(
        queue.freePlaces.map((c: { id: string; free: number; places: number }) => [c.id, c.free, c.places]),
        [[course.id, 1, 1]],
      );

      // The first in the queue takes the place; the next cannot take it too.
      const stale = await staff.call('POST', '/api/v1/house/placements', {
        personId: followed.id,
        courseId: course.id,
        waitingListEntryId: followedWaits.id,
        waitingListVersion: followedWaits.version + 1,
      });
      assert.equal(stale.status, 412, 'a changed entry is not placed over');
      const placed = await expectOk(
        await staff.call('POST', '/api/v1/house/placements', {
          personId: followed.id,
          courseId: course.id,
          waitingListEntryId: followedWaits.id,
          waitingListVersion: followedWaits.version,
        }),
        201,
      );
      assert.equal(placed.waitingListEntry.status, 'PLACED');
      assert.equal(placed.waitingListEntry.enrolmentId, placed.enrolment.id);
      assert.equal(placed.enrolment.status, 'INGESCHREVEN');
      const counts = await app.rowCounts('enrolments', 'waiting_list_entries');
      const full = await staff.call('POST', '/api/v1/house/placements', {
        personId: rana,
        courseId: course.id,
        waitingListEntryId: ranaWaits.id,
        waitingListVersion: ranaWaits.version,
      });
      assert.equal(full.status, 409);
      assert.equal(full.body.issues[0].name, 'courseId');
      assert.deepEqual(await app.rowCounts('enrolments', 'waiting_list_entries'), counts, 'a refused placement stores nothing');
      queue = await expectOk(await staff.call('GET', '/api/v1/house/waitingList'));
      assert.deepEqual(
        queue.entries.map((e: { personId: string; position: number }) => [e.personId, e.position]),
        [[rana, 1]],
        'the placed person left the queue; the next moved up',
      );
      assert.deepEqual(queue.freePlaces, [], 'the course is full now');
      assert.equal(await stage(followed.id), 'PLACED');

      // Every step is in the dossier's history, for the House and for the agency that follows the person.
      const history = (await expectOk(await staff.call('GET', `/api/v1/persons/${followed.id}/timeline`))).items;
      for (const resource of ['languageIntakes', 'waitingListEntries', 'enrolments'])
        assert.ok(
          history.some((i: { resource: string }) => i.resource === resource),
          `${resource} in the history`,
        );
      const change = history.find((i: { resource: string; version: number }) => i.resource === 'waitingListEntries' && i.version === 2);
      assert.ok(
        change.changes.some((c: { field: string; before: unknown; after: unknown }) => c.field === 'status' && c.before === 'APPLIED' && c.after === 'PLACED'),
      );
      const dossier = await expectOk(await caseworker.call('GET', `/api/v1/persons/${followed.id}/dossier`));
      assert.deepEqual(
        dossier.languageIntakes.map((i: { id: string; referredBy: string }) => [i.id, i.referredBy]),
        [[second.intake.id, 'AGENCY']],
        "the agency's caseworker sees the intake in the dossier",
      );

      // Another House sees none of it; an agency's caseworker has no House lists.
      assert.deepEqual((await expectOk(await colleagueElsewhere.call('GET', '/api/v1/house/waitingList'))).entries, []);
      assert.deepEqual((await expectOk(await colleagueElsewhere.call('GET', '/api/v1/house/intakes'))).items, []);
      assert.equal((await colleagueElsewhere.call('GET', `/api/v1/persons/${rana}`)).status, 404);
      assert.equal((await caseworker.call('GET', '/api/v1/house/waitingList')).status, 403);
      assert.equal((await caseworker.call('POST', '/api/v1/house/intakes', { insz: newcomer })).status, 403);
      // The House role at an organisation that is no House of Dutch has no desk to work.
      const misplaced = await app.as('HOUSE_OF_DUTCH', { organisationId: agency.id });
      assert.equal((await misplaced.call('GET', '/api/v1/house/waitingList')).status, 422);
    });
  });
}

for (const which of TEST_DATABASES) {
  describe(`House of Dutch placements at once (${which.name})`, () => {
    test('two colleagues placing two persons on the last place at the same moment: one gets it, the other is told', async (t) => {
      const app = await startTestApp(t, which);
      const today = belgianToday();
      const house = await app.factories.organisation({ kind: 'HOUSE_OF_DUTCH', region: 'ANTWERP' });
      const cvo = await app.factories.organisation({ kind: 'CVO', region: 'ANTWERP' });
      const course = await expectOk(
        await app.call('POST', '/api/v1/courses', { providerId: cvo.id, courseType: 'NT2', name: 'NT2 dag', startDate: addDays(today, 3), places: 1 }),
        201,
      );
      const staff = await app.as('HOUSE_OF_DUTCH', { organisationId: house.id });
      const persons = [];
      for (let i = 0; i < 2; i++) {
        const person = await app.factories.person();
        await expectOk(await staff.call('POST', '/api/v1/house/intakes', { insz: person.insz }), 201);
        persons.push(person.id);
      }
      const answers = await Promise.all(persons.map((personId) => staff.call('POST', '/api/v1/house/placements', { personId, courseId: course.id })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409]);
      assert.equal((await app.rowCounts('enrolments')).enrolments, 1, 'the course is not overbooked');
    });
  });
}
