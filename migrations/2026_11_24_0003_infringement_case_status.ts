/** Code list of the status of an infringement case (inbreukdossier). Frozen in time. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const rows = [
    ['OPEN', 'Open bij het agentschap', 'Ouvert auprès de l’agence', 'Open at the agency'],
    ['SENT', 'Overgemaakt aan de handhavingsambtenaar', 'Transmis au fonctionnaire chargé du contrôle', 'Sent to the enforcement officer'],
    ['DECIDED', 'Besluit genomen', 'Décision prise', 'Decided'],
    ['CLOSED', 'Afgesloten', 'Clôturé', 'Closed'],
  ];
  await db.insertInto('code_list').values(rows.map(([code, nl, fr, en], i) => ({
    list: 'infringement_case_status', code, label_nl: nl, label_fr: fr, label_en: en, sort_order: i + 1,
  }))).execute();
}
