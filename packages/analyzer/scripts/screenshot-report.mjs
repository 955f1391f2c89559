#!/usr/bin/env node
/** Screenshots an HTML report with the system Chromium (docs/report.png in the README). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@watchtime/testing';
import { chromium } from 'playwright-core';

const [input, output = 'docs/report.png'] = process.argv.slice(2);
if (!input) throw new Error('usage: screenshot-report.mjs <report.html> [out.png]');
const profile = await mkdtemp(join(tmpdir(), 'watchtime-shot-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS],
  viewport: { width: 1000, height: 700 },
  deviceScaleFactor: 1,
});
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.screenshot({ path: output, fullPage: true });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}
