/**
 * `seedDemo(db)`: a populated demo through the real merge path — several videos, a few hundred
 * viewers whose scripted viewings (seeks both ways, re-watches, pauses, 2×, stalls) are played
 * by core's `simulateViewing` into core's `EventRecorder`, uploaded in pieces as several devices
 * would, plus one session document per viewing. Deterministic for a given seed.
 */
import {
  EventRecorder,
  mulberry32,
  type ScriptStep,
  type SessionDoc,
  sessionSchema,
  simulateViewing,
} from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database } from './db/connect.js';
import { putVideo } from './store/analytics.js';
import { mergeViewerSections } from './store/sections.js';
import { putSession } from './store/sessions.js';

export const DEMO_VIDEOS = [
  { videoId: 'big-buck-bunny', title: 'Big Buck Bunny', durationMs: 596_000 },
  { videoId: 'product-tour', title: 'Product tour (2 min)', durationMs: 124_500 },
  { videoId: 'lecture-07', title: 'Lecture 7: Interval trees', durationMs: 2_730_000 },
  { videoId: 'trailer', title: 'Trailer', durationMs: 48_000 },
] as const;

export interface SeedOptions {
  viewers?: number;
  seed?: number;
  /** Wall-clock start of the first session (default: a week ago). */
  startWallMs?: number;
}

function script(rnd: () => number, durationMs: number): { steps: ScriptStep[]; startMs: number } {
  const steps: ScriptStep[] = [];
  const style = rnd();
  // Some start at the beginning, some jump in; most drop off before the end (retention curve).
  const startMs = rnd() < 0.8 ? 0 : Math.floor(rnd() * durationMs * 0.5);
  let budget = durationMs * (style < 0.15 ? 1.2 : 0.1 + rnd() * 0.8);
  while (budget > 0) {
    const play = Math.min(budget, 5_000 + rnd() * durationMs * 0.25);
    steps.push({ play: Math.round(play) });
    budget -= play;
    const r = rnd();
    if (r < 0.25) steps.push({ seek: Math.floor(rnd() * durationMs * 0.95), latencyMs: Math.round(40 + rnd() * 400) });
    else if (r < 0.35) steps.push({ pause: Math.round(1000 + rnd() * 20_000) });
    else if (r < 0.45) steps.push({ stall: Math.round(200 + rnd() * 3000) });
    else if (r < 0.5) steps.push({ rate: rnd() < 0.5 ? 2 : 1 });
  }
  return { steps, startMs };
}

/** Seeds only when the store has no video yet; returns the number of viewer records written. */
export async function seedDemoIfEmpty(db: Database, options: SeedOptions = {}): Promise<number> {
  const [row] = await db.rows<{ n: unknown }>(sql`SELECT count(*) AS n FROM videos`);
  if (Number(row?.n) > 0) return 0;
  return seedDemo(db, options);
}

export async function seedDemo(db: Database, options: SeedOptions = {}): Promise<number> {
  const rnd = mulberry32(options.seed ?? 2026);
  const viewers = options.viewers ?? 240;
  let wall = options.startWallMs ?? Date.now() - 7 * 86_400_000;
  let records = 0;
  for (const v of DEMO_VIDEOS) await putVideo(db, v.videoId, { title: v.title, durationMs: v.durationMs });
  for (let i = 0; i < viewers; i++) {
    const viewerId = `demo-${String(i).padStart(4, '0')}`;
    for (const video of DEMO_VIDEOS) {
      if (rnd() > 0.55) continue;
      const { durationMs, videoId } = video;
      const { steps, startMs } = script(rnd, durationMs);
      const viewing = simulateViewing(steps, { durationMs, startMs, startWallMs: wall, seed: Math.floor(rnd() * 1e9) });
      const recorder = new EventRecorder({ durationMs });
      for (const e of viewing.events) recorder.handle(e);
      recorder.close(viewing.endWallMs);
      const sections = recorder.sections();
      if (sections.length === 0) continue;
      // Two or three devices upload overlapping pieces; the merge folds them.
      const pieces = 1 + Math.floor(rnd() * 3);
      for (let p = 0; p < pieces; p++) {
        const part = sections.filter((_, k) => k % pieces === p || rnd() < 0.3);
        if (part.length > 0) await mergeViewerSections(db, { videoId, viewerId, durationMs, sections: part });
      }
      await mergeViewerSections(db, { videoId, viewerId, durationMs, sections });
      records++;
      const startupMs = Math.round(150 + rnd() ** 2 * 2500);
      let mediaMs = startMs;
      let at = wall + startupMs;
      const doc: SessionDoc = {
        videoId,
        startedAt: wall,
        endedAt: Math.round(viewing.endWallMs + startupMs),
        durationMs,
        startupMs,
        firstFrameMs: startupMs + Math.round(rnd() * 120),
        playedWallMs: Math.round(viewing.playedWallMs),
        stalls: [],
        seeks: [],
        pauses: [],
        rateChanges: [],
        playCounts: recorder.playCounts(),
        userAgent: rnd() < 0.6 ? 'Mozilla/5.0 (demo) Chrome' : 'Mozilla/5.0 (demo) Safari',
      };
      let rate = 1;
      for (const step of steps) {
        if ('play' in step) {
          mediaMs = Math.min(durationMs, mediaMs + step.play * rate);
          at += step.play;
        } else if ('seek' in step) {
          doc.seeks.push({
            atWallMs: Math.round(at),
            fromMs: Math.round(mediaMs),
            toMs: step.seek,
            latencyMs: step.latencyMs ?? 0,
          });
          mediaMs = step.seek;
          at += step.latencyMs ?? 0;
        } else if ('pause' in step) {
          doc.pauses.push({ atWallMs: Math.round(at), atMediaMs: Math.round(mediaMs), durationMs: step.pause });
          at += step.pause;
        } else if ('stall' in step) {
          doc.stalls.push({ atWallMs: Math.round(at), atMediaMs: Math.round(mediaMs), durationMs: step.stall });
          at += step.stall;
        } else if ('rate' in step) {
          rate = step.rate;
          doc.rateChanges.push({ atWallMs: Math.round(at), atMediaMs: Math.round(mediaMs), rate });
        }
      }
      await putSession(db, `demo-s-${i}-${videoId}`, viewerId, sessionSchema.parse(doc));
      wall += Math.round(rnd() * 2_400_000);
    }
  }
  return records;
}
