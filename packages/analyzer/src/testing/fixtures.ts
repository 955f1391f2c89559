/** The generated test set (SPEC §8 "generated set"), written into a fresh temp dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Generated, generate, moving, page } from './media.js';

export async function tempDir(prefix = 'watchtime-analyzer-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Freeze set: known repeated frames, encoder noise across I-frames, a spinner, a fade. */
export const FREEZE_SET = {
  /** testsrc2 (every frame moves) with frames 29..58 and 89..103 repeated (loop), and a frozen tail. */
  freezes: `${moving(4, '640x360')},loop=loop=29:size=1:start=30,setpts=N/30/TB,loop=loop=14:size=1:start=90,setpts=N/30/TB,tpad=stop_mode=clone:stop=12`,
  /** A still page with an 8×8 dot circling once a second. */
  spinner: `${page(1, '320x240', 3)}[p];color=c=black:s=8x8:r=30:d=3[s];[p][s]overlay=x='156+12*cos(2*PI*t)':y='116+12*sin(2*PI*t)':eval=frame`,
  /** A still page fading to black over 2 s (every frame of the fade differs a little). */
  fade: `${page(2, '320x240', 4)},fade=t=out:st=1:d=2`,
} as const;

export async function generateSet(dir: string, set: Record<string, string>): Promise<Record<string, Generated>> {
  const out: Record<string, Generated> = {};
  for (const [name, graph] of Object.entries(set)) out[name] = await generate(join(dir, `${name}.mp4`), graph);
  return out;
}

/** Stage set: pages with hard cuts at frames 30, 60, 105 and a 6-frame cross-fade 130..135 into page 4. */
export function stagesGraph(size = '320x240', noiseSeed = 1): string {
  const p = (k: number, d: number) => `${page(k, size, d)},noise=alls=6:allf=t:all_seed=${noiseSeed + k}`;
  return (
    `${p(0, 1)}[a];${p(1, 1)}[b];${p(2, 1.5)}[c];${p(3, 1)}[d];${p(4, 1.5)}[e];` +
    '[a][b][c][d]concat=n=4,settb=1/30,setpts=N/30/TB[abcd];[abcd][e]xfade=transition=fade:duration=0.2:offset=4.3,setpts=N/30/TB'
  );
}
