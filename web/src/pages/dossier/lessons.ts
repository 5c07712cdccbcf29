/** The lessons of one course (all its modules), loaded when a participation needs them. */
import { useEffect, useState } from 'react';
import { loadAll, type References } from './context.tsx';
import type { Rec } from './model.ts';

export function useLessons(courseId: unknown, refs: References): Rec[] | null {
  const [lessons, setLessons] = useState<Rec[] | null>(null);
  const modules = refs.list('courseModules');
  const moduleIds =
    typeof courseId === 'string' && modules
      ? modules
          .filter((m) => m.courseId === courseId)
          .map((m) => m.id)
          .sort()
          .join(',')
      : null;
  useEffect(() => {
    if (moduleIds === null) {
      setLessons(null);
      return;
    }
    let live = true;
    Promise.all(
      moduleIds
        .split(',')
        .filter(Boolean)
        .map((id) => loadAll('lessons', `&moduleId=${id}`)),
    ).then(
      (all) => {
        if (live) setLessons(all.flat().sort((a, b) => String(a.startsAt).localeCompare(String(b.startsAt))));
      },
      () => {
        if (live) setLessons([]);
      },
    );
    return () => {
      live = false;
    };
  }, [moduleIds]);
  return lessons;
}
