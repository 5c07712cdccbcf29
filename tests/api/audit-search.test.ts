/** The privacy officer searches the whole audit trail: filters, stable keyset pages, words instead of codes, one line per consultation, refusals. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type Call } from '../support/app.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';

interface Line {
  id: number;
  lane: number;
  seq: number;
  at: string;
  actorId: string;
  actorKind: string;
  organisationId: string | null;
  purpose: string | null;
  action: string;
  personId: string | null;
  clusters: string[];
  result: string;
  requestId: string | null;
  actorName: string;
  organisationName: string | null;
  actionText: string;
  purposeText: string;
  purposeStated: boolean;
  legalBasisText: string;
  resultText: string;
  clusterTexts: string[];
  firstAt?: string;
  actions?: string[];
  lines?: Line[];
}

const search = async (call: Call, body: Record<string, unknown>): Promise<{ items: Line[]; next: string | null }> =>
  expectOk(await call('POST', '/api/v1/audit/search', body));

/** Every line of a search, page by page. */
async function everyPage(call: Call, body: Record<string, unknown>, limit: number): Promise<{ lines: Line[]; pages: number }> {
  const lines: Line[] = [];
  let cursor: string | null = null,
    pages = 0;
  do {
    const page = await search(call, { ...body, limit, ...(cursor ? { cursor } : {}) });
    assert.ok(page.items.length <= limit);
    lines.push(...page.items);
    cursor = page.next;
    pages++;
  } while (cursor && pages < 100);
  return { lines, pages };
}

const problemField = (res: { status: number; body: any }) => res.body.issues?.map((i: { name: string }) => i.name);

