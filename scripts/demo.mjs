// The embedded-default demo: a scripted viewing (seeks both ways, a pause, a repeat, 2×) is
// played through both core recorders; prints the merged sections and the metrics next to the truth.
import { EventRecorder, mergeSections, simulateViewing, TickRecorder, watchMetrics } from '@watchtime/core';

const durationMs = 120_000;
const script = [
  { play: 10_000 },
  { seek: 40_000 },
  { rate: 2 },
  { play: 5_000 },
  { pause: 2_000 },
  { seek: 5_000 },
  { rate: 1 },
  { play: 8_000 },
  { seek: 100_000 },
  { play: 30_000 },
];
const viewing = simulateViewing(script, { durationMs, tickMs: 1000, seed: 2026 });
const events = new EventRecorder({ durationMs });
for (const e of viewing.events) events.handle(e);
const ticks = new TickRecorder({ durationMs });
for (const t of viewing.ticks) ticks.sample(t);
ticks.close(viewing.endWallMs);

const truth = mergeSections(viewing.truth.map(([s, e]) => [Math.round(s), Math.round(e)]));
const fmt = (ms) =>
  `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
const show = (name, sections, playedWallMs) => {
  const m = watchMetrics(sections, durationMs);
  console.log(
    `${name.padEnd(22)} watched ${String(m.watchedMs).padStart(6)} ms  coverage ${(m.coverage * 100).toFixed(1).padStart(5)} %  played ${Math.round(playedWallMs)} ms wall`,
  );
  console.log(`${''.padEnd(22)} ${sections.map(([s, e]) => `[${fmt(s)}, ${fmt(e)})`).join(' ')}`);
};
console.log(`watchtime demo — a scripted viewing of a ${durationMs / 1000} s video:`);
console.log(`  ${JSON.stringify(script)}\n`);
show('ground truth', truth, viewing.playedWallMs);
show('events (jump points)', events.sections(), events.playedWallMs);
show('ticks (1 s)', ticks.sections(), ticks.playedWallMs);
console.log('\nwire form (events):', JSON.stringify(events.sections()));
