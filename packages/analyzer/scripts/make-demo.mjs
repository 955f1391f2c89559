#!/usr/bin/env node
/** Writes the README's demo recordings into a folder: freezes.mp4 (moving picture with freezes) and pages.mp4 (five app "pages"). */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FREEZE_SET, stagesGraph } from '../dist/testing/fixtures.js';
import { generate } from '../dist/testing/media.js';

const dir = process.argv[2] ?? 'demo';
await mkdir(dir, { recursive: true });
await generate(join(dir, 'freezes.mp4'), FREEZE_SET.freezes);
await generate(join(dir, 'pages.mp4'), stagesGraph());
console.log(`wrote ${join(dir, 'freezes.mp4')} and ${join(dir, 'pages.mp4')}`);
