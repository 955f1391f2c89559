/**
 * Wire schemas shared by everything that sends or receives watch data (SPEC §7–8).
 * The server validates with these and the plugin builds payloads that pass them, so the
 * two can never disagree on what is valid. Messages say what is wrong and where.
 */
import { z } from 'zod';
import { sectionProblem } from './interval-set.js';

/** SPEC §8 limits. */
export const LIMITS = {
  maxSectionsPerPayload: 10_000,
  maxBodyBytes: 1024 * 1024,
  /** 100 h: a duration beyond this is a unit mistake (seconds × 1000 twice), not a video. */
  maxDurationMs: 100 * 3600 * 1000,
  maxIdLength: 128,
  maxListItems: 10_000,
} as const;

/** Ids in paths and bodies: short, URL-safe, no surprises in logs or SQL. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.maxIdLength, `must be at most ${LIMITS.maxIdLength} characters`)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -');

const ms = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer number of ms`)
    .nonnegative(`${what} must not be negative`);

export const durationMsSchema = ms('durationMs')
  .positive('durationMs must be positive')
  .max(LIMITS.maxDurationMs, `durationMs must be at most ${LIMITS.maxDurationMs}`);

/** One `[start, end]` pair: integers, `0 <= start < end`. */
export const sectionSchema = z
  .array(z.unknown(), { error: 'a section must be a [start, end] pair' })
  .length(2, 'a section must be a [start, end] pair')
  .superRefine((pair, ctx) => {
    const problem = sectionProblem(pair[0], pair[1]);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((pair) => [pair[0], pair[1]] as [number, number]);

export const sectionListSchema = z
  .array(sectionSchema, { error: 'sections must be an array of [start, end] pairs' })
  .max(LIMITS.maxSectionsPerPayload, `at most ${LIMITS.maxSectionsPerPayload} sections per payload`);

function endsWithinDuration(
  value: { durationMs: number; sections: Array<[number, number]> },
  ctx: z.RefinementCtx,
): void {
  value.sections.forEach(([, end], i) => {
    if (end > value.durationMs)
      ctx.addIssue({
        code: 'custom',
        path: ['sections', i],
        message: `end ${end} is after durationMs ${value.durationMs}`,
      });
  });
}

/** `PUT /v1/videos/{videoId}/viewers/{viewerId}/sections` body. */
export const sectionsPayloadSchema = z
  .strictObject({ durationMs: durationMsSchema, sections: sectionListSchema })
  .superRefine(endsWithinDuration);
export type SectionsPayload = z.infer<typeof sectionsPayloadSchema>;

/** `POST /v1/beacon` body (text/plain JSON; the token travels inside because beacons carry no headers). */
export const beaconPayloadSchema = z
  .strictObject({
    token: z.string().min(1, 'token is required').max(4096),
    videoId: idSchema,
    durationMs: durationMsSchema,
    sections: sectionListSchema,
  })
  .superRefine(endsWithinDuration);
export type BeaconPayload = z.infer<typeof beaconPayloadSchema>;

/** The answer of both sections routes. */
export const sectionsAnswerSchema = z.object({
  sections: z.array(z.tuple([z.number(), z.number()])),
  watchedMs: z.number(),
  coverage: z.number(),
  /** The server's completion verdict (PUT answers, issue 10): set once, the first time the rule held. */
  completed: z.boolean().optional(),
  completedAt: z.number().nullable().optional(),
});
export type SectionsAnswer = z.infer<typeof sectionsAnswerSchema>;

const wallMs = (what: string) => ms(what);
const listOf = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).max(LIMITS.maxListItems, `${what}: at most ${LIMITS.maxListItems} entries`);

export const stallSchema = z.strictObject({
  atWallMs: wallMs('atWallMs'),
  atMediaMs: ms('atMediaMs'),
  durationMs: ms('durationMs'),
});
export type Stall = z.infer<typeof stallSchema>;

export const seekSchema = z.strictObject({
  atWallMs: wallMs('atWallMs'),
  fromMs: ms('fromMs'),
  toMs: ms('toMs'),
  latencyMs: ms('latencyMs'),
});
export type Seek = z.infer<typeof seekSchema>;

export const pauseSchema = z.strictObject({
  atWallMs: wallMs('atWallMs'),
  atMediaMs: ms('atMediaMs'),
  durationMs: ms('durationMs'),
});
export type Pause = z.infer<typeof pauseSchema>;

export const rateChangeSchema = z.strictObject({
  atWallMs: wallMs('atWallMs'),
  atMediaMs: ms('atMediaMs'),
  rate: z.number().positive('rate must be positive').max(16, 'rate must be at most 16'),
});
export type RateChange = z.infer<typeof rateChangeSchema>;

/** `PUT /v1/sessions/{sessionId}`: the whole session document (replaced, idempotent). */
export const sessionSchema = z
  .strictObject({
    videoId: idSchema,
    startedAt: wallMs('startedAt'),
    endedAt: wallMs('endedAt').optional(),
    durationMs: durationMsSchema.optional(),
    startupMs: ms('startupMs').nullable().optional(),
    firstFrameMs: ms('firstFrameMs').nullable().optional(),
    playedWallMs: ms('playedWallMs'),
    stalls: listOf(stallSchema, 'stalls').default([]),
    seeks: listOf(seekSchema, 'seeks').default([]),
    pauses: listOf(pauseSchema, 'pauses').default([]),
    rateChanges: listOf(rateChangeSchema, 'rateChanges').default([]),
    /** How often each hundredth of the video was played in this session (most-replayed strip). */
    playCounts: z.array(z.number().int().nonnegative()).length(100, 'playCounts must have 100 entries').optional(),
    userAgent: z.string().max(512).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.endedAt !== undefined && s.endedAt < s.startedAt)
      ctx.addIssue({
        code: 'custom',
        path: ['endedAt'],
        message: `endedAt ${s.endedAt} is before startedAt ${s.startedAt}`,
      });
  });
