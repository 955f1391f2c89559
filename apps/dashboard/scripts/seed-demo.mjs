#!/usr/bin/env node
/**
 * A realistic demo for the dashboard, written through the public HTTP API only: several videos,
 * hundreds of viewers whose viewings are played by core's scripted virtual player (seeks both
 * ways, re-watches, pauses, 2×, stalls) and recorded by core's EventRecorder — the same path a
 * real player with the plugin takes — plus each viewing's session telemetry and one recording
 * analysis. Deterministic for a seed; re-running it is harmless (uploads are unions, sessions
 * are idempotent by id).
 *
 *   node apps/dashboard/scripts/seed-demo.mjs --url http://127.0.0.1:8080 [--secret S | --data-dir .watchtime]
 *
 * or from code: `await seedDemo({ url, viewerToken, analystToken })`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EventRecorder, mulberry32, simulateViewing } from '@watchtime/core';

export const DEMO_VIDEOS = [
  {
    videoId: 'product-launch-2026',
    title: 'Product launch 2026 — keynote',
    durationMs: 12 * 60_000,
    viewers: 220,
    network: 0.15,
  },
  {
    videoId: 'onboarding-101',
    title: 'Onboarding 101: your first dashboard',
    durationMs: 4 * 60_000 + 30_000,
    viewers: 160,
    network: 0.05,
  },
  { videoId: 'cooking-ramen', title: 'Ramen from scratch', durationMs: 9 * 60_000, viewers: 140, network: 0.3 },
  { videoId: 'teaser-30s', title: 'Summer teaser (30 s)', durationMs: 30_000, viewers: 120, network: 0.02 },
  { videoId: 'webinar-q3', title: 'Q3 webinar recording', durationMs: 25 * 60_000, viewers: 90, network: 0.4 },
];

/** One viewer's script: a mix of the ways people really watch. */
function scriptFor(rnd, durationMs, network) {
  const steps = [];
  const span = (lo, hi) => Math.round(durationMs * (lo + rnd() * (hi - lo)));
  const stallMaybe = () => {
    if (rnd() < network) steps.push({ stall: 300 + Math.round(rnd() * rnd() * 6000) });
  };
  const kind = rnd();
  if (kind < 0.3) {
    // Drops off early: the classic retention slope.
    steps.push({ play: span(0.03, 0.35) });
    stallMaybe();
    if (rnd() < 0.5) steps.push({ play: span(0.02, 0.15) });
  } else if (kind < 0.5) {
    // Watches it all, maybe with a pause.
    for (let i = 0; i < 4; i++) {
      steps.push({ play: span(0.2, 0.3) });
      stallMaybe();
      if (rnd() < 0.2) steps.push({ pause: 2_000 + Math.round(rnd() * 30_000) });
    }
  } else if (kind < 0.7) {
    // Skims: jumps forward a few times.
    let at = 0;
    for (let i = 0; i < 3 + Math.floor(rnd() * 4); i++) {
      steps.push({ play: span(0.03, 0.1) });
      stallMaybe();
      at = Math.min(durationMs - 1000, at + span(0.1, 0.3));
      steps.push({ seek: at, latencyMs: 40 + Math.round(rnd() * 600) });
    }
    steps.push({ play: span(0.05, 0.2) });
  } else if (kind < 0.85) {
    // Re-watches a passage (the highlight around 40–50 %), then carries on.
    steps.push({ play: span(0.35, 0.5) });
    stallMaybe();
    for (let i = 0; i < 1 + Math.floor(rnd() * 3); i++) {
      steps.push({ seek: span(0.38, 0.42), latencyMs: 40 + Math.round(rnd() * 300) });
      steps.push({ play: span(0.05, 0.1) });
    }
    steps.push({ play: span(0.1, 0.5) });
  } else {
    // Watches at 2× and jumps straight to the end part.
    steps.push({ rate: 2 });
    steps.push({ play: span(0.1, 0.2) });
    stallMaybe();
    steps.push({ seek: span(0.6, 0.8), latencyMs: 60 + Math.round(rnd() * 500) });
    steps.push({ play: span(0.1, 0.3) });
  }
  return steps;
}

