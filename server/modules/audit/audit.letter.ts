/**
 * The person's access report as a letter (A4 PDF) the privacy officer sends to the person as it
 * is: letterhead, date, the person as addressee, what the letter is (right of access, GDPR art.
 * 15), who declared the person as a client, every consultation (when, which organisation, who,
 * why and on which basis, what was seen), how to object or reach the data-protection officer, and
 * page numbers. In Dutch or French (English for the rest of the world); words only, no codes.
 */
import PDFDocument from 'pdfkit';
import type { AccessLine, DeclarationLine, PersonAccessReport } from './audit.report.ts';
import type { Lang } from './audit.words.ts';

interface LetterTexts {
  locale: string;
  title: string;
  office: string;
  concerning: string;
  inszLabel: string;
  unnamed: string;
  subject: string;
  salutation: string;
  opening: string;
  periodBetween: (from: string, to: string) => string;
  periodFrom: (from: string) => string;
  periodTo: (to: string) => string;
  periodAll: string;
  declarationsTitle: string;
  declarationsIntro: string;
  declarationsNone: string;
  /** A declaration: who, in which capacity, since or between which days. */
  declaration: (d: DeclarationLine, start: string, end: string | null) => string;
  /** A label and its value: French puts a space before the colon. */
  colon: string;
  consultationsTitle: string;
  consultationsIntro: string;
  consultationsNone: string;
  columns: [string, string, string, string, string];
  legalBasis: string;
  refused: string;
  nothingShown: string;
  closingTitle: string;
  closing: string[];
  regards: string;
  signatory: string;
  page: (n: number, of: number) => string;
}

