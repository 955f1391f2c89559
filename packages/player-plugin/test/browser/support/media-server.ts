/**
 * Loopback HTTP server for the browser tests: the harness page, the built script-tag bundle,
 * video.js / hls.js from node_modules, and the generated media (MP4 with byte ranges, HLS).
 * Each scenario uses its own URL prefix (`/media/<scenario>/…`), so faults injected for one
 * scenario — a DELAY or a FAILURE of chosen segment requests — never touch another running in
 * parallel. Every segment request is logged with its start and end (epoch ms).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..', '..');
const require = createRequire(import.meta.url);

export interface SegmentFault {
  /** Hold the response this long before sending it. */
  delayMs?: number;
  /** Answer with this status instead… */
  status?: number;
  /** …for only the first this many requests (then serve normally). Default: always. */
  times?: number;
}

export interface SegmentRequest {
  scenario: string;
  file: string;
  startedAt: number;
  endedAt: number;
  status: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css',
  '.mp4': 'video/mp4',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
};

export class MediaServer {
  readonly faults = new Map<string, Map<string, SegmentFault>>();
  readonly log: SegmentRequest[] = [];
  private server: Server | null = null;
  url = '';

  constructor(private readonly mediaDir: string) {}

  private libs(): Record<string, string> {
    const hls = dirname(require.resolve('hls.js/package.json'));
    const vjs = dirname(require.resolve('video.js/package.json'));
    return {
      '/lib/hls.js': join(hls, 'dist', 'hls.js'),
      '/lib/video.js': join(vjs, 'dist', 'video.js'),
      '/lib/video-js.css': join(vjs, 'dist', 'video-js.css'),
      '/watchtime.global.js': join(packageDir, 'dist', 'watchtime.global.js'),
      '/watchtime.global.js.map': join(packageDir, 'dist', 'watchtime.global.js.map'),
      '/harness.js': join(here, 'harness.js'),
    };
  }

  /** Whole directories served as they are (the ESM build and what it imports). */
  private trees(): Record<string, string> {
    return {
      '/esm/': join(packageDir, 'dist'),
      '/core/': join(packageDir, '..', 'core', 'dist'),
      '/zod/': dirname(require.resolve('zod/package.json')),
    };
  }

  /** Faults for one scenario: file name (e.g. `seg004.ts`) → fault. */
  setFaults(scenario: string, faults: Record<string, SegmentFault>): void {
    this.faults.set(scenario, new Map(Object.entries(faults)));
  }

  async start(): Promise<string> {
    const libs = this.libs();
    this.server = createServer((req, res) => {
      this.handle(req, res, libs).catch((e) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(e));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, libs: Record<string, string>): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/page.html') {
      const wanted = (url.searchParams.get('libs') ?? '').split(',').filter(Boolean);
      const scripts = [
        ...(wanted.includes('videojs')
          ? ['<link rel="stylesheet" href="/lib/video-js.css">', '<script src="/lib/video.js"></script>']
          : []),
        ...(wanted.includes('hls') ? ['<script src="/lib/hls.js"></script>'] : []),
        '<script src="/watchtime.global.js"></script>',
        '<script src="/harness.js"></script>',
      ];
      const body = `<!doctype html><html><head><meta charset="utf-8"><title>watchtime test</title>${scripts.join('')}</head>
<body><video id="v" muted playsinline preload="auto" width="640" height="360"${wanted.includes('videojs') ? ' class="video-js"' : ''}></video></body></html>`;
      res.writeHead(200, { 'content-type': TYPES['.html'] as string, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (path === '/esm.html') {
      // The ESM build straight from dist/, no bundler: an import map resolves the bare specifiers.
      const importMap = { imports: { '@watchtime/core': '/core/index.js', zod: '/zod/index.js' } };
      const body = `<!doctype html><html><head><meta charset="utf-8"><title>watchtime ESM</title>
<script type="importmap">${JSON.stringify(importMap)}</script><script src="/harness.js"></script>
<script type="module">import { attachWatchTime } from '/esm/index.js'; window.ESM = { attachWatchTime };</script>
</head><body><video id="v" muted playsinline preload="auto" width="640" height="360"></video></body></html>`;
      res.writeHead(200, { 'content-type': TYPES['.html'] as string, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    const lib = libs[path];
    if (lib) return this.sendFile(req, res, lib);
    for (const [prefix, dir] of Object.entries(this.trees())) {
      if (path.startsWith(prefix)) {
        const rel = normalize(path.slice(prefix.length));
        if (rel.startsWith('..')) break;
        return this.sendFile(req, res, join(dir, rel));
      }
    }
    const m = /^\/media\/([\w.-]+)\/(.+)$/.exec(path);
    if (m) {
      const scenario = m[1] as string;
      const rel = normalize(m[2] as string);
      if (rel.startsWith('..')) {
        res.writeHead(400).end();
        return;
      }
      const file = rel.split('/').pop() as string;
      const fault = this.faults.get(scenario)?.get(file);
      const startedAt = Date.now();
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      const failing = fault?.status !== undefined && (fault.times === undefined || fault.times-- > 0);
      if (fault?.status && failing) {
        res.writeHead(fault.status, { 'access-control-allow-origin': '*' }).end();
        this.log.push({ scenario, file, startedAt, endedAt: Date.now(), status: fault.status });
        return;
      }
      if (file === 'live.m3u8') {
        // The VOD playlist without its end: hls.js treats it as a live stream.
        const vod = await readFile(join(this.mediaDir, dirname(rel), 'index.m3u8'), 'utf8');
        const live = vod.replace(/#EXT-X-ENDLIST\s*/g, '').replace(/#EXT-X-PLAYLIST-TYPE:VOD\s*/g, '');
        res.writeHead(200, {
          'content-type': TYPES['.m3u8'] as string,
          'cache-control': 'no-store',
          'access-control-allow-origin': '*',
        });
        res.end(live);
        return;
      }
      await this.sendFile(req, res, join(this.mediaDir, rel));
      if (file.endsWith('.ts'))
        this.log.push({ scenario, file, startedAt, endedAt: Date.now(), status: res.statusCode });
      return;
    }
    res.writeHead(404).end('not found');
  }

  /** Static file with byte ranges (Chromium seeks MP4 with Range requests). */
  private async sendFile(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : size - Number(range[2]);
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-length': end - start + 1,
      });
      await pipe(createReadStream(file, { start, end }), res);
      return;
    }
    if (extname(file) === '.js' || extname(file) === '.html') {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': size });
    await pipe(createReadStream(file), res);
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

function pipe(src: NodeJS.ReadableStream, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    src.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', resolve);
    src.pipe(res);
  });
}