/** Session telemetry from the viewing's own media events. */
function sessionFrom(viewing, videoId, durationMs, startedAt, startupMs) {
  const shift = (wall) => Math.round(startedAt + startupMs + (wall - viewing.events[0].wallMs));
  const stalls = [];
  const seeks = [];
  const pauses = [];
  let waiting = null;
  let seeking = null;
  let pausedAt = null;
  let lastMedia = 0;
  for (const e of viewing.events) {
    if (e.type === 'waiting') waiting = e;
    else if (e.type === 'playing' && waiting) {
      stalls.push({
        atWallMs: shift(waiting.wallMs),
        atMediaMs: Math.round(waiting.mediaMs),
        durationMs: Math.round(e.wallMs - waiting.wallMs),
      });
      waiting = null;
    }
    if (e.type === 'seeking') seeking = { e, from: lastMedia };
    else if (e.type === 'seeked' && seeking) {
      seeks.push({
        atWallMs: shift(seeking.e.wallMs),
        fromMs: Math.round(seeking.from),
        toMs: Math.round(seeking.e.mediaMs),
        latencyMs: Math.round(e.wallMs - seeking.e.wallMs),
      });
      seeking = null;
    }
    if (e.type === 'pause') pausedAt = e;
    else if (e.type === 'play' && pausedAt) {
      pauses.push({
        atWallMs: shift(pausedAt.wallMs),
        atMediaMs: Math.round(pausedAt.mediaMs),
        durationMs: Math.round(e.wallMs - pausedAt.wallMs),
      });
      pausedAt = null;
    }
    if (e.type !== 'seeking') lastMedia = e.mediaMs;
  }
  return {
    videoId,
    startedAt,
    endedAt: shift(viewing.endWallMs),
    durationMs,
    startupMs,
    firstFrameMs: startupMs + 40,
    playedWallMs: Math.round(viewing.playedWallMs),
    stalls,
    seeks,
    pauses,
    rateChanges: [],
    userAgent: 'watchtime demo (scripted viewing)',
  };
}

/** A recording analysis as `watchtime-analyze` would post it (demo values, clearly named). */
function demoRecording(sessionId) {
  const fps = 30;
  const frames = 45 * fps;
  const at = (f) => Math.round((f * 1000) / fps);
  const range = (a, b) => ({ startFrame: a, endFrame: b, startMs: at(a), endMs: at(b + 1) });
  const frozen = [range(45, 80), range(610, 640), range(1100, 1180)];
  return {
    sessionId,
    name: 'demo-phone-capture.mp4 (demo data)',
    fps,
    frames,
    freeze: {
      fps,
      frames,
      frozen,
      identicalFrameRatio: 0.11,
      stutterCount: frozen.length,
      stutterMs: frozen.reduce((t, r) => t + r.endMs - r.startMs, 0),
      stutterSeconds: [1, 2, 20, 21, 36, 37, 38, 39],
    },
    stages: {
      fps,
      frames,
      stable: [range(0, 40), range(90, 600), range(650, 1090), range(1190, frames - 1)],
      unstable: [range(41, 89), range(601, 649), range(1091, 1189)],
    },
  };
}

async function send(url, method, route, token, body) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.ok) return res.status === 204 ? null : res.json();
    // Rate limit or a busy database: wait as told, then retry (uploads are idempotent).
    if ((res.status === 429 || res.status === 503) && attempt < 5) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      continue;
    }
    throw new Error(`${method} ${route} → ${res.status}: ${await res.text()}`);
  }
}

/**
 * Seeds the demo. `viewerToken(viewerId)` returns a viewer JWT (sub = viewerId); `analystToken`
 * is an analyst JWT. Returns what it wrote.
 */
