import type { Paths, ProblemDto, TokenPairDto, UserResponseDto } from './schema';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type PathFor<M extends Method> = {
  [P in keyof Paths]: Paths[P] extends Record<M, unknown> ? P : never;
}[keyof Paths];
type Operation<M extends Method, P extends PathFor<M>> =
  Paths[P] extends Record<M, infer O> ? O : never;
type Field<O, K extends string> = O extends Record<K, infer V> ? V : never;

export type Me = UserResponseDto;
export type Role = Me['role'];

/** An answer from the API that was not a success: the problem+json document it sent. */
export class ApiError extends Error {
  constructor(readonly problem: ProblemDto) {
    super(problem.detail || problem.title);
  }
}

const STORAGE_KEY = 'yinqi.session';

interface StoredSession {
  accessToken: string;
  refreshToken: string;
}

function readSession(): StoredSession | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  return raw === null ? null : (JSON.parse(raw) as StoredSession);
}

export function storeTokens(tokens: TokenPairDto): void {
  localStorage.setItem(
    STORAGE_KEY,
    JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
  );
}

export function clearSession(): void {
  localStorage.removeItem(STORAGE_KEY);
}

export function hasSession(): boolean {
  return readSession() !== null;
}

type ExpiryListener = () => void;
const expiryListeners = new Set<ExpiryListener>();

/** Called when the session can no longer be refreshed; the app shows the login screen. */
export function onSessionExpired(listener: ExpiryListener): () => void {
  expiryListeners.add(listener);
  return () => expiryListeners.delete(listener);
}

// Several requests may find the access token expired at once; they share one refresh, since
// the server rotates the refresh token and a second use of the old one would be refused.
let refreshing: Promise<boolean> | null = null;

async function refresh(): Promise<boolean> {
  const session = readSession();
  if (session === null) {
    return false;
  }
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  });
  if (!response.ok) {
    return false;
  }
  storeTokens((await response.json()) as TokenPairDto);
  return true;
}

function refreshOnce(): Promise<boolean> {
  refreshing ??= refresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export interface CallOptions<M extends Method, P extends PathFor<M>> {
  params?: Record<string, string>;
  query?: Partial<Record<keyof Field<Operation<M, P>, 'query'>, string | number | boolean>>;
  body?: Field<Operation<M, P>, 'body'>;
  /** For money actions: one key per dialog, so a retried click cannot move money twice. */
  idempotencyKey?: string;
}

async function send(
  method: Method,
  url: string,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<Response> {
  const session = readSession();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (session !== null) {
    headers.authorization = `Bearer ${session.accessToken}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (idempotencyKey !== undefined) {
    headers['idempotency-key'] = idempotencyKey;
  }
  return fetch(url, {
    method: method.toUpperCase(),
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function problemOf(response: Response, text: string): ProblemDto {
  try {
    return JSON.parse(text) as ProblemDto;
  } catch {
    return {
      type: 'about:blank',
      title: response.statusText,
      status: response.status,
      detail: text.slice(0, 200),
      code: 'INTERNAL_ERROR',
      correlationId: response.headers.get('x-request-id') ?? '',
    };
  }
}

/** A typed call of one operation of the API (types generated from its OpenAPI document). */
export async function api<M extends Method, P extends PathFor<M>>(
  method: M,
  path: P,
  options: CallOptions<M, P> = {},
): Promise<Field<Operation<M, P>, 'response'>> {
  let url = (path as string).replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(options.params?.[name] ?? ''),
  );
  const query = Object.entries(options.query ?? {}).filter(
    ([, value]) => value !== undefined && value !== '',
  );
  if (query.length > 0) {
    url += `?${new URLSearchParams(query.map(([key, value]) => [key, String(value)])).toString()}`;
  }
  let response = await send(method, url, options.body, options.idempotencyKey);
  if (response.status === 401 && hasSession() && !url.startsWith('/api/v1/auth/login')) {
    if (await refreshOnce()) {
      response = await send(method, url, options.body, options.idempotencyKey);
    }
    if (response.status === 401) {
      clearSession();
      expiryListeners.forEach((listener) => listener());
    }
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ApiError(problemOf(response, text));
  }
  return (text === '' ? undefined : JSON.parse(text)) as Field<Operation<M, P>, 'response'>;
}

/** Sends a CSV file as the body of a POST (the project import), answering its JSON. */
export async function postCsv<T>(url: string, text: string): Promise<T> {
  const session = readSession();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'text/csv; charset=utf-8',
      ...(session === null ? {} : { authorization: `Bearer ${session.accessToken}` }),
    },
    body: text,
  });
  const answer = await response.text();
  if (!response.ok) {
    throw new ApiError(problemOf(response, answer));
  }
  return JSON.parse(answer) as T;
}

/**
 * Fetches a report as CSV (the API answers `Accept: text/csv` with the same table) and hands it
 * to the browser as a download.
 */
export async function downloadCsv(url: string, filename: string): Promise<void> {
  const session = readSession();
  const response = await fetch(url, {
    headers: {
      accept: 'text/csv',
      ...(session === null ? {} : { authorization: `Bearer ${session.accessToken}` }),
    },
  });
  if (!response.ok) {
    throw new ApiError(problemOf(response, await response.text()));
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** Logs out on the server (revoking the refresh token) and forgets the session here. */
export async function logout(): Promise<void> {
  const session = readSession();
  if (session !== null) {
    await api('post', '/api/v1/auth/logout', {
      body: { refreshToken: session.refreshToken },
    }).catch(() => undefined);
  }
  clearSession();
}
