import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase } from '../src/db/connect.js';
import { createCluster } from '../src/dev/pg-cluster.js';
import { startServer } from '../src/server.js';
import { auth, emptyPostgresUrl, json, SECRET, testApp, viewerToken } from './stores.js';

const BIN = resolve(import.meta.dirname, '../bin/watchtime-server.js');
const temps: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'watchtime-server-test-'));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const put = (sections: Array<[number, number]>) => ({ durationMs: 10_000, sections });

describe('PGlite data directory', () => {
  it('survives closing and reopening', async () => {
    const dataDir = temp();
    const token = await viewerToken('ann');
    let db = await openDatabase({ dataDir });
    await testApp(db).request('/v1/videos/keep/viewers/ann/sections', json(token, put([[0, 1000]])));
    await db.close();
    db = await openDatabase({ dataDir });
    const res = await testApp(db).request('/v1/videos/keep/viewers/ann/sections', json(token, put([[1000, 2000]])));
    expect(await res.json()).toEqual({
      sections: [[0, 2000]],
      watchedMs: 2000,
      coverage: 0.2,
      completed: false,
      completedAt: null,
    });
    await db.close();
  });
});

describe('database unavailable → 503 with Retry-After, nothing stored', () => {
  it('PGlite closed under a running app', async () => {
    const db = await openDatabase({ dataDir: temp() });
    const app = testApp(db);
    const token = await viewerToken('ann');
    expect((await app.request('/v1/videos/x/viewers/ann/sections', json(token, put([[0, 10]])))).status).toBe(200);
    await db.close();
    const res = await app.request('/v1/videos/x/viewers/ann/sections', json(token, put([[10, 20]])));
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('5');
    expect((await res.json()).error).toMatch(/database is unavailable/);
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('PostgreSQL stopped mid-test, then back', async () => {
    const cluster = await createCluster();
    try {
      const db = await openDatabase({ databaseUrl: cluster.url });
      const app = testApp(db);
      const token = await viewerToken('ann');
      const url = '/v1/videos/x/viewers/ann/sections';
      expect((await app.request(url, json(token, put([[0, 10]])))).status).toBe(200);
      cluster.stop();
      const res = await app.request(url, json(token, put([[10, 20]])));
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect((await app.request(url, { headers: auth(token) })).status).toBe(503);
      cluster.start();
      let back = await app.request(url, { headers: auth(token) });
      // The pool reconnects on the next query; one more try covers a connection reset in flight.
      if (back.status === 503) back = await app.request(url, { headers: auth(token) });
      expect(await back.json()).toEqual({ sections: [[0, 10]], watchedMs: 10, coverage: 0.001 });
      await db.close();
    } finally {
      cluster.remove();
    }
  });
});

describe('replicas starting together', () => {
  it('six stores opened at once on an empty PostgreSQL database all migrate it, once', async () => {
    const target = await emptyPostgresUrl();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openDatabase({ databaseUrl: target })));
    try {
      const [row] = await (stores[0] as (typeof stores)[number]).rows<{ n: unknown }>(
        sql`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`,
      );
      expect(Number(row?.n)).toBe(readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('over a real listening socket', () => {
  it('merges, answers preflight for configured origins, serves the plugin bundle and the dashboard', async () => {
    const dir = temp();
    const bundle = join(dir, 'watchtime.global.js');
    writeFileSync(bundle, 'window.WatchTime = {};');
    const dash = join(dir, 'dash');
    mkdirSync(join(dash, 'assets'), { recursive: true });
    writeFileSync(join(dash, 'index.html'), '<!doctype html><title>dash</title>');
    writeFileSync(join(dash, 'assets', 'app.js'), 'console.log(1)');
    const db = await openDatabase({ memory: true });
    const server = await startServer({
      port: 0,
      db,
      config: {
        jwtSecret: SECRET,
        corsOrigins: ['https://site.example'],
        pluginBundlePath: bundle,
        dashboardDir: dash,
      },
    });
    try {
      const token = await viewerToken('sock');
      let res = await fetch(
        `${server.url}/v1/videos/s/viewers/sock/sections`,
        json(
          token,
          put([
            [0, 500],
            [500, 900],
          ]),
        ),
      );
      expect(await res.json()).toEqual({
        sections: [[0, 900]],
        watchedMs: 900,
        coverage: 0.09,
        completed: false,
        completedAt: null,
      });

      res = await fetch(`${server.url}/v1/videos/s/viewers/sock/sections`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://site.example',
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://site.example');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
      res = await fetch(`${server.url}/v1/videos/s/viewers/sock/sections`, {
        headers: { ...auth(token), Origin: 'https://evil.example' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toContain('Origin');
      // The plugin's own upload from the site, and an error answer: both readable cross-origin.
      for (const body of [put([[900, 1000]]), { durationMs: 1000, sections: [[5, 1]] }]) {
        res = await fetch(`${server.url}/v1/videos/s/viewers/sock/sections`, {
          ...json(token, body),
          headers: { ...json(token, body).headers, Origin: 'https://site.example' },
        });
        expect(res.headers.get('access-control-allow-origin')).toBe('https://site.example');
        expect(res.headers.get('access-control-allow-credentials')).toBe('true');
        expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
        expect(res.headers.get('vary')).toContain('Origin');
      }
      expect(res.status).toBe(400);

      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
      res = await fetch(`${server.url}/watchtime.global.js`);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(await res.text()).toBe('window.WatchTime = {};');
      expect(await (await fetch(`${server.url}/`)).text()).toContain('<title>dash</title>');
      expect(await (await fetch(`${server.url}/assets/app.js`)).text()).toBe('console.log(1)');
      expect(await (await fetch(`${server.url}/videos/abc`)).text()).toContain('<title>dash</title>');
      expect(await (await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`)).text()).toContain('<title>dash</title>');
      res = await fetch(`${server.url}/v1/nothing-here`);
      expect(res.status).toBe(404);
      expect((await res.json()).error).toMatch(/no such endpoint/);
    } finally {
      await server.close();
      await db.close();
    }
  });

  it('says what is missing when the dashboard or the plugin is not built', async () => {
    const dir = temp();
    const db = await openDatabase({ memory: true });
    const app = testApp(db, { dashboardDir: join(dir, 'none'), pluginBundlePath: join(dir, 'none.js') });
    let res = await app.request('/');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('dashboard not built');
    res = await app.request('/watchtime.global.js');
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/not built/);
    await db.close();
  });
});

describe('CLI', () => {
  const run = promisify(execFile);

  it('token mints a token the server accepts; worker asks for the queue database', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'token', '--viewer', 'cli-viewer', '--ttl', '10m'], {
      env: { ...process.env, WATCHTIME_JWT_SECRET: SECRET },
    });
    const token = stdout.trim();
    const db = await openDatabase({ memory: true });
    const app = testApp(db);
    expect((await app.request('/v1/videos/c/viewers/cli-viewer/sections', json(token, put([[0, 5]])))).status).toBe(
      200,
    );
    expect((await app.request('/v1/videos/c/viewers/other/sections', json(token, put([[0, 5]])))).status).toBe(403);
    const { stdout: analyst } = await run(process.execPath, [BIN, 'token', '--viewer', 'a', '--analyst'], {
      env: { ...process.env, WATCHTIME_JWT_SECRET: SECRET },
    });
    expect((await app.request('/v1/videos', { headers: auth(analyst.trim()) })).status).toBe(200);
    await db.close();
    const { DATABASE_URL: _ignored, ...noDatabase } = process.env;
    const worker = await run(process.execPath, [BIN, 'worker'], { env: noDatabase }).catch((e) => e);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(/--database-url URL \(or DATABASE_URL\) is required/);
  });

  it('the embedded default generates and keeps its secret, prints URL, token and login; data survives a restart', async () => {
    const cwd = temp();
    const env = { ...process.env };
    delete env.WATCHTIME_JWT_SECRET;
    delete env.WATCHTIME_ANALYST_PASSWORD;
    delete env.DATABASE_URL;
    const start = () =>
      new Promise<{ child: ChildProcess; url: string; token: string; password: string }>((ok, fail) => {
        const child = spawn(process.execPath, [BIN, '--port', '0'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout?.on('data', (d) => {
          out += d;
          const url = /listening on (http:\S+)/.exec(out)?.[1];
          const token = /token[^\n]*\n\s+(\S+)/.exec(out)?.[1];
          const password = /analyst password: ([^)\s]+)/.exec(out)?.[1];
          if (url && token && password) ok({ child, url, token, password });
        });
        child.once('exit', (code) => fail(new Error(`server exited ${code}: ${out}`)));
      });
    const stop = (child: ChildProcess) => new Promise((r) => child.once('exit', r).kill('SIGTERM'));

    let s = await start();
    let res = await fetch(`${s.url}/v1/videos/demo/viewers/demo-viewer/sections`, json(s.token, put([[0, 3000]])));
    expect(res.status).toBe(200);
    res = await fetch(`${s.url}/v1/login`, { method: 'POST', body: JSON.stringify({ password: s.password }) });
    expect(res.status).toBe(204);
    const first = s;
    await stop(s.child);
    s = await start();
    expect(s.password).toBe(first.password);
    res = await fetch(`${s.url}/v1/videos/demo/viewers/demo-viewer/sections`, { headers: auth(first.token) });
    expect(await res.json()).toEqual({ sections: [[0, 3000]], watchedMs: 3000, coverage: 0.3 });
    await stop(s.child);
  });
});
