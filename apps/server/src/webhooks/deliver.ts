/**
 * Webhook delivery through the server's job queue (issue 10): one job per delivery, at least
 * once, retried with exponential backoff. Each attempt is signed afresh:
 *
 *   Watchtime-Timestamp: <unix seconds>
 *   Watchtime-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 *   Watchtime-Delivery:  <delivery id>   (the idempotency key: the same for every retry)
 *
 * Receivers reject timestamps more than 5 minutes from their clock (replay window) and
 * deduplicate on Watchtime-Delivery.
 *
 * Default schedule: 10 retries, 30 s doubling (30 s, 1 min, 2 min … 4 h 16 min): attempts span
 * more than 8 hours, so a receiver down for an hour misses nothing. Tests shorten it with
 * `WATCHTIME_WEBHOOK_RETRY_DELAY_SEC` and `WATCHTIME_WEBHOOK_RETRY_LIMIT`.
 */
import { createHmac } from 'node:crypto';
import type { Database } from '../db/connect.js';
import type { Job, JobQueue } from '../jobs/queue.js';
import { deliveryTarget, pendingDeliveries, recordAttempt } from '../store/webhooks.js';

export const DELIVERY_JOB = 'webhook-delivery';
export const REPLAY_WINDOW_SEC = 300;
const TIMEOUT_MS = 10_000;

export interface RetrySchedule {
  retryLimit: number;
  retryDelaySec: number;
}

export function retrySchedule(env: NodeJS.ProcessEnv = process.env): RetrySchedule {
  const int = (v: string | undefined, d: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : d);
  return {
    retryLimit: int(env.WATCHTIME_WEBHOOK_RETRY_LIMIT, 10),
    retryDelaySec: Math.max(1, int(env.WATCHTIME_WEBHOOK_RETRY_DELAY_SEC, 30)),
  };
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Enqueues delivery jobs; the singleton key keeps one pending job per delivery. */
export async function enqueueDeliveries(queue: JobQueue, ids: readonly string[]): Promise<void> {
  const { retryLimit, retryDelaySec } = retrySchedule();
  for (const id of ids)
    await queue.send(
      DELIVERY_JOB,
      { deliveryId: id },
      { retryLimit, retryDelaySec, retryBackoff: true, singletonKey: id },
    );
}

async function attempt(db: Database, job: Job): Promise<void> {
  const id = String(job.data.deliveryId ?? '');
  const target = await deliveryTarget(db, id);
  // Deleted endpoint, or already delivered by an earlier job: nothing to do.
  if (!target || target.state === 'delivered') return;
  const final = (job.retryCount ?? 0) >= (job.retryLimit ?? retrySchedule().retryLimit);
  const timestamp = Math.floor(Date.now() / 1000);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'watchtime-webhooks/1',
        'Watchtime-Timestamp': String(timestamp),
        'Watchtime-Signature': sign(target.secret, timestamp, target.body),
        'Watchtime-Delivery': target.id,
      },
      body: target.body,
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) error = `receiver answered ${res.status}`;
  } catch (e) {
    error = `could not reach ${target.url}: ${(e as Error).message}`;
  }
  await recordAttempt(db, id, { ok: error === null, status, error, final: error !== null && final });
  if (error !== null) throw new Error(`webhook delivery ${id}: ${error}`);
}

const registered = new WeakSet<JobQueue>();

/**
 * Works the delivery jobs on this queue (once per queue), and re-enqueues deliveries left
 * pending for over a minute (a process that stopped between commit and enqueue).
 */
export async function startWebhookDelivery(queue: JobQueue, db: Database): Promise<void> {
  if (registered.has(queue)) return;
  registered.add(queue);
  await queue.work(DELIVERY_JOB, (job) => attempt(db, job));
  await enqueueDeliveries(queue, await pendingDeliveries(db, 60_000));
}