for (const which of TEST_DATABASES) {
  describe(`audit search (${which.name})`, () => {
    test('the privacy officer finds accesses by action, result, actor, organisation, person and period; nobody else may look', async (t) => {
      const { call, as, factories, anonymous } = await startTestApp(t, which);
      const agency = await factories.organisation();
      const office = await factories.office(agency.id);
      const person = await factories.person({ familyName: 'Vandersteen' });
      const outsider = await factories.person({ familyName: 'Buitenstaander' });
      await factories.add(person.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: office.id });
      const caseworker = await as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      await expectOk(await caseworker.call('GET', `/api/v1/persons/${person.id}/dossier`, undefined, { 'kbi-purpose': 'trajectbegeleiding' }));
      await expectOk(await caseworker.call('GET', `/api/v1/persons/${person.id}/dossier`));
      assert.equal((await caseworker.call('GET', `/api/v1/persons/${outsider.id}/dossier`)).status, 404, 'outside the territory: a denied access');
      const officer = await as('PRIVACY_OFFICER');

      // By action: only those rows, newest first.
      const reads = await search(officer.call, { action: 'dossier.read' });
      assert.deepEqual(
        reads.items.map((l) => [l.action, l.personId, l.result]),
        [
          ['dossier.read', outsider.id, 'denied'],
          ['dossier.read', person.id, 'allowed'],
          ['dossier.read', person.id, 'allowed'],
        ],
      );
      assert.ok(reads.items[0]!.id > reads.items[1]!.id && reads.items[1]!.id > reads.items[2]!.id, 'newest first');
      assert.equal(reads.items[2]!.purpose, 'trajectbegeleiding');
      assert.deepEqual(reads.items[2]!.clusters.length > 0, true);
      assert.match(reads.items[0]!.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      assert.equal(reads.next, null);

      // An action prefix, the result, the actor and the organisation.
      assert.deepEqual(
        (await search(officer.call, { action: 'caseLead.*' })).items.map((l) => l.action),
        ['caseLead.create'],
      );
      const denied = await search(officer.call, { result: 'denied', actorId: `user:${caseworker.userId}` });
      assert.deepEqual(
        denied.items.map((l) => [l.action, l.personId]),
        [['dossier.read', outsider.id]],
      );
      const byActor = await search(officer.call, { actorId: `user:${caseworker.userId}` });
      assert.ok(byActor.items.every((l) => l.actorId === `user:${caseworker.userId}` && l.actorKind === 'staff'));
      assert.deepEqual(byActor.items.filter((l) => l.action === 'dossier.read').length, 3);
      const byOrganisation = await search(officer.call, { organisationId: agency.id });
      assert.ok(byOrganisation.items.length >= 3 && byOrganisation.items.every((l) => l.organisationId === agency.id));

      // By person: the INSZ finds the person's rows and nobody else's; the answer names who acted, never the person.
      const ofPerson = await search(officer.call, { insz: person.insz });
      assert.deepEqual(ofPerson.items.map((l) => l.action).reverse(), ['persons.create', 'caseLead.create', 'dossier.read', 'dossier.read']);
      assert.ok(ofPerson.items.every((l) => l.personId === person.id));
      const text = JSON.stringify(ofPerson);
      for (const secret of [person.insz, 'Vandersteen', outsider.id]) assert.ok(!text.includes(secret), `the answer does not contain ${secret}`);
      // In words: who (the staff member's name, the organisation's), what, why and with which result.
      const read = ofPerson.items[0]!;
      assert.deepEqual(
        [read.actorName, read.organisationName, read.actionText, read.resultText],
        ['Test AGENCY_CASEWORKER', agency.name, 'Dossier ingezien', 'toegestaan'],
      );
      assert.equal(read.purposeStated, false, 'the second read stated no purpose');
      assert.equal(read.purposeText, 'Opvolging van het inburgeringstraject', "the purpose of the caseworker's task");
      assert.match(read.legalBasisText, /^Decreet van 7 juni 2013/);
      assert.ok(read.clusterTexts.includes('inburgeringscontracten') || read.clusterTexts.length === read.clusters.length);
      const inFrench = (await search(officer.call, { insz: person.insz, action: 'dossier.read', lang: 'fr' })).items[0]!;
      assert.deepEqual(
        [inFrench.actionText, inFrench.resultText, inFrench.purposeText],
        ['Consultation du dossier', 'autorisé', 'Suivi du parcours d’intégration civique'],
      );

      // A corrected INSZ: the earlier accesses stay findable under the old and the new number.
      const newInsz = makeInsz({ birthDate: '1991-03-04', serial: 731 });
      await expectOk(
        await call(
          'PATCH',
          `/api/v1/persons/${person.id}`,
          { insz: newInsz, birthDate: '1991-03-04' },
          { 'if-match': `"${person.version}"`, 'content-type': 'application/merge-patch+json' },
        ),
      );
      await expectOk(await caseworker.call('GET', `/api/v1/persons/${person.id}/dossier`));
      const underNew = await search(officer.call, { insz: newInsz, action: 'dossier.read' });
      assert.equal(underNew.items.length, 3, 'two reads under the old INSZ and one under the new');
      assert.deepEqual(
        (await search(officer.call, { insz: person.insz, action: 'dossier.read' })).items.map((l) => l.id),
        underNew.items.map((l) => l.id),
      );

      // An INSZ KBI does not know: an access about it is still found (by its keyed hash only).
      const unknownInsz = makeInsz({ birthDate: '1970-01-01', serial: 12 });
      await expectOk(await officer.call('POST', '/api/v1/integrations/search', { insz: unknownInsz }));
      const ofUnknown = await search(officer.call, { insz: unknownInsz });
      assert.deepEqual(
        ofUnknown.items.map((l) => [l.action, l.personId]),
        [['integrations.search', null]],
      );

      // A period: from is inclusive, to exclusive.
      const middle = reads.items[1]!;
      const fromMiddle = await search(officer.call, { action: 'dossier.read', from: middle.at });
      assert.ok(fromMiddle.items.some((l) => l.id === middle.id) && fromMiddle.items.every((l) => l.at >= middle.at));
      const beforeMiddle = await search(officer.call, { action: 'dossier.read', to: middle.at });
      assert.deepEqual(
        beforeMiddle.items.map((l) => l.id),
        [reads.items[2]!.id],
      );
      const ofNobody = await search(officer.call, { from: '2001-01-01T00:00:00Z', to: '2001-02-01T00:00:00+01:00' });
      assert.deepEqual(ofNobody, { items: [], next: null });

      // The search itself is an audited access, naming the person it was about but not the INSZ.
      const searches = await search(officer.call, { action: 'audit.search', actorId: `user:${officer.userId}` });
      assert.ok(searches.items.length >= 10);
      assert.ok(
        searches.items.some((l) => l.personId === person.id),
        'a search by INSZ is recorded against the person',
      );
      const [row] = (await officer.call('POST', '/api/v1/audit/search', { action: 'audit.search', limit: 1 })).body.items;
      assert.equal(row.actorId, `user:${officer.userId}`);

      // Nobody else reads the trail, not even the administrator; the refusal is audited.
      const admin = await expectOk(await call('GET', '/api/v1/session'));
      const refused = await call('POST', '/api/v1/audit/search', { action: 'dossier.read' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'forbidden');
      assert.equal((await caseworker.call('POST', '/api/v1/audit/search', {})).status, 403);
      assert.equal((await (await as('TEAM_LEAD', { organisationId: agency.id })).call('POST', '/api/v1/audit/search', {})).status, 403);
      assert.equal((await anonymous('POST', '/api/v1/audit/search', {})).status, 401);
      const refusals = await search(officer.call, { action: 'POST /api/v1/audit/search', result: 'denied' }); // refused at the door, before the service
      assert.ok(
        refusals.items.some((l) => l.actorId === `user:${admin.user.id}`),
        "the administrator's attempt is in the trail",
      );
      assert.ok(
        refusals.items.some((l) => l.actorId === `user:${caseworker.userId}`),
        "the caseworker's attempt is in the trail",
      );
    });

    test('pages are stable while new rows arrive, and every line is seen once', async (t) => {
      const { as, factories } = await startTestApp(t, which);
      for (let i = 0; i < 4; i++) await factories.person();
      const officer = await as('PRIVACY_OFFICER');
      const whole = await search(officer.call, { limit: 500 });
      assert.equal(whole.next, null);
      assert.ok(whole.items.length >= 8, `enough rows to page through (${whole.items.length})`);
      const newest = whole.items[0]!.id;

      // Each page is itself an audited search, so rows arrive while we page: they never show up
      // on a later page, and no line of the trail is skipped or repeated.
      const { lines, pages } = await everyPage(officer.call, {}, 3);
      assert.ok(pages >= 3);
      const ids = lines.map((l) => l.id);
      assert.equal(new Set(ids).size, ids.length, 'no line twice');
      assert.ok(
        ids.every((s, i) => i === 0 || s < ids[i - 1]!),
        'newest first across pages',
      );
      assert.deepEqual(
        lines.filter((l) => l.id <= newest),
        whole.items,
        'the same lines as one big page',
      );
      assert.ok(lines.filter((l) => l.id > newest).length <= 1, 'only the first page can show the search made since');

      // A filtered search pages the same way.
      const creates = await everyPage(officer.call, { action: 'persons.create' }, 1);
      assert.deepEqual(
        creates.lines.map((l) => l.action),
        ['persons.create', 'persons.create', 'persons.create', 'persons.create'],
      );
      assert.equal(creates.pages, 4);
      const defaults = await search(officer.call, {});
      assert.ok(defaults.items.length <= 100);
    });

    test('one line per consultation: a dossier and its timeline are one, pages never split one; anonymous refusals only when asked', async (t) => {
      const { as, factories, anonymous } = await startTestApp(t, which);
      const agency = await factories.organisation();
      const office = await factories.office(agency.id);
      const [first, second] = [await factories.person(), await factories.person()];
      for (const p of [first, second]) await factories.add(p.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: office.id });
      const caseworker = await as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      // Opening a dossier on screen: the dossier and its timeline, two requests, two rows.
      for (const p of [first, second, first]) {
        await expectOk(await caseworker.call('GET', `/api/v1/persons/${p.id}/dossier`));
        await expectOk(await caseworker.call('GET', `/api/v1/persons/${p.id}/timeline`));
      }
      for (let i = 0; i < 3; i++) assert.equal((await anonymous('POST', '/api/v1/audit/search', {})).status, 401);
      const officer = await as('PRIVACY_OFFICER');
      const actor = `user:${caseworker.userId}`;

      const rows = await search(officer.call, { actorId: actor, action: 'dossier.*' });
      assert.equal(rows.items.length, 6, 'six rows');
      const grouped = await search(officer.call, { actorId: actor, action: 'dossier.*', group: true });
      assert.deepEqual(
        grouped.items.map((c) => [c.personId, c.actions, c.lines!.length]),
        [
          [first.id, ['dossier.timeline', 'dossier.read'], 2],
          [second.id, ['dossier.timeline', 'dossier.read'], 2],
          [first.id, ['dossier.timeline', 'dossier.read'], 2],
        ],
        'three consultations, newest first',
      );
      const one = grouped.items[0]!;
      assert.equal(one.actionText, 'Tijdlijn van het dossier ingezien + Dossier ingezien');
      assert.equal(one.id, one.lines![0]!.id, 'a consultation is known by its newest row');
      assert.ok(one.firstAt! <= one.at);
      assert.deepEqual(
        grouped.items.flatMap((c) => c.lines!.map((l) => l.id)),
        rows.items.map((l) => l.id),
        'every row in exactly one consultation',
      );
      // Pages of one consultation each: none is cut in two, none seen twice.
      const paged = await everyPage(officer.call, { actorId: actor, action: 'dossier.*', group: true }, 1);
      assert.deepEqual(
        paged.lines.map((c) => c.lines!.map((l) => l.id)),
        grouped.items.map((c) => c.lines!.map((l) => l.id)),
      );

      // Requests refused before anybody was identified: out of sight by default, there when asked for.
      const refusals = { action: 'POST /api/v1/audit/search', result: 'denied' };
      assert.deepEqual((await search(officer.call, refusals)).items, []);
      const withAnonymous = await search(officer.call, { ...refusals, includeAnonymous: true });
      assert.equal(withAnonymous.items.length, 3);
      assert.ok(withAnonymous.items.every((l) => l.actorId === 'anonymous' && l.actorName === 'niet aangemeld' && l.resultText === 'geweigerd'));
      assert.equal(withAnonymous.items[0]!.actionText, 'Verzoek aan /api/v1/audit/search (POST)');
    });

    test('bad filters are refused with a problem naming the field', async (t) => {
      const { as } = await startTestApp(t, which);
      const officer = await as('PRIVACY_OFFICER');
      const cases: [Record<string, unknown>, string, string?][] = [
        [{ from: 'yesterday' }, 'from'],
        [{ from: '2026-02-30T00:00:00Z' }, 'from'],
        [{ to: '2026-01-01' }, 'to'],
        [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to', 'invalidPeriod'],
        [{ insz: '12345678901' }, 'insz', 'invalidInsz'],
        [{ limit: 0 }, 'limit'],
        [{ limit: 501 }, 'limit'],
        [{ limit: 'ten' }, 'limit'],
        [{ result: 'maybe' }, 'result'],
        [{ organisationId: 'not-a-uuid' }, 'organisationId'],
        [{ actorId: 'user; DROP TABLE' }, 'actorId'],
        [{ action: '' }, 'action'],
        [{ cursor: 'not-a-cursor' }, 'cursor'],
        [{ cursor: Buffer.from('{"seq":-4}').toString('base64url') }, 'cursor'],
        [{ name: 'Vandersteen' }, 'name'],
        [{ lang: 'de' }, 'lang'],
        [{ group: 'yes' }, 'group'],
      ];
      for (const [body, field, code] of cases) {
        const res = await officer.call('POST', '/api/v1/audit/search', body);
        assert.equal(res.status, 400, `${JSON.stringify(body)} → 400`);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.ok(problemField(res)?.includes(field), `${JSON.stringify(body)} names ${field}: ${JSON.stringify(res.body)}`);
        if (code) assert.equal(res.body.code, code);
      }
      // Several mistakes at once are named together.
      const both = await officer.call('POST', '/api/v1/audit/search', { from: 'x', insz: '1' });
      assert.deepEqual(problemField(both).sort(), ['from', 'insz']);

      // The endpoint and its filters are in the OpenAPI document.
      const doc = await expectOk(await officer.call('GET', '/api/openapi.json'));
      const op = doc.paths['/api/v1/audit/search']?.post;
      assert.ok(op, 'OpenAPI documents POST /api/v1/audit/search');
      assert.deepEqual(Object.keys(op.requestBody.content['application/json'].schema.properties).sort(), [
        'action',
        'actorId',
        'cursor',
        'from',
        'group',
        'includeAnonymous',
        'insz',
        'lang',
        'limit',
        'organisationId',
        'result',
        'to',
      ]);
    });
  });
}
