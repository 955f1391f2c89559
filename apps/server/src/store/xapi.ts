/**
 * xAPI Video Profile statements (issue 10) built from stored data, and their checks.
 *
 * Per session: `initialized` (at `startedAt`), `paused` and the `played` that resumes it (from
 * the session's pauses), `seeked` (from its seeks). Per viewer and video: the stored merged set
 * as `played-segments` — `completed` when the completion rule has held (at `completedAt`), else
 * a `paused` at the record's last update. That last statement is what import reads back, so
 * export → import reproduces every set exactly (seconds with three decimals, SPEC §8).
 * A session's own starting position is not stored, so no opening `played` is invented.
 */
import { createHash } from 'node:crypto';
import validateStatement from '@learninglocker/xapi-validation';
import { parsePlayedSegments, type Section, SectionError, toPlayedSegments, watchMetrics } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { fromMultirange } from '../db/multirange.js';
import { num, numOrNull, parseJson } from '../db/values.js';

export const VIDEO = 'https://w3id.org/xapi/video';
export const EXT = {
  playedSegments: `${VIDEO}/extensions/played-segments`,
  progress: `${VIDEO}/extensions/progress`,
  time: `${VIDEO}/extensions/time`,
  timeFrom: `${VIDEO}/extensions/time-from`,
  timeTo: `${VIDEO}/extensions/time-to`,
  length: `${VIDEO}/extensions/length`,
  sessionId: `${VIDEO}/extensions/session-id`,
  userAgent: `${VIDEO}/extensions/user-agent`,
} as const;
export const VERBS = {
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  played: `${VIDEO}/verbs/played`,
  paused: `${VIDEO}/verbs/paused`,
  seeked: `${VIDEO}/verbs/seeked`,
  completed: 'http://adlnet.gov/expapi/verbs/completed',
} as const;
export type VerbName = keyof typeof VERBS;
const VIDEO_TYPE = `${VIDEO}/activity-type/video`;

/** Where actors and activities live: `<base>/videos/<videoId>`, actor account homePage `<base>`. */
export interface XapiIdentity {
  base: string;
}

export function xapiIdentity(env: NodeJS.ProcessEnv = process.env): XapiIdentity {
  return { base: (env.WATCHTIME_XAPI_BASE ?? 'https://watchtime.example').replace(/\/+$/, '') };
}

// biome-ignore lint/suspicious/noExplicitAny: statements are open JSON documents
export type Statement = Record<string, any>;