export type SessionDoc = z.infer<typeof sessionSchema>;

/** `PUT /v1/videos/{videoId}` (analyst). */
export const videoMetaSchema = z.strictObject({
  title: z.string().max(500).optional(),
  durationMs: durationMsSchema.optional(),
  posterUrl: z.url().max(2000).optional(),
});
export type VideoMeta = z.infer<typeof videoMetaSchema>;

export const retentionQuerySchema = z.object({
  buckets: z.coerce
    .number({ error: 'buckets must be a number' })
    .int('buckets must be an integer')
    .min(1, 'buckets must be at least 1')
    .max(1000, 'buckets must be at most 1000')
    .default(100),
});

const frameRange = z.strictObject({
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().nonnegative(),
  startMs: z.number().nonnegative(),
  endMs: z.number().nonnegative(),
});
export type FrameRange = z.infer<typeof frameRange>;
export const frameRangeSchema = frameRange;

/** `watchtime-analyze freeze --json` output (SPEC §7). */
export const freezeResultSchema = z.looseObject({
  fps: z.number().positive(),
  frames: z.number().int().nonnegative(),
  frozen: z.array(frameRange),
  identicalFrameRatio: z.number().min(0).max(1),
  stutterCount: z.number().int().nonnegative(),
  stutterMs: z.number().nonnegative(),
  stutterSeconds: z.array(z.number().int().nonnegative()),
});
export type FreezeResult = z.infer<typeof freezeResultSchema>;

/** `watchtime-analyze stages --json` output (SPEC §7). */
export const stagesResultSchema = z.looseObject({
  fps: z.number().positive(),
  frames: z.number().int().nonnegative(),
  stable: z.array(frameRange),
  unstable: z.array(frameRange),
});
export type StagesResult = z.infer<typeof stagesResultSchema>;

/** `POST /v1/recordings` JSON body (SPEC §8). */
export const recordingPayloadSchema = z.looseObject({
  sessionId: idSchema.optional(),
  name: z.string().min(1).max(500),
  fps: z.number().positive(),
  frames: z.number().int().nonnegative(),
  freeze: freezeResultSchema,
  stages: stagesResultSchema.optional(),
});
export type RecordingPayload = z.infer<typeof recordingPayloadSchema>;

/** A zod error as the `issues` of a 400 answer: where, and what is wrong. */
export function describeIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** One line for people: "sections.3: start 5000 is after end 1000; durationMs: …". */
export function summarizeIssues(error: z.ZodError, max = 5): string {
  const all = describeIssues(error);
  const shown = all.slice(0, max).map((i) => `${i.path}: ${i.message}`);
  if (all.length > max) shown.push(`… and ${all.length - max} more`);
  return shown.join('; ');
}
