/**
 * Frozen ranges by FFmpeg's own `freezedetect` — an independent reference next to the analyzer's
 * FreezeDetector. Converted to SPEC §7's convention: freezedetect's `freeze_start` names the first
 * frame of the still picture (the original), so the first *repeated* frame is one frame later;
 * `freeze_end` is the first changed frame. A still running to the end ends at the video's end.
 */
import { runFfmpeg } from './ffmpeg.js';

export interface Freeze {
  startMs: number;
  endMs: number;
}

export async function ffmpegFreezes(
  file: string,
  {
    fps,
    durationMs,
    noise = 0.003,
    minSeconds = 0.1,
  }: { fps: number; durationMs: number; noise?: number; minSeconds?: number },
): Promise<Freeze[]> {
  const { stderr } = await runFfmpeg([
    '-hide_banner',
    '-nostats',
    '-i',
    file,
    '-vf',
    `freezedetect=n=${noise}:d=${minSeconds}`,
    '-an',
    '-f',
    'null',
    '-',
  ]);
  const frameMs = 1000 / fps;
  const out: Freeze[] = [];
  let start: number | null = null;
  for (const m of stderr.matchAll(/lavfi\.freezedetect\.freeze_(start|end): ([\d.]+)/g)) {
    const t = Number(m[2]) * 1000;
    if (m[1] === 'start') start = t;
    else if (start !== null) {
      out.push({ startMs: Math.round(start + frameMs), endMs: Math.round(t) });
      start = null;
    }
  }
  if (start !== null) out.push({ startMs: Math.round(start + frameMs), endMs: Math.round(durationMs) });
  return out;
}
