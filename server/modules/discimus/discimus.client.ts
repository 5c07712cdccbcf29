/**
 * The adapter to DISCIMUS, the education database: `POST {KBI_DISCIMUS_URL}/enrolments {insz,
 * schoolYear}` answers whether the pupil is enrolled in a school that school year. Every failure
 * (not configured, no connection, timeout, an error status, an answer we do not understand) comes
 * back as a value with a plain reason, never as a throw, so that the caller can record it. The
 * reason never holds the INSZ.
 */
export interface DiscimusAnswer {
  status: 'INGESCHREVEN' | 'UITGESCHREVEN';
  enrolled: boolean;
  schoolYear: string;
  [more: string]: unknown;
}

export type DiscimusResult = { ok: true; answer: DiscimusAnswer } | { ok: false; error: string };

export interface DiscimusClient {
  readonly url: string | null;
  ask(question: { insz: string; schoolYear: string }): Promise<DiscimusResult>;
}

function understood(body: unknown, schoolYear: string): body is DiscimusAnswer {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return (
    (b.status === 'INGESCHREVEN' || b.status === 'UITGESCHREVEN') &&
    typeof b.enrolled === 'boolean' &&
    b.enrolled === (b.status === 'INGESCHREVEN') &&
    b.schoolYear === schoolYear
  );
}

export function discimusClient(options: { url: string | null; timeoutMs: number }): DiscimusClient {
  const { url, timeoutMs } = options;
  return {
    url,
    async ask({ insz, schoolYear }) {
      if (!url) return { ok: false, error: 'DISCIMUS is not configured (KBI_DISCIMUS_URL)' };
      let res: Response;
      try {
        res = await fetch(`${url}/enrolments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ insz, schoolYear }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        if (err.name === 'TimeoutError' || err.name === 'AbortError') return { ok: false, error: `no answer within ${timeoutMs} ms` };
        return { ok: false, error: `could not reach DISCIMUS${err.cause?.code ? ` (${err.cause.code})` : ''}` };
      }
      let body: unknown = null;
      try {
        body = await res.json();
      } catch {
        /* not JSON */
      }
      if (!res.ok) {
        const said =
          body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string'
            ? `: ${(body as { error: string }).error.slice(0, 200)}`
            : '';
        return { ok: false, error: `DISCIMUS answered HTTP ${res.status}${said}` };
      }
      if (!understood(body, schoolYear)) return { ok: false, error: 'DISCIMUS answered something KBI does not understand' };
      return { ok: true, answer: body };
    },
  };
}
