export {
  attachToTarget,
  attachWatchTime,
  RESUME_END_MARGIN_MS,
  type StallReport,
  type WatchTimeEventDetails,
  type WatchTimeEventMap,
  type WatchTimeHandle,
  type WatchTimeMetrics,
} from './attach.js';
export {
  type RecordingMode,
  resolveOptions,
  type StorageKind,
  type WatchTimeOptions,
  WatchTimeOptionsError,
} from './options.js';
export { type HlsLike, HlsSignals } from './signals/hls.js';
export { durationMsOf, MediaSignals, STALL_POLL_MS } from './signals/media-element.js';
export { type PlaybackTarget, videoElementTarget } from './signals/target.js';
export { notCoveredBy } from './store/acknowledge.js';
export {
  DB_NAME,
  IndexedDbStore,
  type LocalStore,
  MemoryStore,
  openLocalStore,
  SECTIONS_STORE,
  type StoredRecord,
} from './store/local-store.js';
export { backoffDelay } from './sync/backoff.js';
export { chunkSections, MAX_SECTIONS_PER_PAYLOAD } from './sync/chunks.js';
export { SyncClient, SyncError } from './sync/sync-client.js';
export {
  PLUGIN_NAME,
  registerWatchTimePlugin,
  type VideoJsLike,
  type VideoJsPlayerLike,
  type WatchTimePluginInstance,
  type WatchTimePluginOptions,
} from './videojs/plugin.js';
export { HEAT_STRIP, NEXT_UNWATCHED, registerStripComponents, WATCHED_STRIP } from './videojs/strips.js';
export { POSITION_KEY_PREFIX, PositionStore, type SavedPosition } from './viewer/position-store.js';
export { SKIP_GUARD_SLACK_MS, withoutSlivers } from './viewer/slack.js';
