/**
 * Issue 15's round trip: every example answer of MAGDA GeefDossierKBI-01.00 is imported with the
 * import of dossiers in that format (`--kind magda-dossiers`) and asked again through the SOAP
 * endpoint; the answer is the example, element by element (envelope time and references aside),
 * each asked on the day the example was answered (the consult gives no more than seed 003 §61
 * allows on that day: a registration of the past year). The answers without a dossier come back as
 * the same Uitzonderingen. The examples' deliberately wrong values (MAGDA's test simulator marks
 * them) are refused by name, and nothing is stored until the batch is clean.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type TestApp } from '../support/app.ts';
import { repliek, vmsw } from '../support/magda.ts';
import { validateMagdaAll } from '../support/magda-xsd.ts';

const DIR = new URL('../fixtures/magda/', import.meta.url);
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .map((name) => ({ name, xml: readFileSync(new URL(name, DIR), 'utf8') }));
const OPERATOR_TOKEN = 'magda-roundtrip-operator-token-0123456789';

/**
 * The examples' wrong values, as MAGDA's test simulator marks them in comments ("Vals KboNummer van
 * de beheerder", "Fout attesten type", "Ongekend doelgroep code", "Onbestaande status code",
 * "Ongekend type traject"): what the import says of each, and the value that makes the file right
 * (its round trip is checked with that value).
 */
const WRONG: Record<string, { errors: string[]; wrong: string; right: string }> = {
  '96010100152.xml': {
    errors: ['Trajecten/Traject[1]/Beheerder/KBIVestiging/KboNummer'],
    wrong: '<KboNummer>0123456789</KboNummer>',
    right: '<KboNummer>0421722346</KboNummer>',
  },
  '98010210161.xml': { errors: ['BehaaldeAttesten/Document[1] (documentType)'], wrong: '<Type>ZEVER_ATTEST</Type>', right: '<Type>AEVC05</Type>' },
  '98030210175.xml': { errors: ['Doelgroep (type)'], wrong: '<Type>VALS_TYPE</Type>', right: '<Type>RECHT</Type>' },
  '99010210182.xml': { errors: ['Trajecten/Traject[1] (status)'], wrong: '<Code>VALS</Code>', right: '<Code>OP</Code>' },
  '99010220080.xml': { errors: ['Trajecten/Traject[1] (type)'], wrong: '<Type>TT_ONGEKEND</Type>', right: '<Type>TT_IBVP</Type>' },
};

/**
 * Where KBI's answer differs from the example on purpose: the test simulator describes exemption
 * reason 01 with placeholders ("Reden vrijstelling kort", "… lang"); KBI answers the code's own
 * description (code list exemption_reason, seed 003). Code and element are the same.
 */
const ours = (line: string) =>
  line.replace(
    'RedenVrijstellingVanDeVerplichting = 01 [KorteNaam=Reden vrijstelling kort Naam=Reden vrijstelling lang]',
    'RedenVrijstellingVanDeVerplichting = 01 [KorteNaam=Onderdaan van de EU, de E Naam=Onderdaan van de EU, de EER of Zwitserland, of familielid]',
  );

const all = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => m[1]!);

/** The offices, organisations and centres the examples refer to, through the API, as a real installation holds them. */
async function referenceData(app: TestApp) {
  const kboOf = new Map<string, string>();
  const kbis = new Set<string>();
  for (const { xml } of FILES) {
    for (const [, kbo, kbi] of xml.matchAll(/<KboNummer>(\d{10})<\/KboNummer>\s*<KbiNummer>([0-9A-F]{32})<\/KbiNummer>/g))
      if (!xml.includes('Vals KboNummer') || kbo !== '0123456789') if (!kboOf.has(kbi!) || /<KBIVestiging>/.test(xml)) kboOf.set(kbi!, kbo!);
    for (const kbi of all(/<KbiNummer>([0-9A-F]{32})<\/KbiNummer>/g, xml)) kbis.add(kbi);
  }
  // An office's own KBO number is the one the examples give with KBIVestiging or a contract's creator.
  const managing = new Map<string, string>();
  for (const { xml } of FILES)
    for (const [, kbo, kbi] of xml.matchAll(/<(?:KBIVestiging|AangemaaktDoor)>\s*<KboNummer>(\d{10})<\/KboNummer>\s*<KbiNummer>([0-9A-F]{32})<\/KbiNummer>/g))
      if (kbo !== '0123456789' && /^0/.test(kbo!)) managing.set(kbi!, kbo!);
  const agencies = new Map<string, string>();
  const agency = async (kbo: string | null) => {
    const key = kbo ?? '';
    if (!agencies.has(key))
      agencies.set(
        key,
        (await app.factories.organisation({ kind: 'AGENCY', name: `Agentschap ${key || 'Inburgering'}`, ...(kbo ? { enterpriseNumber: kbo } : {}) })).id,
      );
    return agencies.get(key)!;
  };
  for (const kbi of kbis) {
    const kbo = managing.get(kbi) ?? null;
    await app.factories.office(await agency(kbo), { kbiKey: kbi, ...(kbo ? { kboNumber: kbo } : {}) });
  }
  const cvo = await app.factories.organisation({ kind: 'CVO', name: 'CVO Kortrijk', davinciNumber: '34884' });
  return { sender: await agency(null), cvo };
}

