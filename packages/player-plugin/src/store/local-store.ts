/**
 * Durable local state per (video, viewer): sections not yet acknowledged by the server
 * (`unsent`) and the last merged list the server returned (`known`, so an offline start still
 * shows "you watched 63%").
 *
 * IndexedDB database `watchtime`, object store `sections`, key `videoId|viewerId`. Every write
 * is a read-merge-write inside one transaction, so two tabs of the same video only ever add to
 * each other's lists. Where IndexedDB is unavailable (some private modes, workers without it)
 * the same interface keeps everything in memory for the page's lifetime.
 */
import { IntervalSet, type Section, type SessionDoc } from '@watchtime/core';
import { notCoveredBy } from './acknowledge.js';

export const DB_NAME = 'watchtime';
export const DB_VERSION = 1;
export const SECTIONS_STORE = 'sections';
export const SESSIONS_STORE = 'sessions';

/** A session document waiting to be (re)sent: the last state of one page view's telemetry. */
export interface StoredSession {
  sessionId: string;
  viewerId: string;
  doc: SessionDoc;
  updatedAt: number;
}

export interface StoredRecord {
  key: string;
  videoId: string;
  viewerId: string;
  durationMs: number | null;
  /** Closed sections the server has not acknowledged, canonical. */
  unsent: Section[];
  /** The server's last merged list, canonical. */
  known: Section[];
  updatedAt: number;
}

export interface LocalStore {
  readonly kind: 'indexeddb' | 'memory';
  load(videoId: string, viewerId: string): Promise<StoredRecord | null>;
  /** unsent ∪= sections (durable when the promise resolves). */
  addUnsent(videoId: string, viewerId: string, sections: readonly Section[], durationMs: number | null): Promise<void>;
  /** known ∪= answer; unsent := the part of unsent not wholly inside the answer. */
  acknowledge(videoId: string, viewerId: string, answer: readonly Section[]): Promise<void>;
  /** Keeps the latest session document until the server has it. */
  saveSession(session: StoredSession): Promise<void>;
  /** Session documents not yet acknowledged, of this viewer. */
  pendingSessions(viewerId: string): Promise<StoredSession[]>;
  /** Drops a session document the server acknowledged — unless it changed since `updatedAt`. */
  deleteSession(sessionId: string, updatedAt: number): Promise<void>;
  close(): void;
}

export function recordKey(videoId: string, viewerId: string): string {
  return `${videoId}|${viewerId}`;
}

function emptyRecord(videoId: string, viewerId: string): StoredRecord {
  return {
    key: recordKey(videoId, viewerId),
    videoId,
    viewerId,
    durationMs: null,
    unsent: [],
    known: [],
    updatedAt: 0,
  };
}

function withAdded(rec: StoredRecord, sections: readonly Section[], durationMs: number | null): StoredRecord {
  const unsent = new IntervalSet(rec.unsent);
  unsent.addAll(sections);
  return {
    ...rec,
    unsent: unsent.toJSON(),
    durationMs: durationMs ?? rec.durationMs,
    updatedAt: Date.now(),
  };
}

function withAcknowledged(rec: StoredRecord, answer: readonly Section[]): StoredRecord {
  const known = new IntervalSet(rec.known);
  known.addAll(answer);
  return { ...rec, known: known.toJSON(), unsent: notCoveredBy(rec.unsent, known.toJSON()), updatedAt: Date.now() };
}

/** Shared by every memory store of the page, so a second handle for the same video sees it. */
const memory = new Map<string, StoredRecord>();
const memorySessions = new Map<string, StoredSession>();

export class MemoryStore implements LocalStore {
  readonly kind = 'memory' as const;
  async load(videoId: string, viewerId: string): Promise<StoredRecord | null> {
    const rec = memory.get(recordKey(videoId, viewerId));
    return rec ? structuredCloneRecord(rec) : null;
  }
  async addUnsent(videoId: string, viewerId: string, sections: readonly Section[], durationMs: number | null) {
    const key = recordKey(videoId, viewerId);
    memory.set(key, withAdded(memory.get(key) ?? emptyRecord(videoId, viewerId), sections, durationMs));
  }
  async acknowledge(videoId: string, viewerId: string, answer: readonly Section[]) {
    const key = recordKey(videoId, viewerId);
    memory.set(key, withAcknowledged(memory.get(key) ?? emptyRecord(videoId, viewerId), answer));
  }
  async saveSession(session: StoredSession): Promise<void> {
    memorySessions.set(session.sessionId, session);
  }
  async pendingSessions(viewerId: string): Promise<StoredSession[]> {
    return [...memorySessions.values()].filter((s) => s.viewerId === viewerId);
  }
  async deleteSession(sessionId: string, updatedAt: number): Promise<void> {
    if ((memorySessions.get(sessionId)?.updatedAt ?? 0) <= updatedAt) memorySessions.delete(sessionId);
  }
  close(): void {}
}

