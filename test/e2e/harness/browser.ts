/** Debian Chromium through playwright-core, headless, in a fresh profile removed on close. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@watchtime/testing';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '@watchtime/testing';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Messages the page printed, and uncaught page errors: worth showing when a scenario fails. */
  console: string[];
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 640, height: 360 }): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'watchtime-e2e-chromium-'));
  // launchPersistentContext is playwright's way to pass a user-data-dir (it passes the flag itself).
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport,
    deviceScaleFactor: 1,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const console: string[] = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    console,
    close: async () => {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
