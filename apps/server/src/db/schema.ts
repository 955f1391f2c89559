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
  uniqueIndex,
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
    /** When the completion rule first held (issue 10); set once, never un-set. */
    completedAt: at('completed_at'),
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
  (t) => [
    index('playback_sessions_video_idx').on(t.videoId, t.startedAt),
    // Per-viewer session aggregates of the exports and the completion rule's played time.
    index('playback_sessions_viewer_idx').on(t.videoId, t.viewerId),
  ],
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

/**
 * Completion rules (issue 10): one row per video, plus the site-wide default under the scope
 * `*`. The rule is core's `completionRuleSchema` as JSON.
 */
export const completionRules = pgTable('completion_rules', {
  scope: text('scope').primaryKey(),
  rule: jsonb('rule').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Webhook endpoints registered by analysts (issue 10). */
export const webhooks = pgTable('webhooks', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  events: jsonb('events').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

/**
 * One row per event and webhook; `id` is the idempotency key sent as `Watchtime-Delivery`.
 * `event_key` (e.g. `completion:<video>:<viewer>`) is unique per webhook so a re-run never
 * enqueues an event twice.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    webhookId: text('webhook_id').notNull(),
    eventKey: text('event_key').notNull(),
    event: text('event').notNull(),
    body: text('body').notNull(),
    /** pending | delivered | failed (retries exhausted) */
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull().defaultNow(),
    deliveredAt: at('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_idx').on(t.webhookId, t.eventKey),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
  ],
);
