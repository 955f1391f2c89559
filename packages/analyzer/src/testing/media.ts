/**
 * Test media: videos generated with ffmpeg from lavfi sources, with ground truth taken from
 * ffmpeg's own per-frame checksums (showinfo) before encoding — a frame whose checksum equals the
 * previous one is a repeated frame. Used by the tests and the bench (never by the library).
 */
import { spawn } from 'node:child_process';

export interface Generated {
  path: string;
  /** Adler-32 of every frame before encoding, in output order. */
  checksums: string[];
}

export function run(bin: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 8 << 20) stderr = stderr.slice(-(4 << 20));
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

/**
 * Renders `lavfi` (a filtergraph with sources, ending in one unlabelled video output) to H.264.
 * `encoder` options default to crf 23, GOP 10 (so repeated frames cross I-frames: encoder noise).
 */
export async function generate(path: string, lavfi: string, encoder: string[] = []): Promise<Generated> {
  const args = ['-hide_banner', '-y', '-f', 'lavfi', '-i', `${lavfi},showinfo`];
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '10', '-bf', '0', '-crf', '23');
  args.push(...encoder, path);
  const { code, stderr } = await run('ffmpeg', args);
  if (code !== 0) throw new Error(`ffmpeg could not generate ${path}: ${stderr.slice(-800)}`);
  const checksums = [...stderr.matchAll(/\] n:\s*\d+ .*? checksum:([0-9A-F]+)/g)].map((m) => m[1]!);
  return { path, checksums };
}

/** Truth array 1 from checksums: 0 where a frame repeats the one before. */
export function truthArray1(checksums: string[]): number[] {
  return checksums.map((c, i) => (i > 0 && c === checksums[i - 1] ? 0 : 1));
}

/** A still "page": white background with coloured boxes at layout `k` (distinct layouts per k). */
export function page(k: number, size = '320x240', seconds = 4, fps = 30): string {
  const colors = ['0x2060c0', '0xc03030', '0x30a040', '0xe0a020', '0x7030a0', '0x208080'];
  const c = (i: number) => colors[(k + i) % colors.length]!;
  const boxes = [
    `drawbox=x=0:y=0:w=iw:h=ih/8:color=${c(0)}:t=fill`,
    `drawbox=x=${10 + 30 * (k % 4)}:y=${40 + 20 * (k % 3)}:w=${120 - 10 * (k % 3)}:h=${60 + 15 * (k % 2)}:color=${c(1)}:t=fill`,
    `drawbox=x=${180 - 25 * (k % 3)}:y=${120 + 10 * (k % 4)}:w=100:h=${50 + 20 * (k % 3)}:color=${c(2)}:t=fill`,
    `drawgrid=w=${20 + 12 * k}:h=${20 + 12 * k}:t=1:color=0x808080`,
  ];
  return `color=c=white:s=${size}:r=${fps}:d=${seconds},${boxes.join(',')}`;
}

/** A moving picture: every frame differs (ffmpeg's testsrc2). */
export function moving(seconds: number, size = '320x240', fps = 30): string {
  return `testsrc2=size=${size}:rate=${fps}:duration=${seconds}`;
}

/** freezedetect (d=0) run by ffmpeg; returns array 1 aligned per SPEC §8 (freeze_start + 1 frame). */
export async function freezedetectArray1(
  path: string,
  frames: number,
  fps: number,
  noise = '-60dB',
): Promise<number[]> {
  const { code, stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-i',
    path,
    '-vf',
    `freezedetect=n=${noise}:d=0`,
    '-f',
    'null',
    '-',
  ]);
  if (code !== 0) throw new Error(`freezedetect failed: ${stderr.slice(-400)}`);
  const a = new Array<number>(frames).fill(1);
  const starts = [...stderr.matchAll(/freeze_start: ([\d.]+)/g)].map((m) => Math.round(Number(m[1]) * fps));
  const ends = [...stderr.matchAll(/freeze_end: ([\d.]+)/g)].map((m) => Math.round(Number(m[1]) * fps));
  starts.forEach((s, k) => {
    const end = ends[k] ?? frames; // first moving frame (or the end of the video)
    for (let i = s + 1; i < end && i < frames; i++) a[i] = 0;
  });
  return a;
}

/** Per-frame F1 of "repeated frame" (array1 = 0) predictions against the truth. */
export function f1(truth: number[], predicted: number[]): { f1: number; tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] === 0;
    const p = predicted[i] === 0;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const f = tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
  return { f1: f, tp, fp, fn };
}

/** Zero runs of an array 1 as [first, last]. */
export function zeroRunsOf(a: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  a.forEach((v, i) => {
    if (v !== 0) return;
    const last = out[out.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else out.push([i, i]);
  });
  return out;
}
