/**
 * The one place that talks HTTP. Same-origin fetches with the session cookie; every failure
 * becomes an ApiError whose message a person can act on. A 401 anywhere (except the login call
 * itself) hands control to the router, which shows the login page.
 */
import type {
  Recording,
  RecordingRow,
  RetentionAnswer,
  SessionRecord,
  SessionsPage,
  VideoRow,
  VideoSummary,
  ViewersPage,
} from './types.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get unauthorized(): boolean {
    return this.status === 401;
  }
  get notFound(): boolean {
    return this.status === 404;
  }
}

let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

const statusText: Record<number, string> = {
  400: 'The server rejected the request',
  403: 'You are not allowed to see this',
  404: 'Not found',
  413: 'The request is too large',
  429: 'Too many requests — wait a moment and retry',
  503: 'The database is unavailable — retry in a moment',
};

interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** The login call answers 401 for a wrong password: that is not "log in again". */
  expectUnauthorized?: boolean;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      credentials: 'include',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : null,
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError('Cannot reach the watchtime server — is it running?', 0);
  }
  if (response.status === 401 && !options.expectUnauthorized) {
    onUnauthorized();
    throw new ApiError('Please log in', 401);
  }
  if (!response.ok) {
    let body: { error?: unknown; issues?: Array<{ path: string; message: string }> } = {};
    try {
      body = await response.json();
    } catch {
      // not JSON: the status line says enough
    }
    const fallback = statusText[response.status] ?? `The server answered ${response.status}`;
    const message = typeof body.error === 'string' && body.error ? body.error : fallback;
    throw new ApiError(message, response.status, Array.isArray(body.issues) ? body.issues : []);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const enc = encodeURIComponent;
type Opt = { signal?: AbortSignal };

export const api = {
  login: (password: string) =>
    request<void>('/v1/login', { method: 'POST', body: { password }, expectUnauthorized: true }),
  logout: () => request<void>('/v1/logout', { method: 'POST', expectUnauthorized: true }),
  me: (o: Opt = {}) => request<{ role: string }>('/v1/me', { ...o, expectUnauthorized: true }),
  videos: (o: Opt = {}) => request<{ videos: VideoRow[] }>('/v1/videos', o),
  summary: (videoId: string, o: Opt = {}) => request<VideoSummary>(`/v1/videos/${enc(videoId)}/summary`, o),
  retention: (videoId: string, buckets: number, o: Opt = {}) =>
    request<RetentionAnswer>(`/v1/videos/${enc(videoId)}/retention?buckets=${buckets}`, o),
  viewers: (videoId: string, limit: number, offset: number, o: Opt = {}) =>
    request<ViewersPage>(`/v1/videos/${enc(videoId)}/viewers?limit=${limit}&offset=${offset}`, o),
  sessions: (videoId: string, limit: number, offset: number, o: Opt = {}) =>
    request<SessionsPage>(`/v1/videos/${enc(videoId)}/sessions?limit=${limit}&offset=${offset}`, o),
  session: (sessionId: string, o: Opt = {}) => request<SessionRecord>(`/v1/sessions/${enc(sessionId)}`, o),
  correlation: (sessionId: string, o: Opt = {}) =>
    request<Record<string, unknown>>(`/v1/sessions/${enc(sessionId)}/correlation`, o),
  recordings: (o: Opt = {}) => request<{ recordings: RecordingRow[] }>('/v1/recordings', o),
  recording: (id: string, o: Opt = {}) => request<Recording>(`/v1/recordings/${enc(id)}`, o),
};
