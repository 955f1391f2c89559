/**
 * The plugin's script-tag bundle at `/watchtime.global.js` and the built dashboard at `/`
 * (SPA fallback to index.html). Both are read from the workspace's build outputs, never from
 * their sources; a clear 404 says what to build when they are missing.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';
import type { Deps } from '../env.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

export function staticRoutes(deps: Deps): Hono {
  const app = new Hono();
  const { dashboardDir, pluginBundlePath } = deps.config;

  app.get('/watchtime.global.js', async (c) => {
    if (!isFile(pluginBundlePath))
      return c.text(`watchtime.global.js is not built (looked for ${pluginBundlePath}): run npm run build`, 404);
    c.header('Content-Type', TYPES['.js'] as string);
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', 'no-cache');
    return c.body(await readFile(pluginBundlePath));
  });

  app.get('*', async (c) => {
    if (c.req.path === '/v1' || c.req.path.startsWith('/v1/'))
      return c.json({ error: `no such endpoint: GET ${c.req.path}` }, 404);
    const index = join(dashboardDir, 'index.html');
    if (!isFile(index))
      return c.html(
        `<!doctype html><title>watchtime</title><h1>dashboard not built</h1><p>Looked for ${index}. Run <code>npm run build</code>; the API is at <code>/v1</code>.</p>`,
        404,
      );
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.text('malformed path', 400);
    }
    const rel = normalize(path).replace(/^([/\\])+/, '');
    const file = join(dashboardDir, rel);
    const inside = file === dashboardDir || file.startsWith(dashboardDir + sep);
    const target = inside && isFile(file) ? file : index;
    c.header('Content-Type', TYPES[extname(target)] ?? 'application/octet-stream');
    if (target === index) c.header('Cache-Control', 'no-cache');
    return c.body(await readFile(target));
  });
  return app;
}