const TEXTS: Record<Lang, LetterTexts> = {
  nl: {
    locale: 'nl-BE',
    title: 'Wie raadpleegde uw gegevens in de Kruispuntbank Inburgering',
    office: 'Functionaris voor gegevensbescherming',
    concerning: 'Datum',
    inszLabel: 'Rijksregisternummer',
    unnamed: 'De persoon met rijksregisternummer',
    subject: 'Betreft: uw recht op inzage – wie raadpleegde uw gegevens',
    salutation: 'Geachte mevrouw, geachte heer,',
    opening:
      'U vroeg ons wie uw gegevens in de Kruispuntbank Inburgering heeft ingezien. Volgens artikel 15 van de Algemene verordening gegevensbescherming (AVG) hebt u het recht te weten welke gegevens over u worden verwerkt, door wie en met welk doel. In deze brief vindt u welke organisaties u als cliënt aangaven en elke raadpleging van uw dossier: wanneer, door welke organisatie en welke persoon, met welk doel en op welke rechtsgrond, en welke gegevens daarbij werden ingezien.',
    periodBetween: (from, to) => `Dit overzicht betreft de periode van ${from} tot ${to}.`,
    periodFrom: (from) => `Dit overzicht betreft de periode vanaf ${from}.`,
    periodTo: (to) => `Dit overzicht betreft de periode tot ${to}.`,
    periodAll: 'Dit overzicht bevat alle raadplegingen die de Kruispuntbank Inburgering heeft bewaard.',
    declarationsTitle: 'Organisaties die u als cliënt aangaven',
    declarationsIntro: 'Zo’n aangifte geeft de organisatie vanaf de begindatum toegang tot de gegevens waarvoor zij gemachtigd is.',
    declarationsNone: 'Geen enkele organisatie gaf u als cliënt aan.',
    declaration: (d, start, end) =>
      `${d.organisation} (${d.organisationKindText}), als ${d.capacityText.toLowerCase()}: ${end ? `van ${start} tot ${end}` : `sinds ${start}`}.`,
    colon: ': ',
    consultationsTitle: 'Raadplegingen van uw dossier',
    consultationsIntro: 'Eén regel per raadpleging, de oudste eerst. De uren zijn Belgische tijd.',
    consultationsNone: 'In deze periode werd uw dossier door niemand geraadpleegd.',
    columns: ['Datum en uur', 'Organisatie', 'Wie', 'Doel', 'Wat werd ingezien'],
    legalBasis: 'Rechtsgrond',
    refused: 'Toegang geweigerd',
    nothingShown: 'er werd niets getoond',
    closingTitle: 'Vragen of bezwaar',
    closing: [
      'Hebt u een vraag over dit overzicht, of meent u dat iemand uw gegevens zonder reden heeft ingezien? Neem dan contact op met de functionaris voor gegevensbescherming van de Kruispuntbank Inburgering en vermeld de datum van deze brief. U kunt zich ook verzetten tegen een verwerking of vragen om onjuiste gegevens te verbeteren.',
      'Bent u niet tevreden met ons antwoord, dan kunt u klacht indienen bij de Vlaamse Toezichtcommissie voor de verwerking van persoonsgegevens.',
    ],
    regards: 'Met vriendelijke groeten,',
    signatory: 'Functionaris voor gegevensbescherming van de Kruispuntbank Inburgering',
    page: (n, of) => `Pagina ${n} van ${of}`,
  },
  fr: {
    locale: 'fr-BE',
    title: "Qui a consulté vos données dans la Banque-carrefour de l'intégration civique",
    office: 'Délégué à la protection des données',
    concerning: 'Date',
    inszLabel: 'Numéro de registre national',
    unnamed: 'La personne portant le numéro de registre national',
    subject: 'Objet : votre droit d’accès – qui a consulté vos données',
    salutation: 'Madame, Monsieur,',
    opening:
      "Vous nous avez demandé qui a consulté vos données dans la Banque-carrefour de l'intégration civique (Kruispuntbank Inburgering). L’article 15 du Règlement général sur la protection des données (RGPD) vous donne le droit de savoir quelles données vous concernant sont traitées, par qui et dans quel but. Vous trouverez dans cette lettre les organisations qui vous ont déclaré comme client et chaque consultation de votre dossier : quand, par quelle organisation et quelle personne, dans quel but et sur quelle base légale, et quelles données ont été consultées.",
    periodBetween: (from, to) => `Cet aperçu porte sur la période du ${from} au ${to}.`,
    periodFrom: (from) => `Cet aperçu porte sur la période à partir du ${from}.`,
    periodTo: (to) => `Cet aperçu porte sur la période jusqu’au ${to}.`,
    periodAll: "Cet aperçu reprend toutes les consultations conservées par la Banque-carrefour de l'intégration civique.",
    declarationsTitle: 'Organisations qui vous ont déclaré comme client',
    declarationsIntro: 'Une telle déclaration donne à l’organisation, à partir de sa date de début, l’accès aux données pour lesquelles elle est autorisée.',
    declarationsNone: 'Aucune organisation ne vous a déclaré comme client.',
    declaration: (d, start, end) =>
      `${d.organisation} (${d.organisationKindText}), au titre de : ${d.capacityText.toLowerCase()} ; ${end ? `du ${start} au ${end}` : `depuis le ${start}`}.`,
    colon: ' : ',
    consultationsTitle: 'Consultations de votre dossier',
    consultationsIntro: 'Une ligne par consultation, la plus ancienne en premier. Les heures sont à l’heure belge.',
    consultationsNone: 'Votre dossier n’a été consulté par personne pendant cette période.',
    columns: ['Date et heure', 'Organisation', 'Qui', 'Finalité', 'Données consultées'],
    legalBasis: 'Base légale',
    refused: 'Accès refusé',
    nothingShown: 'rien n’a été montré',
    closingTitle: 'Questions ou opposition',
    closing: [
      "Vous avez une question sur cet aperçu, ou vous estimez que quelqu’un a consulté vos données sans raison ? Prenez contact avec le délégué à la protection des données de la Banque-carrefour de l'intégration civique en mentionnant la date de cette lettre. Vous pouvez aussi vous opposer à un traitement ou demander la rectification de données inexactes.",
      'Si notre réponse ne vous satisfait pas, vous pouvez introduire une plainte auprès de la Commission de contrôle flamande pour le traitement des données à caractère personnel (Vlaamse Toezichtcommissie).',
    ],
    regards: 'Veuillez agréer, Madame, Monsieur, nos salutations distinguées.',
    signatory: "Délégué à la protection des données de la Banque-carrefour de l'intégration civique",
    page: (n, of) => `Page ${n} sur ${of}`,
  },
  en: {
    locale: 'en-GB',
    title: 'Who consulted your data in the Kruispuntbank Inburgering',
    office: 'Data protection officer',
    concerning: 'Date',
    inszLabel: 'National register number',
    unnamed: 'The person with national register number',
    subject: 'Subject: your right of access – who consulted your data',
    salutation: 'Dear Sir or Madam,',
    opening:
      'You asked us who consulted your data in the Kruispuntbank Inburgering (the civic integration crossroads bank). Article 15 of the General Data Protection Regulation (GDPR) gives you the right to know which data about you are processed, by whom and for which purpose. This letter lists the organisations that declared you as their client and every consultation of your dossier: when, by which organisation and person, for which purpose and on which legal basis, and which data were seen.',
    periodBetween: (from, to) => `This overview covers the period from ${from} to ${to}.`,
    periodFrom: (from) => `This overview covers the period from ${from}.`,
    periodTo: (to) => `This overview covers the period until ${to}.`,
    periodAll: 'This overview holds every consultation the Kruispuntbank Inburgering has kept.',
    declarationsTitle: 'Organisations that declared you as their client',
    declarationsIntro: 'Such a declaration gives the organisation access, from its start, to the data it is authorised for.',
    declarationsNone: 'No organisation declared you as its client.',
    declaration: (d, start, end) =>
      `${d.organisation} (${d.organisationKindText}), as: ${d.capacityText.toLowerCase()}; ${end ? `from ${start} to ${end}` : `since ${start}`}.`,
    colon: ': ',
    consultationsTitle: 'Consultations of your dossier',
    consultationsIntro: 'One line per consultation, oldest first. Times are Belgian time.',
    consultationsNone: 'Nobody consulted your dossier in this period.',
    columns: ['Date and time', 'Organisation', 'Who', 'Purpose', 'Data seen'],
    legalBasis: 'Legal basis',
    refused: 'Access refused',
    nothingShown: 'nothing was shown',
    closingTitle: 'Questions or objections',
    closing: [
      'Do you have a question about this overview, or do you think someone consulted your data without reason? Contact the data protection officer of the Kruispuntbank Inburgering, quoting the date of this letter. You may also object to a processing or ask for incorrect data to be corrected.',
      'If you are not satisfied with our answer, you may lodge a complaint with the Flemish Supervisory Commission for the processing of personal data (Vlaamse Toezichtcommissie).',
    ],
    regards: 'Yours faithfully,',
    signatory: 'Data protection officer of the Kruispuntbank Inburgering',
    page: (n, of) => `Page ${n} of ${of}`,
  },
};

