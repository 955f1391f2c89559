/**
 * Scale-out with real processes on loopback: one PostgreSQL, three `watchtime-server` replicas and
 * two `watchtime-server worker`s sharing the pg-boss queue and one storage directory.
 *
 * - 300 concurrent writers spread over the replicas → every stored list is the union (core's
 *   `mergeSections` of everything sent).
 * - A replica SIGKILLed mid-load → sync clients fail over to the next endpoint (the plugin's
 *   endpoint-list retry, written out here: the plugin cannot be a dependency of the server) and
 *   nothing is lost.
 * - A worker SIGKILLed mid-job → pg-boss expires the job (30 s here) and the other worker runs it.
 *   The upload starts first and completes while the other two scenarios run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeSections, type Section } from '@watchtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connect.js';
import { analystToken, auth, SECRET, viewerToken } from '../stores.js';
import { makeVideo } from './media.js';
import { freshPostgres } from './pg.js';
import { type Child, startReplica, startWorker, stop } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'wt-scale-'));
const storageDir = join(dir, 'storage');
let db: Database;
let replicas: (Child & { url: string })[] = [];
let workers: Child[] = [];
const WORKER_NAMES = ['worker-a', 'worker-b'];

beforeAll(async () => {
  const pg = await freshPostgres();
  db = pg.db; // migrated here once, so the replicas start on an up-to-date schema
  replicas = await Promise.all([0, 1, 2].map((i) => startReplica(pg.url, join(dir, `r${i}`), storageDir, SECRET)));
  workers = await Promise.all(WORKER_NAMES.map((name) => startWorker(pg.url, storageDir, name)));
}, 60_000);

afterAll(async () => {
  await Promise.all([...replicas, ...workers].map((c) => stop(c, 'SIGKILL')));
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Deterministic sections: the same seed gives the same load on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const DURATION = 600_000;
function randomSections(next: () => number, n: number): Section[] {
  const out: Section[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor(next() * (DURATION - 1000));
    out.push([start, start + 1 + Math.floor(next() * 20_000)] as Section);
  }
  return out.map(([s, e]) => [s, Math.min(e, DURATION)] as Section);
}

const sectionsPath = (video: string, viewer: string) => `/v1/videos/${video}/viewers/${viewer}/sections`;

async function storedSections(base: string, video: string, viewer: string, token: string): Promise<Section[]> {
  const res = await fetch(base + sectionsPath(video, viewer), { headers: auth(token) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sections: Section[] }).sections;
}

let upload: { id: string; killed: string } | null = null;

describe('three replicas and two workers on one PostgreSQL', () => {
  it('a worker killed mid-job: the upload starts on one worker (the other finishes it, checked last)', async () => {
    const file = await makeVideo(dir, 'long.mp4', 40, 10, 1);
    const analyst = await analystToken();
    const res = await fetch(`${replicas[0]?.url}/v1/recordings?name=long`, {
      method: 'POST',
      headers: { ...auth(analyst), 'Content-Type': 'video/mp4' },
      body: readFileSync(file),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // Wait until a worker is part-way through, then kill that worker.
    let killed = '';
    for (let i = 0; i < 1200 && !killed; i++) {
      const rec = (await (
        await fetch(`${replicas[1]?.url}/v1/recordings/${id}`, { headers: auth(analyst) })
      ).json()) as {
        state: string;
        progress: number;
        job: { worker?: string };
      };
      expect(rec.state).not.toBe('completed'); // it must not finish before we can kill it
      if (rec.state === 'active' && rec.progress > 0 && rec.job.worker) killed = rec.job.worker;
      else await new Promise((r) => setTimeout(r, 25));
    }
    expect(WORKER_NAMES).toContain(killed);
    const victim = workers[WORKER_NAMES.indexOf(killed)] as Child;
    await stop(victim, 'SIGKILL');
    upload = { id, killed };
  });

  it('300 concurrent writers over the replicas: each stored list is the union of what was sent', async () => {
    const videos = ['v-a', 'v-b', 'v-c', 'v-d', 'v-e'];
    const viewers = Array.from({ length: 60 }, (_, i) => `viewer-${i}`);
    const tokens = new Map(await Promise.all(viewers.map(async (v) => [v, await viewerToken(v)] as const)));
    const sent = new Map<string, Section[]>();
    const writers = Array.from({ length: 300 }, async (_, w) => {
      const next = rng(1000 + w);
      const video = videos[w % videos.length] as string;
      const viewer = viewers[w % viewers.length] as string;
      const key = `${video}/${viewer}`;
      for (let k = 0; k < 3; k++) {
        const sections = randomSections(next, 1 + Math.floor(next() * 4));
        sent.set(key, [...(sent.get(key) ?? []), ...sections]);
        const base = replicas[(w + k) % replicas.length]?.url;
        const res = await fetch(base + sectionsPath(video, viewer), {
          method: 'PUT',
          headers: { ...auth(tokens.get(viewer) as string), 'Content-Type': 'application/json' },
          body: JSON.stringify({ durationMs: DURATION, sections }),
        });
        expect(res.status, await res.clone().text()).toBe(200);
      }
    });
    await Promise.all(writers);
    expect(sent.size).toBe(60);
    for (const [key, all] of sent) {
      const [video, viewer] = key.split('/') as [string, string];
      const stored = await storedSections(
        replicas[key.length % 3]?.url as string,
        video,
        viewer,
        tokens.get(viewer) as string,
      );
      expect(stored).toEqual(mergeSections(all));
    }
  });

  it('a replica killed mid-load: clients fail over to the next endpoint and nothing is lost', async () => {
    const endpoints = replicas.map((r) => r.url);
    const clients = Array.from({ length: 40 }, (_, i) => ({
      viewer: `failover-${i}`,
      endpointIndex: i % endpoints.length,
      recorded: [] as Section[],
      unsent: [] as Section[],
      failovers: 0,
    }));
    const tokens = new Map(
      await Promise.all(clients.map(async (c) => [c.viewer, await viewerToken(c.viewer)] as const)),
    );
    // The plugin's sync rule: send the unsent list; on a network error or 5xx try the next endpoint;
    // what the answer covers leaves the unsent list.
    const flush = async (c: (typeof clients)[number]) => {
      if (c.unsent.length === 0) return;
      const body = JSON.stringify({ durationMs: DURATION, sections: c.unsent });
      for (let attempt = 0; attempt < endpoints.length; attempt++) {
        const index = (c.endpointIndex + attempt) % endpoints.length;
        try {
          const res = await fetch(endpoints[index] + sectionsPath('v-failover', c.viewer), {
            method: 'PUT',
            headers: { ...auth(tokens.get(c.viewer) as string), 'Content-Type': 'application/json' },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status >= 500) throw new Error(`status ${res.status}`);
          expect(res.status).toBe(200);
          const answer = (await res.json()) as { sections: Section[] };
          const covered = mergeSections(answer.sections);
          c.unsent = c.unsent.filter(([s, e]) => !covered.some(([a, b]) => a <= s && e <= b));
          if (index !== c.endpointIndex) c.failovers++;
          c.endpointIndex = index;
          return;
        } catch {
          // unreachable or failing: next endpoint
        }
      }
      throw new Error(`${c.viewer}: every endpoint failed`);
    };
    let flushes = 0;
    const run = clients.map(async (c, i) => {
      const next = rng(5000 + i);
      for (let round = 0; round < 12; round++) {
        const sections = randomSections(next, 2);
        c.recorded.push(...sections);
        c.unsent.push(...sections);
        await flush(c);
        flushes++;
        await new Promise((r) => setTimeout(r, 5 + Math.floor(next() * 20)));
      }
    });
    // Kill replica 0 once the load is under way (about a third of the flushes done).
    while (flushes < (clients.length * 12) / 3) await new Promise((r) => setTimeout(r, 5));
    await stop(replicas[0] as Child, 'SIGKILL');
    await Promise.all(run);
    const survivor = replicas[1]?.url as string;
    for (const c of clients) {
      expect(c.unsent).toEqual([]);
      expect(await storedSections(survivor, 'v-failover', c.viewer, tokens.get(c.viewer) as string)).toEqual(
        mergeSections(c.recorded),
      );
    }
    // The clients that started on the killed replica had to move.
    expect(clients.filter((_, i) => i % endpoints.length === 0).every((c) => c.failovers > 0)).toBe(true);
  });

  it('…and the killed worker’s job completes on the other worker after expiry', async () => {
    expect(upload).not.toBeNull();
    const { id, killed } = upload as { id: string; killed: string };
    const analyst = await analystToken();
    type Rec = {
      state: string;
      progress: number;
      job: { worker?: string; attempts?: number };
      freeze?: { frames: number };
    };
    let rec: Rec | null = null;
    for (let i = 0; i < 900; i++) {
      rec = (await (await fetch(`${replicas[2]?.url}/v1/recordings/${id}`, { headers: auth(analyst) })).json()) as Rec;
      if (rec.state === 'completed' || rec.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rec?.state).toBe('completed');
    expect(rec?.progress).toBe(1);
    expect(rec?.job.worker).not.toBe(killed);
    expect(WORKER_NAMES).toContain(rec?.job.worker);
    expect(rec?.job.attempts).toBe(2);
    expect(rec?.freeze?.frames).toBeGreaterThan(1000);
  }, 90_000);
});
