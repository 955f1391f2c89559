import { spawn } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freezeResultSchema, stagesResultSchema } from '@watchtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREEZE_SET, stagesGraph, tempDir } from './testing/fixtures.js';
import { generate } from './testing/media.js';

const BIN = fileURLToPath(new URL('../bin/watchtime-analyze.js', import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWithEnv(process.env, ...args);
}

function cliWithEnv(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let dir: string;
let cleanup: () => Promise<void>;
let freezes: string;
let pages: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  freezes = (await generate(join(dir, 'freezes.mp4'), FREEZE_SET.freezes)).path;
  pages = (await generate(join(dir, 'pages.mp4'), stagesGraph())).path;
});
afterAll(() => cleanup());

describe('watchtime-analyze CLI', () => {
  it('prints global and per-command help', async () => {
    const all = await cli('--help');
    expect(all.code).toBe(0);
    for (const c of ['freeze', 'stages', 'train', 'classify', 'timing', 'sweep', 'screentime', 'correlate'])
      expect(all.stdout).toContain(c);
    const one = await cli('stages', '--help');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('--compress-rate');
    const bad = await cli('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });

  it('freeze --json prints the SPEC §7 shape; progress goes to stderr as plain lines off a TTY', async () => {
    const r = await cli('freeze', freezes, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(freezeResultSchema.safeParse(out).success).toBe(true);
    expect(out.frozen.map((f: { startFrame: number }) => f.startFrame)).toEqual([30, 90, 163]);
    expect(out.curves).toBeUndefined();
    expect(r.stderr).toContain('freeze: 100%');
  });

  it('stages --json prints the SPEC §7 shape and --report writes one self-contained HTML file with thumbnails', async () => {
    const report = join(dir, 'stages.html');
    const r = await cli('stages', pages, '--json', '--compress-rate', '0.5', '--report', report, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(stagesResultSchema.safeParse(out).success).toBe(true);
    expect(out.stable).toHaveLength(5);
    const html = await readFile(report, 'utf8');
    expect(html.match(/<img [^>]*src="data:image\/png;base64,/g)?.length).toBe(5);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)="(https?:|\/\/)/);
  });

  it('freeze --report includes the frames around each freeze and the difference curves', async () => {
    const report = join(dir, 'freeze.html');
    const r = await cli('freeze', freezes, '--report', report, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('frozen frames 30–58');
    const html = await readFile(report, 'utf8');
    expect(html.match(/data:image\/png;base64,/g)?.length).toBe(5); // before/after of 3 freezes, the last runs to the end
    expect(html).toContain('max gray difference');
    expect(html).toContain('<polyline');
  });

  it('a file that is not a video: a clear error and exit 1, nothing on stdout', async () => {
    const bogus = join(dir, 'report.mp4');
    await writeFile(bogus, '%PDF-1.4 not a video');
    const r = await cli('freeze', bogus, '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: .*report\.mp4 is not a readable video/);
    const missing = await cli('stages');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing <video>');
  });

  it('draws a progress bar when stderr is a terminal (a real pseudo-terminal via util-linux script)', async () => {
    const command = [process.execPath, BIN, 'freeze', freezes].map((a) => `'${a}'`).join(' ');
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d));
      p.on('error', reject);
      p.on('close', () => resolve(text));
    });
    expect(out).toMatch(/\rfreeze \[#*-*\] \d+% \(\d+\/175\)/);
    expect(out).toContain('\rfreeze done');
    expect(out).not.toContain('freeze: 10%');
  });

  it('without ffmpeg installed: says so and how to fix it', async () => {
    const r = await cliWithEnv({ PATH: '/nonexistent' }, 'freeze', freezes);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ffprobe was not found: install ffmpeg');
  });

  it('correlate names what is missing, and a server it cannot reach', async () => {
    const r = await cli('correlate', '--session', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('correlate: --recording is required');
    // Port 9 (discard) on loopback: nothing listens, the connection is refused for real.
    const down = await cli(
      'correlate',
      '--session',
      'x',
      '--recording',
      freezes,
      '--server',
      'http://127.0.0.1:9',
      '--token',
      't',
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:9');
  });

  it('stages --out → rename folders → train → timing / screentime / sweep', async () => {
    const frames = join(dir, 'frames');
    const s = await cli('stages', pages, '--compress-rate', '0.5', '--out', frames, '--per-range', '10', '--quiet');
    expect(s.code).toBe(0);
    const names = ['a-login', 'b-home', 'c-feed', 'd-detail', 'e-player'];
    for (let k = 0; k < 5; k++) await rename(join(frames, String(k)), join(frames, names[k]!));
    const model = join(dir, 'model');
    const t = await cli('train', frames, '--model', model, '--epochs', '25', '--json', '--quiet');
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout).labels).toEqual(names);
    const timing = await cli(
      'timing',
      pages,
      '--model',
      model,
      '--from',
      'b-home',
      '--to',
      'd-detail',
      '--compress-rate',
      '0.5',
      '--json',
      '--quiet',
    );
    expect(timing.code).toBe(0);
    expect(Math.abs(JSON.parse(timing.stdout).ms - 2500)).toBeLessThanOrEqual(34);
    const st = await cli('screentime', pages, '--model', model, '--every', '1s', '--json', '--quiet');
    expect(JSON.parse(st.stdout).seconds['c-feed']).toBe(2);
    const truth = join(dir, 'truth.json');
    await writeFile(truth, JSON.stringify({ timings: [{ from: '1', to: '3', ms: 2500 }] }));
    const sw = await cli(
      'sweep',
      pages,
      '--truth',
      truth,
      '--thresholds',
      '0.95',
      '--offsets',
      '0',
      '--blocks',
      '4,6',
      '--compress-rate',
      '0.5',
      '--json',
      '--quiet',
    );
    expect(sw.code).toBe(0);
    const rows = JSON.parse(sw.stdout).rows;
    expect(rows).toHaveLength(2);
    expect(rows[0].meanDeviationMs).toBeLessThanOrEqual(34);
  }, 120_000);
});
