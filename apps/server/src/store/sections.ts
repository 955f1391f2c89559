/**
 * The merge (SPEC §2, §7): stored := stored ∪ incoming in ONE atomic statement — the video row
 * (first sight, largest duration), the upsert on the int8multirange, and the standard retention
 * counts advanced by the buckets this merge newly covered — so devices writing at once never
 * lose each other's sections. Concurrent uploads share that statement (`MergeQueue`), so a merge
 * costs a fraction of a round trip.
 */
import { mergeSections, type Section, type SectionsAnswer, watchMetrics } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database, TxHandle } from '../db/connect.js';
import { retryOnConflict } from '../db/errors.js';
import { fromMultirange, toMultirange } from '../db/multirange.js';
import { num, numOrNull } from '../db/values.js';
import {
  type CompletionLookup,
  type CompletionState,
  DEFAULT_SCOPE,
  readCompletion,
  ruleHolds,
  settleViewer,
} from './completion.js';
import { ensureCountsCurrent, rebuildCounts, STANDARD_BUCKETS } from './retention.js';

/** The PUT answer: the merged whole plus the server's completion verdict (issue 10). */
export type MergeAnswer = SectionsAnswer & CompletionState;

/** Runs inside the merge's transaction when a viewer completes a video for the first time. */
export type OnFirstCompletion = (
  tx: TxHandle,
  event: { videoId: string; viewerId: string; completedAt: number },
) => Promise<void>;

export interface MergeInput {
  videoId: string;
  viewerId: string;
  durationMs: number;
  sections: ReadonlyArray<readonly [number, number]>;
}

/**
 * Insert-or-grow of the video rows named in a CTE `vin (video_id, duration_ms)`, one per video,
 * without locking a row when nothing changes (it would be the hottest row of all). Lookups by
 * key are written as = ANY / correlated subqueries: they stay index lookups in a plan made once
 * for any batch size. `stored` is null only when a concurrent first insert committed after this
 * statement's snapshot (`durationOf` then finishes the job).
 */
const VIDEO_CTES = `
ins AS (
  INSERT INTO videos (video_id, duration_ms) SELECT video_id, duration_ms FROM vin ORDER BY video_id
  ON CONFLICT (video_id) DO NOTHING RETURNING video_id
), upd AS (
  UPDATE videos v SET duration_ms = (SELECT vin.duration_ms FROM vin WHERE vin.video_id = v.video_id), updated_at = now()
  WHERE v.video_id = ANY (ARRAY(SELECT video_id FROM vin))
    AND v.duration_ms < (SELECT vin.duration_ms FROM vin WHERE vin.video_id = v.video_id)
  RETURNING 1
), dur AS (
  SELECT s.video_id, s.inserted, s.stored, GREATEST(s.duration_ms, COALESCE(s.stored, 0)) AS d
  FROM (
    SELECT vin.video_id, vin.duration_ms, EXISTS (SELECT 1 FROM ins WHERE ins.video_id = vin.video_id) AS inserted,
           (SELECT v.duration_ms FROM videos v WHERE v.video_id = vin.video_id) AS stored
    FROM vin
  ) s
)`;

async function durationOf(db: TxHandle, videoId: string, row: { inserted: unknown; stored: unknown; d: unknown }) {
  if (num(row.inserted) > 0 || row.stored !== null) return num(row.d);
  // A concurrent first insert committed after this statement's snapshot, so its conditional
  // update could not see the row: raise the duration now (a new statement sees it) if ours is larger.
  const wanted = num(row.d);
  const [now] = await db.rows<{ d: unknown }>(sql`
    WITH upd AS (
      UPDATE videos SET duration_ms = ${wanted}, updated_at = now()
      WHERE video_id = ${videoId} AND duration_ms < ${wanted} RETURNING duration_ms
    )
    SELECT COALESCE((SELECT duration_ms FROM upd), (SELECT duration_ms FROM videos WHERE video_id = ${videoId})) AS d`);
  return Math.max(wanted, num(now?.d));
}

/** Records the video and raises its duration when this one is larger; returns the stored duration. */
export async function touchVideo(tx: TxHandle, videoId: string, durationMs: number): Promise<number> {
  const [row] = await tx.rows<{ inserted: unknown; stored: unknown; d: unknown }>(sql`
    WITH vin AS (SELECT ${videoId}::text AS video_id, ${durationMs}::int8 AS duration_ms), ${sql.raw(VIDEO_CTES)}
    SELECT inserted, stored, d FROM dur`);
  if (!row) throw new Error('video upsert returned nothing');
  return durationOf(tx, videoId, row);
}

function answerOf(sections: Section[], durationMs: number): SectionsAnswer {
  return { sections, ...watchMetrics(sections, durationMs) };
}