function structuredCloneRecord(rec: StoredRecord): StoredRecord {
  return { ...rec, unsent: rec.unsent.map((s) => [s[0], s[1]]), known: rec.known.map((s) => [s[0], s[1]]) };
}

export class IndexedDbStore implements LocalStore {
  readonly kind = 'indexeddb' as const;
  private constructor(private readonly db: IDBDatabase) {}

  static open(factory: IDBFactory = indexedDB): Promise<IndexedDbStore> {
    return new Promise((resolve, reject) => {
      const req = factory.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(SECTIONS_STORE)) db.createObjectStore(SECTIONS_STORE, { keyPath: 'key' });
        if (!db.objectStoreNames.contains(SESSIONS_STORE))
          db.createObjectStore(SESSIONS_STORE, { keyPath: 'sessionId' });
      };
      req.onsuccess = () => resolve(new IndexedDbStore(req.result));
      req.onerror = () => reject(req.error ?? new Error('watchtime: IndexedDB open failed'));
      req.onblocked = () => reject(new Error('watchtime: IndexedDB open blocked by another tab'));
    });
  }

  load(videoId: string, viewerId: string): Promise<StoredRecord | null> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(SECTIONS_STORE, 'readonly');
      const req = tx.objectStore(SECTIONS_STORE).get(recordKey(videoId, viewerId));
      req.onsuccess = () => resolve((req.result as StoredRecord | undefined) ?? null);
      req.onerror = () => reject(req.error);
    });
  }

  /** Read-merge-write in one transaction; resolves when the transaction has committed. */
  private update(videoId: string, viewerId: string, change: (rec: StoredRecord) => StoredRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      // 'strict' durability: resolve only once the write is flushed, as the sync path promises.
      const tx = this.db.transaction(SECTIONS_STORE, 'readwrite', { durability: 'strict' });
      const store = tx.objectStore(SECTIONS_STORE);
      const get = store.get(recordKey(videoId, viewerId));
      get.onsuccess = () => {
        const rec = (get.result as StoredRecord | undefined) ?? emptyRecord(videoId, viewerId);
        store.put(change(rec));
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('watchtime: IndexedDB write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('watchtime: IndexedDB write aborted'));
    });
  }

  addUnsent(videoId: string, viewerId: string, sections: readonly Section[], durationMs: number | null): Promise<void> {
    return this.update(videoId, viewerId, (rec) => withAdded(rec, sections, durationMs));
  }

  acknowledge(videoId: string, viewerId: string, answer: readonly Section[]): Promise<void> {
    return this.update(videoId, viewerId, (rec) => withAcknowledged(rec, answer));
  }

  saveSession(session: StoredSession): Promise<void> {
    return this.run(SESSIONS_STORE, 'readwrite', (store) => {
      store.put(session);
    });
  }

  async pendingSessions(viewerId: string): Promise<StoredSession[]> {
    let all: StoredSession[] = [];
    await this.run(SESSIONS_STORE, 'readonly', (store) => {
      const req = store.getAll();
      req.onsuccess = () => {
        all = req.result as StoredSession[];
      };
    });
    return all.filter((s) => s.viewerId === viewerId);
  }

  deleteSession(sessionId: string, updatedAt: number): Promise<void> {
    return this.run(SESSIONS_STORE, 'readwrite', (store) => {
      const get = store.get(sessionId);
      get.onsuccess = () => {
        const cur = get.result as StoredSession | undefined;
        if (cur && cur.updatedAt <= updatedAt) store.delete(sessionId);
      };
    });
  }

  /** One transaction on one store; resolves when it has committed. */
  private run(name: string, mode: IDBTransactionMode, body: (store: IDBObjectStore) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(name, mode, { durability: 'strict' });
      body(tx.objectStore(name));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('watchtime: IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('watchtime: IndexedDB transaction aborted'));
    });
  }

  close(): void {
    this.db.close();
  }
}

/** IndexedDB when asked for and available, else memory. Never throws. */
export async function openLocalStore(kind: 'indexeddb' | 'memory'): Promise<LocalStore> {
  if (kind === 'indexeddb' && typeof indexedDB !== 'undefined') {
    try {
      return await IndexedDbStore.open();
    } catch {
      // Private mode or a blocked upgrade: keep recording in memory rather than not at all.
    }
  }
  return new MemoryStore();
}
