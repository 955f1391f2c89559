/**
 * watchtime-analyze — the command line over the analysis library (SPEC §7, §8).
 * stdout carries results (JSON with --json); stderr carries progress and errors.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  analyzeFreeze,
  analyzeStages,
  grabFrames,
  type SourceOptions,
  type StagesPassOptions,
  saveStageFrames,
} from './analyze.js';
import { duration, list, num, type Parsed, parseArgs, str, UsageError } from './cli/args.js';
import { progressReporter } from './cli/progress.js';
import { type Correlation, correlate } from './correlate/correlate.js';
import { parseRegion } from './frames/regions.js';
import { FREEZE_DEFAULTS, type FreezeRule, parseGrayThreshold } from './freeze/freeze-detector.js';
import { serverClient } from './remote/server-client.js';
import { type ReportTrack, renderReport } from './report/html-report.js';
import { STAGE_DEFAULTS } from './stages/stage-cutter.js';

export interface Io {
  out: (text: string) => void;
  err: NodeJS.WriteStream;
}

const BOOLEANS = new Set(['json', 'help', 'quiet', 'keyframes', 'gray', 'still', 'no-store']);

const COMMON = `  --json              print the result as JSON on stdout
  --report FILE       write one self-contained HTML report
  --quiet             no progress on stderr
  --width N           analysis width in px (height in proportion; 0 = native)
  --fps N             normalise to this constant frame rate (default: the video's own)
  --crop x,y,w,h      analyse only this region (pixels, or proportions like 0,0.1,1,0.8 / 10%)
  --ignore x,y,w,h    blank a region (clock, status bar); several separated by ";"`;

const STAGE_FLAGS = `  --compress-rate R   frame scale before SSIM (default ${STAGE_DEFAULTS.compressRate})
  --block N           tiles per side (default ${STAGE_DEFAULTS.block} → ${STAGE_DEFAULTS.block ** 2} tiles)
  --threshold T       a pair is stable above this SSIM (default ${STAGE_DEFAULTS.threshold})
  --offset N          merge stable ranges separated by ≤ N unstable frames (default 0)
  --limit N           drop stable ranges shorter than N frames (default 0)
  --combine min|mean  how tile SSIMs combine (default min)`;

const HELP: Record<string, string> = {
  '': `watchtime-analyze — what a screen recording really showed

Usage: watchtime-analyze <command> [options]

Commands:
  freeze <video>                       frozen ranges and stutter (seed 003)
  stages <video>                       stable / unstable ranges (stagesepx); --out saves frames per stage
  train <folder> --model <dir>         train the stage classifier from <folder>/<label>/*.png
  classify <video> --model <dir>       label the stable ranges of a video (-3 = unstable)
  timing <video> --model <dir> --from A --to B   time from the first frame of A to the first of B
  sweep <video> --truth <file.json>    try (threshold, offset, block) against known timings
  screentime <video> --model <dir> [--every 1s]  seconds per class, one frame per second
  correlate --session <id> --recording <video> --server <url> --token <jwt>
                                       the player's telemetry checked against the recording

Run "watchtime-analyze <command> --help" for its options.`,
  freeze: `Usage: watchtime-analyze freeze <video> [options]

Per frame pair: |difference| → gray (0.3R + 0.59G + 0.11B) → max (or mean) → identical or changed.
  --rule max|mean     max: max gray ≤ threshold (default ${FREEZE_DEFAULTS.maxThreshold}); mean: mean gray ≤ threshold
                      (default ${FREEZE_DEFAULTS.meanThreshold}; accepts freezedetect-style "-60dB")
  --threshold T       threshold of the chosen rule
  --drift D|off       max |signed mean difference| to the run's first frame (default ${FREEZE_DEFAULTS.driftLimit}); "off" = seed literal
  --still             also report "still" ranges under the mean rule (a spinner on a frozen page)
  --every N           compare every N-th frame
  --keyframes         compare key frames only
  --gray              let ffmpeg convert to gray (faster; difference of luma instead of the seed's rgb rule)
${COMMON}`,
  stages: `Usage: watchtime-analyze stages <video> [options]

${STAGE_FLAGS}
  --out DIR           save frames of each stable range as DIR/<stage>/<frame>_<ms>.png
  --per-range N       frames saved per stable range (default 3)
${COMMON}`,
  train: `Usage: watchtime-analyze train <folder> --model <dir> [options]

<folder> holds one sub-folder of PNG frames per label (e.g. made by "stages --out", then renamed/merged).
  --model DIR         where to write model.json, weights.bin, watchtime-model.json
  --epochs N          training epochs (default 40; the best validation epoch is kept)
  --validation F      share of each label held out for validation (default 0.2)
  --json              print the training summary as JSON`,
  classify: `Usage: watchtime-analyze classify <video> --model <dir> [options]

${STAGE_FLAGS}
${COMMON}`,
  timing: `Usage: watchtime-analyze timing <video> --model <dir> --from A --to B [options]

Time between the first frame labelled A and the first frame labelled B.
${STAGE_FLAGS}
${COMMON}`,
  sweep: `Usage: watchtime-analyze sweep <video> --truth <file.json> [options]

truth: {"timings":[{"from":"A","to":"B","ms":1234}]}. Labels come from --model, else they are the
stable ranges' numbers ("0", "1", …).
  --model DIR         label ranges with this classifier
  --thresholds LIST   default 0.9,0.95,0.98
  --offsets LIST      default 0,3,6
  --blocks LIST       default 4,6,8
${COMMON}`,
  screentime: `Usage: watchtime-analyze screentime <video> --model <dir> [--every 1s] [options]

  --every D           sample one frame every D (default 1s; e.g. 500ms)
${COMMON}`,
  correlate: `Usage: watchtime-analyze correlate --session <id> --recording <video> --server <url> --token <jwt> [options]

Reads the session's telemetry from the server, finds the recording's frozen ranges, aligns the two
clocks on what both saw (stall, pause and seek ends — never startup), and joins them: each reported
stall with the freeze it matches (or none), freezes nobody reported (hidden stutter), and startup
as reported next to startup as seen. The result is stored on the server with the freeze analysis.
  --session ID        the playback session (PUT /v1/sessions/ID by the player plugin)
  --recording FILE    the screen recording of that playback
  --server URL        the watchtime server; --token: an analyst JWT
  --gaps FILE         JSON [{startMs, endMs}]: stretches where the capture itself dropped frames
  --tolerance MS      how far apart two views of one event may be (default 300)
  --no-store          do not store the result on the server
${COMMON}`,
};

function sourceOptions(p: Parsed): SourceOptions {
  const ignore = str(p.flags, 'ignore');
  const crop = str(p.flags, 'crop');
  return {
    width: num(p.flags, 'width'),
    fps: num(p.flags, 'fps'),
    crop: crop ? parseRegion(crop) : undefined,
    ignore: ignore ? ignore.split(';').filter(Boolean).map(parseRegion) : undefined,
  };
}

function stageOptions(p: Parsed): StagesPassOptions {
  const combine = str(p.flags, 'combine');
  if (combine && combine !== 'min' && combine !== 'mean')
    throw new UsageError(`--combine must be min or mean, got "${combine}"`);
  return {
    ...sourceOptions(p),
    compressRate: num(p.flags, 'compress-rate'),
    block: num(p.flags, 'block'),
    threshold: num(p.flags, 'threshold'),
    offset: num(p.flags, 'offset'),
    limit: num(p.flags, 'limit'),
    combine: combine as 'min' | 'mean' | undefined,
  };
}

function need(p: Parsed, what: string, name = 'video'): string {
  const v = p.positionals[1];
  if (!v) throw new UsageError(`${what}: missing <${name}> (see "watchtime-analyze ${what} --help")`);
  return v;
}

function needFlag(p: Parsed, flag: string, cmd: string): string {
  const v = str(p.flags, flag);
  if (!v) throw new UsageError(`${cmd}: --${flag} is required (see "watchtime-analyze ${cmd} --help")`);
  return v;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export async function main(
  argv: string[],
  io: Io = { out: (t) => process.stdout.write(t), err: process.stderr },
): Promise<number> {
  let p: Parsed;
  try {
    p = parseArgs(argv, BOOLEANS);
  } catch (err) {
    io.err.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  const cmd = p.positionals[0] ?? '';
  if (!(cmd in HELP)) {
    io.err.write(`error: unknown command "${cmd}"\n\n${HELP['']}\n`);
    return 2;
  }
  if (p.flags.has('help') || cmd === '') {
    io.out(`${HELP[cmd]}\n`);
    return 0;
  }
  const progress = progressReporter(cmd, io.err, p.flags.has('quiet'));
  try {
    await run(cmd, p, io, progress.update);
    progress.done();
    return 0;
  } catch (err) {
    if (err instanceof NotImplemented) {
      io.err.write(`${err.message}\n`);
      return 3;
    }
    io.err.write(`${cmd === '' ? '' : `\n`}error: ${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

class NotImplemented extends Error {}

/** The correlation for people: one line per reported stall, then what nobody reported. */
export function describeCorrelation(c: Correlation, recordingId: string | null): string {
  const lines: string[] = [];
  if (c.offsetMs === null) {
    lines.push('clocks could not be aligned: no stall, pause or seek end is visible in both');
  } else {
    lines.push(
      `clock offset ${c.offsetMs} ms (wall = recording + offset), from ${c.anchors} anchors, worst residual ${c.residualMs} ms`,
    );
  }
  c.stalls.forEach((m, i) => {
    const seen = m.frozen
      ? `seen ${Math.round(m.frozen.startMs)}–${Math.round(m.frozen.endMs)} ms (duration ${m.durationErrorMs! >= 0 ? '+' : ''}${m.durationErrorMs} ms)`
      : 'NOT seen on screen';
    lines.push(`  stall ${i + 1}: reported ${m.stall.durationMs} ms → ${seen}`);
  });
  if (c.hiddenStutter.length === 0) lines.push('hidden stutter: none');
  for (const f of c.hiddenStutter)
    lines.push(
      `  HIDDEN STUTTER ${Math.round(f.startMs)}–${Math.round(f.endMs)} ms (${Math.round(f.endMs - f.startMs)} ms), no stall reported`,
    );
  lines.push(`startup: reported ${c.startup.reportedMs ?? '—'} ms, perceived ${c.startup.perceivedMs ?? '—'} ms`);
  if (recordingId) lines.push(`stored as recording ${recordingId}`);
  return `${lines.join('\n')}\n`;
}