/**
 * The merge of many uploads as ONE statement (group commit): the video rows, the upsert of every
 * (video, viewer) record, and the retention counts advanced by the buckets each record newly
 * covered. The batch comes as four parallel arrays, so the text never changes and PostgreSQL
 * plans it once per connection (`Database.query`). Rows are taken in key order, so two batches
 * lock in the same order. Candidate buckets are those the added part (incoming − stored)
 * touches; one is newly covered when the set before the merge does not overlap it. A counts row
 * advances only while its `bucket_ms` is current (see retention.ts); the bucket rows are
 * upserted, so every change is an index lookup whatever the batch's size. The completion
 * columns at the end are `completionLookup`'s (completion.ts), per row of the batch.
 */
const MERGE_BATCH_SQL = `
WITH input AS (
  SELECT x.video_id, x.viewer_id, x.duration_ms, x.sections::int8multirange AS sections
  FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[]) AS x(video_id, viewer_id, duration_ms, sections)
), vin AS (
  SELECT video_id, max(duration_ms) AS duration_ms FROM input GROUP BY video_id
), ${VIDEO_CTES.trim()}, m AS (
  INSERT INTO sections AS t (video_id, viewer_id, sections, last_added)
  SELECT video_id, viewer_id, sections, sections FROM input ORDER BY video_id, viewer_id
  ON CONFLICT (video_id, viewer_id) DO UPDATE
    SET sections = t.sections + excluded.sections,
        last_added = excluded.sections - t.sections,
        updated_at = now()
  RETURNING video_id, viewer_id, sections AS after, last_added AS added, sections - last_added AS before, completed_at
), plan AS (
  SELECT dur.video_id, k.n, ((dur.d + k.n - 1) / k.n)::int8 AS bms FROM dur, (VALUES (100), (1000)) AS k(n)
), chk AS (
  SELECT rc.video_id, rc.n FROM retention_counts rc
  JOIN plan p ON p.video_id = rc.video_id AND p.n = rc.n AND p.bms = rc.bucket_ms
  WHERE rc.video_id = ANY (ARRAY(SELECT video_id FROM dur))
  FOR SHARE OF rc
), cover AS (
  SELECT DISTINCT m.video_id, m.viewer_id, p.n, g.b
  FROM m JOIN plan p ON p.video_id = m.video_id
  CROSS JOIN LATERAL unnest(m.added) AS r
  CROSS JOIN LATERAL generate_series(lower(r) / p.bms, LEAST(p.n - 1, (upper(r) - 1) / p.bms)) AS g(b)
  WHERE NOT (m.before && int8range(g.b * p.bms, (g.b + 1) * p.bms))
), adv AS (
  INSERT INTO retention_buckets AS rb (video_id, n, bucket, viewers)
  SELECT c.video_id, c.n, c.b::int, count(*)::int FROM cover c
  JOIN chk ON chk.video_id = c.video_id AND chk.n = c.n
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (video_id, n, bucket) DO UPDATE SET viewers = rb.viewers + excluded.viewers
  RETURNING 1
)
SELECT m.video_id, m.viewer_id, m.after::text AS after,
       floor(extract(epoch FROM m.completed_at) * 1000)::int8 AS completed_at,
       dur.inserted, dur.stored, dur.d,
       ARRAY(SELECT chk.n FROM chk WHERE chk.video_id = m.video_id) AS matched,
       -- What a completion verdict needs, only while the viewer has not completed.
       CASE WHEN m.completed_at IS NULL THEN
         (SELECT rule::text FROM completion_rules WHERE scope = m.video_id) END AS rule,
       CASE WHEN m.completed_at IS NULL THEN
         (SELECT rule::text FROM completion_rules WHERE scope = '${DEFAULT_SCOPE}') END AS default_rule,
       CASE WHEN m.completed_at IS NULL THEN
         (SELECT COALESCE(sum(played_wall_ms), 0) FROM playback_sessions ps
          WHERE ps.video_id = m.video_id AND ps.viewer_id = m.viewer_id) END AS played
FROM m JOIN dur ON dur.video_id = m.video_id`;

interface BatchRow extends CompletionLookup {
  video_id: string;
  viewer_id: string;
  after: string;
  inserted: unknown;
  stored: unknown;
  d: unknown;
  matched: unknown;
}

/** A batch's uploads folded per record: two uploads of one viewer merge as their union. */
interface Group {
  videoId: string;
  viewerId: string;
  durationMs: number;
  sections: Section[];
  members: number[];
}

function groupInputs(inputs: readonly MergeInput[]): Group[] {
  const byKey = new Map<string, Group & { parts: Array<readonly [number, number]> }>();
  inputs.forEach((input, i) => {
    const key = JSON.stringify([input.videoId, input.viewerId]);
    const g = byKey.get(key);
    if (!g) {
      byKey.set(key, { ...input, sections: [], parts: [...input.sections], members: [i] });
      return;
    }
    g.durationMs = Math.max(g.durationMs, input.durationMs);
    g.parts.push(...input.sections);
    g.members.push(i);
  });
  return [...byKey.values()].map(({ parts, ...g }) => ({ ...g, sections: mergeSections(parts) }));
}

