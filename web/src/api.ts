/**
 * The one way the app talks to KBI: JSON over fetch, same origin, the session cookie sent by the
 * browser and the CSRF token on every change. A failure arrives as RFC 9457 problem+json and is
 * raised as an ApiError, with the offending fields so that a form can show each next to its field.
 */

export interface Issue {
  in: string;
  name: string;
  detail: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  code?: string;
  detail?: string;
  issues?: Issue[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
  /** Field name → what is wrong, for the body fields the server named. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.problem.issues ?? []) if (issue.in === 'body' && !(issue.name in out)) out[issue.name.split('.')[0]!] = issue.detail;
    return out;
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

/** Called when the server says the session is gone, so the app can show the log-in page. */
let onUnauthenticated: () => void = () => {};
export const whenUnauthenticated = (fn: () => void) => {
  onUnauthenticated = fn;
};

export interface Reply<T> {
  body: T;
  etag: string | null;
  status: number;
}

export async function request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json, application/problem+json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) (init.headers as Record<string, string>)['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError({ title: 'Network error', status: 0, code: 'network', detail: 'KBI could not be reached' });
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : { title: res.statusText, status: res.status }) as Problem;
    if (res.status === 401 && path !== '/api/v1/session') onUnauthenticated();
    throw new ApiError({ ...problem, status: res.status });
  }
  return { body: parsed as T, etag: res.headers.get('etag'), status: res.status };
}

export const get = async <T = unknown>(path: string) => (await request<T>('GET', path)).body;
export const post = async <T = unknown>(path: string, body?: unknown) => (await request<T>('POST', path, body ?? {})).body;

export interface Page<T> {
  items: T[];
  next: string | null;
}
