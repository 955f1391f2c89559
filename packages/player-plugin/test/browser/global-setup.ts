import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateMedia } from './support/media.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mediaDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'watchtime-media-'));
  await generateMedia(dir);
  project.provide('mediaDir', dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