export async function seedDemo({ url, viewerToken, analystToken, seed = 2026, scale = 1, log = () => {} }) {
  const base = url.replace(/\/$/, '');
  const rnd = mulberry32(seed);
  const now = Date.now();
  const jobs = [];
  let viewers = 0;
  let firstSession = null;
  for (const video of DEMO_VIDEOS) {
    await send(base, 'PUT', `/v1/videos/${video.videoId}`, analystToken, {
      title: video.title,
      durationMs: video.durationMs,
    });
    const count = Math.max(1, Math.round(video.viewers * scale));
    for (let i = 0; i < count; i++) {
      const viewerId = `demo-${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}`;
      const script = scriptFor(rnd, video.durationMs, video.network);
      const viewing = simulateViewing(script, { durationMs: video.durationMs, seed: Math.floor(rnd() * 2 ** 31) });
      if (viewing.events.length === 0) continue;
      const recorder = new EventRecorder({ durationMs: video.durationMs });
      for (const e of viewing.events) recorder.handle(e);
      recorder.close(viewing.endWallMs);
      const sections = recorder.sections();
      if (sections.length === 0) continue;
      const startupMs = Math.round(250 + rnd() * rnd() * (800 + video.network * 8000));
      const startedAt = Math.round(now - rnd() * 14 * 24 * 3600_000);
      const sessionId = `demo-${video.videoId}-${i}`;
      const session = sessionFrom(viewing, video.videoId, video.durationMs, startedAt, startupMs);
      if (!firstSession && session.stalls.length > 0) firstSession = sessionId;
      viewers++;
      jobs.push(async () => {
        const token = await viewerToken(viewerId);
        await send(base, 'PUT', `/v1/videos/${video.videoId}/viewers/${viewerId}/sections`, token, {
          durationMs: video.durationMs,
          sections,
        });
        await send(base, 'PUT', `/v1/sessions/${sessionId}`, token, session);
      });
    }
  }
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < jobs.length) {
        await jobs[next++]();
        if (++done % 200 === 0) log(`  ${done}/${jobs.length} viewers written`);
      }
    }),
  );
  const recording = firstSession
    ? await send(base, 'POST', '/v1/recordings', analystToken, demoRecording(firstSession))
    : null;
  log(`demo: ${DEMO_VIDEOS.length} videos, ${viewers} viewers with sessions, ${recording ? 1 : 0} recording`);
  return { videos: DEMO_VIDEOS.length, viewers, recordingId: recording?.id ?? null };
}

/**
 * For `npm start`: seeds the demo only when the server holds no video yet, so a newcomer sees a
 * populated dashboard at once and a real installation is never touched. Mints its own tokens
 * with the server's JWT secret. Returns null when it left the server alone.
 */
export async function seedDemoIfEmpty({ url, secret, log = () => {}, ...rest }) {
  const { mintToken } = await import('@watchtime/server');
  const analystToken = await mintToken({ sub: 'demo-seeder', role: 'analyst', ttlSec: 3600 }, secret);
  const res = await fetch(`${url.replace(/\/$/, '')}/v1/videos`, {
    headers: { authorization: `Bearer ${analystToken}` },
  });
  if (!res.ok) throw new Error(`GET /v1/videos → ${res.status}: ${await res.text()}`);
  const { videos } = await res.json();
  if (videos.length > 0) return null;
  log('seeding a demo (the server holds no videos yet)…');
  return seedDemo({
    url,
    analystToken,
    viewerToken: (viewerId) => mintToken({ sub: viewerId, ttlSec: 3600 }, secret),
    log,
    ...rest,
  });
}

/** The embedded server keeps a generated secret in `<dataDir>/secrets.json`. */
function secretFromDataDir(dataDir) {
  const file = path.join(path.resolve(process.env.INIT_CWD ?? process.cwd(), dataDir), 'secrets.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')).jwtSecret;
}

// CLI: node seed-demo.mjs [--url URL] [--secret S | --data-dir DIR] [--scale 0.5]
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const url = arg('url') ?? 'http://127.0.0.1:8080';
  const secret =
    arg('secret') ?? process.env.WATCHTIME_JWT_SECRET ?? secretFromDataDir(arg('data-dir') ?? '.watchtime');
  if (!secret) {
    console.error(
      'seed-demo: no JWT secret — give --secret, set WATCHTIME_JWT_SECRET, or --data-dir DIR of the embedded server',
    );
    process.exit(2);
  }
  const { mintToken } = await import('@watchtime/server');
  const analystToken = await mintToken({ sub: 'demo-seeder', role: 'analyst', ttlSec: 3600 }, secret);
  try {
    await seedDemo({
      url,
      analystToken,
      viewerToken: (viewerId) => mintToken({ sub: viewerId, ttlSec: 3600 }, secret),
      scale: Number(arg('scale') ?? 1),
      log: (m) => console.log(m),
    });
  } catch (error) {
    console.error(`seed-demo: ${error.message}`);
    process.exit(1);
  }
}
