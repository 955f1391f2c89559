/**
 * Random viewing data for the browser tests, with its oracle: what the server must hold after
 * the uploads (core's one merge) and what retention core computes for it. Deterministic per seed.
 */
import {
  mergeSections,
  mulberry32,
  retention,
  type Section,
  type SessionDoc,
  summarizeQoe,
  watchMetrics,
} from '@watchtime/core';
import { call, type RunningServer } from './server.js';

export interface ViewerData {
  viewerId: string;
  /** Each element is one PUT body's sections, as sent (overlapping, unsorted, re-watched). */
  uploads: Section[][];
  merged: Section[];
}

export interface VideoData {
  videoId: string;
  title: string | null;
  durationMs: number;
  viewers: ViewerData[];
  sessions: Array<{ sessionId: string; viewerId: string; doc: SessionDoc }>;
}

export interface Dataset {
  seed: number;
  videos: VideoData[];
  /** Registered by an analyst, never watched. */
  unwatched: { videoId: string; title: string; durationMs: number };
}

export function generate(seed: number): Dataset {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

  const randomUpload = (durationMs: number, bucketMs: number): Section[] => {
    const out: Section[] = [];
    for (let i = int(1, 5); i > 0; i--) {
      const kind = rnd();
      if (kind < 0.15) {
        // A sliver exactly around a bucket boundary: the edge retention must get right.
        const b = int(1, Math.floor(durationMs / bucketMs) - 1) * bucketMs;
        out.push([b - 1, b + 1]);
      } else if (kind < 0.25 && out.length > 0) {
        // A re-watch of something already seen, shifted a little.
        const [s, e] = out[int(0, out.length - 1)]!;
        const shift = int(-1000, 1000);
        out.push([Math.max(0, s + shift), Math.min(durationMs, Math.max(s + shift + 1, e + shift))]);
      } else if (kind < 0.35 && out.length > 0) {
        // Touching the previous section: merges into one.
        const [, e] = out[out.length - 1]!;
        if (e < durationMs) out.push([e, Math.min(durationMs, e + int(1, 8000))]);
      } else {
        const start = int(0, durationMs - 1);
        out.push([start, Math.min(durationMs, start + int(1, Math.ceil(durationMs / 3)))]);
      }
    }
    return out.filter(([s, e]) => s >= 0 && e > s && e <= durationMs);
  };

  const makeVideo = (videoId: string, title: string | null, durationMs: number, viewerCount: number): VideoData => {
    const bucketMs = Math.ceil(durationMs / 100);
    const viewers: ViewerData[] = [];
    for (let v = 0; v < viewerCount; v++) {
      // Ids out of order on purpose: the drill-down must sort by viewerId, not by arrival.
      const viewerId = `v${String(int(0, 9999)).padStart(4, '0')}-${videoId}-${v}`;
      const uploads: Section[][] = [];
      for (let u = int(1, 3); u > 0; u--) {
        const upload = randomUpload(durationMs, bucketMs);
        if (upload.length > 0) uploads.push(upload);
      }
      if (uploads.length === 0) uploads.push([[0, int(1, durationMs)]]);
      viewers.push({ viewerId, uploads, merged: mergeSections(uploads.flat()) });
    }
    const sessions: VideoData['sessions'] = [];
    const startedBase = Date.UTC(2026, 10, 20, 12);
    for (let s = 0; s < Math.min(viewerCount, 12); s++) {
      const viewer = viewers[s]!;
      const startedAt = startedBase + s * 600_000;
      const stalls = Array.from({ length: int(0, 3) }, (_, i) => ({
        atWallMs: startedAt + 5_000 + i * 7_000,
        atMediaMs: int(0, durationMs - 1),
        durationMs: int(100, 3_000),
      }));
      const seeks = Array.from({ length: int(0, 3) }, (_, i) => ({
        atWallMs: startedAt + 4_000 + i * 9_000,
        fromMs: int(0, durationMs - 1),
        toMs: int(0, durationMs - 1),
        latencyMs: int(20, 900),
      }));
      const playedWallMs = int(5_000, durationMs);
      sessions.push({
        sessionId: `sess-${videoId}-${s}`,
        viewerId: viewer.viewerId,
        doc: {
          videoId,
          startedAt,
          endedAt: startedAt + playedWallMs + 20_000,
          durationMs,
          startupMs: int(150, 4_000),
          firstFrameMs: int(150, 4_000),
          playedWallMs,
          stalls,
          seeks,
          pauses: [],
          rateChanges: [],
          playCounts: Array.from({ length: 100 }, () => int(0, 3)),
          userAgent: 'dashboard-test',
        },
      });
    }
    return { videoId, title, durationMs, viewers, sessions };
  };

  return {
    seed,
    videos: [
      makeVideo('launch-keynote', 'Launch keynote', int(60_000, 180_000), 60),
      makeVideo('onboarding-tour', null, int(10_000, 60_000), 14),
    ],
    unwatched: { videoId: 'coming-soon', title: 'Coming soon', durationMs: 30_000 },
  };
}

