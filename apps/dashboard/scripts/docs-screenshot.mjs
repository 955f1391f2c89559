#!/usr/bin/env node
/**
 * Regenerates docs/video-page.png: a throwaway server (temp data dir, embedded PGlite) seeded
 * with the demo, the video page opened in Chromium at laptop width, the top of it captured.
 *   node apps/dashboard/scripts/docs-screenshot.mjs   (after `npm run build`)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken, startServer } from '@watchtime/server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@watchtime/testing';
import { chromium } from 'playwright-core';
import { DEMO_VIDEOS, seedDemo } from './seed-demo.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../docs/video-page.png');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchtime-docs-'));
const jwtSecret = `docs-${Math.random().toString(36).slice(2)}-secret`;
const analystPassword = 'docs-password';
const server = await startServer({ port: 0, dataDir, config: { jwtSecret, analystPassword } });
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS],
});
try {
  await seedDemo({
    url: server.url,
    analystToken: await mintToken({ sub: 'docs', role: 'analyst' }, jwtSecret),
    viewerToken: (sub) => mintToken({ sub }, jwtSecret),
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${server.url}/#/login`);
  await page.fill('[data-testid=password]', analystPassword);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=video-table]');
  await page.goto(`${server.url}/#/videos/${DEMO_VIDEOS[0].videoId}`);
  await page.waitForSelector('[data-testid=retention-chart] canvas');
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
  const bottom = await page.$eval('[data-testid=viewers-panel]', (el) => el.getBoundingClientRect().top + 420);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1200, height: Math.round(bottom) }, fullPage: true });
  console.log(`wrote ${out} (${fs.statSync(out).size} bytes)`);
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
