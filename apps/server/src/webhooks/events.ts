/**
 * The two events (issue 10), recorded where they happen and then handed to the queue:
 * - `completion`: inside the merge's transaction, when `completedAt` is set (once per viewer and video);
 * - `session.ended`: after a session PUT that carries `endedAt` (once per session: the event key).
 */
import type { SessionDoc } from '@watchtime/core';
import type { Database } from '../db/connect.js';
import type { Deps } from '../env.js';
import { settleViewer } from '../store/completion.js';
import type { OnFirstCompletion } from '../store/sections.js';
import { recordEvent } from '../store/webhooks.js';
import { enqueueDeliveries } from './deliver.js';

/** A merge hook collecting the deliveries it recorded; `flush` enqueues them after the commit. */
export function completionEvents(): { hook: OnFirstCompletion; flush: (deps: Deps) => Promise<void> } {
  const ids: string[] = [];
  return {
    hook: async (tx, e) => {
      // A retried transaction records again; ids of a rolled-back attempt find no row and are no-ops.
      ids.push(...(await recordEvent(tx, 'completion', `completion:${e.videoId}:${e.viewerId}`, e)));
    },
    flush: (deps) => enqueueDeliveries(deps.queue, ids),
  };
}

/** After a session PUT: its played time may complete the viewer (minPlayedWallMs). */
export async function sessionSettled(deps: Deps, videoId: string, viewerId: string): Promise<void> {
  const events = completionEvents();
  await settleViewer(deps.db, videoId, viewerId, events.hook);
  await events.flush(deps);
}

export async function sessionEnded(
  deps: { db: Database; queue: Deps['queue'] },
  sessionId: string,
  viewerId: string,
  doc: SessionDoc,
): Promise<void> {
  if (doc.endedAt === undefined) return;
  const ids = await recordEvent(deps.db, 'session.ended', `session.ended:${sessionId}`, {
    sessionId,
    viewerId,
    videoId: doc.videoId,
    startedAt: doc.startedAt,
    endedAt: doc.endedAt,
    playedWallMs: doc.playedWallMs,
  });
  await enqueueDeliveries(deps.queue, ids);
}
