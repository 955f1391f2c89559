// `npm run bench` (apps/server), after merge.bench.mjs: scale-out figures for docs/SCALING.md.
//
// 1. Merges per second through HTTP with 1, 2 and 3 `watchtime-server` replicas (real processes,
//    `bin/watchtime-server.js --port 0 --database-url …`) against one PostgreSQL, the load
//    (autocannon, in this process) spread evenly over the replicas. This machine has 2 cores shared
//    by the replicas, PostgreSQL and the load generator, so the throughput alone says little about
//    more machines: the bench also reads the CPU time (utime + stime from /proc/<pid>/stat) of the
//    replica processes and of every PostgreSQL process (postmaster, its children and its reaped
//    children) and prints CPU ms per merge for each side.
// 2. Retention for one video with 1,000,000 viewer records generated in SQL (generate_series):
//    the stored per-bucket counts (N = 100, 1000, what the route reads) and the full computation.
//
// Requires `npm run build`. BENCH_SECONDS (default 5) and BENCH_CONNECTIONS (default 24) tune the
// HTTP runs; BENCH_RETENTION_VIEWERS (default 1000000) the retention run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createCluster } from '../dist/dev/pg-cluster.js';
import { mintToken, openDatabase } from '../dist/index.js';
import { computeRetention, readRetention, rebuildCounts } from '../dist/store/retention.js';
import { DURATION_MS, ORIGIN, SECRET, VIDEOS, VIEWERS, workload } from './workload.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 24);
const RETENTION_VIEWERS = Number(process.env.BENCH_RETENTION_VIEWERS ?? 1_000_000);
const BIN = new URL('../bin/watchtime-server.js', import.meta.url).pathname;
const TICK_MS = 1000 / 100; // CLK_TCK is 100 on Linux x86-64

const { randomUploads, firstUploads } = workload(4242);

/** [utime+stime, cutime+cstime, ppid] of one process in ms, or null when it is gone. */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime = 14, stime = 15, cutime = 16, cstime = 17, ppid = 4.
    const n = (i) => Number(fields[i - 3]);
    return { own: (n(14) + n(15)) * TICK_MS, reaped: (n(16) + n(17)) * TICK_MS, ppid: n(4) };
  } catch {
    return null;
  }
}

/** CPU ms of the postmaster, its living children and the children it has reaped. */
function postgresCpuMs(postmaster) {
  const main = procStat(postmaster);
  if (!main) throw new Error('PostgreSQL is not running');
  let total = main.own + main.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = procStat(Number(entry));
    if (s && s.ppid === postmaster) total += s.own;
  }
  return total;
}

const replicasCpuMs = (replicas) => replicas.reduce((sum, r) => sum + (procStat(r.pid)?.own ?? 0), 0);

function startReplica(databaseUrl, dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--port', '0', '--database-url', databaseUrl, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        WATCHTIME_JWT_SECRET: SECRET,
        WATCHTIME_CORS_ORIGINS: ORIGIN,
        WATCHTIME_ANALYST_PASSWORD: 'bench',
        WATCHTIME_RATE_BURST: '100000000',
        WATCHTIME_RATE_REFILL: '100000000',
      },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\S+)/.exec(out)?.[1];
      if (url)
        resolve({
          url,
          pid: child.pid,
          close: () => new Promise((r) => child.once('exit', r).kill('SIGTERM')),
        });
    });
    child.once('exit', (code) => reject(new Error(`replica exited ${code}: ${out}`)));
  });
}

async function replicaRun(count, databaseUrl, postmaster, tokens, dir) {
  const replicas = await Promise.all(
    Array.from({ length: count }, (_, i) => startReplica(databaseUrl, join(dir, `r${count}-${i}`))),
  );
  const request = randomUploads(tokens, 'scale');
  try {
    process.stderr.write('  replicas up, warming up\n');
    await Promise.all(
      replicas.map((r) =>
        autocannon({
          url: r.url,
          connections: 2,
          amount: VIEWERS,
          requests: [firstUploads(tokens, 'scale')],
        }),
      ),
    );
    const pg0 = postgresCpuMs(postmaster);
    const srv0 = replicasCpuMs(replicas);
    const per = Math.max(1, Math.round(CONNECTIONS / count));
    const results = await Promise.all(
      replicas.map((r) => autocannon({ url: r.url, connections: per, duration: SECONDS, requests: [request] })),
    );
    const pgMs = postgresCpuMs(postmaster) - pg0;
    const srvMs = replicasCpuMs(replicas) - srv0;
    const bad = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
    if (bad > 0) throw new Error(`${count} replicas: ${bad} failed requests`);
    const merges = results.reduce((n, r) => n + r.requests.total, 0);
    return {
      count,
      rate: merges / SECONDS,
      merges,
      serverMsPerMerge: srvMs / merges,
      pgMsPerMerge: pgMs / merges,
      p99: Math.max(...results.map((r) => r.latency.p99)),
    };
  } finally {
    await Promise.all(replicas.map((r) => r.close()));
  }
}

