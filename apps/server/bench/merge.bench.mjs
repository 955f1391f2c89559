// `npm run bench` (apps/server): merges per second through HTTP (autocannon over loopback, random
// sections across many viewers and videos, default auth and rate limits) against a raw upsert
// loop — the merge's own INSERT … ON CONFLICT statement, sequential, same driver — on the same
// database in the same run, for PGlite and PostgreSQL. Prints the ratios (goal on PostgreSQL:
// HTTP ≥ 0.5× raw). Requires `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createCluster } from '../dist/dev/pg-cluster.js';
import { mintToken, openDatabase, startServer, toMultirange } from '../dist/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const VIEWERS = 1000;
const VIDEOS = 20;
const DURATION_MS = 600_000;
const SECRET = 'bench-secret-0123456789abcdef';

let seed = 12345;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
function randomSections() {
  const out = [];
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rand() * (DURATION_MS - 10_000));
    out.push([s, s + 1000 + Math.floor(rand() * 8000)]);
  }
  return out;
}

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

async function httpRun(db) {
  const server = await startServer({ port: 0, db, config: { jwtSecret: SECRET } });
  const tokens = await Promise.all(Array.from({ length: VIEWERS }, (_, i) => mintToken({ sub: `viewer-${i}` }, SECRET)));
  const request = {
    method: 'PUT',
    setupRequest: (req) => {
      const v = Math.floor(rand() * VIEWERS);
      return {
        ...req,
        path: `/v1/videos/http-${Math.floor(rand() * VIDEOS)}/viewers/viewer-${v}/sections`,
        headers: { authorization: `Bearer ${tokens[v]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ durationMs: DURATION_MS, sections: randomSections() }),
      };
    },
  };
  try {
    // Warm-up: first sight of every video (retention rows built) is not the steady state.
    await autocannon({ url: server.url, connections: 4, amount: 400, requests: [request] });
    const result = await autocannon({ url: server.url, connections: CONNECTIONS, duration: SECONDS, requests: [request] });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`HTTP run had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
    return { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  } finally {
    await server.close();
  }
}

async function benchStore(label, open) {
  const db = await open();
  try {
    const raw = await rawLoop(db);
    const http = await httpRun(db);
    const raw2 = await rawLoop(db);
    const rawAvg = (raw + raw2) / 2;
    return { label, raw: rawAvg, http: http.rate, ratio: http.rate / rawAvg, p50: http.p50, p99: http.p99 };
  } finally {
    await db.close();
  }
}

const rows = [];
const dir = mkdtempSync(join(tmpdir(), 'watchtime-bench-'));
try {
  rows.push(await benchStore('PGlite (data dir)', () => openDatabase({ dataDir: dir })));
  const cluster = await createCluster();
  try {
    rows.push(await benchStore('PostgreSQL 15 (loopback)', () => openDatabase({ databaseUrl: cluster.url })));
  } finally {
    cluster.remove();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nmerge throughput, ${SECONDS} s per run, ${CONNECTIONS} HTTP connections, ${VIEWERS} viewers × ${VIDEOS} videos`);
console.log('store                      raw upserts/s   HTTP merges/s   HTTP/raw   HTTP p50/p99 ms');
for (const r of rows)
  console.log(
    `${r.label.padEnd(26)} ${r.raw.toFixed(0).padStart(13)}   ${r.http.toFixed(0).padStart(13)}   ${r.ratio.toFixed(2).padStart(7)}×   ${r.p50}/${r.p99}`,
  );
const pg = rows.find((r) => r.label.startsWith('PostgreSQL'));
if (pg) console.log(`goal HTTP ≥ 0.5× raw on PostgreSQL: ${pg.ratio >= 0.5 ? 'met' : 'NOT met'} (${pg.ratio.toFixed(2)}×)`);
