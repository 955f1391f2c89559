// Player-plugin hot paths, each printed against a baseline measured in the same run.
//   1. Per-tick cost of the tick path: one recorder sample + one stall poll through the real
//      plugin session (recorder, StallDetector, checkpoint/progress logic, memory store),
//      for a 2 h video viewed with 100 seeks — vs the same loop calling no-ops.
//   2. Sync payload size (JSON bytes) of that viewing — vs the JSON of the raw event log the
//      recorder consumed (what "send every event" would upload).
// Goals (issue 3): ≤ 0.1 ms per tick, ≤ 2 KB payload.
import { mulberry32, simulateViewing } from '@watchtime/core';
import { attachToTarget } from '../dist/index.js';

const HOUR = 3_600_000;
const DURATION = 2 * HOUR;
const rnd = mulberry32(7);

// The worst case for the payload: 100 seeks, both ways, each landing in unwatched content, so
// nothing merges (101 disjoint sections); a few rate changes and pauses on the way.
const starts = Array.from({ length: 100 }, (_, i) => 60_000 + i * 70_000);
for (let i = starts.length - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1));
  [starts[i], starts[j]] = [starts[j], starts[i]];
}
const script = [{ play: 20_000 }];
starts.forEach((at, i) => {
  script.push({ seek: at });
  if (i % 10 === 3) script.push({ rate: i % 20 === 3 ? 2 : 1 });
  if (i % 25 === 7) script.push({ pause: 3000 });
  script.push({ play: 20_000 + Math.floor(rnd() * 10_000) });
});
const viewing = simulateViewing(script, { durationMs: DURATION, tickMs: 1000, timeupdateMs: 250, seed: 3 });

/** A player whose state the bench sets directly (no DOM here; the session reads only these). */
function fakeTarget() {
  const s = { time: 0, paused: true, rate: 1 };
  return {
    state: s,
    currentTime: () => s.time / 1000,
    paused: () => s.paused,
    playbackRate: () => s.rate,
    duration: () => DURATION / 1000,
    readyState: () => 4,
    seeking: () => false,
    ended: () => false,
    listen: () => () => {},
    frameSource: () => null,
  };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

function runTicks(mode, noop) {
  const target = fakeTarget();
  const handle = attachToTarget(target, { videoId: 'bench', storage: 'memory', mode });
  const sink = noop ? { tick() {}, poll() {} } : handle;
  const ticks = viewing.ticks;
  const t0 = performance.now();
  for (let i = 0; i < ticks.length; i++) {
    const k = ticks[i];
    sink.tick(k);
    sink.poll({
      wallMs: k.wallMs,
      mediaMs: k.mediaMs,
      paused: k.paused,
      seeking: false,
      ended: false,
      waiting: false,
      readyState: 4,
      lastFrameWallMs: k.wallMs - 16,
    });
  }
  const ms = performance.now() - t0;
  const sections = handle.sections();
  void handle.dispose();
  return { perTickMs: ms / ticks.length, sections };
}

// Warm up the JIT, then take the median of several rounds.
for (let i = 0; i < 3; i++) {
  runTicks('ticks', false);
  runTicks('ticks', true);
}
const rounds = 9;
const real = [];
const base = [];
let sections = [];
for (let i = 0; i < rounds; i++) {
  const r = runTicks('ticks', false);
  real.push(r.perTickMs);
  sections = r.sections;
  base.push(runTicks('ticks', true).perTickMs);
}
// Events mode (the default): every media event and every 100 ms poll sample through the session.
function runEvents(noop) {
  const handle = attachToTarget(fakeTarget(), { videoId: 'bench-events', storage: 'memory' });
  const sink = noop ? { mediaEvent() {}, poll() {} } : handle;
  const events = viewing.events;
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    sink.mediaEvent(e);
    sink.poll({
      wallMs: e.wallMs,
      mediaMs: e.mediaMs,
      paused: false,
      seeking: false,
      ended: false,
      waiting: false,
      readyState: 4,
      lastFrameWallMs: e.wallMs - 16,
    });
  }
  const ms = performance.now() - t0;
  void handle.dispose();
  return ms / events.length;
}
for (let i = 0; i < 3; i++) {
  runEvents(false);
  runEvents(true);
}
const evReal = [];
const evBase = [];
for (let i = 0; i < rounds; i++) {
  evReal.push(runEvents(false));
  evBase.push(runEvents(true));
}

const perTick = median(real);
const baseline = median(base);

const payload = JSON.stringify({ durationMs: DURATION, sections });
const payloadBytes = Buffer.byteLength(payload);
const rawLogBytes = Buffer.byteLength(JSON.stringify(viewing.events));
const rawTicksBytes = Buffer.byteLength(JSON.stringify(viewing.ticks));

const fmt = (ms) => `${(ms * 1000).toFixed(2)} µs`;
console.log(
  `watchtime player-plugin bench — 2 h video, ${viewing.ticks.length} ticks, 100 seeks, ${viewing.jumps} jumps`,
);
console.log(
  `tick path (tick + stall poll): ${fmt(perTick)} per tick  | baseline no-op loop ${fmt(baseline)}  | ratio ${(perTick / baseline).toFixed(1)}×  | goal ≤ 100 µs: ${perTick <= 0.1 ? 'met' : 'MISSED'}`,
);
console.log(
  `events path (media event + stall poll): ${fmt(median(evReal))} per event  | baseline no-op loop ${fmt(median(evBase))}  | ratio ${(median(evReal) / median(evBase)).toFixed(1)}×  (${viewing.events.length} events)`,
);
console.log(
  `sync payload: ${payloadBytes} B (${sections.length} sections)  | raw event log ${rawLogBytes} B (${viewing.events.length} events), raw tick log ${rawTicksBytes} B  | ${(rawLogBytes / payloadBytes).toFixed(0)}× smaller than the event log  | goal ≤ 2048 B: ${payloadBytes <= 2048 ? 'met' : 'MISSED'}`,
);
process.exit(0);
