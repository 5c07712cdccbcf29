/**
 * The client's attendance against the 80 % rule on the OCMW's consultation screen (seed 001: an
 * OCMW could not check it without a detour): the judgement KBI makes, the same the caseworker sees,
 * shown only where the OCMW's authorisations give it both the courses and the components clusters.
 */
import { useEffect, useState } from 'react';
import { post } from '../../api.ts';
import { ErrorAlert } from '../../components/forms.tsx';
import { AttendanceJudgement } from '../dossier/AttendanceRule.tsx';
import type { PersonAttendance } from '../dossier/model.ts';
import type { Cluster } from './types.ts';

export interface ClientAttendanceState {
  allowed: boolean;
  attendance: PersonAttendance | null;
  failure: unknown;
}

/** Asks KBI's judgement once per consultation, where the authorisations allow it. */
export function useClientAttendance(insz: string, purpose: string, clusters: ReadonlySet<Cluster>): ClientAttendanceState {
  const allowed = clusters.has('courses') && clusters.has('components');
  const [attendance, setAttendance] = useState<PersonAttendance | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    if (!allowed) return;
    let live = true;
    post<{ known: boolean; attendance?: PersonAttendance }>('/api/v1/consultations/attendance', { insz, purpose })
      .then((r) => live && setAttendance(r.attendance ?? null))
      .catch((e: unknown) => live && setFailure(e));
    return () => {
      live = false;
    };
  }, [allowed, insz, purpose]);
  return { allowed, attendance, failure };
}

/** The judgement inside the courses panel (part 3 of seed 002's screen), beneath its own heading level. */
export function ClientAttendance({ attendance }: { attendance: PersonAttendance | null | undefined }) {
  return attendance ? <AttendanceJudgement attendance={attendance} level={4} /> : null;
}

/** What went wrong asking for it, if anything. */
export function ClientAttendanceFailure({ state }: { state: ClientAttendanceState }) {
  return state.failure !== null ? <ErrorAlert error={state.failure} /> : null;
}
