/**
 * Webhook endpoints and their deliveries (issue 10). A delivery row is written in the same
 * transaction as the fact it reports (the first completion) or right after an idempotent write
 * (a session's end); `(webhook_id, event_key)` is unique, so an event is recorded once per
 * endpoint however often it is reported. The row's id is the idempotency key receivers see.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TxHandle } from '../db/connect.js';
import { num, numOrNull, parseJson } from '../db/values.js';

export const WEBHOOK_EVENTS = ['completion', 'session.ended'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  createdAt: number;
}

export interface Delivery {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  eventKey: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

const epoch = (col: string) => sql.raw(`floor(extract(epoch FROM ${col}) * 1000)::int8`);

export async function createWebhook(
  db: TxHandle,
  input: { url: string; secret: string; events: WebhookEvent[] },
): Promise<Webhook> {
  const id = `wh_${randomUUID().replaceAll('-', '')}`;
  const [row] = await db.rows<{ created_at: unknown }>(sql`
    INSERT INTO webhooks (id, url, secret, events) VALUES (${id}, ${input.url}, ${input.secret}, ${JSON.stringify(input.events)}::jsonb)
    RETURNING ${epoch('created_at')} AS created_at`);
  return { id, url: input.url, events: input.events, createdAt: num(row?.created_at) };
}

export async function listWebhooks(db: TxHandle): Promise<Webhook[]> {
  const rows = await db.rows<Record<string, unknown>>(sql`
    SELECT id, url, events::text AS events, ${epoch('created_at')} AS created_at FROM webhooks ORDER BY created_at, id`);
  return rows.map((r) => ({
    id: String(r.id),
    url: String(r.url),
    events: parseJson(r.events) as WebhookEvent[],
    createdAt: num(r.created_at),
  }));
}

export async function deleteWebhook(db: TxHandle, id: string): Promise<boolean> {
  const rows = await db.rows(sql`
    WITH gone AS (DELETE FROM webhooks WHERE id = ${id} RETURNING id),
    d AS (DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM gone))
    SELECT id FROM gone`);
  return rows.length > 0;
}

/** Records one event for every endpoint subscribed to it; answers the ids of new deliveries. */
export async function recordEvent(
  db: TxHandle,
  event: WebhookEvent,
  eventKey: string,
  data: Record<string, unknown>,
): Promise<string[]> {
  const hooks = await db.rows<{ id: string }>(
    sql`SELECT id FROM webhooks WHERE events @> ${JSON.stringify([event])}::jsonb ORDER BY id`,
  );
  const ids: string[] = [];
  for (const hook of hooks) {
    const id = randomUUID();
    const body = JSON.stringify({ id, type: event, createdAt: Date.now(), data });
    const rows = await db.rows<{ id: string }>(sql`
      INSERT INTO webhook_deliveries (id, webhook_id, event_key, event, body, state)
      VALUES (${id}, ${hook.id}, ${eventKey}, ${event}, ${body}, 'pending')
      ON CONFLICT (webhook_id, event_key) DO NOTHING RETURNING id`);
    if (rows[0]) ids.push(rows[0].id);
  }
  return ids;
}

export interface DeliveryTarget {
  id: string;
  url: string;
  secret: string;
  body: string;
  state: string;
  attempts: number;
}

export async function deliveryTarget(db: TxHandle, id: string): Promise<DeliveryTarget | null> {
  const [r] = await db.rows<Record<string, unknown>>(sql`
    SELECT d.id, w.url, w.secret, d.body, d.state, d.attempts
    FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ${id}`);
  return r
    ? {
        id: String(r.id),
        url: String(r.url),
        secret: String(r.secret),
        body: String(r.body),
        state: String(r.state),
        attempts: num(r.attempts),
      }
    : null;
}

export async function recordAttempt(
  db: TxHandle,
  id: string,
  outcome: { ok: boolean; status: number | null; error: string | null; final: boolean },
): Promise<void> {
  const state = outcome.ok ? 'delivered' : outcome.final ? 'failed' : 'pending';
  await db.rows(sql`
    UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ${outcome.status},
      last_error = ${outcome.error}, state = ${state},
      delivered_at = CASE WHEN ${outcome.ok} THEN now() ELSE delivered_at END
    WHERE id = ${id} AND state <> 'delivered'`);
}

export async function listDeliveries(db: TxHandle, webhookId: string, limit: number): Promise<Delivery[]> {
  const rows = await db.rows<Record<string, unknown>>(sql`
    SELECT id, webhook_id, event, event_key, state, attempts, last_status, last_error,
           ${epoch('created_at')} AS created_at, ${epoch('delivered_at')} AS delivered_at
    FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY created_at DESC, id LIMIT ${limit}`);
  return rows.map((r) => ({
    id: String(r.id),
    webhookId: String(r.webhook_id),
    event: String(r.event) as WebhookEvent,
    eventKey: String(r.event_key),
    state: String(r.state) as Delivery['state'],
    attempts: num(r.attempts),
    lastStatus: numOrNull(r.last_status),
    lastError: r.last_error === null ? null : String(r.last_error),
    createdAt: num(r.created_at),
    deliveredAt: numOrNull(r.delivered_at),
  }));
}

/** Pending deliveries older than `olderThanMs` (their job may have been lost with a process). */
export async function pendingDeliveries(db: TxHandle, olderThanMs: number): Promise<string[]> {
  const rows = await db.rows<{ id: string }>(sql`
    SELECT id FROM webhook_deliveries
    WHERE state = 'pending' AND created_at < now() - ${olderThanMs} * interval '1 millisecond'
    ORDER BY created_at LIMIT 1000`);
  return rows.map((r) => r.id);
}
