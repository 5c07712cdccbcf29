/**
 * The reference data a consult answer points to by id — offices, organisations, staff, courses
 * and modules — read from the reference API (every staff role may read it; it holds no personal
 * data of the client) and shared between panels, so each id is fetched once per session.
 */
import { useEffect, useState } from 'react';
import { cached, useCodeList } from '../../data.ts';
import { useI18n } from '../../i18n/index.tsx';
import { formatKbo, kboUrl } from '../../format.ts';

export interface Office {
  id: string;
  name: string;
  kboNumber?: string;
  street?: string;
  houseNumber?: string;
  postcode?: string;
  municipality?: string;
  phone?: string;
  email?: string;
  contactName?: string;
}
export interface Organisation {
  id: string;
  kind: string;
  name: string;
  enterpriseNumber?: string;
}
export interface Staff {
  id: string;
  familyName: string;
  givenName: string;
  email?: string;
  phone?: string;
  functionTitle?: string;
}
export interface Course {
  id: string;
  courseType: string;
  variant?: string;
  name: string;
  startDate: string;
  endDate?: string;
  targetLevel?: string;
  locationName?: string;
  providerId: string;
}
export interface CourseModule {
  id: string;
  code: string;
  name: string;
}

type Kinds = { offices: Office; organisations: Organisation; staff: Staff; courses: Course; courseModules: CourseModule };

/** The record, null while it loads, or 'missing' when it cannot be read. */
export function useReference<K extends keyof Kinds>(resource: K, id: string | null | undefined): Kinds[K] | null | 'missing' {
  const [value, setValue] = useState<Kinds[K] | null | 'missing'>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    setValue(null);
    cached<Kinds[K]>(`/api/v1/${resource}/${encodeURIComponent(id)}`).then(
      (v) => {
        if (live) setValue(v);
      },
      () => {
        if (live) setValue('missing');
      },
    );
    return () => {
      live = false;
    };
  }, [resource, id]);
  return id ? value : 'missing';
}

/** A KBO (enterprise or establishment) number linking to the public enterprise register (seed 002). */
export function KboLink({ kbo }: { kbo: string | null | undefined }) {
  const { t } = useI18n();
  if (!kbo) return null;
  return (
    <a className="kbo-link mono" href={kboUrl(kbo)} target="_blank" rel="noopener noreferrer">
      {formatKbo(kbo)}
      <span className="visually-hidden"> ({t('consult.kboLinkHint')})</span>
    </a>
  );
}

const Dash = () => <span className="muted">—</span>;
const Loading = () => {
  const { t } = useI18n();
  return <span className="muted">{t('loading')}</span>;
};

/** An office by name, with its KBO number as a link; `detail` adds address and contact. */
export function OfficeRef({ id, detail = false }: { id: string | null | undefined; detail?: boolean }) {
  const office = useReference('offices', id);
  if (!id || office === 'missing') return <Dash />;
  if (!office) return <Loading />;
  const address = [[office.street, office.houseNumber].filter(Boolean).join(' '), [office.postcode, office.municipality].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return (
    <span className="ref">
      <span className="ref-name">{office.name}</span>
      {office.kboNumber && (
        <>
          {' '}
          <KboLink kbo={office.kboNumber} />
        </>
      )}
      {detail && address && <span className="ref-line">{address}</span>}
      {detail && (office.phone || office.email) && (
        <span className="ref-line">
          {office.phone && <a href={`tel:${office.phone.replace(/\s/g, '')}`}>{office.phone}</a>}
          {office.phone && office.email && ' · '}
          {office.email && <a href={`mailto:${office.email}`}>{office.email}</a>}
        </span>
      )}
    </span>
  );
}

export function OrganisationRef({ id }: { id: string | null | undefined }) {
  const organisation = useReference('organisations', id);
  if (!id || organisation === 'missing') return <Dash />;
  if (!organisation) return <Loading />;
  return (
    <span className="ref">
      <span className="ref-name">{organisation.name}</span>
      {organisation.enterpriseNumber && (
        <>
          {' '}
          <KboLink kbo={organisation.enterpriseNumber} />
        </>
      )}
    </span>
  );
}

export function StaffRef({ id, detail = false }: { id: string | null | undefined; detail?: boolean }) {
  const staff = useReference('staff', id);
  if (!id || staff === 'missing') return <Dash />;
  if (!staff) return <Loading />;
  return (
    <span className="ref">
      <span className="ref-name">
        {staff.givenName} {staff.familyName}
      </span>
      {detail && staff.functionTitle && <span className="ref-line muted">{staff.functionTitle}</span>}
      {detail && (staff.phone || staff.email) && (
        <span className="ref-line">
          {staff.phone && <a href={`tel:${staff.phone.replace(/\s/g, '')}`}>{staff.phone}</a>}
          {staff.phone && staff.email && ' · '}
          {staff.email && <a href={`mailto:${staff.email}`}>{staff.email}</a>}
        </span>
      )}
    </span>
  );
}

/** A course: its type in the user's language (MO, NT2, …) and its name and variant. */
export function CourseRef({ id, moduleId }: { id: string | null | undefined; moduleId?: string | null | undefined }) {
  const course = useReference('courses', id);
  const module = useReference('courseModules', moduleId);
  const courseType = useCodeList('course_type');
  if (!id || course === 'missing') return <Dash />;
  if (!course) return <Loading />;
  return (
    <span className="ref">
      <span className="ref-name">{courseType.label(course.courseType)}</span>
      <span className="ref-line">
        {course.name}
        {course.variant ? ` (${course.variant})` : ''}
      </span>
      {moduleId && module && module !== 'missing' && (
        <span className="ref-line muted">
          {module.code} – {module.name}
        </span>
      )}
    </span>
  );
}