for (const which of TEST_DATABASES) {
  describe(`MAGDA dossiers: import and round trip (${which.name})`, () => {
    test('every example answer imported and asked again through the SOAP endpoint comes back element by element', async (t) => {
      const app = await startTestApp(t, which, { KBI_ACCEPT_TEST_INSZ: 'true' }, { operatorToken: OPERATOR_TOKEN });
      const { sender } = await referenceData(app);
      const importBatch = async (batchId: string, files: { name: string; xml: string }[], over: Record<string, unknown> = {}) =>
        app.anonymous(
          'POST',
          '/api/operator/imports/magda-dossiers',
          { batchId, organisationId: sender, files, conversationsRelevantFor: ['VMSW'], ...over },
          { authorization: `Bearer ${OPERATOR_TOKEN}` },
        );

      // The examples as they are: refused, each wrong value named by file and element, nothing stored.
      const before = await app.rowCounts('persons', 'trajectories', 'audit_log');
      const refused = await importBatch('examples-as-they-are', FILES);
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(refused.body.status, 'failed');
      assert.deepEqual(
        refused.body.errors.map((e: { file: string; path: string }) => `${e.file}: ${e.path}`).sort(),
        Object.entries(WRONG)
          .flatMap(([file, w]) => w.errors.map((path) => `${file}: ${path}`))
          .sort(),
      );
      assert.match(refused.body.errors.find((e: { file: string }) => e.file === '96010100152.xml').reason, /has KBO number 0421722346, not 0123456789/);
      assert.deepEqual(await app.rowCounts('persons', 'trajectories'), { persons: before.persons, trajectories: before.trajectories }, 'nothing stored');

      // Right: every dossier imported; the answers without a dossier are named, not imported; the source's birth dates kept with a warning.
      const files = FILES.map((f) => (WRONG[f.name] ? { ...f, xml: f.xml.replace(WRONG[f.name]!.wrong, WRONG[f.name]!.right) } : f));
      const imported = await expectOk(await importBatch('examples', files));
      assert.equal(imported.status, 'succeeded');
      assert.equal(imported.dossiers, 21);
      assert.deepEqual(
        imported.skipped.map((s: { file: string; reason: string }) => `${s.file}: ${s.reason.replace(/:.*/, '')}`),
        ['90122500159.xml', '91010100144.xml', 'notfound.xml'].map((f) => `${f}: holds no dossier`),
      );
      assert.ok(imported.warnings.every((w: { path: string }) => w.path === 'Personalia/Geboortedatum'));
      const counts = await app.rowCounts('persons');
      assert.equal(counts.persons, before.persons! + 21);
      const audited = await app.database.db.selectFrom('audit_log').select('person_id').where('action', '=', 'magda.import').execute();
      assert.equal(audited.length, 21, 'each imported dossier audited');

      // The same batch again changes nothing; the same batch id with other content is refused.
      const again = await expectOk(await importBatch('examples', files));
      assert.equal(again.status, 'replayed');
      assert.deepEqual(await app.rowCounts('persons'), counts);
      assert.equal((await importBatch('examples', files.slice(1))).status, 409);

      // Asked again by a housing company (VMSW, capacity code 3003, as in the examples), on the day each example was answered.
      const partner = await vmsw(
        app,
        [
          'personalia',
          'targetGroup',
          'registration',
          'contracts',
          'certificates',
          'advice',
          'trajectories',
          'trajectoryOffice',
          'components',
          'courses',
          'infringements',
          'languages',
          'level',
          'conversations',
          'housingRequirement',
        ],
        '2015-01-01',
      );
      const clock = (day: string) => {
        t.mock.timers.reset();
        t.mock.timers.enable({ apis: ['Date'], now: new Date(`${day}T11:00:00Z`) });
      };
      const day = (xml: string) => /<Tijdstip>\s*<Datum>([0-9-]{10})<\/Datum>/.exec(xml)![1]!;
      // An answer without a dossier names no person: asked for one KBI does not know.
      const inszOf = (f: { name: string; xml: string }) => /<INSZ>(\d{11})<\/INSZ>/.exec(f.xml)?.[1] ?? '85073003328';
      clock('2015-03-30');
      for (const f of files.filter((x) => x.xml.includes('<INSZ>') || x.name === 'notfound.xml'))
        await expectOk(await partner.call('POST', '/api/exchange/v1/integrations', { insz: inszOf(f), capacityCode: '3003' }), 201);
      let compared = 0;
      const answers: string[] = [];
      for (const f of files) {
        clock(day(f.xml));
        const res = await partner.ask(inszOf(f));
        t.mock.timers.reset();
        assert.equal(res.status, 200, `${f.name}: ${res.body}`);
        answers.push(String(res.body));
        if (f.name === '90122500159.xml' || f.name === '91010100144.xml') continue; // an overloaded source: below
        assert.deepEqual(repliek(String(res.body)), repliek(f.xml).map(ours), f.name);
        compared++;
      }
      assert.equal(compared, 22, 'the 21 dossiers and the unknown person (30001) compared');
      // Every answer given is valid against the published XSD.
      for (const [i, v] of (await validateMagdaAll(answers, 'GeefDossierKBI', '01.00')).entries())
        assert.ok(v.valid, `${files[i]!.name}: ${JSON.stringify(v)}`);

      // An overloaded source (99996, examples 90122500159 and 91010100144): a partner over its limit of requests a minute.
      const busy = await startTestApp(t, which, { KBI_ACCEPT_TEST_INSZ: 'true', KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '1' });
      const limited = await vmsw(busy, ['personalia']);
      assert.doesNotMatch(String((await limited.ask('85073003328')).body), /99996/);
      const over = await limited.ask('85073003328');
      assert.equal(over.status, 200);
      assert.ok(Number(over.headers.get('retry-after')) > 0, 'Retry-After says when to ask again');
      const uitzondering = (xml: string) => repliek(xml).filter((l) => l.includes('/Uitzondering/') && !l.includes('/Tijdstip'));
      for (const f of ['90122500159.xml', '91010100144.xml'])
        assert.deepEqual(uitzondering(String(over.body)), uitzondering(FILES.find((x) => x.name === f)!.xml), f);
    });
  });
}
