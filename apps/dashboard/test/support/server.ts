/**
 * The real @watchtime/server on a temporary data directory (embedded PGlite), listening on a
 * free loopback port and serving this package's built dist/. Everything the tests need is
 * written through the public HTTP API with real tokens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mintToken, startServer } from '@watchtime/server';

export interface RunningServer {
  url: string;
  secret: string;
  password: string;
  analystToken: string;
  viewerToken(viewerId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchtime-dashboard-'));
  const secret = `test-secret-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    config: { jwtSecret: secret, analystPassword: password },
  });
  const tokens = new Map<string, string>();
  const viewerToken = async (viewerId: string) => {
    const known = tokens.get(viewerId);
    if (known) return known;
    const minted = await mintToken({ sub: viewerId, ttlSec: 3600 }, secret);
    tokens.set(viewerId, minted);
    return minted;
  };
  const analystToken = await mintToken({ sub: 'dashboard-test', role: 'analyst', ttlSec: 3600 }, secret);
  return {
    url: server.url.replace(/\/$/, ''),
    secret,
    password,
    analystToken,
    viewerToken,
    close: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One JSON call against the server; anything but 2xx is an error that says what came back. */
export async function call<T = unknown>(
  base: string,
  method: string,
  pathname: string,
  token: string | null,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