/** Name-based UUID (v5 layout over SHA-1), so re-exports carry the same ids and LRSs dedupe. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`watchtime:${name}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const secs = (ms: number) => Number((ms / 1000).toFixed(3));
const iso = (ms: number) => new Date(ms).toISOString();
const isoDuration = (ms: number) => `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}S`;

interface Ctx {
  id: XapiIdentity;
  videoId: string;
  viewerId: string;
  durationMs: number;
  registration: string;
  sessionId?: string;
}

function statement(ctx: Ctx, verb: VerbName, key: string, at: number, result?: Statement, ext: Statement = {}) {
  const s: Statement = {
    id: stableUuid(`${ctx.videoId}/${ctx.viewerId}/${key}`),
    actor: { objectType: 'Agent', account: { homePage: ctx.id.base, name: ctx.viewerId } },
    verb: { id: VERBS[verb], display: { 'en-US': verb } },
    object: {
      objectType: 'Activity',
      id: `${ctx.id.base}/videos/${encodeURIComponent(ctx.videoId)}`,
      definition: { type: VIDEO_TYPE, name: { 'en-US': ctx.videoId } },
    },
    context: {
      registration: ctx.registration,
      contextActivities: { category: [{ id: VIDEO }] },
      extensions: {
        [EXT.length]: secs(ctx.durationMs),
        ...(ctx.sessionId ? { [EXT.sessionId]: ctx.sessionId } : {}),
        ...ext,
      },
    },
    timestamp: iso(at),
  };
  if (result) s.result = result;
  return s;
}

export interface SessionForXapi {
  sessionId: string;
  doc: {
    startedAt: number;
    userAgent?: string;
    pauses?: Array<{ atWallMs: number; atMediaMs: number; durationMs: number }>;
    seeks?: Array<{ atWallMs: number; fromMs: number; toMs: number }>;
  };
}

export function sessionStatements(
  id: XapiIdentity,
  videoId: string,
  viewerId: string,
  durationMs: number,
  session: SessionForXapi,
): Statement[] {
  const ctx: Ctx = {
    id,
    videoId,
    viewerId,
    durationMs,
    registration: stableUuid(`session:${session.sessionId}`),
    sessionId: session.sessionId,
  };
  const { doc } = session;
  const out: Statement[] = [
    statement(
      ctx,
      'initialized',
      `${session.sessionId}/initialized`,
      doc.startedAt,
      undefined,
      doc.userAgent ? { [EXT.userAgent]: doc.userAgent } : {},
    ),
  ];
  const timed: Array<[number, Statement]> = [];
  for (const [i, p] of (doc.pauses ?? []).entries()) {
    timed.push([
      p.atWallMs,
      statement(ctx, 'paused', `${session.sessionId}/paused/${i}`, p.atWallMs, {
        extensions: { [EXT.time]: secs(p.atMediaMs) },
      }),
    ]);
    timed.push([
      p.atWallMs + p.durationMs,
      statement(ctx, 'played', `${session.sessionId}/played/${i}`, p.atWallMs + p.durationMs, {
        extensions: { [EXT.time]: secs(p.atMediaMs) },
      }),
    ]);
  }
  for (const [i, s] of (doc.seeks ?? []).entries())
    timed.push([
      s.atWallMs,
      statement(ctx, 'seeked', `${session.sessionId}/seeked/${i}`, s.atWallMs, {
        extensions: { [EXT.timeFrom]: secs(s.fromMs), [EXT.timeTo]: secs(s.toMs) },
      }),
    ]);
  timed.sort((a, b) => a[0] - b[0]);
  return [...out, ...timed.map(([, s]) => s)];
}

/** The viewer's merged set: `completed` once the rule held, else `paused` at the last update. */
export function viewerStatement(
  id: XapiIdentity,
  videoId: string,
  viewerId: string,
  durationMs: number,
  sections: Section[],
  completedAt: number | null,
  updatedAt: number,
  playedWallMs: number,
): Statement {
  const ctx: Ctx = { id, videoId, viewerId, durationMs, registration: stableUuid(`viewer:${videoId}/${viewerId}`) };
  const { coverage } = watchMetrics(sections, durationMs);
  const last = sections.length > 0 ? (sections[sections.length - 1] as Section)[1] : 0;
  const extensions = {
    [EXT.playedSegments]: toPlayedSegments(sections),
    // Floored to three decimals (1.000 only when complete); the epsilon absorbs 0.29 × 1000 = 289.99….
    [EXT.progress]: Math.floor(coverage * 1000 + 1e-9) / 1000,
    [EXT.time]: secs(last),
  };
  if (completedAt !== null)
    return statement(ctx, 'completed', 'completed', completedAt, {
      completion: true,
      duration: isoDuration(playedWallMs),
      extensions,
    });
  return statement(ctx, 'paused', `summary/${updatedAt}`, updatedAt, { extensions });
}

