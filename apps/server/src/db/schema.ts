/**
 * The one drizzle schema (pg dialect) for both stores: PGlite (embedded default) and PostgreSQL.
 * drizzle-kit generates the migrations under `apps/server/drizzle/` from this file; the first
 * migration is hand-extended to hash-partition `sections` by video id (16 partitions, SPEC §8),
 * which drizzle-kit cannot express.
 */
import {
  bigint,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** A watched set: `{[0,5000),[7000,9000)}` — PostgreSQL keeps it canonical (adjacent ranges fold). */
export const int8multirange = customType<{ data: string; driverData: string }>({
  dataType: () => 'int8multirange',
});

const ms = (name: string) => bigint(name, { mode: 'number' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const videos = pgTable('videos', {
  videoId: text('video_id').primaryKey(),
  /** The largest duration ever reported (or what an analyst set). */
  durationMs: ms('duration_ms').notNull(),
  title: text('title'),
  posterUrl: text('poster_url'),
  firstSeenAt: at('first_seen_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** One row per viewer and video: the merged set. Hash-partitioned by video_id in the migration. */
export const sections = pgTable(
  'sections',
  {
    videoId: text('video_id').notNull(),
    viewerId: text('viewer_id').notNull(),
    sections: int8multirange('sections').notNull(),
    /**
     * What the last merge added (incoming − stored). `sections − last_added` is then exactly the
     * set before that merge, so the upsert's RETURNING yields before and after in one statement
     * and the retention counts can be advanced by the newly covered buckets.
     */
    lastAdded: int8multirange('last_added').notNull(),
    firstSeenAt: at('first_seen_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.viewerId] })],
);

/**
 * Retention counts for the standard bucket numbers (100 and 1000), kept current by the merges.
 * The header says which bucket size the counts are for: they are valid only while `bucket_ms`
 * equals `ceil(duration / n)` of the video's current duration. Merges hold it FOR SHARE; a
 * rebuild holds it FOR UPDATE.
 */
export const retentionCounts = pgTable(
  'retention_counts',
  {
    videoId: text('video_id').notNull(),
    n: integer('n').notNull(),
    bucketMs: ms('bucket_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.n] })],
);

/** One row per bucket, so concurrent merges contend only on the buckets they both newly cover. */
export const retentionBuckets = pgTable(
  'retention_buckets',
  {
    videoId: text('video_id').notNull(),
    n: integer('n').notNull(),
    bucket: integer('bucket').notNull(),
    viewers: integer('viewers').notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.n, t.bucket] })],
);

/** Playback sessions: the whole document plus the columns the analytics aggregate over. */
export const playbackSessions = pgTable(
  'playback_sessions',
  {
    sessionId: text('session_id').primaryKey(),
    viewerId: text('viewer_id').notNull(),
    videoId: text('video_id').notNull(),
    startedAt: ms('started_at').notNull(),
    startupMs: ms('startup_ms'),
    playedWallMs: ms('played_wall_ms').notNull(),
    stallCount: integer('stall_count').notNull(),
    stallMs: ms('stall_ms').notNull(),
    doc: jsonb('doc').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('playback_sessions_video_idx').on(t.videoId, t.startedAt)],
);

/** Analyzer results posted by the CLI (`POST /v1/recordings`). */
export const recordings = pgTable('recordings', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  sessionId: text('session_id'),
  fps: doublePrecision('fps').notNull(),
  frames: integer('frames').notNull(),
  payload: jsonb('payload').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

/** Dashboard login sessions: in the database so every replica accepts the cookie. */
export const loginSessions = pgTable('login_sessions', {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  idHash: text('id_hash').primaryKey(),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
});