/** TensorFlow.js takes a while to load: only the classifier commands pay for it. */
async function classifier() {
  const [backend, model, video] = await Promise.all([
    import('./classify/backend.js'),
    import('./classify/model.js'),
    import('./classify/video.js'),
  ]);
  return { ...backend, ...model, ...video };
}

async function run(cmd: string, p: Parsed, io: Io, progress: (d: number, t: number) => void): Promise<void> {
  const reportFile = str(p.flags, 'report');
  switch (cmd) {
    case 'freeze': {
      const video = need(p, cmd);
      const rule = (str(p.flags, 'rule') ?? 'max') as FreezeRule;
      if (rule !== 'max' && rule !== 'mean') throw new UsageError(`--rule must be max or mean, got "${rule}"`);
      const t = str(p.flags, 'threshold');
      const drift = str(p.flags, 'drift');
      const every = num(p.flags, 'every');
      const a = await analyzeFreeze(
        video,
        {
          ...sourceOptions(p),
          rule,
          maxThreshold: rule === 'max' && t ? parseGrayThreshold(t) : undefined,
          meanThreshold: rule === 'mean' && t ? parseGrayThreshold(t) : undefined,
          driftLimit: drift === 'off' ? Number.POSITIVE_INFINITY : drift ? Number(drift) : undefined,
          every,
          keyframesOnly: p.flags.has('keyframes'),
          still: p.flags.has('still'),
          pixelFormat: p.flags.has('gray') ? 'gray' : 'rgb24',
          thumbnails: Boolean(reportFile),
        },
        progress,
      );
      const { curves, ...result } = a.report;
      if (reportFile) {
        const thr = rule === 'max' ? (t ? parseGrayThreshold(t) : FREEZE_DEFAULTS.maxThreshold) : undefined;
        await writeFile(
          reportFile,
          renderReport({
            title: `Freeze report — ${basename(video)}`,
            video,
            fps: result.fps,
            frames: result.frames,
            summary: [
              ['rule', `${result.rule}${thr === undefined ? '' : ` (max gray ≤ ${thr})`}`],
              ['identical-frame ratio', `${(result.identicalFrameRatio * 100).toFixed(1)} %`],
              ['stutter count (identical frames)', String(result.stutterCount)],
              ['stutter seconds', result.stutterSeconds.join(', ') || 'none'],
              ['stutter duration', `${result.stutterMs} ms`],
              ['frozen ranges', String(result.frozen.length)],
            ],
            tracks: [
              { name: 'frozen', color: '#d33', ranges: result.frozen },
              { name: 'still (mean)', color: '#e90', ranges: result.still ?? [] },
            ],
            curves: curves
              ? [
                  {
                    name: 'max gray difference to previous frame',
                    color: '#36c',
                    values: curves.max,
                    min: 0,
                    max: 255,
                    threshold: thr,
                  },
                  {
                    name: 'mean gray difference to previous frame',
                    color: '#393',
                    values: curves.mean,
                    min: 0,
                    max: 10,
                    threshold: FREEZE_DEFAULTS.meanThreshold,
                  },
                ]
              : [],
            thumbs: a.thumbs.map((th) => ({
              ...th,
              caption: result.frozen.some((r) => r.startFrame - 1 === th.index) ? 'before freeze' : 'after freeze',
            })),
            tables: [
              {
                heading: 'Frozen ranges',
                columns: ['start frame', 'end frame', 'start ms', 'end ms', 'still for ms'],
                rows: result.frozen.map((r) => [r.startFrame, r.endFrame, r.startMs, r.endMs, r.endMs - r.startMs]),
              },
            ],
          }),
        );
      }
      if (p.flags.has('json')) io.out(json(result));
      else {
        io.out(`${video}: ${result.frames} frames at ${result.fps} fps, rule ${result.rule}\n`);
        io.out(
          `identical-frame ratio ${(result.identicalFrameRatio * 100).toFixed(1)} %, stutter count ${result.stutterCount}, stutter ${result.stutterMs} ms (seconds: ${result.stutterSeconds.join(', ') || 'none'})\n`,
        );
        for (const r of result.frozen)
          io.out(
            `  frozen frames ${r.startFrame}–${r.endFrame}  ${r.startMs}–${r.endMs} ms  (${r.endMs - r.startMs} ms)\n`,
          );
        if (reportFile) io.out(`report: ${reportFile}\n`);
      }
      return;
    }
    case 'stages': {
      const video = need(p, cmd);
      const opts = stageOptions(p);
      const { report } = await analyzeStages(video, opts, progress);
      const { similarity, ...result } = report;
      const outDir = str(p.flags, 'out');
      const saved = outDir
        ? await saveStageFrames(video, report, outDir, { perRange: num(p.flags, 'per-range') ?? 3 })
        : [];
      if (reportFile) {
        const mids = report.stable.map((r) => Math.floor((r.startFrame + r.endFrame) / 2));
        const thumbs = await grabFrames(video, mids, { fps: report.fps });
        await writeFile(
          reportFile,
          renderReport({
            title: `Stages report — ${basename(video)}`,
            video,
            fps: report.fps,
            frames: report.frames,
            summary: [
              ['stable ranges', String(report.stable.length)],
              ['unstable ranges', String(report.unstable.length)],
              [
                'parameters',
                `threshold ${opts.threshold ?? STAGE_DEFAULTS.threshold}, block ${opts.block ?? STAGE_DEFAULTS.block}, offset ${opts.offset ?? 0}, limit ${opts.limit ?? 0}`,
              ],
            ],
            tracks: [
              { name: 'stable', color: '#3a3', ranges: report.stable },
              { name: 'unstable', color: '#999', ranges: report.unstable },
            ],
            curves: [
              {
                name: 'SSIM with previous frame (min over tiles)',
                color: '#36c',
                values: similarity ?? [],
                min: 0,
                max: 1,
                threshold: opts.threshold ?? STAGE_DEFAULTS.threshold,
              },
            ],
            thumbs: thumbs.map((t) => ({ ...t, caption: `stage ${mids.indexOf(t.index)}` })),
            tables: [
              {
                heading: 'Stable ranges',
                columns: ['stage', 'start frame', 'end frame', 'start ms', 'end ms'],
                rows: report.stable.map((r, k) => [k, r.startFrame, r.endFrame, r.startMs, r.endMs]),
              },
            ],
          }),
        );
      }
      if (p.flags.has('json')) io.out(json(outDir ? { ...result, saved } : result));
      else {
        io.out(`${video}: ${result.frames} frames at ${result.fps} fps\n`);
        result.stable.forEach((r, k) => {
          io.out(`  stage ${k}: frames ${r.startFrame}–${r.endFrame}  ${r.startMs}–${r.endMs} ms\n`);
        });
        for (const r of result.unstable)
          io.out(`  unstable: frames ${r.startFrame}–${r.endFrame}  ${r.startMs}–${r.endMs} ms\n`);
        if (outDir)
          io.out(
            `saved ${saved.length} frames under ${outDir}/<stage>/ — rename or merge the folders into labels, then "train"\n`,
          );
        if (reportFile) io.out(`report: ${reportFile}\n`);
      }
      return;
    }
    case 'train': {
      const { readLabelledFolder, initBackend, train } = await classifier();
      const folder = need(p, cmd, 'folder');
      const modelDir = needFlag(p, 'model', cmd);
      const samples = await readLabelledFolder(folder);
      const epochs = num(p.flags, 'epochs') ?? 40;
      const backend = await initBackend();
      const r = await train(samples, {
        epochs,
        validationSplit: num(p.flags, 'validation'),
        onEpoch: (e) => progress(e, epochs),
      });
      await r.classifier.save(modelDir);
      const summary = {
        model: modelDir,
        backend,
        labels: r.classifier.labels,
        samples: samples.length,
        counts: r.counts,
        classWeights: r.classWeights,
        validationAccuracy: r.validationAccuracy,
        bestEpoch: r.bestEpoch,
      };
      if (p.flags.has('json')) io.out(json(summary));
      else
        io.out(
          `trained on ${samples.length} frames of ${summary.labels.length} labels (${backend}); best validation accuracy ${(r.validationAccuracy * 100).toFixed(1)} % at epoch ${r.bestEpoch}; saved to ${modelDir}\n`,
        );
      return;
    }
    case 'classify':
    case 'timing': {
      const { Classifier, classifyVideo, stageTiming } = await classifier();
      const video = need(p, cmd);
      const model = await Classifier.load(needFlag(p, 'model', cmd));
      const from = cmd === 'timing' ? needFlag(p, 'from', cmd) : '';
      const to = cmd === 'timing' ? needFlag(p, 'to', cmd) : '';
      const report = await classifyVideo(video, model, stageOptions(p), progress);
      if (reportFile) {
        const labels = [...new Set(report.stable.map((r) => r.label))];
        const palette = ['#36c', '#d33', '#3a3', '#e90', '#93c', '#099', '#c69'];
        const tracks: ReportTrack[] = labels.map((l, i) => ({
          name: l,
          color: palette[i % palette.length]!,
          ranges: report.stable.filter((r) => r.label === l),
        }));
        tracks.push({ name: 'unstable (-3)', color: '#999', ranges: report.unstable });
        const mids = report.stable.map((r) => Math.floor((r.startFrame + r.endFrame) / 2));
        const thumbs = await grabFrames(video, mids, { fps: report.fps });
        await writeFile(
          reportFile,
          renderReport({
            title: `Stage labels — ${basename(video)}`,
            video,
            fps: report.fps,
            frames: report.frames,
            summary: Object.entries(report.firstFrame).map(([l, f]) => [
              `first frame of "${l}"`,
              `#${f.frame} at ${f.ms} ms`,
            ]),
            tracks,
            curves: [],
            thumbs: thumbs.map((t) => ({ ...t, caption: report.stable[mids.indexOf(t.index)]?.label ?? '' })),
          }),
        );
      }
      if (cmd === 'timing') {
        const t = stageTiming(report.firstFrame, from, to);
        if (p.flags.has('json')) io.out(json(t));
        else io.out(`${from} → ${to}: ${t.ms} ms (first "${from}" at ${t.fromMs} ms, first "${to}" at ${t.toMs} ms)\n`);
        return;
      }
      if (p.flags.has('json')) io.out(json(report));
      else {
        for (const r of report.stable)
          io.out(
            `  ${r.label.padEnd(12)} frames ${r.startFrame}–${r.endFrame}  ${r.startMs}–${r.endMs} ms  (agreement ${(r.agreement * 100).toFixed(0)} %)\n`,
          );
        io.out(`  unstable (-3): ${report.unstable.length} ranges\n`);
      }
      return;
    }
    case 'sweep': {
      const { Classifier, parseTruth, sweep } = await classifier();
      const video = need(p, cmd);
      const truthFile = needFlag(p, 'truth', cmd);
      let truthJson: unknown;
      try {
        truthJson = JSON.parse(await readFile(truthFile, 'utf8'));
      } catch (err) {
        throw new Error(`${truthFile}: not readable JSON (${(err as Error).message})`);
      }
      const truth = parseTruth(truthJson);
      const modelDir = str(p.flags, 'model');
      const rows = await sweep(
        video,
        truth,
        {
          thresholds: list(p.flags, 'thresholds') ?? [0.9, 0.95, 0.98],
          offsets: list(p.flags, 'offsets') ?? [0, 3, 6],
          blocks: list(p.flags, 'blocks') ?? [4, 6, 8],
        },
        { ...stageOptions(p), model: modelDir ? await Classifier.load(modelDir) : undefined },
        progress,
      );
      if (reportFile) {
        const best = rows[0]!;
        await writeFile(
          reportFile,
          renderReport({
            title: `Parameter sweep — ${basename(video)}`,
            video,
            fps: 1,
            frames: 0,
            summary: [
              ['best', `threshold ${best.threshold}, offset ${best.offset}, block ${best.block}`],
              ['its mean deviation', `${best.meanDeviationMs} ms (${best.meanDeviationPct} %)`],
              ['known timings', truth.timings.map((t) => `${t.from} → ${t.to}: ${t.ms} ms`).join('; ')],
            ],
            tracks: [],
            curves: [],
            thumbs: [],
            tables: [
              {
                heading: 'All combinations (best first)',
                columns: ['threshold', 'offset', 'block', 'mean deviation ms', 'mean deviation %', 'missing'],
                rows: rows.map((r) => [
                  r.threshold,
                  r.offset,
                  r.block,
                  r.meanDeviationMs,
                  r.meanDeviationPct,
                  r.missing,
                ]),
              },
            ],
          }),
        );
      }
      if (p.flags.has('json')) io.out(json({ best: rows[0], rows }));
      else {
        io.out('threshold offset block  mean deviation\n');
        for (const r of rows)
          io.out(
            `${String(r.threshold).padEnd(9)} ${String(r.offset).padEnd(6)} ${String(r.block).padEnd(5)}  ${r.meanDeviationMs} ms (${r.meanDeviationPct} %)${r.missing ? `, ${r.missing} missing` : ''}\n`,
          );
      }
      return;
    }
    case 'screentime': {
      const { Classifier, screenTime } = await classifier();
      const video = need(p, cmd);
      const model = await Classifier.load(needFlag(p, 'model', cmd));
      const every = str(p.flags, 'every');
      const r = await screenTime(video, model, every ? duration(every) : 1000, progress);
      if (reportFile) {
        // One thumbnail for the first sample of each class.
        const firsts = model.labels.map((l) => r.timeline.findIndex((t) => t.label === l)).filter((k) => k >= 0);
        const grabbed = await grabFrames(video, firsts, { fps: 1000 / r.everyMs });
        const thumbs = grabbed.map((g) => ({ ...g, ms: r.timeline[g.index]!.ms, caption: r.timeline[g.index]!.label }));
        const palette = ['#36c', '#d33', '#3a3', '#e90', '#93c', '#099'];
        const fps = 1000 / r.everyMs;
        await writeFile(
          reportFile,
          renderReport({
            title: `Screen time — ${basename(video)}`,
            video,
            fps,
            frames: r.samples,
            summary: Object.entries(r.seconds).map(([l, s]) => [l, `${s} s`]),
            tracks: model.labels.map((l, i) => ({
              name: l,
              color: palette[i % palette.length]!,
              ranges: r.timeline.flatMap((t, k) =>
                t.label === l ? [{ startFrame: k, endFrame: k, startMs: t.ms, endMs: t.ms + r.everyMs }] : [],
              ),
            })),
            curves: [],
            thumbs,
          }),
        );
      }
      if (p.flags.has('json')) io.out(json(r));
      else for (const [l, s] of Object.entries(r.seconds)) io.out(`  ${l.padEnd(16)} ${s} s\n`);
      return;
    }
    case 'correlate': {
      const sessionId = needFlag(p, 'session', cmd);
      const video = needFlag(p, 'recording', cmd);
      const server = serverClient(needFlag(p, 'server', cmd), needFlag(p, 'token', cmd));
      const session = await server.getSession(sessionId);
      const gapsFile = str(p.flags, 'gaps');
      let captureGaps: Array<{ startMs: number; endMs: number }> = [];
      if (gapsFile) {
        try {
          captureGaps = JSON.parse(await readFile(gapsFile, 'utf8'));
        } catch (err) {
          throw new UsageError(`--gaps ${gapsFile}: not readable JSON (${(err as Error).message})`);
        }
        if (!Array.isArray(captureGaps))
          throw new UsageError(`--gaps ${gapsFile}: expected an array of {startMs, endMs}`);
      }
      const a = await analyzeFreeze(video, { ...sourceOptions(p) }, progress);
      const { curves: _curves, ...freeze } = a.report;
      const correlation = correlate(
        session,
        { fps: freeze.fps, frozen: freeze.frozen, captureGaps },
        { toleranceMs: num(p.flags, 'tolerance') },
      );
      const stored = p.flags.has('no-store')
        ? null
        : await server.postRecording({
            sessionId,
            name: basename(video),
            fps: freeze.fps,
            frames: freeze.frames,
            freeze,
            correlation,
          });
      if (p.flags.has('json')) io.out(json({ recordingId: stored?.id ?? null, correlation }));
      else io.out(describeCorrelation(correlation, stored?.id ?? null));
      return;
    }
  }
}
