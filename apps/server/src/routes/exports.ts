/**
 * `GET /v1/videos/:videoId/export/viewers.csv|.json` and `/export/retention.csv|.json?buckets=N`
 * (analyst): streamed downloads (see store/exports.ts).
 */
import { retentionQuerySchema } from '@watchtime/core';
import { type Context, Hono } from 'hono';
import type { AppEnv, Deps } from '../env.js';
import { requireAnalyst } from '../middleware/auth.js';
import { badRequest, parseId, parseWith } from '../middleware/validate.js';
import { videoDuration } from '../store/analytics.js';
import { exportStream, VIEWER_COLUMNS, viewerRows } from '../store/exports.js';
import { readRetention } from '../store/retention.js';

const TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

function download(c: Context, body: ReadableStream<Uint8Array>, name: string, format: 'csv' | 'json') {
  return c.body(body, 200, {
    'Content-Type': TYPES[format],
    'Content-Disposition': `attachment; filename="${name}.${format}"`,
    'Cache-Control': 'no-store',
  });
}

export function exportsRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/videos/:videoId/export/*', requireAnalyst(deps));

  app.get('/videos/:videoId/export/:file', async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const m = /^(viewers|retention)\.(csv|json)$/.exec(c.req.param('file'));
    if (!m) return badRequest(c, 'export must be viewers.csv, viewers.json, retention.csv or retention.json');
    const kind = m[1] as 'viewers' | 'retention';
    const format = m[2] as 'csv' | 'json';
    const durationMs = await videoDuration(deps.db, videoId.value);
    if (durationMs === null) return c.json({ error: `no video ${videoId.value}` }, 404);
    const name = `${videoId.value}-${kind}`;
    if (kind === 'viewers')
      return download(
        c,
        exportStream(viewerRows(deps.db, videoId.value, durationMs), format, VIEWER_COLUMNS),
        name,
        format,
      );
    const query = parseWith(c, retentionQuerySchema, c.req.query(), 'query');
    if (!query.ok) return query.response;
    if (durationMs <= 0) return c.json({ error: `video ${videoId.value} has no duration yet` }, 404);
    // At most 1000 buckets: small, read in one go, then streamed out like the rest.
    const { bucketMs, viewers } = await deps.db.transaction((tx) =>
      readRetention(tx, videoId.value, durationMs, query.value.buckets),
    );
    const rows = viewers.map((count, bucket) => ({
      bucket,
      startMs: bucket * bucketMs,
      endMs: Math.min(durationMs, (bucket + 1) * bucketMs),
      viewers: count,
    }));
    async function* one() {
      yield rows;
    }
    return download(c, exportStream(one(), format, ['bucket', 'startMs', 'endMs', 'viewers'] as const), name, format);
  });
  return app;
}