/** What the page must show for a video, computed from the data alone. */
export function oracle(video: VideoData) {
  const sets = video.viewers.map((v) => v.merged);
  const coverages = sets.map((s) => watchMetrics(s, video.durationMs).coverage);
  return {
    viewers: sets.length,
    meanCoverage: coverages.reduce((a, b) => a + b, 0) / coverages.length,
    totalWatchedMs: sets.reduce((t, s) => t + watchMetrics(s, video.durationMs).watchedMs, 0),
    retention: retention(sets, video.durationMs, 100),
    qoe: summarizeQoe(video.sessions.map((s) => s.doc)),
  };
}

/** Writes the dataset through the public API, a few requests at a time. */
export async function upload(server: RunningServer, data: Dataset): Promise<void> {
  const jobs: Array<() => Promise<unknown>> = [];
  for (const video of data.videos) {
    if (video.title)
      jobs.push(() =>
        call(server.url, 'PUT', `/v1/videos/${video.videoId}`, server.analystToken, {
          title: video.title,
          durationMs: video.durationMs,
        }),
      );
    for (const viewer of video.viewers)
      jobs.push(async () => {
        const token = await server.viewerToken(viewer.viewerId);
        for (const sections of viewer.uploads)
          await call(server.url, 'PUT', `/v1/videos/${video.videoId}/viewers/${viewer.viewerId}/sections`, token, {
            durationMs: video.durationMs,
            sections,
          });
      });
    for (const s of video.sessions)
      jobs.push(async () =>
        call(server.url, 'PUT', `/v1/sessions/${s.sessionId}`, await server.viewerToken(s.viewerId), s.doc),
      );
  }
  const u = data.unwatched;
  jobs.push(() =>
    call(server.url, 'PUT', `/v1/videos/${u.videoId}`, server.analystToken, {
      title: u.title,
      durationMs: u.durationMs,
    }),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

/** A recording analysis as the analyzer CLI would POST it, tied to a session. */
export function recordingFor(sessionId: string) {
  const fps = 30;
  const frames = 600;
  const at = (frame: number) => Math.round((frame * 1000) / fps);
  const range = (a: number, b: number) => ({ startFrame: a, endFrame: b, startMs: at(a), endMs: at(b + 1) });
  const frozen = [range(40, 70), range(300, 318), range(500, 560)];
  return {
    sessionId,
    name: 'pixel-7-capture.mp4',
    fps,
    frames,
    freeze: {
      fps,
      frames,
      frozen,
      identicalFrameRatio: 0.18,
      stutterCount: 3,
      stutterMs: frozen.reduce((t, r) => t + r.endMs - r.startMs, 0),
      stutterSeconds: [1, 2, 10, 16, 17, 18],
    },
    stages: {
      fps,
      frames,
      stable: [range(0, 35), range(75, 290), range(330, 599)],
      unstable: [range(36, 74), range(291, 329)],
    },
    // Extra fields are stored as given: frames as data: URLs are shown, anything fetched from
    // elsewhere is not.
    thumbnails: [
      { frame: 39, src: `data:image/png;base64,${ONE_PIXEL_PNG}`, label: 'before the first freeze' },
      { frame: 71, src: 'http://203.0.113.9/not-fetched.png' },
    ],
  };
}

/** A valid 1×1 PNG. */
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
