/**
 * A loopback HTTP server for browser scenarios: pages given as strings, the players' files from
 * the workspace node_modules, the plugin's script-tag bundle (when it has been built) and the test
 * media — with faults injected into chosen segment requests (a delay or an HTTP error) and a log
 * of when every request arrived and when its answer finished: the ground truth of injected stalls.
 */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const PLUGIN_BUNDLE = join(REPO_ROOT, 'packages/player-plugin/dist/watchtime.global.js');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.mp4': 'video/mp4',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.map': 'application/json',
  '.woff': 'font/woff',
};

/** Which node_modules folders may be served (nothing else of the disk is reachable). */
const MODULES = ['video.js', 'hls.js'];

export interface SegmentFault {
  /** Segment index: `seg007.ts` is 7. */
  segment: number;
  /** Which request for that segment (1 = the first); default every request. */
  call?: number;
  /** Hold the answer this long before sending it. */
  delayMs?: number;
  /** Answer with this status instead of the file. */
  status?: number;
}

export interface RequestRecord {
  path: string;
  /** Segment index, or null for anything that is not a media segment. */
  segment: number | null;
  call: number;
  arrivedWallMs: number;
  finishedWallMs: number | null;
  status: number;
  fault: SegmentFault | null;
}

export interface MediaServerOptions {
  /** Folder served under `/media/` (e.g. the folder with clip.mp4 and hls/). */
  mediaDir: string;
  pages?: Record<string, string>;
  faults?: SegmentFault[];
}

export interface MediaServer {
  url: string;
  log: RequestRecord[];
  /** Replace or add a page (path → HTML) while running. */
  setPage(path: string, html: string): void;
  setFaults(faults: SegmentFault[]): void;
  /** Forget the log and the per-path call counts (a new scenario: `call: 1` is its first request). */
  reset(): void;
  /** Records of requests for one segment, in arrival order. */
  segmentRequests(segment: number): RequestRecord[];
  close(): Promise<void>;
}

export function segmentIndex(path: string): number | null {
  const m = /seg(\d+)\.ts$/.exec(path);
  return m ? Number(m[1]) : null;
}

function inside(root: string, rel: string): string | null {
  const full = normalize(join(root, rel));
  return full === root || full.startsWith(root + sep) ? full : null;
}

export async function startMediaServer(options: MediaServerOptions): Promise<MediaServer> {
  const pages = new Map(Object.entries(options.pages ?? {}));
  let faults = options.faults ?? [];
  const log: RequestRecord[] = [];
  const calls = new Map<string, number>();
  const mediaRoot = resolve(options.mediaDir);
  const timers = new Set<NodeJS.Timeout>();

  function fileFor(path: string): string | null {
    if (path.startsWith('/media/')) return inside(mediaRoot, path.slice('/media/'.length));
    if (path === '/plugin/watchtime.global.js') return existsSync(PLUGIN_BUNDLE) ? PLUGIN_BUNDLE : null;
    if (path.startsWith('/node_modules/')) {
      const rel = path.slice('/node_modules/'.length);
      if (!MODULES.some((m) => rel.startsWith(`${m}/`))) return null;
      return inside(join(REPO_ROOT, 'node_modules'), rel);
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const n = (calls.get(path) ?? 0) + 1;
    calls.set(path, n);
    const segment = segmentIndex(path);
    const fault = segment === null ? null : (faults.find((f) => f.segment === segment && (f.call ?? n) === n) ?? null);
    const rec: RequestRecord = {
      path,
      segment,
      call: n,
      arrivedWallMs: Date.now(),
      finishedWallMs: null,
      status: 200,
      fault,
    };
    log.push(rec);
    res.on('finish', () => (rec.finishedWallMs = Date.now()));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Access-Control-Allow-Origin', '*');

    if (fault?.delayMs) {
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          timers.delete(t);
          r();
        }, fault.delayMs);
        timers.add(t);
      });
      if (res.destroyed) return;
    }
    if (fault?.status) {
      rec.status = fault.status;
      res.writeHead(fault.status, { 'Content-Type': 'text/plain' }).end(`injected fault ${fault.status}`);
      return;
    }
    const page = pages.get(path);
    if (page !== undefined) {
      res.writeHead(200, { 'Content-Type': TYPES['.html'] }).end(page);
      return;
    }
    const file = fileFor(path);
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info?.isFile()) {
      rec.status = 404;
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Range requests: Chromium asks for byte ranges of an MP4.
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, info.size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
      if (start >= info.size || start > end) {
        rec.status = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${info.size}` }).end();
        return;
      }
      rec.status = 206;
      res.writeHead(206, {
        'Content-Type': type,
        'Content-Length': end - start + 1,
        'Content-Range': `bytes ${start}-${end}/${info.size}`,
        'Accept-Ranges': 'bytes',
      });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size, 'Accept-Ranges': 'bytes' });
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setPage: (path, html) => pages.set(path, html),
    setFaults: (f) => (faults = f),
    reset: () => {
      log.length = 0;
      calls.clear();
    },
    segmentRequests: (segment) => log.filter((r) => r.segment === segment),
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