/**
 * Merges a batch of uploads; answers in input order. Uploads with sections go through the one
 * statement (retried whole after a deadlock: it is atomic); a completion verdict that newly holds
 * is then settled under the record's row lock (`settleViewer`), and counts keyed by a stale bucket
 * size are rebuilt after the commit, so the rebuild sees this batch.
 */
export async function mergeBatch(
  db: Database,
  inputs: readonly MergeInput[],
  onFirstCompletion?: OnFirstCompletion,
): Promise<MergeAnswer[]> {
  const out = new Array<MergeAnswer>(inputs.length);
  const groups = groupInputs(inputs);
  const writing = groups.filter((g) => g.sections.length > 0);
  for (const g of groups)
    if (g.sections.length === 0) {
      const answer = await touchOnly(db, g);
      for (const i of g.members) out[i] = answer;
    }
  if (writing.length === 0) return out;
  const params = [
    writing.map((g) => g.videoId),
    writing.map((g) => g.viewerId),
    writing.map((g) => g.durationMs),
    writing.map((g) => toMultirange(g.sections)),
  ];
  const rows = await retryOnConflict(() => db.query<BatchRow>(MERGE_BATCH_SQL, params));
  const byKey = new Map(rows.map((r) => [JSON.stringify([r.video_id, r.viewer_id]), r]));
  const durations = new Map<string, number>();
  const stale = new Set<string>();
  for (const row of rows) {
    if (!durations.has(row.video_id)) durations.set(row.video_id, await durationOf(db, row.video_id, row));
    const matched = new Set((row.matched as unknown[]).map(Number));
    for (const n of STANDARD_BUCKETS) if (!matched.has(n)) stale.add(JSON.stringify([row.video_id, n]));
  }
  // A counts row that is missing or keyed by another bucket size (first viewer, duration grew).
  for (const key of stale) {
    const [videoId, n] = JSON.parse(key) as [string, number];
    await rebuildCounts(db, videoId, n);
  }
  for (const g of writing) {
    const row = byKey.get(JSON.stringify([g.videoId, g.viewerId]));
    if (!row) throw new Error(`the merge returned no row for ${g.videoId}/${g.viewerId}`);
    const after = fromMultirange(row.after);
    const durationMs = durations.get(g.videoId) ?? num(row.d);
    const state = await completionAfter(db, g, after, durationMs, row, onFirstCompletion);
    const answer: MergeAnswer = { ...answerOf(after, durationMs), ...state };
    for (const i of g.members) out[i] = answer;
  }
  return out;
}

/** The verdict after a merge: known when already completed, else evaluated, and settled once if it holds. */
async function completionAfter(
  db: Database,
  g: Group,
  after: Section[],
  durationMs: number,
  row: CompletionLookup,
  onFirstCompletion?: OnFirstCompletion,
): Promise<CompletionState> {
  const already = numOrNull(row.completed_at);
  if (already !== null) return { completed: true, completedAt: already };
  if (!ruleHolds(row, after, durationMs)) return { completed: false, completedAt: null };
  // Sets only grow, so the rule still holds; the settle re-checks under the row lock and sets it once.
  const settled = await settleViewer(db, g.videoId, g.viewerId, onFirstCompletion);
  return settled
    ? { completed: settled.completed, completedAt: settled.completedAt }
    : { completed: false, completedAt: null };
}

/** Nothing to add, but the duration may have grown: the counts must notice. */
async function touchOnly(db: Database, g: Group): Promise<MergeAnswer> {
  await touchVideo(db, g.videoId, g.durationMs);
  await ensureCountsCurrent(db, g.videoId);
  const answer = await readViewerSections(db, g.videoId, g.viewerId);
  return { ...answer, ...(await readCompletion(db, g.videoId, g.viewerId)) };
}

/** One upload's merge (a batch of one): the seed, the xAPI import and tests call it directly. */
export async function mergeViewerSections(
  db: Database,
  input: MergeInput,
  onFirstCompletion?: OnFirstCompletion,
): Promise<MergeAnswer> {
  const [answer] = await mergeBatch(db, [input], onFirstCompletion);
  if (!answer) throw new Error('merge returned nothing');
  return answer;
}

export async function readViewerSections(db: TxHandle, videoId: string, viewerId: string): Promise<SectionsAnswer> {
  const [row] = await db.rows<{ sections: string | null; duration_ms: unknown }>(sql`
    SELECT (SELECT sections::text FROM sections WHERE video_id = ${videoId} AND viewer_id = ${viewerId}) AS sections,
           (SELECT duration_ms FROM videos WHERE video_id = ${videoId}) AS duration_ms`);
  return answerOf(fromMultirange(row?.sections), num(row?.duration_ms));
}
