/**
 * The analyzer's side of a scenario: the freeze pass over a recording (the analyzer CLI
 * `watchtime-analyze freeze <video> --json`, SPEC §7) and the correlation (`correlate`, from the
 * analyzer package). Loaded at run time; when a part is missing the scenario says which.
 * The ticker's corner is painted black in the recording (see ticker.ts) and ignored by the pass.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FreezeResult } from '@watchtime/core';
import { freezeResultSchema, summarizeIssues } from '@watchtime/core';
import { runProcess } from './ffmpeg.js';
import { REPO_ROOT } from './media-server.js';
import { TICKER_MASK } from './ticker.js';

export const ANALYZER_CLI = join(REPO_ROOT, 'packages/analyzer/bin/watchtime-analyze.js');
const CORRELATE_DIST = join(REPO_ROOT, 'packages/analyzer/dist/correlate/correlate.js');
const ANALYZE_DIST = join(REPO_ROOT, 'packages/analyzer/dist/analyze.js');

type AnalyzeFreezeFn = (
  path: string,
  options?: { ignore?: Array<{ x: number; y: number; width: number; height: number; unit: 'px' | 'fraction' }> },
) => Promise<{ report: unknown }>;

import type { Correlation, FrozenRange } from '@watchtime/analyzer';

export type { Correlation, FrozenRange, StallMatch } from '@watchtime/analyzer';
export type CorrelateFn = (
  session: unknown,
  recording: {
    fps: number;
    frozen: readonly FrozenRange[];
    captureGaps?: ReadonlyArray<{ startMs: number; endMs: number }>;
    durationMs?: number;
  },
  options?: { toleranceMs?: number; minHiddenMs?: number; playRequestWallMs?: number },
) => Correlation;

export interface Analyzer {
  freeze(file: string): Promise<FreezeResult>;
  correlate: CorrelateFn;
  /** How the freeze pass runs: the CLI of SPEC §7, or its library function when the CLI is not built yet. */
  via: 'cli' | 'library';
}

/** The analyzer, or a sentence saying what is missing. */
export async function loadAnalyzer(): Promise<Analyzer | string> {
  let correlate: CorrelateFn | undefined;
  let analyzeFreeze: AnalyzeFreezeFn | undefined;
  try {
    const name = '@watchtime/analyzer';
    const mod = (await import(name)) as { correlate?: CorrelateFn; analyzeFreeze?: AnalyzeFreezeFn };
    correlate = mod.correlate;
    analyzeFreeze = mod.analyzeFreeze;
  } catch {}
  // Until the package's index exports them, the same built modules by path.
  if (!correlate && existsSync(CORRELATE_DIST))
    correlate = ((await import(pathToFileURL(CORRELATE_DIST).href)) as { correlate?: CorrelateFn }).correlate;
  if (!analyzeFreeze && existsSync(ANALYZE_DIST))
    analyzeFreeze = ((await import(pathToFileURL(ANALYZE_DIST).href)) as { analyzeFreeze?: AnalyzeFreezeFn })
      .analyzeFreeze;
  const missing: string[] = [];
  if (!correlate) missing.push('correlate() (packages/analyzer build: dist/correlate/correlate.js)');
  const cli = existsSync(ANALYZER_CLI);
  if (!cli && !analyzeFreeze) missing.push(`the analyzer's freeze pass (CLI ${ANALYZER_CLI} or analyzeFreeze())`);
  if (missing.length > 0 || !correlate) return `missing ${missing.join(' and ')}`;
  const byLibrary = analyzeFreeze;
  const freeze = cli || !byLibrary ? freezeByCli : (file: string) => freezeByLibrary(byLibrary, file);
  return { freeze, correlate, via: cli ? 'cli' : 'library' };
}

async function freezeByLibrary(analyzeFreeze: AnalyzeFreezeFn, file: string): Promise<FreezeResult> {
  const [x, y, width, height] = IGNORE as [number, number, number, number];
  const { report } = await analyzeFreeze(file, { ignore: [{ x, y, width, height, unit: 'fraction' }] });
  const parsed = freezeResultSchema.safeParse(report);
  if (!parsed.success) throw new Error(`analyzeFreeze(): ${summarizeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * The ticker's corner as proportions of the 640×360 recording (the analyzer scales frames to 480 px
 * before applying regions, so pixel values would point elsewhere). Already black in the file; passing
 * it as an ignore region as well keeps the analysis right for a recording made without the mask.
 */
const IGNORE = [TICKER_MASK.x / 640, TICKER_MASK.y / 360, TICKER_MASK.width / 640, TICKER_MASK.height / 360];
const IGNORE_ARG = IGNORE.map((v) => v.toFixed(4)).join(',');

async function freezeByCli(file: string): Promise<FreezeResult> {
  const { stdout } = await runProcess(process.execPath, [
    ANALYZER_CLI,
    'freeze',
    file,
    '--json',
    '--ignore',
    IGNORE_ARG,
  ]);
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(`watchtime-analyze freeze --json printed no JSON:\n${stdout.slice(0, 500)}`);
  }
  const parsed = freezeResultSchema.safeParse(json);
  if (!parsed.success) throw new Error(`watchtime-analyze freeze --json: ${summarizeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * `watchtime-analyze correlate` as a user runs it: the session's telemetry read from the server,
 * the freeze pass over the recording, the join, and the result stored on the server.
 */
export async function correlateByCli(
  file: string,
  args: { sessionId: string; server: string; token: string; gapsFile: string },
): Promise<{ recordingId: string | null; correlation: Correlation }> {
  const { stdout } = await runProcess(process.execPath, [
    ANALYZER_CLI,
    'correlate',
    '--session',
    args.sessionId,
    '--recording',
    file,
    '--server',
    args.server,
    '--token',
    args.token,
    '--gaps',
    args.gapsFile,
    '--ignore',
    IGNORE_ARG,
    '--json',
    '--quiet',
  ]);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`watchtime-analyze correlate --json printed no JSON:\n${stdout.slice(0, 500)}`);
  }
}