const MARGIN = 56;
const ZONE = 'Europe/Brussels';

/** The letter as a PDF. `compress: false` leaves its text readable in the file (tests). */
export function reportPdf(report: PersonAccessReport, options: { compress?: boolean } = {}): Promise<Buffer> {
  const t = TEXTS[report.lang];
  const day = (v: string) => new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeZone: ZONE }).format(new Date(v.length === 10 ? `${v}T12:00:00Z` : v));
  const moment = (v: string) =>
    new Intl.DateTimeFormat(t.locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: ZONE }).format(
      new Date(v),
    );
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      compress: options.compress ?? true,
      lang: report.lang,
      info: { Title: t.title, Author: 'Kruispuntbank Inburgering', Subject: t.subject },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const width = doc.page.width - 2 * MARGIN;
    const paragraph = (text: string, size = 10) => doc.font('Helvetica').fontSize(size).fillColor('#000').text(text, MARGIN, doc.y, { width, align: 'left' });
    const heading = (text: string) => {
      if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('#000').text(text, MARGIN, doc.y, { width });
      doc.moveDown(0.3);
    };

    // Letterhead.
    doc.font('Helvetica-Bold').fontSize(16).fillColor('#1f3a5f').text('Kruispuntbank Inburgering', MARGIN, MARGIN);
    doc.font('Helvetica').fontSize(9).fillColor('#555').text(t.office);
    doc
      .moveTo(MARGIN, doc.y + 6)
      .lineTo(MARGIN + width, doc.y + 6)
      .strokeColor('#1f3a5f')
      .lineWidth(1)
      .stroke();
    doc.moveDown(1.5);
    doc
      .font('Helvetica')
      .fontSize(10)
      .fillColor('#000')
      .text(`${t.concerning}${t.colon}${day(report.generatedAt)}`, MARGIN, doc.y, { width, align: 'right' });
    doc.moveDown(1);

    // The addressee: the person the report is about.
    doc
      .font('Helvetica-Bold')
      .fontSize(11)
      .text(report.person.name ?? t.unnamed, MARGIN, doc.y, { width });
    doc.font('Helvetica').fontSize(10).text(`${t.inszLabel}${t.colon}${report.person.inszMasked}`);
    doc.moveDown(1.5);
    doc.font('Helvetica-Bold').fontSize(11).text(t.subject, MARGIN, doc.y, { width });
    doc.moveDown(1);
    paragraph(t.salutation);
    doc.moveDown(0.5);
    paragraph(t.opening);
    doc.moveDown(0.5);
    const from = report.from ? day(report.from) : null;
    // `to` is exclusive: the letter names the last day it covers.
    const to = report.to ? day(new Date(Date.parse(report.to) - 1).toISOString()) : null;
    paragraph(from && to ? t.periodBetween(from, to) : from ? t.periodFrom(from) : to ? t.periodTo(to) : t.periodAll);

    heading(t.declarationsTitle);
    if (!report.declarations.length) paragraph(t.declarationsNone);
    else {
      paragraph(t.declarationsIntro, 9);
      doc.moveDown(0.3);
      for (const d of report.declarations) {
        paragraph(`•  ${t.declaration(d, day(d.startsOn), d.endsOn ? day(d.endsOn) : null)}`);
      }
    }

    heading(t.consultationsTitle);
    if (!report.items.length) paragraph(t.consultationsNone);
    else {
      paragraph(t.consultationsIntro, 9);
      doc.moveDown(0.5);
      table(doc, report.items, t, moment, width);
    }

    heading(t.closingTitle);
    for (const p of t.closing) {
      paragraph(p);
      doc.moveDown(0.5);
    }
    doc.moveDown(0.5);
    paragraph(t.regards);
    doc.moveDown(1.5);
    if (report.madeBy) doc.font('Helvetica-Bold').fontSize(10).text(report.madeBy, MARGIN, doc.y, { width });
    doc.font('Helvetica').fontSize(10).text(t.signatory, MARGIN, doc.y, { width });

    // Page numbers, once the number of pages is known (in the bottom margin: no new page for them).
    const pages = doc.bufferedPageRange();
    for (let i = 0; i < pages.count; i++) {
      doc.switchToPage(pages.start + i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font('Helvetica')
        .fontSize(8)
        .fillColor('#555')
        .text(t.page(i + 1, pages.count), MARGIN, doc.page.height - MARGIN / 2 - 8, { width, align: 'center' });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
  });
}

