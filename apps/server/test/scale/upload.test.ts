/**
 * Video uploads on the embedded store: stream → ffprobe → queued recording → the in-process
 * `analyze-recording` handler (the same one workers run) → freeze result, state and progress.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/connect.js';
import { registerAnalysisHandlers } from '../../src/jobs/analyze.js';
import { createInProcessQueue } from '../../src/jobs/queue.js';
import { startServer } from '../../src/server.js';
import { createFileStorage } from '../../src/storage/files.js';
import { analystToken, auth, SECRET } from '../stores.js';
import { makeVideo } from './media.js';

const dir = mkdtempSync(join(tmpdir(), 'wt-upload-'));
let video: Buffer;
beforeAll(async () => {
  video = readFileSync(await makeVideo(dir, 'clip.mp4', 2, 1, 0.6));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Rec {
  id: string;
  name: string;
  state: string;
  progress: number;
  sessionId: string | null;
  job: Record<string, unknown>;
  freeze: { frozen: { startMs: number; endMs: number }[] };
}

async function setup(maxBytes?: number) {
  const db = await openDatabase({ memory: true });
  const queue = createInProcessQueue();
  const storage = createFileStorage(join(dir, `store-${Math.random().toString(36).slice(2)}`), { maxBytes });
  await registerAnalysisHandlers(queue, { db, storage, workerName: 'test' });
  const app = createApp({ db, queue, storage, config: { jwtSecret: SECRET, analystPassword: 'x' } });
  const token = await analystToken();
  return {
    db,
    queue,
    storage,
    app,
    token,
    close: async () => {
      await queue.stop();
      await db.close();
    },
  };
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('POST /v1/recordings with a video body', () => {
  it('answers 202 queued, then the job completes with the freeze result, state and progress', async () => {
    const s = await setup();
    const res = await s.app.request('/v1/recordings?name=clip&sessionId=s-1', {
      method: 'POST',
      headers: { ...auth(s.token), 'Content-Type': 'video/mp4' },
      body: video,
    });
    expect(res.status).toBe(202);
    const { id, state } = (await res.json()) as { id: string; state: string };
    expect(state).toBe('queued');
    const rec = await until(
      async () => (await (await s.app.request(`/v1/recordings/${id}`, { headers: auth(s.token) })).json()) as Rec,
      (r) => r.state === 'completed' || r.state === 'failed',
      'the analysis',
    );
    expect(rec.state).toBe('completed');
    expect(rec.progress).toBe(1);
    expect(rec.sessionId).toBe('s-1');
    expect(rec.freeze.frozen.length).toBeGreaterThanOrEqual(1);
    // The held frame starts at 1 s and lasts 0.6 s.
    const { startMs, endMs } = rec.freeze.frozen[0];
    expect(startMs).toBeGreaterThanOrEqual(900);
    expect(startMs).toBeLessThanOrEqual(1100);
    expect(endMs - startMs).toBeGreaterThanOrEqual(450);
    expect(rec.job).toMatchObject({ state: 'completed', attempts: 1, worker: 'test' });
    const list = (await (await s.app.request('/v1/recordings', { headers: auth(s.token) })).json()) as {
      recordings: Rec[];
    };
    expect(list.recordings.find((r: Rec) => r.id === id)).toMatchObject({ state: 'completed', progress: 1 });
    await s.close();
  });

  it('refuses a non-video with 400 and keeps nothing; 413 past the size cap; JSON still posts results', async () => {
    const s = await setup(video.length - 1);
    const text = await s.app.request('/v1/recordings?name=notes', {
      method: 'POST',
      headers: { ...auth(s.token), 'Content-Type': 'application/octet-stream' },
      body: 'just some text, not a video'.repeat(10),
    });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { error: string }).error).toMatch(/not a video/);
    const big = await s.app.request('/v1/recordings?name=big', {
      method: 'POST',
      headers: { ...auth(s.token), 'Content-Type': 'video/mp4' },
      body: video,
    });
    expect(big.status).toBe(413);
    // Streamed without a length: the cap applies while writing.
    const streamed = await s.app.request('/v1/recordings?name=big', {
      method: 'POST',
      headers: { ...auth(s.token), 'Content-Type': 'video/mp4' },
      body: new Blob([video]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const noName = await s.app.request('/v1/recordings', {
      method: 'POST',
      headers: { ...auth(s.token), 'Content-Type': 'video/mp4' },
      body: video.subarray(0, 10),
    });
    expect(noName.status).toBe(400);
    expect(readdirSync(s.storage.dir).filter((f) => !f.startsWith('.'))).toEqual([]);
    const list = (await (await s.app.request('/v1/recordings', { headers: auth(s.token) })).json()) as {
      recordings: Rec[];
    };
    expect(list.recordings).toEqual([]);
    const json = await s.app.request('/v1/recordings', {
      method: 'POST',
      headers: { ...auth(s.token), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'posted',
        fps: 30,
        frames: 60,
        freeze: {
          fps: 30,
          frames: 60,
          frozen: [],
          identicalFrameRatio: 0,
          stutterCount: 0,
          stutterMs: 0,
          stutterSeconds: [],
        },
      }),
    });
    expect(json.status).toBe(201);
    const posted = (await json.json()) as { id: string };
    const stored = (await (
      await s.app.request(`/v1/recordings/${posted.id}`, { headers: auth(s.token) })
    ).json()) as Rec;
    expect(stored).toMatchObject({ name: 'posted', state: 'completed', progress: 1 });
    await s.close();
  });

  it('the embedded server (PGlite, pg-boss through its db adapter) runs the job itself', async () => {
    const server = await startServer({
      port: 0,
      dataDir: join(dir, 'embedded'),
      config: { jwtSecret: SECRET, analystPassword: 'x' },
      queue: { pollingIntervalSeconds: 0.5 },
    });
    try {
      expect(server.queue.kind).toBe('pg-boss');
      const token = await analystToken();
      const res = await fetch(`${server.url}/v1/recordings?name=embedded`, {
        method: 'POST',
        headers: { ...auth(token), 'Content-Type': 'video/mp4' },
        body: video,
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const rec = await until(
        async () => (await (await fetch(`${server.url}/v1/recordings/${id}`, { headers: auth(token) })).json()) as Rec,
        (r) => r.state === 'completed' || r.state === 'failed',
        'the embedded analysis',
      );
      expect(rec).toMatchObject({ state: 'completed', progress: 1, job: { worker: 'embedded', attempts: 1 } });
      expect(rec.freeze.frozen.length).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });
});
