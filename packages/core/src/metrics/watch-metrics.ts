/** Per viewer-and-video metrics of SPEC §2, and the QoE summary of SPEC §8 (Mux's definitions). */
import { type Section, totalMs } from '../sections/interval-set.js';

export interface WatchMetrics {
  watchedMs: number;
  coverage: number;
}

/** watchedMs = length of the merged set; coverage = watchedMs / durationMs (0 when unknown). */
export function watchMetrics(sections: readonly Section[], durationMs: number | null | undefined): WatchMetrics {
  const watchedMs = totalMs(sections);
  const coverage = durationMs && durationMs > 0 ? Math.min(1, watchedMs / durationMs) : 0;
  return { watchedMs, coverage };
}

/** Nearest-rank-free linear percentile (as PostgreSQL's percentile_cont). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export interface QoeInput {
  startupMs?: number | null;
  playedWallMs: number;
  stalls: ReadonlyArray<{ durationMs: number }>;
}

export interface QoeSummary {
  sessions: number;
  startupMedianMs: number | null;
  startupP95Ms: number | null;
  stallCount: number;
  stallMs: number;
  /** Watch time = startup + rebuffering + playing. */
  watchTimeMs: number;
  /** stallMs / watchTimeMs. */
  rebufferRatio: number;
  /** Stalls per minute of watch time. */
  stallsPerMinute: number;
}

export function summarizeQoe(sessions: readonly QoeInput[]): QoeSummary {
  const startups = sessions.map((s) => s.startupMs).filter((v): v is number => typeof v === 'number');
  let stallCount = 0;
  let stallMs = 0;
  let watchTimeMs = 0;
  for (const s of sessions) {
    stallCount += s.stalls.length;
    const st = s.stalls.reduce((t, x) => t + x.durationMs, 0);
    stallMs += st;
    watchTimeMs += (s.startupMs ?? 0) + st + s.playedWallMs;
  }
  return {
    sessions: sessions.length,
    startupMedianMs: percentile(startups, 0.5),
    startupP95Ms: percentile(startups, 0.95),
    stallCount,
    stallMs,
    watchTimeMs,
    rebufferRatio: watchTimeMs > 0 ? stallMs / watchTimeMs : 0,
    stallsPerMinute: watchTimeMs > 0 ? stallCount / (watchTimeMs / 60_000) : 0,
  };
}
