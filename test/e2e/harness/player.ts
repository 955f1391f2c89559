/** Driving the scenario page of pages.ts `playerPage` from the test. */
import type { Page } from 'playwright-core';

type Win = {
  __start(): Promise<void>;
  __pauseFor(ms: number): Promise<Record<string, number>>;
  __freezeOverlayFor(ms: number): Promise<Record<string, number>>;
  __marks: Record<string, number>;
  __errors: string[];
  __player: { currentTime(): number; currentTime(t: number): void; pause(): void; play(): Promise<void> };
  __wt: { flush(): Promise<boolean>; sections(): Array<[number, number]>; session(): unknown; metrics(): unknown };
};

export const pageDo = {
  /** Attaches the plugin without playing (after a reload: the unsent sections come back from IndexedDB). */
  attach: (page: Page) => page.evaluate(() => (window as unknown as Win & { __attach(): void }).__attach()),
  start: (page: Page) => page.evaluate(() => (window as unknown as Win).__start()),
  pauseFor: (page: Page, ms: number) => page.evaluate((ms) => (window as unknown as Win).__pauseFor(ms), ms),
  freezeOverlayFor: (page: Page, ms: number) =>
    page.evaluate((ms) => (window as unknown as Win).__freezeOverlayFor(ms), ms),
  /** The plugin's `syncerror` events (time, status, message), for failure messages. */
  syncErrors: (page: Page) => page.evaluate(() => (window as unknown as { __syncErrors: string[] }).__syncErrors),
  /** Flushes until an upload succeeds (the plugin retries by itself too), at most `tries` times. */
  flushUntilSynced: async (page: Page, tries = 40): Promise<boolean> => {
    for (let i = 0; i < tries; i++) {
      if (await pageDo.flush(page)) return true;
      await page.waitForTimeout(250);
    }
    return false;
  },
  marks: (page: Page) => page.evaluate(() => (window as unknown as Win).__marks),
  errors: (page: Page) => page.evaluate(() => (window as unknown as Win).__errors),
  currentMs: (page: Page) => page.evaluate(() => Math.round((window as unknown as Win).__player.currentTime() * 1000)),
  /** Uploads what is pending: the flush of a live session, or the dispose started at `ended`. */
  flush: (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as Win & { __disposed?: Promise<boolean> };
      return w.__disposed ?? w.__wt.flush();
    }),
  sections: (page: Page) => page.evaluate(() => (window as unknown as Win).__wt.sections()),
  /** Waits until the playhead has passed `ms` (media time). */
  reach: (page: Page, ms: number, timeout = 30_000) =>
    page.waitForFunction((ms) => (window as unknown as Win).__player.currentTime() * 1000 >= ms, ms, {
      timeout,
      polling: 50,
    }),
  ended: (page: Page, timeout = 60_000) =>
    page.waitForFunction(() => Boolean((window as unknown as Win).__marks.ended), null, { timeout, polling: 100 }),
  /** Seeks the player; returns the position it left (ms), read just before the jump. */
  seek: (page: Page, toMs: number) =>
    page.evaluate((toMs) => {
      const p = (window as unknown as Win).__player;
      const from = Math.round(p.currentTime() * 1000);
      p.currentTime(toMs / 1000);
      return from;
    }, toMs),
  /** Pauses; returns the position (ms). */
  pause: (page: Page) =>
    page.evaluate(() => {
      const p = (window as unknown as Win).__player;
      p.pause();
      return Math.round(p.currentTime() * 1000);
    }),
  play: (page: Page) => page.evaluate(() => (window as unknown as Win).__player.play()),
};
