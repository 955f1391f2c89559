/** The markdown report of one correlation run (test-artifacts/REPORT.md). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Correlation } from './analysis.js';
import type { RequestRecord } from './media-server.js';

export interface StallScenarioResult {
  truthOffsetMs: number;
  correlation: Correlation;
  injected: RequestRecord[];
  screencastFrames: number;
  recordingMs: number;
  captureGaps: number;
  recordingId: string | null;
  serverCorrelationStatus: number | null;
}

export interface HiddenScenarioResult {
  truthOffsetMs: number;
  correlation: Correlation;
  overlay: { startRecMs: number; endRecMs: number };
  reportedStalls: number;
  reportedDuringOverlay: number;
}

const iso = (wallMs: number) => new Date(wallMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x)} ms`);
const signed = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x))} ms`;

export function renderReport(r: {
  stalls?: StallScenarioResult;
  hidden?: HiddenScenarioResult;
  when: Date;
  analyzer: string;
}): string {
  const out = [
    '# watchtime end-to-end correlation report',
    '',
    `One run of \`test/e2e/correlation.test.ts\` (${r.when.toISOString().slice(0, 16).replace('T', ' ')} UTC): headless`,
    'Chromium plays a 20 s HLS stream (1 s segments) through video.js + the watchtime plugin; the loopback',
    'media server holds chosen segments back; the page is screen-recorded (CDP screencast → 30 fps video);',
    'telemetry syncs to the real server; the analyzer finds the frozen ranges; `correlate` joins the two',
    'after estimating the clock offset from the anchors alone (truth: the first screencast frame).',
    `Freeze pass: ${r.analyzer}.`,
    '',
  ];
  const s = r.stalls;
  if (s) {
    const c = s.correlation;
    out.push(
      '## Injected stalls',
      '',
      `Clock offset (wall − recording time): **error ${signed(c.offsetMs === null ? null : c.offsetMs - s.truthOffsetMs)}** —`,
      `estimated from ${c.anchors} anchors (the stall ends); truth: the first screencast frame, ${iso(s.truthOffsetMs)}.`,
      `Recording: ${Math.round(s.recordingMs)} ms, ${s.screencastFrames} screencast frames, ${s.captureGaps} capture gaps.`,
      '',
      '| # | injected (segment held back) | reported by the player | seen on screen (frozen) | duration difference |',
      '| --- | --- | --- | --- | --- |',
    );
    c.stalls.forEach((m, i) => {
      const inj = s.injected[i];
      const injected = inj
        ? `seg${String(inj.segment).padStart(3, '0')} +${inj.fault?.delayMs} ms, released at ${ms(inj.finishedWallMs! - s.truthOffsetMs)}`
        : '—';
      const reported = `at ${ms(m.stall.atWallMs - s.truthOffsetMs)}, ${ms(m.stall.durationMs)}`;
      const seen = m.frozen
        ? `${ms(m.frozen.startMs)} – ${ms(m.frozen.endMs)} (${ms(m.frozen.endMs - m.frozen.startMs)})`
        : 'none';
      out.push(`| ${i + 1} | ${injected} | ${reported} | ${seen} | ${signed(m.durationErrorMs)} |`);
    });
    out.push(
      '',
      `Times are recording ms (0 = first screencast frame). Reported stalls are placed with the true offset.`,
      '',
      `Hidden stutter: ${c.hiddenStutter.length === 0 ? 'none (every frozen range is explained)' : JSON.stringify(c.hiddenStutter)}.`,
      `Startup: reported ${ms(c.startup.reportedMs)}, perceived on screen ${ms(c.startup.perceivedMs)}.`,
      `Stored as recording \`${s.recordingId ?? '—'}\`; server correlation endpoint answered ${s.serverCorrelationStatus ?? '—'}.`,
      '',
    );
  }
  const h = r.hidden;
  if (h) {
    const c = h.correlation;
    out.push(
      '## Hidden stutter (frozen overlay, the player keeps playing)',
      '',
      `Overlay shown ${ms(h.overlay.startRecMs)} – ${ms(h.overlay.endRecMs)} (${ms(h.overlay.endRecMs - h.overlay.startRecMs)}); stalls the player reported during it: ${h.reportedDuringOverlay}.`,
      `Clock offset error ${signed(c.offsetMs === null ? null : c.offsetMs - h.truthOffsetMs)} (${c.anchors} anchors: ${h.reportedStalls} injected stalls, matched ${c.stalls.filter((m) => m.frozen).length}).`,
      `Found as hidden stutter: ${
        c.hiddenStutter.length === 0
          ? '**nothing**'
          : c.hiddenStutter.map((f) => `${ms(f.startMs)} – ${ms(f.endMs)} (${ms(f.endMs - f.startMs)})`).join(', ')
      }.`,
      `Startup: reported ${ms(c.startup.reportedMs)}, perceived on screen ${ms(c.startup.perceivedMs)}.`,
      '',
    );
  }
  return out.join('\n');
}

export async function writeReport(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
