/**
 * The last playback position per video and viewer, for `resume`. It lives in `localStorage`
 * (synchronous, so a page exit can write it and the next load can read it before anything else
 * is ready); with `storage: 'memory'` or no localStorage, in memory for the page's lifetime.
 */
export interface SavedPosition {
  mediaMs: number;
  durationMs: number;
  /** Epoch ms of the save. */
  savedAt: number;
}

export const POSITION_KEY_PREFIX = 'watchtime:position:';

const memory = new Map<string, string>();

export class PositionStore {
  private readonly key: string;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'>;

  constructor(videoId: string, viewerId: string | undefined, kind: 'indexeddb' | 'memory') {
    this.key = `${POSITION_KEY_PREFIX}${videoId}|${viewerId ?? 'local'}`;
    this.storage = (kind === 'indexeddb' && localStorageOrNull()) || {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
    };
  }

  load(): SavedPosition | null {
    try {
      const raw = this.storage.getItem(this.key);
      if (!raw) return null;
      const v = JSON.parse(raw) as Partial<SavedPosition>;
      if (typeof v.mediaMs !== 'number' || !Number.isFinite(v.mediaMs) || v.mediaMs < 0) return null;
      return { mediaMs: v.mediaMs, durationMs: Number(v.durationMs) || 0, savedAt: Number(v.savedAt) || 0 };
    } catch {
      return null; // unreadable or blocked storage: nothing to resume from
    }
  }

  save(mediaMs: number, durationMs: number): void {
    try {
      this.storage.setItem(this.key, JSON.stringify({ mediaMs: Math.round(mediaMs), durationMs, savedAt: Date.now() }));
    } catch {
      // quota or privacy mode: resume is a convenience, recording goes on regardless
    }
  }
}

function localStorageOrNull(): Storage | null {
  try {
    return typeof localStorage !== 'undefined' ? localStorage : null;
  } catch {
    return null;
  }
}
