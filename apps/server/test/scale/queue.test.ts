/** The job queue — pg-boss on PGlite (db adapter) and PostgreSQL, and the in-process one: delivery, retry, singleton keys. */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { createInProcessQueue, createQueue, type JobQueue } from '../../src/jobs/queue.js';
import { freshPostgres } from './pg.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function queueOn(kind: 'pglite' | 'postgres' | 'in-process'): Promise<JobQueue> {
  if (kind === 'in-process') {
    const queue = createInProcessQueue();
    closers.push(() => queue.stop());
    return queue;
  }
  if (kind === 'pglite') {
    const db = await openDatabase({ memory: true });
    const queue = await createQueue(db, { pollingIntervalSeconds: 0.5 });
    closers.push(
      () => db.close(),
      () => queue.stop(),
    );
    return queue;
  }
  const { url, db } = await freshPostgres();
  const queue = await createQueue(db, { databaseUrl: url, pollingIntervalSeconds: 0.5 });
  closers.push(
    () => db.close(),
    () => queue.stop(),
  );
  return queue;
}

function waitFor<T>(check: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = check();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe.each(['pglite', 'postgres', 'in-process'] as const)('job queue on %s', (kind) => {
  it('delivers every job once with its data and retries a failed attempt', async () => {
    const queue = await queueOn(kind);
    expect(queue.kind).toBe(kind === 'in-process' ? 'in-process' : 'pg-boss');
    const seen: { id: string; n: unknown; attempt: number }[] = [];
    const attempts = new Map<string, number>();
    await queue.work('t-echo', async (job) => {
      const a = (attempts.get(job.id) ?? 0) + 1;
      attempts.set(job.id, a);
      if (job.data.n === 2 && a === 1) throw new Error('first attempt fails on purpose');
      seen.push({ id: job.id, n: job.data.n, attempt: a });
    });
    const ids = [];
    for (const n of [1, 2, 3]) ids.push(await queue.send('t-echo', { n }, { retryLimit: 2, retryDelaySec: 0 }));
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    await waitFor(() => (seen.length === 3 ? true : undefined), 'three jobs');
    expect(seen.map((s) => s.n).sort()).toEqual([1, 2, 3]);
    expect(seen.find((s) => s.n === 2)?.attempt).toBe(2);
    expect(new Set(seen.map((s) => s.id))).toEqual(new Set(ids));
  });

  it('keeps one pending job per singleton key', async () => {
    const queue = await queueOn(kind);
    const first = await queue.send('t-single', { v: 1 }, { singletonKey: 'k', startAfterSec: 60 });
    const second = await queue.send('t-single', { v: 2 }, { singletonKey: 'k', startAfterSec: 60 });
    const other = await queue.send('t-single', { v: 3 }, { singletonKey: 'other', startAfterSec: 60 });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    expect(other).toEqual(expect.any(String));
  });
});
