/**
 * "Taalloket": the House of Dutch's own day. A person comes in for Dutch lessons: the intake by INSZ
 * (which registers a person the KBI does not know yet), then the placement test and the advice in the
 * dossier, then a place on a course or on the House's waiting list. The waiting list is a queue: the
 * longest waiting first, with the next free places of the region and a placement that takes one.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, request } from '../api.ts';
import { Alert, ErrorAlert, Field, Loading, TableScroll, describeError } from '../components/forms.tsx';
import { Tabs } from '../components/Tabs.tsx';
import { useCodeList } from '../data.ts';
import { formatInsz } from '../format.ts';
import { useFormat, useI18n, type Translate } from '../i18n/index.tsx';
import { translateIssue } from './dossier/issues.ts';
import { belgianToday } from './worklist/shared.tsx';
import './worklist/worklist.css';
import './house/house.css';

const TABS = ['intake', 'intakes', 'waiting'] as const;
type Tab = (typeof TABS)[number];

interface IntakeItem {
  id: string;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  intakeOn: string;
  referredBy: string | null;
  test: { takenOn: string; testType: string; result: string; level: string | null } | null;
  advice: { givenOn: string; adviceType: string; advisedLevel: string | null; courseType: string | null; intensity: string | null } | null;
  stage: 'TEST' | 'ADVICE' | 'PLACEMENT' | 'WAITING' | 'PLACED' | 'CLOSED';
  daysOpen: number;
}

interface QueueEntry {
  id: string;
  version: number;
  position: number;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  courseType: string;
  appliedOn: string;
  waitingDays: number;
  provider: string | null;
  advice: { adviceType: string; advisedLevel: string | null; intensity: string | null } | null;
}

interface FreeCourse {
  id: string;
  name: string;
  courseType: string;
  targetLevel: string | null;
  provider: string;
  location: string | null;
  startDate: string;
  places: number;
  free: number;
}

interface Queue {
  house: { id: string; name: string };
  entries: QueueEntry[];
  freePlaces: FreeCourse[];
  oldestWaitingDays: number | null;
}

/** Which dossier group each step is done in (the dossier's section ids). */
const STEP_GROUP: Record<IntakeItem['stage'], string> = {
  TEST: 'language',
  ADVICE: 'advice',
  PLACEMENT: 'courses',
  WAITING: 'courses',
  PLACED: 'courses',
  CLOSED: 'courses',
};

function useLoad<T>(path: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setData((await request<T>('GET', path)).body);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [path]);
  useEffect(() => {
    void load();
  }, [load]);
  return { data, error, load };
}

export default function HousePage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = TABS.includes(asked as Tab) ? (asked as Tab) : 'intake';
  const setTab = (next: Tab) => setParams({ tab: next }, { replace: true });
  const intakes = useLoad<{ items: IntakeItem[] }>('/api/v1/house/intakes');
  const queue = useLoad<Queue>('/api/v1/house/waitingList');
  const notHouse = [intakes.error, queue.error].some((e) => e instanceof ApiError && e.status === 422);
  const counts: Record<Tab, string | number> = {
    intake: '',
    intakes: intakes.data?.items.filter((i) => ['TEST', 'ADVICE', 'PLACEMENT'].includes(i.stage)).length ?? '…',
    waiting: queue.data?.entries.length ?? '…',
  };

  return (
    <div className="page worklist house">
      <h1>{t('house.title')}</h1>
      <p className="muted">{t('house.intro')}</p>
      {notHouse ? (
        <Alert kind="warning">{t('house.notHouse')}</Alert>
      ) : (
        <Tabs tabs={TABS} current={tab} onChange={setTab} label={t('house.tabs')} title={(name) => t(`house.tab.${name}`, { count: counts[name] })}>
          {tab === 'intake' ? (
            <IntakeForm
              onDone={async () => {
                await Promise.all([intakes.load(), queue.load()]);
              }}
            />
          ) : tab === 'intakes' ? (
            intakes.error ? (
              <ErrorAlert error={intakes.error} />
            ) : intakes.data ? (
              <Intakes items={intakes.data.items} />
            ) : (
              <Loading />
            )
          ) : queue.error ? (
            <ErrorAlert error={queue.error} />
          ) : queue.data ? (
            <WaitingList queue={queue.data} onChanged={async () => void (await Promise.all([queue.load(), intakes.load()]))} />
          ) : (
            <Loading />
          )}
        </Tabs>
      )}
    </div>
  );
}

