import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '../images/png.js';
import { tempDir } from '../testing/fixtures.js';
import { initBackend, tf } from './backend.js';
import { Classifier, type Sample, train } from './model.js';

/** Stripes: label "h" horizontal, "v" vertical, with a seeded jitter in phase and brightness. */
function stripes(label: 'h' | 'v', seed: number): Sample {
  const w = 48;
  const h = 36;
  const data = new Uint8Array(w * h * 3);
  const phase = seed % 6;
  const base = 60 + ((seed * 37) % 80);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const on = (((label === 'h' ? y : x) + phase) >> 2) % 2 === 0;
      data.fill(on ? base + 100 : base, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  const image: Image = { width: w, height: h, channels: 3, data };
  return { label, image };
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('TensorFlow.js backends', () => {
  it('a model trained on the pure-JS CPU backend loads and predicts the same on WASM (same files everywhere)', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const samples = Array.from({ length: 24 }, (_, i) => stripes(i % 2 ? 'h' : 'v', i));
    const r = await train(samples, { epochs: 8, hidden: 16 });
    expect(r.classifier.meta.trainedOn.backend).toBe('cpu');
    await r.classifier.save(join(dir, 'm'));
    const probe = Array.from({ length: 6 }, (_, i) => stripes(i % 2 ? 'h' : 'v', 100 + i));
    const onCpu = r.classifier.predict(probe.map((s) => s.image));
    expect(onCpu.map((p) => p.label)).toEqual(probe.map((s) => s.label));

    expect(await initBackend('wasm')).toBe('wasm');
    const loaded = await Classifier.load(join(dir, 'm'));
    const onWasm = loaded.predict(probe.map((s) => s.image));
    expect(onWasm.map((p) => p.label)).toEqual(onCpu.map((p) => p.label));
    onWasm.forEach((p, i) => {
      expect(p.confidence).toBeCloseTo(onCpu[i]!.confidence, 4);
    });
  });

  it('tfjs-node (optional) either loads or fails with a clear message', async () => {
    // Here its install cannot download libtensorflow, so it is absent; where it installs, it loads.
    const got = await initBackend('tensorflow').catch((e: unknown) => e as Error);
    if (got instanceof Error) expect(got.message).toMatch(/^no TensorFlow.js backend could load \(tensorflow: .+\)$/);
    else expect(got).toBe('tensorflow');
    await initBackend('wasm');
  });
});
