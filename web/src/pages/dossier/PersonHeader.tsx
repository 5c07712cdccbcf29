/** Who the dossier is about, in one glance: name, INSZ, birth, nationality, address, managing office. */
import { formatInsz } from '../../format.ts';
import { useDossier, useWords } from './context.tsx';
import { recordsOf } from './model.ts';
import { Retention } from './Retention.tsx';

export function PersonHeader() {
  const { doc, refs, codes } = useDossier();
  const w = useWords();
  const { t } = w;
  const p = doc.person;
  const lead = recordsOf(doc, 'caseLead')[0];
  const office = lead ? refs.get('offices', lead.managingOfficeId) : null;
  const contact = lead ? refs.get('staff', lead.contactStaffId) : null;
  const street = [p.street, p.houseNumber].filter(Boolean).join(' ') + (p.box ? ` ${t('dossier.person.box')} ${String(p.box)}` : '');
  const address = [street, [p.postcode, p.municipality].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const facts: [string, React.ReactNode][] = [
    [t('dossier.person.insz'), <span className="mono">{formatInsz(String(p.insz ?? ''))}</span>],
    [t('dossier.person.birthDate'), w.fmt.date(p.birthDate as string)],
    [t('dossier.person.nationality'), codes.label('nationality', p.nationality)],
    [t('dossier.person.gender'), codes.label('gender', p.gender)],
    [t('dossier.person.residenceStatus'), codes.label('residence_status', p.residenceStatus)],
    [t('dossier.person.address'), address ? `${address}${p.province ? ` (${codes.label('province', p.province)})` : ''}` : '—'],
    [t('dossier.person.managingOffice'), office ? String(office.name) : '—'],
    [t('dossier.person.dossierNumber'), lead?.dossierNumber ? <span className="mono">{String(lead.dossierNumber)}</span> : '—'],
    [t('dossier.person.contact'), contact ? `${String(contact.givenName)} ${String(contact.familyName)}` : '—'],
  ];
  return (
    <header className="dossier-person">
      <h1>
        {String(p.familyName)}, {String(p.givenNames)}
      </h1>
      <dl className="dossier-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <Retention />
      {doc.withheld.length > 0 && (
        <p className="dossier-withheld">{t('dossier.person.withheld', { list: doc.withheld.map((r) => w.resource(r)).join(', ') })}</p>
      )}
    </header>
  );
}
