// `npm run bench` (apps/server): merges per second through HTTP (autocannon over loopback to a server in its own process, random
// sections across many viewers and videos, default auth and rate limits) against a raw upsert
// loop — the merge's own INSERT … ON CONFLICT statement, sequential, same driver — on the same
// database in the same run, for PGlite and PostgreSQL. Prints the ratios (goal on PostgreSQL:
// HTTP ≥ 0.5× raw). Requires `npm run build`. BENCH_SECONDS, BENCH_CONNECTIONS tune the runs;
// BENCH_CPU=1 makes the server process print its CPU time at exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createCluster } from '../dist/dev/pg-cluster.js';
import { mintToken, openDatabase, toMultirange } from '../dist/index.js';
import { mergeViewerSections } from '../dist/store/sections.js';
import { DURATION_MS, ORIGIN, SECRET, VIDEOS, VIEWERS, workload } from './workload.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const { rand, randomSections, randomUploads, firstUploads } = workload(12345);

async function rawLoop(db) {
  const end = Date.now() + SECONDS * 1000;
  let n = 0;
  while (Date.now() < end) {
    const m = toMultirange(randomSections());
    const video = `raw-${Math.floor(rand() * VIDEOS)}`;
    const viewer = `viewer-${Math.floor(rand() * VIEWERS)}`;
    await db.rows(sql`
      INSERT INTO sections AS t (video_id, viewer_id, sections, last_added)
      VALUES (${video}, ${viewer}, ${m}::int8multirange, ${m}::int8multirange)
      ON CONFLICT (video_id, viewer_id) DO UPDATE
        SET sections = t.sections + excluded.sections, last_added = excluded.sections - t.sections, updated_at = now()
      RETURNING sections::text`);
    n++;
  }
  return n / SECONDS;
}

function startChild(store, location) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL('./serve-child.mjs', import.meta.url).pathname, store, location, SECRET, ORIGIN],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /^(http:\S+)/m.exec(out)?.[1];
      if (url)
        resolve({
          url,
          close: () => new Promise((r) => child.once('exit', r).kill('SIGTERM')),
        });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
}

/** The server's own merge (video row, upsert, retention counts) called in a sequential loop, no HTTP. */
async function mergeLoop(db) {
  const end = Date.now() + SECONDS * 1000;
  let n = 0;
  while (Date.now() < end) {
    await mergeViewerSections(db, {
      videoId: `merge-${Math.floor(rand() * VIDEOS)}`,
      viewerId: `viewer-${Math.floor(rand() * VIEWERS)}`,
      durationMs: DURATION_MS,
      sections: randomSections(),
    });
    n++;
  }
  return n / SECONDS;
}

async function httpRun(store, location) {
  const server = await startChild(store, location);
  const tokens = await Promise.all(
    Array.from({ length: VIEWERS }, (_, i) => mintToken({ sub: `viewer-${i}` }, SECRET)),
  );
  const request = randomUploads(tokens, 'http');
  try {
    await autocannon({
      url: server.url,
      connections: 4,
      amount: VIEWERS,
      requests: [firstUploads(tokens, 'http')],
    });
    const result = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [request],
    });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`HTTP run had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
    return { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  } finally {
    await server.close();
  }
}

async function rawRun(open, loop = rawLoop) {
  const db = await open();
  try {
    return await loop(db);
  } finally {
    await db.close();
  }
}

/** raw, HTTP, raw again (the machine's load drifts; the mean of both raw runs is the baseline). */
async function benchStore(label, store, location, open) {
  const raw = await rawRun(open);
  const merge = await rawRun(open, mergeLoop);
  const http = await httpRun(store, location);
  const raw2 = await rawRun(open);
  const rawAvg = (raw + raw2) / 2;
  return { label, raw: rawAvg, merge, http: http.rate, ratio: http.rate / rawAvg, p50: http.p50, p99: http.p99 };
}

const rows = [];
const dir = mkdtempSync(join(tmpdir(), 'watchtime-bench-'));
try {
  rows.push(await benchStore('PGlite (data dir)', 'pglite', dir, () => openDatabase({ dataDir: dir })));
  const cluster = await createCluster();
  try {
    rows.push(
      await benchStore('PostgreSQL (loopback)', 'postgres', cluster.url, () =>
        openDatabase({ databaseUrl: cluster.url }),
      ),
    );
  } finally {
    cluster.remove();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `\nmerge throughput, ${SECONDS} s per run, ${CONNECTIONS} HTTP connections, ${VIEWERS} viewers × ${VIDEOS} videos`,
);
console.log(
  `load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (${(await import('node:os')).cpus().length} cores)`,
);
console.log(
  'store                      raw upserts/s  merge fn/s  HTTP merges/s  HTTP/raw  HTTP/merge fn  HTTP p50/p99 ms',
);
for (const r of rows)
  console.log(
    `${r.label.padEnd(26)} ${r.raw.toFixed(0).padStart(13)}  ${r.merge.toFixed(0).padStart(10)}  ${r.http.toFixed(0).padStart(13)}  ${r.ratio.toFixed(2).padStart(7)}×  ${(r.http / r.merge).toFixed(2).padStart(12)}×  ${r.p50}/${r.p99}`,
  );
console.log(
  "raw upsert = the bare multirange upsert statement; merge fn = the server's merge (video row + upsert + retention counts), both sequential loops without HTTP.",
);
const pg = rows.find((r) => r.label.startsWith('PostgreSQL'));
if (pg)
  console.log(`goal HTTP ≥ 0.5× raw on PostgreSQL: ${pg.ratio >= 0.5 ? 'met' : 'NOT met'} (${pg.ratio.toFixed(2)}×)`);
