export {
  type CompletionInput,
  type CompletionRule,
  type CompletionVerdict,
  completionRuleSchema,
  DEFAULT_MIN_COVERAGE,
  evaluateCompletion,
} from './completion/completion-rule.js';
export {
  bucketMsFor,
  coveredBucketRanges,
  DEFAULT_RETENTION_BUCKETS,
  MAX_RETENTION_BUCKETS,
  newlyCoveredBuckets,
  type Retention,
  retention,
} from './metrics/retention.js';
export {
  percentile,
  type QoeInput,
  type QoeSummary,
  summarizeQoe,
  type WatchMetrics,
  watchMetrics,
} from './metrics/watch-metrics.js';
export {
  DEFAULT_STALL_WEIGHTS,
  type DetectedStall,
  StallDetector,
  type StallDetectorOptions,
  type StallEvent,
  type StallSample,
  type StallState,
  type StallWeights,
} from './qoe/stall-detector.js';
export {
  EventRecorder,
  type MediaEvent,
  type MediaEventType,
  type Recorder,
  type RecorderOptions,
} from './recorders/event-recorder.js';
export { addBuckets, PLAY_COUNT_BUCKETS, PlayCounter } from './recorders/play-counter.js';
export { isJump, TickRecorder, type TickRecorderOptions, type TickSample } from './recorders/tick-recorder.js';
export {
  IntervalSet,
  mergeSections,
  type Section,
  SectionError,
  sectionProblem,
  totalMs,
} from './sections/interval-set.js';
export * from './sections/wire.js';
export {
  boundaryError,
  mulberry32,
  type ScriptStep,
  simulateViewing,
  type Viewing,
  type ViewingOptions,
} from './sim/scripted-viewing.js';
export { clock, firstUnwatchedInstant, isSeekAllowed, nextUnwatched, watchedLabel } from './viewer/skip-guard.js';
export { parsePlayedSegments, toPlayedSegments } from './xapi/played-segments.js';