function timed(fn) {
  return async () => {
    const t = process.hrtime.bigint();
    const value = await fn();
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
  };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function retentionRun(db) {
  const video = 'retention-1m';
  await db.rows(
    sql`INSERT INTO videos (video_id, duration_ms) VALUES (${video}, ${DURATION_MS}) ON CONFLICT DO NOTHING`,
  );
  const gen = timed(() =>
    db.rows(sql`
      INSERT INTO sections (video_id, viewer_id, sections, last_added)
      SELECT ${video}, 'viewer-' || g, m, m
      FROM generate_series(1, ${RETENTION_VIEWERS}::int) AS g,
           LATERAL (SELECT (g::int8 * 7919) % 540000 AS a, (g::int8 * 104729) % 600000 AS b) AS p,
           LATERAL (SELECT int8multirange(int8range(a, a + 5000 + (g % 55000)),
                                          int8range(b, LEAST(600000, b + 1000 + (g % 9000)))) AS m) AS q`),
  );
  const generated = await gen();
  await db.rows(sql`ANALYZE sections`);
  const [{ bytes }] = await db.rows(sql`
    SELECT sum(pg_total_relation_size(c.oid))::int8 AS bytes
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sections'::regclass`);
  const out = { viewers: RETENTION_VIEWERS, generateMs: generated.ms, sectionsBytes: Number(bytes), runs: {} };
  for (const n of [100, 1000]) {
    const full = [];
    for (let i = 0; i < 3; i++)
      full.push((await timed(() => db.transaction((tx) => computeRetention(tx, video, DURATION_MS, n)))()).ms);
    await rebuildCounts(db, video, n);
    const stored = [];
    let check = null;
    for (let i = 0; i < 5; i++) {
      const r = await timed(() => db.transaction((tx) => readRetention(tx, video, DURATION_MS, n)))();
      stored.push(r.ms);
      check = r.value;
    }
    const fullValue = await db.transaction((tx) => computeRetention(tx, video, DURATION_MS, n));
    if (JSON.stringify(fullValue.viewers) !== JSON.stringify(check.viewers))
      throw new Error(`N=${n}: stored counts differ from the full computation`);
    out.runs[n] = { fullMs: median(full), storedMs: median(stored), peak: Math.max(...check.viewers) };
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'watchtime-scale-bench-'));
const cluster = await createCluster();
try {
  const postmaster = Number(readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const db = await openDatabase({ databaseUrl: cluster.url }); // migrates once before the replicas start
  const tokens = await Promise.all(
    Array.from({ length: VIEWERS }, (_, i) => mintToken({ sub: `viewer-${i}` }, SECRET)),
  );
  const runs = [];
  for (const count of [1, 2, 3]) {
    process.stderr.write(`scale bench: ${count} replica(s)…\n`);
    runs.push(await replicaRun(count, cluster.url, postmaster, tokens, dir));
  }
  const base = runs[0].rate;
  console.log(
    `\nscale-out: merges through HTTP against one PostgreSQL 15 (fsync off), ${SECONDS} s per run, ` +
      `${CONNECTIONS} connections in all, ${VIEWERS} viewers × ${VIDEOS} videos, ${cpus().length} cores shared by everything`,
  );
  console.log('replicas  merges/s  vs 1 replica  server CPU ms/merge  PostgreSQL CPU ms/merge  p99 ms');
  for (const r of runs)
    console.log(
      `${String(r.count).padStart(8)}  ${r.rate.toFixed(0).padStart(8)}  ${(r.rate / base).toFixed(2).padStart(11)}×  ` +
        `${r.serverMsPerMerge.toFixed(3).padStart(18)}  ${r.pgMsPerMerge.toFixed(3).padStart(23)}  ${String(r.p99).padStart(6)}`,
    );
  // Uploads that arrive together share one statement (group commit), so the cost per merge
  // depends on how many arrive at once: the capacity figures take the dearest run.
  const maxSrv = Math.max(...runs.map((r) => r.serverMsPerMerge));
  const maxPg = Math.max(...runs.map((r) => r.pgMsPerMerge));
  console.log(
    `CPU per merge, dearest of the three runs: server ${maxSrv.toFixed(3)} ms, PostgreSQL ${maxPg.toFixed(3)} ms ` +
      `→ at least ${(1000 / maxSrv).toFixed(0)} merges/s per server core, ${(1000 / maxPg).toFixed(0)} per PostgreSQL core`,
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  process.stderr.write(`scale bench: generating ${RETENTION_VIEWERS} viewer records…\n`);
  const ret = await retentionRun(db);
  console.log(
    `\nretention, one video, ${ret.viewers.toLocaleString('en')} viewer records (2 ranges each, generated in SQL in ` +
      `${(ret.generateMs / 1000).toFixed(1)} s; sections partitions ${(ret.sectionsBytes / 1e6).toFixed(0)} MB ` +
      `= ${(ret.sectionsBytes / ret.viewers).toFixed(0)} B per viewer-video incl. indexes)`,
  );
  console.log('N      stored counts ms  full computation ms  goal ≤ 1000 ms (route read)');
  for (const [n, r] of Object.entries(ret.runs))
    console.log(
      `${n.padEnd(5)}  ${r.storedMs.toFixed(1).padStart(16)}  ${r.fullMs.toFixed(0).padStart(19)}  ${r.storedMs <= 1000 ? 'met' : 'NOT met'} (full: ${r.fullMs <= 1000 ? 'met' : 'not met'})`,
    );
  await db.close();
} finally {
  cluster.remove();
  rmSync(dir, { recursive: true, force: true });
}
