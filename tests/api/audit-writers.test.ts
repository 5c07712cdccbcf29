/**
 * One way to write an audit record (issue 11): the statements that audit in their own SQL — the
 * dossier read (now and as of a moment, for staff and for a partner), the grouped partner consult
 * (a known person and an INSZ KBI does not know) and the DVZ list — write the very row recordAudit
 * writes for the same facts, column for column of the one definition.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';
import { AUDIT_COLUMNS, recordAudit } from '../../server/platform/audit.ts';
import type { Row } from '../../server/platform/db.ts';
import type { RequestContext } from '../../server/platform/access.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';

const dayOffset = (days: number) => {
  const d = new Date(`${belgianToday()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** An audit row's columns of the definition, detail as an object whichever driver read it. */
const facts = (row: Row) =>
  Object.fromEntries(AUDIT_COLUMNS.map((c) => [c, c === 'detail' && typeof row.detail === 'string' ? JSON.parse(row.detail) : row[c]]));

for (const which of TEST_DATABASES) {
  describe(`audit rows written in SQL (${which.name})`, () => {
    test('the dossier read, the consult and the DVZ list write the row recordAudit writes for the same facts', async (t) => {
      const app = await startTestApp(t, which);
      const person = await app.factories.person({ residenceStatus: 'GEZINSHERENIGING_DERDELANDER' });
      await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: dayOffset(-10), registeredOn: dayOffset(-10) });
      await new Promise((r) => setTimeout(r, 20));
      const asOf = new Date().toISOString();
      const stranger = makeInsz({ birthDate: '1985-07-30', serial: 991 }); // valid, unknown to KBI

      // Staff: the dossier statement, now and as of a moment.
      await expectOk(await app.call('GET', `/api/v1/persons/${person.id}/dossier`));
      await expectOk(await app.call('GET', `/api/v1/persons/${person.id}/dossier?asOf=${encodeURIComponent(asOf)}`));
      // A partner: the grouped consult (known and unknown INSZ), and the dossier statement as of a moment.
      const ocmw = await partner(app, 'OCMW');
      for (const insz of [person.insz, stranger]) {
        await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz, capacityCode: '1', startsOn: dayOffset(-5) }), 201);
      }
      const consult = (body: Record<string, unknown>) =>
        ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { purpose: 'BEGELEIDING_OCMW_CLIENT', ...body });
      assert.equal((await expectOk(await consult({ insz: person.insz }))).known, true);
      assert.equal((await expectOk(await consult({ insz: stranger }))).known, false);
      assert.equal((await expectOk(await consult({ insz: person.insz, asOf }))).known, true);
      // DVZ: one audit row per person listed, in one statement.
      const { call: privacy } = await app.as('PRIVACY_OFFICER');
      await expectOk(
        await privacy('POST', '/api/v1/authorisations', {
          partnerKind: 'DVZ',
          purpose: 'VERBLIJFSRECHT_INTEGRATIE',
          clusters: ['personalia', 'contracts', 'certificates'],
          legalBasis: 'Test legal basis',
          startsOn: '2020-01-01',
        }),
        201,
      );
      const dvz = await partner(app, 'DVZ');
      const list = await expectOk(
        await dvz.call('POST', '/api/exchange/v1/dvz/list', { from: dayOffset(-30), to: dayOffset(-1), purpose: 'VERBLIJFSRECHT_INTEGRATIE' }),
      );
      assert.deepEqual(
        list.rows.map((r: any) => r.insz),
        [person.insz],
      );

      const written = await app.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', 'in', ['dossier.read', 'dossier.readAsOf', 'exchange.consult', 'exchange.consultAsOf', 'exchange.dvzList'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        written.map((r) => [r.action, r.person_id === null]),
        [
          ['dossier.read', false],
          ['dossier.readAsOf', false],
          ['exchange.consult', false],
          ['exchange.consult', true],
          ['exchange.consultAsOf', false],
          ['exchange.dvzList', false],
        ],
        'one row for every access, each by its statement',
      );

      // The same facts again, through recordAudit.
      const last = Number(written[written.length - 1]!.id);
      for (const r of written) {
        const ctx = {
          actor: { id: r.actor_id, kind: r.actor_kind, organisationId: r.organisation_id, role: null, officeIds: [] },
          requestId: r.request_id,
          purpose: r.purpose ?? undefined,
        } as RequestContext;
        const detail = typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail;
        await recordAudit(app.database.db, ctx, {
          action: r.action,
          personId: r.person_id,
          clusters: r.clusters,
          result: r.result as 'allowed' | 'denied',
          detail,
          ...(r.person_id ? {} : { insz: stranger }),
        });
      }
      const replayed = await app.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '>', last as never)
        .orderBy('id')
        .execute();
      assert.equal(replayed.length, written.length);
      written.forEach((r, i) => assert.deepEqual(facts(replayed[i]!), facts(r), `${r.action} (${r.person_id ? 'known' : 'unknown'} person)`));
      assert.ok(
        written.every((r) => r.insz_hash),
        'the INSZ as its keyed hash on every row: from the person, or from the INSZ asked about',
      );

      const report = await verifyAuditChain(app.database.db);
      assert.ok(report.ok, JSON.stringify(report.problems));
    });
  });
}