/** Every problem with a statement: the validation library's, then the Video Profile's rules. */
export function checkStatement(s: Statement, otherVerbs = false): string[] {
  const problems = (
    validateStatement as unknown as (d: unknown) => Array<{ path: string[]; message: string; data: unknown }>
  )(s).map((w) => `${w.path.join('.')}: ${w.message} (${JSON.stringify(w.data)?.slice(0, 80)})`);
  if (problems.length > 0) return problems;
  const verb = (Object.entries(VERBS).find(([, v]) => v === s.verb?.id)?.[0] ?? null) as VerbName | null;
  // An LMS's own history may hold other verbs (e.g. terminated): import reads only its played-segments.
  if (!verb) return otherVerbs ? [] : [`verb ${s.verb?.id} is not one of the Video Profile verbs this server uses`];
  const out: string[] = [];
  if (s.object?.definition?.type !== VIDEO_TYPE) out.push(`object.definition.type must be ${VIDEO_TYPE}`);
  const cats: Array<{ id?: string }> = s.context?.contextActivities?.category ?? [];
  if (!cats.some((c) => c.id === VIDEO)) out.push(`context.contextActivities.category must include ${VIDEO}`);
  if (!s.context?.registration) out.push('context.registration is required (one per session)');
  if (!s.timestamp) out.push('timestamp is required');
  const ext: Statement = s.result?.extensions ?? {};
  const needs = (k: string) => {
    if (!(k in ext)) out.push(`${verb}: result.extensions must have ${k}`);
  };
  const seconds = (k: string) => {
    if (k in ext && (typeof ext[k] !== 'number' || ext[k] < 0 || !Number.isFinite(ext[k])))
      out.push(`${k} must be a non-negative number of seconds`);
  };
  if (verb === 'played' || verb === 'paused' || verb === 'completed') needs(EXT.time);
  if (verb === 'seeked') {
    needs(EXT.timeFrom);
    needs(EXT.timeTo);
  }
  if (verb === 'completed') {
    needs(EXT.playedSegments);
    needs(EXT.progress);
    if (s.result?.completion !== true) out.push('completed: result.completion must be true');
    if (typeof s.result?.duration !== 'string') out.push('completed: result.duration is required');
  }
  for (const k of [EXT.time, EXT.timeFrom, EXT.timeTo]) seconds(k);
  if (EXT.progress in ext) {
    const p = ext[EXT.progress];
    if (typeof p !== 'number' || p < 0 || p > 1 || Math.abs(p * 1000 - Math.round(p * 1000)) > 1e-6)
      out.push('progress must be a number from 0 to 1 with at most three decimals');
  }
  if (EXT.playedSegments in ext) {
    const ps = ext[EXT.playedSegments];
    if (typeof ps !== 'string' || !/^(\d+\.\d{3}\[\.\]\d+\.\d{3}(\[,\]\d+\.\d{3}\[\.\]\d+\.\d{3})*)?$/.test(ps))
      out.push('played-segments must be "start[.]end" pairs joined by "[,]", seconds with three decimals');
    else
      try {
        parsePlayedSegments(ps);
      } catch (error) {
        out.push(`played-segments: ${(error as Error).message}`);
      }
  }
  return out;
}

export interface ExportFilter {
  videoId?: string;
  since?: number;
  until?: number;
}

const BATCH = 200;

/**
 * Statements page by page: keyset over the sections key (video_id, viewer_id); a viewer's
 * sessions (those started in the range) come with it, then the viewer's set statement (when the
 * record was updated in the range).
 */
