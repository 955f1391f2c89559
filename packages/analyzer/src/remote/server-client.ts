/**
 * The one place the analyzer CLI speaks HTTP (the library itself knows nothing of servers):
 * read a session's telemetry and store an analysis, through the public API of docs/API.md.
 */
import type { SessionTelemetry } from '../correlate/correlate.js';

export class ServerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ServerClient {
  getSession(sessionId: string): Promise<SessionTelemetry & { videoId?: string; viewerId?: string }>;
  postRecording(body: Record<string, unknown>): Promise<{ id: string }>;
}

export function serverClient(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): ServerClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new ServerError(`cannot reach ${base}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // fall through: the status says what happened
    }
    if (!res.ok) {
      const why = (parsed as { error?: string } | null)?.error ?? text.slice(0, 200);
      throw new ServerError(`${method} ${path}: ${res.status} ${why}`, res.status);
    }
    return parsed as T;
  }
  return {
    getSession: (id) => call('GET', `/v1/sessions/${encodeURIComponent(id)}`),
    postRecording: (body) => call('POST', '/v1/recordings', body),
  };
}