interface IntakeForm {
  insz: string;
  intakeOn: string;
  referredBy: string;
  remarks: string;
  familyName: string;
  givenNames: string;
  gender: string;
  nationality: string;
  birthDate: string;
}
interface Started {
  personId: string;
  personCreated: boolean;
  followedBy: { organisation: string; office: string | null } | null;
}

/** The server's English phrase for a field, in the user's language. */
function wordIssue(detail: string, t: Translate, date: (d: string) => string): string {
  if (/^an intake cannot lie in the future/.test(detail)) return t('house.intake.future');
  if (/^an intake is recorded within a year/.test(detail)) return t('house.intake.tooOld');
  if (/^required: this INSZ is not known/.test(detail)) return t('house.intake.personRequired');
  return translateIssue(detail, t, (n) => n, date);
}

function IntakeForm({ onDone }: { onDone(): Promise<void> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const empty: IntakeForm = {
    insz: '',
    intakeOn: belgianToday(),
    referredBy: '',
    remarks: '',
    familyName: '',
    givenNames: '',
    gender: '',
    nationality: '',
    birthDate: '',
  };
  const [form, setForm] = useState<IntakeForm>(empty);
  const [unknown, setUnknown] = useState(false);
  // What the server said, in its words: worded in the user's language when shown (a language switch rewords it).
  const [problems, setErrors] = useState<Record<string, string>>({});
  const errors = Object.fromEntries(Object.entries(problems).map(([k, detail]) => [k, wordIssue(detail, t, fmt.date)]));
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<(Started & { name: string }) | null>(null);
  const referrers = useCodeList('intake_referrer');
  const genders = useCodeList('gender');
  const nationalities = useCodeList('nationality');
  const doneRef = useRef<HTMLDivElement>(null);
  const set = (k: keyof IntakeForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  useEffect(() => {
    if (started) doneRef.current?.focus();
  }, [started]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    const insz = form.insz.replace(/[^0-9]/g, '');
    if (!insz) {
      setErrors({ insz: 'is required' });
      setBusy(false);
      return;
    }
    const body: Record<string, unknown> = {
      insz,
      intakeOn: form.intakeOn || undefined,
      referredBy: form.referredBy || null,
      remarks: form.remarks.trim() || null,
    };
    if (unknown)
      body.person = {
        familyName: form.familyName.trim() || undefined,
        givenNames: form.givenNames.trim() || undefined,
        gender: form.gender || undefined,
        nationality: form.nationality || undefined,
        birthDate: form.birthDate || null,
      };
    try {
      const answer = (await request<Started>('POST', '/api/v1/house/intakes', body)).body;
      setStarted({ ...answer, name: unknown ? `${form.familyName.trim()}, ${form.givenNames.trim()}` : formatInsz(insz) });
      setForm(empty);
      setUnknown(false);
      await onDone();
    } catch (err) {
      if (err instanceof ApiError && err.problem.issues?.length) {
        const next: Record<string, string> = {};
        for (const issue of err.problem.issues) {
          const name = issue.name.startsWith('person.') ? issue.name.slice(7) : issue.name;
          if (!(name in next)) next[name] = issue.detail;
        }
        if (err.problem.issues.some((i) => i.name.startsWith('person.'))) setUnknown(true);
        setErrors(next);
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  if (started)
    return (
      <div className="house-done" ref={doneRef} tabIndex={-1}>
        <Alert kind="success">
          <p>{t('house.intake.done', { name: started.name })}</p>
          {started.personCreated && <p>{t('house.intake.created')}</p>}
          <p>
            {started.followedBy
              ? t('house.intake.followed', {
                  organisation: started.followedBy.organisation,
                  office: started.followedBy.office ? ` (${started.followedBy.office})` : '',
                })
              : t('house.intake.notFollowed')}
          </p>
          <p>{t('house.intake.next')}</p>
        </Alert>
        <div className="actions">
          <Link className="button" to={`/persons/${started.personId}#dossier-group-language`}>
            {t('house.intake.open')}
          </Link>
          <button type="button" className="button secondary" onClick={() => setStarted(null)}>
            {t('house.intake.another')}
          </button>
        </div>
      </div>
    );

  return (
    <form className="house-intake" onSubmit={submit} noValidate>
      <fieldset>
        <legend>{t('house.intake.legend')}</legend>
        {failure !== null && <Alert>{describeError(failure, t)}</Alert>}
        {Object.keys(errors).length > 0 && <Alert>{t('error.fields')}</Alert>}
        <Field label={t('house.intake.insz')} hint={t('house.intake.inszHint')} error={errors.insz} required>
          {(p) => <input {...p} name="insz" inputMode="numeric" autoComplete="off" value={form.insz} onChange={set('insz')} />}
        </Field>
        <Field label={t('house.intake.on')} error={errors.intakeOn} required>
          {(p) => <input {...p} name="intakeOn" type="date" max={belgianToday()} value={form.intakeOn} onChange={set('intakeOn')} />}
        </Field>
        <Field label={t('house.intake.referredBy')} error={errors.referredBy}>
          {(p) => (
            <select {...p} name="referredBy" value={form.referredBy} onChange={set('referredBy')}>
              <option value="">{t('house.intake.choose')}</option>
              {referrers.entries.map((c) => (
                <option key={c.code} value={c.code}>
                  {referrers.label(c.code)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('house.intake.remarks')} error={errors.remarks}>
          {(p) => <textarea {...p} name="remarks" rows={2} maxLength={2000} value={form.remarks} onChange={set('remarks')} />}
        </Field>
      </fieldset>
      {unknown && (
        <fieldset>
          <legend>{t('house.intake.unknown')}</legend>
          <Field label={t('house.intake.familyName')} error={errors.familyName} required>
            {(p) => <input {...p} name="familyName" autoComplete="off" value={form.familyName} onChange={set('familyName')} />}
          </Field>
          <Field label={t('house.intake.givenNames')} error={errors.givenNames} required>
            {(p) => <input {...p} name="givenNames" autoComplete="off" value={form.givenNames} onChange={set('givenNames')} />}
          </Field>
          <Field label={t('house.intake.gender')} error={errors.gender} required>
            {(p) => (
              <select {...p} name="gender" value={form.gender} onChange={set('gender')}>
                <option value="">{t('house.intake.choose')}</option>
                {genders.entries.map((c) => (
                  <option key={c.code} value={c.code}>
                    {genders.label(c.code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('house.intake.nationality')} error={errors.nationality} required>
            {(p) => (
              <select {...p} name="nationality" value={form.nationality} onChange={set('nationality')}>
                <option value="">{t('house.intake.choose')}</option>
                {[...nationalities.entries]
                  .sort((a, b) => nationalities.label(a.code).localeCompare(nationalities.label(b.code)))
                  .map((c) => (
                    <option key={c.code} value={c.code}>
                      {nationalities.label(c.code)}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          <Field label={t('house.intake.birthDate')} hint={t('house.intake.birthDateHint')} error={errors.birthDate}>
            {(p) => <input {...p} name="birthDate" type="date" value={form.birthDate} onChange={set('birthDate')} />}
          </Field>
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {t('house.intake.submit')}
        </button>
      </div>
    </form>
  );
}

function Intakes({ items }: { items: IntakeItem[] }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const referrers = useCodeList('intake_referrer');
  const results = useCodeList('test_result');
  const adviceTypes = useCodeList('advice_type');
  const shown = onlyOpen ? items.filter((i) => ['TEST', 'ADVICE', 'PLACEMENT'].includes(i.stage)) : items;
  return (
    <>
      <div className="worklist-filters">
        <label>
          <input type="checkbox" name="onlyOpen" checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} /> {t('house.intakes.onlyOpen')}
        </label>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{onlyOpen && items.length ? t('house.intakes.noneOpen') : t('house.intakes.none')}</p>
      ) : (
        <TableScroll label={t('house.intakes.caption')}>
          <table className="table worklist-table">
            <caption>{t('house.intakes.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('house.intakes.person')}</th>
                <th scope="col">{t('house.intakes.on')}</th>
                <th scope="col">{t('house.intakes.referredBy')}</th>
                <th scope="col">{t('house.intakes.test')}</th>
                <th scope="col">{t('house.intakes.advice')}</th>
                <th scope="col">{t('house.intakes.stage')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i) => (
                <tr key={i.id} data-stage={i.stage}>
                  <td>
                    <Link className="worklist-name" to={`/persons/${i.personId}`}>
                      {i.familyName}, {i.givenNames}
                    </Link>
                    <span className="worklist-insz muted">{formatInsz(i.insz)}</span>
                  </td>
                  <td>
                    {fmt.date(i.intakeOn)}
                    <span className="muted house-sub">{t('house.intakes.days', { count: i.daysOpen })}</span>
                  </td>
                  <td>{referrers.label(i.referredBy)}</td>
                  <td>{i.test ? `${results.label(i.test.result)}${i.test.level ? ` · ${i.test.level}` : ''}` : '—'}</td>
                  <td>{i.advice ? `${adviceTypes.label(i.advice.adviceType)}${i.advice.advisedLevel ? ` · ${i.advice.advisedLevel}` : ''}` : '—'}</td>
                  <td>
                    <span className={`badge${['TEST', 'ADVICE', 'PLACEMENT'].includes(i.stage) ? ' warn' : ''}`}>{t(`house.stage.${i.stage}`)}</span>{' '}
                    <Link to={`/persons/${i.personId}#dossier-group-${STEP_GROUP[i.stage]}`}>{t('house.stage.go')}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}

function WaitingList({ queue, onChanged }: { queue: Queue; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const fmt = useFormat();
  const courseTypes = useCodeList('course_type');
  const adviceTypes = useCodeList('advice_type');
  const intensities = useCodeList('course_intensity');
  const [placing, setPlacing] = useState<string | null>(null);
  const [choice, setChoice] = useState('');
  // Worded when shown, so that a language switch rewords it.
  const [message, setMessage] = useState<{ kind: 'success' | 'warning' | 'error'; text: (tr: Translate) => string } | null>(null);
  const [busy, setBusy] = useState(false);
  const selectId = useId();
  const { entries, freePlaces } = queue;

  async function place(entry: QueueEntry) {
    const course = freePlaces.find((c) => c.id === choice);
    if (!course) return;
    setBusy(true);
    try {
      await request('POST', '/api/v1/house/placements', {
        personId: entry.personId,
        courseId: course.id,
        waitingListEntryId: entry.id,
        waitingListVersion: entry.version,
      });
      setMessage({ kind: 'success', text: (tr) => tr('house.waiting.placed', { name: `${entry.givenNames} ${entry.familyName}`, course: course.name }) });
      setPlacing(null);
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      setMessage({
        kind: 'warning',
        text: (tr) => (status === 409 ? tr('house.waiting.full') : status === 412 ? tr('house.waiting.stale') : describeError(err, tr)),
      });
    } finally {
      setBusy(false);
      await onChanged();
    }
  }

  return (
    <>
      {message && <Alert kind={message.kind}>{message.text(t)}</Alert>}
      {entries.length === 0 ? (
        <p className="muted">{t('house.waiting.none')}</p>
      ) : (
        <>
          <p className="house-summary">
            {entries.length === 1
              ? t('house.waiting.summaryOne', { days: queue.oldestWaitingDays ?? 0 })
              : t('house.waiting.summary', { count: entries.length, days: queue.oldestWaitingDays ?? 0 })}
          </p>
          <TableScroll label={t('house.waiting.caption', { house: queue.house.name })}>
            <table className="table worklist-table">
              <caption>{t('house.waiting.caption', { house: queue.house.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('house.waiting.position')}</th>
                  <th scope="col">{t('house.waiting.person')}</th>
                  <th scope="col">{t('house.waiting.courseType')}</th>
                  <th scope="col">{t('house.waiting.age')}</th>
                  <th scope="col">{t('house.waiting.advice')}</th>
                  <th scope="col">{t('house.waiting.place')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => {
                  const fits = freePlaces.filter((c) => c.courseType === e.courseType);
                  const name = `${e.familyName}, ${e.givenNames}`;
                  return (
                    <tr key={e.id}>
                      <td>{e.position}</td>
                      <td>
                        <Link className="worklist-name" to={`/persons/${e.personId}`}>
                          {name}
                        </Link>
                        <span className="worklist-insz muted">{formatInsz(e.insz)}</span>
                      </td>
                      <td>
                        {courseTypes.label(e.courseType)}
                        {e.provider && <span className="muted house-sub">{e.provider}</span>}
                      </td>
                      <td>
                        {t('house.waiting.ageDays', { count: e.waitingDays })}
                        <span className="muted house-sub">{fmt.date(e.appliedOn)}</span>
                      </td>
                      <td>
                        {e.advice ? (
                          <>
                            {adviceTypes.label(e.advice.adviceType)}
                            {(e.advice.advisedLevel || e.advice.intensity) && (
                              <span className="muted house-sub">
                                {[e.advice.advisedLevel, e.advice.intensity ? intensities.label(e.advice.intensity) : null].filter(Boolean).join(' · ')}
                              </span>
                            )}
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        {placing === e.id ? (
                          fits.length === 0 ? (
                            <p className="muted">{t('house.waiting.noFit')}</p>
                          ) : (
                            <div className="house-place">
                              <label htmlFor={`${selectId}-${e.id}`}>{t('house.waiting.placeFor', { name })}</label>
                              <select id={`${selectId}-${e.id}`} value={choice} onChange={(ev) => setChoice(ev.target.value)}>
                                <option value="">{t('house.intake.choose')}</option>
                                {fits.map((c) => (
                                  <option key={c.id} value={c.id}>
                                    {c.name} · {c.provider} · {fmt.date(c.startDate)} · {t('house.free.freeOf', { free: c.free, places: c.places })}
                                  </option>
                                ))}
                              </select>
                              <div className="actions">
                                <button type="button" className="button small" disabled={!choice || busy} onClick={() => void place(e)}>
                                  {t('house.waiting.confirm')}
                                </button>
                                <button type="button" className="button secondary small" onClick={() => setPlacing(null)}>
                                  {t('house.waiting.cancel')}
                                </button>
                              </div>
                            </div>
                          )
                        ) : (
                          <button
                            type="button"
                            className="button secondary small"
                            aria-label={t('house.waiting.placeWho', { name })}
                            onClick={() => {
                              setPlacing(e.id);
                              setChoice('');
                              setMessage(null);
                            }}
                          >
                            {t('house.waiting.place')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
      <h2>{t('house.free.title')}</h2>
      {freePlaces.length === 0 ? (
        <p className="muted">{t('house.free.none')}</p>
      ) : (
        <TableScroll label={t('house.free.caption')}>
          <table className="table worklist-table">
            <caption>{t('house.free.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('house.free.course')}</th>
                <th scope="col">{t('house.free.provider')}</th>
                <th scope="col">{t('house.free.starts')}</th>
                <th scope="col">{t('house.free.level')}</th>
                <th scope="col">{t('house.free.free')}</th>
              </tr>
            </thead>
            <tbody>
              {freePlaces.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.name}
                    <span className="muted house-sub">{courseTypes.label(c.courseType)}</span>
                  </td>
                  <td>
                    {c.provider}
                    {c.location && <span className="muted house-sub">{c.location}</span>}
                  </td>
                  <td>{fmt.date(c.startDate)}</td>
                  <td>{c.targetLevel ?? '—'}</td>
                  <td>{t('house.free.freeOf', { free: c.free, places: c.places })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
