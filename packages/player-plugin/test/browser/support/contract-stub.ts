/**
 * contract-stub — a loopback stand-in for the SPEC §7 viewer endpoints, used until
 * `apps/server` exists (it is being built in parallel). It is a FAKE of the server, named as
 * such; what it checks is the plugin's side of the contract:
 *   PUT/GET /v1/videos/{videoId}/viewers/{viewerId}/sections, POST /v1/beacon,
 *   PUT /v1/sessions/{sessionId} — bodies validated with core's zod schemas, the merge done
 *   with core's IntervalSet, the Authorization header required (401 without, 403 for another
 *   viewer's record), CORS with preflight as a separate-origin server would answer.
 * Faults are real: `stop()` closes the listening socket (connection refused), `failWith(503)`
 * answers 5xx, `refusePreflight` makes CORS preflights fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  beaconPayloadSchema,
  describeIssues,
  IntervalSet,
  LIMITS,
  type SessionDoc,
  sectionsPayloadSchema,
  sessionSchema,
} from '@watchtime/core';

export interface StubRequest {
  method: string;
  path: string;
  status: number;
  at: number;
  auth: boolean;
  sections?: number;
}

interface Stored {
  sections: IntervalSet;
  durationMs: number;
}

export class ContractStub {
  readonly records = new Map<string, Stored>();
  readonly sessions = new Map<string, { viewerId: string; doc: SessionDoc }>();
  readonly requests: StubRequest[] = [];
  /** token → viewerId: what a real server would read from the JWT's `sub`. */
  readonly tokens = new Map<string, string>();
  failStatus: number | null = null;
  refusePreflight = false;
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  sectionsOf(videoId: string, viewerId: string): Array<[number, number]> {
    return this.records.get(`${videoId}|${viewerId}`)?.sections.toJSON() ?? [];
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e) => this.send(req, res, 500, { error: String(e) }));
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  /** The server goes away: the port refuses connections until `start()` again. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private cors(res: ServerResponse): void {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-methods', 'GET, PUT, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', 'authorization, content-type');
    res.setHeader('access-control-max-age', '0');
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: unknown,
    extra: Partial<StubRequest> = {},
  ): void {
    this.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      status,
      at: Date.now(),
      auth: Boolean(req.headers.authorization),
      ...extra,
    });
    if (res.headersSent) return;
    if (!(this.refusePreflight && req.method === 'OPTIONS')) this.cors(res);
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'OPTIONS') {
      if (this.refusePreflight) return this.send(req, res, 403, { error: 'preflight refused' });
      return this.send(req, res, 204, null);
    }
    if (this.failStatus !== null) return this.send(req, res, this.failStatus, { error: 'injected failure' });
    const raw = await readBody(req);
    if (raw === null) return this.send(req, res, 413, { error: `body larger than ${LIMITS.maxBodyBytes} bytes` });

    const sections = /^\/v1\/videos\/([^/]+)\/viewers\/([^/]+)\/sections$/.exec(url.pathname);
    if (sections) {
      const videoId = decodeURIComponent(sections[1] as string);
      const viewerId = decodeURIComponent(sections[2] as string);
      const who = this.viewerOf(req.headers.authorization);
      if (!who) return this.send(req, res, 401, { error: 'missing or unknown bearer token' });
      if (who !== viewerId) return this.send(req, res, 403, { error: `token is for ${who}, not ${viewerId}` });
      if (req.method === 'GET') return this.send(req, res, 200, this.answer(videoId, viewerId));
      if (req.method !== 'PUT') return this.send(req, res, 405, { error: 'method not allowed' });
      const parsed = sectionsPayloadSchema.safeParse(parseJson(raw));
      if (!parsed.success)
        return this.send(req, res, 400, { error: 'invalid sections payload', issues: describeIssues(parsed.error) });
      this.merge(videoId, viewerId, parsed.data.durationMs, parsed.data.sections);
      return this.send(req, res, 200, this.answer(videoId, viewerId), { sections: parsed.data.sections.length });
    }
    if (url.pathname === '/v1/beacon' && req.method === 'POST') {
      const parsed = beaconPayloadSchema.safeParse(parseJson(raw));
      if (!parsed.success)
        return this.send(req, res, 400, { error: 'invalid beacon payload', issues: describeIssues(parsed.error) });
      const who = this.tokens.get(parsed.data.token);
      if (!who) return this.send(req, res, 401, { error: 'unknown token in beacon body' });
      this.merge(parsed.data.videoId, who, parsed.data.durationMs, parsed.data.sections);
      return this.send(req, res, 204, null, { sections: parsed.data.sections.length });
    }
    const session = /^\/v1\/sessions\/([^/]+)$/.exec(url.pathname);
    if (session && req.method === 'PUT') {
      const who = this.viewerOf(req.headers.authorization);
      if (!who) return this.send(req, res, 401, { error: 'missing or unknown bearer token' });
      const id = decodeURIComponent(session[1] as string);
      const prior = this.sessions.get(id);
      if (prior && prior.viewerId !== who)
        return this.send(req, res, 403, { error: 'session belongs to another viewer' });
      const parsed = sessionSchema.safeParse(parseJson(raw));
      if (!parsed.success)
        return this.send(req, res, 400, { error: 'invalid session document', issues: describeIssues(parsed.error) });
      this.sessions.set(id, { viewerId: who, doc: parsed.data });
      return this.send(req, res, 200, { sessionId: id, ok: true });
    }
    return this.send(req, res, 404, { error: 'not found' });
  }

  private viewerOf(header: string | undefined): string | null {
    const m = /^Bearer (.+)$/.exec(header ?? '');
    return m ? (this.tokens.get(m[1] as string) ?? null) : null;
  }

  private merge(videoId: string, viewerId: string, durationMs: number, sections: Array<[number, number]>): void {
    const key = `${videoId}|${viewerId}`;
    const rec = this.records.get(key) ?? { sections: new IntervalSet(), durationMs };
    rec.sections.addAll(sections);
    rec.durationMs = Math.max(rec.durationMs, durationMs);
    this.records.set(key, rec);
  }

  private answer(videoId: string, viewerId: string) {
    const rec = this.records.get(`${videoId}|${viewerId}`);
    if (!rec) return { sections: [], watchedMs: 0, coverage: 0 };
    const watchedMs = rec.sections.totalMs;
    return { sections: rec.sections.toJSON(), watchedMs, coverage: Math.min(1, watchedMs / rec.durationMs) };
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > LIMITS.maxBodyBytes) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