export async function* statementPages(db: Database, id: XapiIdentity, f: ExportFilter): AsyncGenerator<Statement[]> {
  let after: [string, string] | null = null;
  const since = f.since ?? 0;
  const until = f.until ?? Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows: Array<Record<string, unknown>> = await db.rows(sql`
      SELECT s.video_id, s.viewer_id, s.sections::text AS sections, v.duration_ms,
             floor(extract(epoch FROM s.completed_at) * 1000)::int8 AS completed_at,
             floor(extract(epoch FROM s.updated_at) * 1000)::int8 AS updated_at,
             (SELECT COALESCE(sum(p.played_wall_ms), 0) FROM playback_sessions p
                WHERE p.video_id = s.video_id AND p.viewer_id = s.viewer_id) AS played,
             (SELECT COALESCE(json_agg(json_build_object('sessionId', p.session_id, 'doc', p.doc) ORDER BY p.started_at, p.session_id), '[]')::text
                FROM playback_sessions p WHERE p.video_id = s.video_id AND p.viewer_id = s.viewer_id
                AND p.started_at >= ${since} AND p.started_at < ${until}) AS sessions
      FROM sections s JOIN videos v ON v.video_id = s.video_id
      WHERE TRUE ${f.videoId ? sql`AND s.video_id = ${f.videoId}` : sql``}
        ${after ? sql`AND (s.video_id, s.viewer_id) > (${after[0]}, ${after[1]})` : sql``}
      ORDER BY s.video_id, s.viewer_id LIMIT ${BATCH}`);
    const page: Statement[] = [];
    for (const r of rows) {
      const videoId = String(r.video_id);
      const viewerId = String(r.viewer_id);
      const durationMs = num(r.duration_ms);
      for (const session of parseJson(r.sessions) as SessionForXapi[])
        page.push(...sessionStatements(id, videoId, viewerId, durationMs, session));
      const updatedAt = num(r.updated_at);
      if (updatedAt >= since && updatedAt < until)
        page.push(
          viewerStatement(
            id,
            videoId,
            viewerId,
            durationMs,
            fromMultirange(r.sections as string),
            numOrNull(r.completed_at),
            updatedAt,
            num(r.played),
          ),
        );
    }
    if (page.length > 0) yield page;
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1] as Record<string, unknown>;
    after = [String(last.video_id), String(last.viewer_id)];
  }
}

export interface ImportItem {
  videoId: string;
  viewerId: string;
  durationMs: number;
  sections: Section[];
}

/**
 * What an import merges: every statement with played-segments, grouped per viewer and video.
 * The video comes from the activity id (`<base>/videos/<id>`), the viewer from the actor's
 * account name, the duration from the `length` context extension. Errors name the statement.
 */
export function importItems(id: XapiIdentity, statements: Statement[]): { items: ImportItem[]; errors: string[] } {
  const errors: string[] = [];
  const groups = new Map<string, ImportItem>();
  const prefix = `${id.base}/videos/`;
  for (const [i, s] of statements.entries()) {
    const where = `statement ${i}${s?.id ? ` (${s.id})` : ''}`;
    const problems = checkStatement(s, true);
    if (problems.length > 0) {
      errors.push(...problems.map((p) => `${where}: ${p}`));
      continue;
    }
    const segments = s.result?.extensions?.[EXT.playedSegments];
    if (segments === undefined) continue;
    const objectId = String(s.object?.id ?? '');
    if (!objectId.startsWith(prefix)) {
      errors.push(`${where}: object.id ${objectId} is not a video of ${prefix}`);
      continue;
    }
    const videoId = decodeURIComponent(objectId.slice(prefix.length));
    const viewerId = s.actor?.account?.name;
    if (typeof viewerId !== 'string' || !/^[A-Za-z0-9._:@-]{1,200}$/.test(viewerId)) {
      errors.push(`${where}: actor.account.name must be a viewer id (letters, digits and . _ : @ -)`);
      continue;
    }
    const length = s.context?.extensions?.[EXT.length];
    if (typeof length !== 'number' || !(length > 0)) {
      errors.push(`${where}: context.extensions ${EXT.length} (video length in seconds) is required to import`);
      continue;
    }
    let sections: Section[];
    try {
      sections = parsePlayedSegments(segments);
    } catch (error) {
      errors.push(`${where}: ${error instanceof SectionError ? error.message : String(error)}`);
      continue;
    }
    const durationMs = Math.round(length * 1000);
    const over = sections.find(([, e]) => e > durationMs);
    if (over) {
      errors.push(`${where}: segment ending at ${over[1] / 1000} s is beyond the video length ${length} s`);
      continue;
    }
    const key = `${videoId}\u0000${viewerId}`;
    const g = groups.get(key) ?? { videoId, viewerId, durationMs, sections: [] };
    g.durationMs = Math.max(g.durationMs, durationMs);
    g.sections = g.sections.concat(sections);
    groups.set(key, g);
  }
  return { items: [...groups.values()], errors };
}
