/**
 * Debian's Chromium, driven by playwright-core (`npx playwright install` cannot download a browser
 * here). The flags are the ones ENVIRONMENT.md found to work on these machines: without the
 * background-networking ones Chromium keeps dialling hosts this closed network refuses.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];
