/**
 * One temp dir for the whole run: the generated media are made once (media.ts caches by parameters
 * inside it) and everything is removed when the run ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_DIR_ENV = 'WATCHTIME_E2E_RUN_DIR';

export async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'watchtime-e2e-run-'));
  // Test files run in child processes started after this, so they inherit it.
  process.env[RUN_DIR_ENV] = dir;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
