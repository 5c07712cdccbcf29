/**
 * The caseworker's dossier page (/persons/:personId): who the person is, the path of their
 * integration at a glance, every cluster the role may read — editable where it may write — the
 * history of every change, and the dossier as KBI knew it on an earlier date (read-only).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, get } from '../api.ts';
import { Alert, ErrorAlert, Loading } from '../components/forms.tsx';
import { useResources, type ResourceMeta } from '../data.ts';
import { useFormat, useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { AsOfSwitch, asOfIso, type AsOfChoice } from './dossier/AsOfSwitch.tsx';
import { DossierProvider, useCodeLabels, useReferences, type DossierContextValue } from './dossier/context.tsx';
import { DossierIndex, Groups, groupsOf } from './dossier/Groups.tsx';
import { History } from './dossier/History.tsx';
import { PathTimeline } from './dossier/PathTimeline.tsx';
import { PersonHeader } from './dossier/PersonHeader.tsx';
import { SUMMARISED, recordsOf, type DossierDoc, type PersonAttendance, type TimelineItem } from './dossier/model.ts';
import { AttendanceRule } from './dossier/AttendanceRule.tsx';
import './dossier/dossier.css';

export default function DossierPage() {
  const { personId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { t } = useI18n();
  const fmt = useFormat();
  const { user } = useSession();
  const resources = useResources();
  const refs = useReferences();

  const choice: AsOfChoice | null = params.get('asOf') ? { date: params.get('asOf')!, time: params.get('time') } : null;
  const asOf = asOfIso(choice);

  const [doc, setDoc] = useState<DossierDoc | null>(null);
  const [docError, setDocError] = useState<unknown>(null);
  const [timeline, setTimeline] = useState<TimelineItem[] | null>(null);
  const [attendance, setAttendance] = useState<PersonAttendance | null>(null);
  const [open, setOpen] = useState<Record<string, boolean> | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    const [dossier, history, judged] = await Promise.allSettled([
      get<DossierDoc>(`/api/v1/persons/${personId}/dossier${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`),
      get<{ items: TimelineItem[] }>(`/api/v1/persons/${personId}/timeline`),
      // The rule's judgement is of today's records; a past state of the dossier shows none.
      asOf ? Promise.resolve(null) : get<PersonAttendance>(`/api/v1/persons/${personId}/attendance`),
    ]);
    if (mine !== generation.current) return; // a newer load answers instead
    // A failed reload keeps what the page showed; only a new person or moment starts empty.
    if (dossier.status === 'fulfilled') {
      setDoc(dossier.value);
      setDocError(null);
    } else setDocError(dossier.reason);
    if (history.status === 'fulfilled') setTimeline(history.value.items);
    // A role that may not read the components gets no judgement (403): the lessons are still listed.
    setAttendance(judged.status === 'fulfilled' ? judged.value : null);
  }, [personId, asOf]);

  useEffect(() => {
    setDoc(null);
    setDocError(null);
  }, [personId, asOf]);
  useEffect(() => {
    void load();
  }, [load]);

  // Groups with records open at first; the user's choices survive reloads.
  // A link to a part (#dossier-group-…, e.g. the House's next step) opens that part too and moves there.
  useEffect(() => {
    if (!doc || open) return;
    const asked = /^#dossier-group-(\w+)$/.exec(window.location.hash)?.[1];
    setOpen(
      Object.fromEntries(groupsOf(doc).map((g) => [g.id, g.id === asked || g.resources.some((r) => !SUMMARISED.has(r) && recordsOf(doc, r).length > 0)])),
    );
    if (asked) requestAnimationFrame(() => document.getElementById(`dossier-group-${asked}`)?.scrollIntoView({ block: 'start' }));
  }, [doc, open]);

  const meta = useMemo(() => new Map<string, ResourceMeta>((resources ?? []).map((r) => [r.resource, r])), [resources]);
  const lists = useMemo(
    () => [
      ...new Set([
        'province',
        'gender',
        'nationality',
        'residence_status',
        ...(resources ?? []).flatMap((r) => r.fields.map((f) => f.list).filter((l): l is string => !!l)),
      ]),
    ],
    [resources],
  );
  const codes = useCodeLabels(lists);

  const value: DossierContextValue | null = useMemo(
    () =>
      doc && resources
        ? {
            personId,
            doc,
            meta,
            readOnly: asOf !== null,
            refs,
            codes,
            me: user ? `user:${user.id}` : '',
            attendance,
            reload: load,
          }
        : null,
    [doc, resources, personId, meta, asOf, refs, codes, user, load, attendance],
  );

  const setChoice = (c: AsOfChoice | null) => {
    const next = new URLSearchParams(params);
    next.delete('asOf');
    next.delete('time');
    if (c) {
      next.set('asOf', c.date);
      if (c.time) next.set('time', c.time);
    }
    setParams(next);
  };

  const moment = choice
    ? choice.time
      ? t('dossier.asOf.at', { date: fmt.date(choice.date), time: choice.time })
      : t('dossier.asOf.endOfDay', { date: fmt.date(choice.date) })
    : '';
  const unknownThen = asOf && docError instanceof ApiError && docError.status === 404;

  return (
    <div className="page dossier-page" {...(value ? { 'data-dossier-ready': '' } : {})}>
      <p className="dossier-back">
        <Link to="/persons">← {t('dossier.backToSearch')}</Link>
      </p>
      {choice && (
        <div className="alert alert-warning dossier-asof-banner" role="status">
          <div>
            <strong>{t('dossier.asOf.banner', { moment })}</strong>
            <div>{t('dossier.asOf.readOnly')}</div>
          </div>
          <button type="button" className="button small" onClick={() => setChoice(null)}>
            {t('dossier.asOf.today')}
          </button>
        </div>
      )}
      {!value && !docError && <Loading />}
      {unknownThen && <Alert kind="info">{t('dossier.asOf.unknown')}</Alert>}
      {docError !== null && !unknownThen && <ErrorAlert error={docError} />}
      {value ? (
        <DossierProvider value={value}>
          <PersonHeader />
          <section className="dossier-path-section" aria-labelledby="dossier-path-h">
            <h2 id="dossier-path-h" className="visually-hidden">
              {t('dossier.path.title')}
            </h2>
            <PathTimeline />
          </section>
          <DossierIndex open={(id) => setOpen((o) => ({ ...(o ?? {}), [id]: true }))} />
          <div className="dossier-layout">
            <div className="dossier-main">
              <div className="dossier-toolbar">
                <button type="button" className="link-button" onClick={() => setOpen(Object.fromEntries(groupsOf(value.doc).map((g) => [g.id, true])))}>
                  {t('dossier.expandAll')}
                </button>
                <button type="button" className="link-button" onClick={() => setOpen(Object.fromEntries(groupsOf(value.doc).map((g) => [g.id, false])))}>
                  {t('dossier.collapseAll')}
                </button>
              </div>
              <AttendanceRule />
              <Groups open={open ?? {}} setOpen={(id, v) => setOpen((o) => ({ ...(o ?? {}), [id]: v }))} />
            </div>
            <aside className="dossier-side" aria-label={t('dossier.side')}>
              <AsOfSwitch choice={choice} onChange={setChoice} />
              <History items={timeline} asOf={asOf} />
            </aside>
          </div>
        </DossierProvider>
      ) : (
        unknownThen && <AsOfSwitch choice={choice} onChange={setChoice} />
      )}
    </div>
  );
}