/** The consultations, one row each, with the header repeated on every page. */
function table(doc: PDFKit.PDFDocument, items: AccessLine[], t: LetterTexts, moment: (v: string) => string, width: number): void {
  const share = [0.15, 0.19, 0.16, 0.26, 0.24];
  const widths = share.map((s) => s * width);
  const pad = 3;
  const cells = (texts: string[], bold: boolean, size: number) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size);
    return Math.max(...texts.map((s, i) => doc.heightOfString(s, { width: widths[i]! - 2 * pad }))) + 2 * pad;
  };
  const draw = (texts: string[], bold: boolean, size: number, shade: boolean) => {
    const h = cells(texts, bold, size);
    if (doc.y + h > doc.page.height - MARGIN - 20) {
      doc.addPage();
      if (!bold) draw(t.columns, true, 8, true);
    }
    const y = doc.y;
    if (shade) doc.rect(MARGIN, y, width, h).fill('#e8eef5');
    let x = MARGIN;
    doc
      .fillColor('#000')
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(size);
    texts.forEach((s, i) => {
      doc.text(s, x + pad, y + pad, { width: widths[i]! - 2 * pad });
      x += widths[i]!;
    });
    doc
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + width, y + h)
      .strokeColor('#c8d2de')
      .lineWidth(0.5)
      .stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  draw(t.columns, true, 8, true);
  for (const l of items) {
    const seen = l.clusterTexts.length ? l.clusterTexts.join(', ') : l.actionText;
    draw(
      [
        moment(l.at),
        l.organisation ?? '—',
        l.actor,
        `${l.purposeText}\n${t.legalBasis}${t.colon}${l.legalBasisText}`,
        l.result === 'denied' ? `${t.refused}${t.colon}${t.nothingShown} (${seen})` : l.clusterTexts.length ? `${seen}\n${l.actionText}` : seen,
      ],
      false,
      8,
      false,
    );
  }
}
