/**
 * Real Chromium through playwright-core. `launch()` gives every browser a fresh temporary
 * profile of its own (Playwright refuses an explicit --user-data-dir there), and each test
 * opens its own context, so cookies never leak between tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@watchtime/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');

export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors: a test fails if the app threw. */
  errors: string[];
}

export async function openTab(browser: Browser, viewport: ViewportName = 'laptop'): Promise<Tab> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport] });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

export async function login(page: Page, baseUrl: string, password: string, hashPath = '/'): Promise<void> {
  await page.goto(`${baseUrl}/#${hashPath}`);
  await page.waitForSelector('[data-testid=login-form]');
  await page.fill('[data-testid=password]', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForFunction(() => document.body.dataset.route && document.body.dataset.route !== 'login');
}

/** Navigates inside the app and waits until the new page has rendered and finished loading. */
export async function visit(page: Page, baseUrl: string, hashPath: string): Promise<void> {
  await page.goto(`${baseUrl}/#${hashPath}`);
  await page.waitForFunction((p) => document.getElementById('page')?.dataset.path === p, hashPath);
  await settled(page);
}

/** Waits until no panel on the page is still loading. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true], [data-testid=loading]'));
}

export async function screenshot(page: Page, name: string, viewport: ViewportName): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}-${viewport}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
