/**
 * What most browser test files start before their tests and close after them: the loopback media
 * server over the media generated in global setup, and a Chromium. `use` hands both to the file.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { type Browser, launchBrowser } from './browser.js';
import { MediaServer } from './media-server.js';

export function withMediaAndBrowser(use: (scene: { media: MediaServer; browser: Browser }) => void): void {
  let media: MediaServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    media = new MediaServer(inject('mediaDir'));
    await media.start();
    browser = await launchBrowser();
    use({ media, browser });
  });
  afterAll(async () => {
    await browser?.close();
    await media?.close();
  });
}
