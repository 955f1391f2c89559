/**
 * The analyst side of the HTTP contract (docs/API.md), as the dashboard reads it.
 * Wire shapes shared with the plugin and analyzer come from core as types only, so no
 * runtime code (zod) lands in the bundle.
 */
import type { FrameRange, FreezeResult, Section, SessionDoc, StagesResult } from '@watchtime/core';

export type { FrameRange, FreezeResult, Section, SessionDoc, StagesResult };

export interface VideoRow {
  videoId: string;
  title: string | null;
  durationMs: number | null;
  viewers: number;
  meanCoverage: number | null;
  medianCoverage: number | null;
  totalWatchedMs: number;
  playedWallMs: number;
  sessions: number;
  startupMedianMs: number | null;
  rebufferRatio: number | null;
  firstSeenAt: number | string | null;
  updatedAt: number | string | null;
}

export interface VideoSummary extends Omit<VideoRow, 'firstSeenAt' | 'updatedAt'> {
  startupP95Ms: number | null;
  stallCount: number;
  stallMs: number;
  stallsPerMinute: number | null;
  seekLatencyMedianMs: number | null;
  /** 10 counts of viewers by coverage decile [0,10%) … [90%,100%]. */
  coverageHistogram: number[];
}

export interface RetentionAnswer {
  bucketMs: number;
  viewers: number[];
}

export interface ViewerRecord {
  viewerId: string;
  sections: Section[];
  watchedMs: number;
  coverage: number;
  updatedAt: number | string | null;
}

export interface ViewersPage {
  total: number;
  viewers: ViewerRecord[];
}

export type SessionRecord = SessionDoc & { sessionId: string; viewerId: string };

export interface SessionsPage {
  total: number;
  sessions: SessionRecord[];
}

export interface RecordingRow {
  id: string;
  name: string;
  sessionId: string | null;
  fps: number;
  frames: number;
  frozenCount: number;
  stutterMs: number;
  createdAt: number | string | null;
  /** Analysis job of an uploaded video (server ≥ issue 9); results posted as JSON are `completed`. */
  state?: 'queued' | 'active' | 'completed' | 'failed';
  /** 0…1 while the job runs. */
  progress?: number;
}

export interface Recording {
  id: string;
  name: string;
  sessionId: string | null;
  createdAt: number | string | null;
  fps: number;
  frames: number;
  freeze: FreezeResult;
  stages?: StagesResult | null;
  [extra: string]: unknown;
}
