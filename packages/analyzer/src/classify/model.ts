/**
 * The stage classifier: HoG features → standardise → dense(64, relu) → dropout → dense(softmax).
 * Trains on any backend (WASM has dense backprop), with a stratified validation split, class
 * weights against imbalance and the best-validation weights kept. Saved as a directory:
 * model.json + weights.bin (tfjs layers format) + watchtime-model.json (labels, feature config).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { decodePng, type Image } from '../images/png.js';
import { initBackend, tf } from './backend.js';
import { DEFAULT_FEATURES, type FeatureConfig, featureLength, features } from './hog.js';

export interface ModelMeta {
  format: 'watchtime-classifier/1';
  labels: string[];
  features: FeatureConfig;
  mean: number[];
  std: number[];
  trainedOn: { backend: string; samples: number; validationAccuracy: number; epoch: number };
}

export interface Sample {
  label: string;
  image: Image;
  source?: string;
}

export interface TrainOptions {
  epochs?: number;
  validationSplit?: number;
  hidden?: number;
  learningRate?: number;
  seed?: number;
  onEpoch?: (epoch: number, logs: { loss: number; valAccuracy: number }) => void;
}

export interface TrainResult {
  classifier: Classifier;
  validationAccuracy: number;
  bestEpoch: number;
  counts: Record<string, number>;
  classWeights: Record<string, number>;
}

/** Reads `<folder>/<label>/*.png` (any number of labels; folders may be renamed or merged by hand). */
export async function readLabelledFolder(folder: string): Promise<Sample[]> {
  let entries: string[];
  try {
    entries = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    throw new Error(`${folder}: not a readable folder (expected one sub-folder of PNG frames per label)`);
  }
  const samples: Sample[] = [];
  for (const label of entries.sort()) {
    const files = (await readdir(join(folder, label))).filter((f) => extname(f).toLowerCase() === '.png').sort();
    for (const f of files) {
      const path = join(folder, label, f);
      try {
        samples.push({ label, image: decodePng(await readFile(path)), source: path });
      } catch (err) {
        throw new Error(`${path}: not a readable PNG (${(err as Error).message})`);
      }
    }
  }
  const labels = new Set(samples.map((s) => s.label));
  if (labels.size < 2)
    throw new Error(`${folder}: need frames of at least 2 labels, found ${labels.size} (${[...labels].join(', ')})`);
  return samples;
}

/** A small deterministic PRNG for the split and shuffles. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stratified split: each label keeps ~`fraction` of its samples for validation (at least one when it has 2+). */
export function stratifiedSplit<T extends { label: string }>(
  items: T[],
  fraction: number,
  seed = 1,
): { train: T[]; validation: T[] } {
  const rnd = mulberry(seed);
  const byLabel = new Map<string, T[]>();
  for (const it of items) byLabel.set(it.label, [...(byLabel.get(it.label) ?? []), it]);
  const train: T[] = [];
  const validation: T[] = [];
  for (const group of byLabel.values()) {
    const g = group
      .map((x) => ({ x, r: rnd() }))
      .sort((a, b) => a.r - b.r)
      .map((e) => e.x);
    const k = g.length >= 2 ? Math.max(1, Math.round(g.length * fraction)) : 0;
    validation.push(...g.slice(0, k));
    train.push(...g.slice(k));
  }
  return { train, validation };
}

/** Inverse-frequency class weights (n / (k × count)), as in scikit-learn's "balanced". */
export function classWeights(labels: string[], all: string[]): Record<string, number> {
  const counts = Object.fromEntries(all.map((l) => [l, 0])) as Record<string, number>;
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return Object.fromEntries(all.map((l) => [l, counts[l]! > 0 ? labels.length / (all.length * counts[l]!) : 0]));
}

export class Classifier {
  constructor(
    readonly model: import('@tensorflow/tfjs').LayersModel,
    readonly meta: ModelMeta,
  ) {}

  get labels(): string[] {
    return this.meta.labels;
  }

  /** Standardised feature matrix for a batch of images. */
  private matrix(vectors: Float32Array[]) {
    const d = this.meta.mean.length;
    const flat = new Float32Array(vectors.length * d);
    vectors.forEach((v, r) => {
      for (let i = 0; i < d; i++) flat[r * d + i] = (v[i]! - this.meta.mean[i]!) / this.meta.std[i]!;
    });
    return tf.tensor2d(flat, [vectors.length, d]);
  }

  featuresOf(image: Image): Float32Array {
    return features(image, this.meta.features);
  }

  /** Labels and confidences for feature vectors. */
  predictFeatures(vectors: Float32Array[]): Array<{ label: string; confidence: number }> {
    if (vectors.length === 0) return [];
    return tf.tidy(() => {
      const probs = (
        this.model.predict(this.matrix(vectors)) as import('@tensorflow/tfjs').Tensor
      ).arraySync() as number[][];
      return probs.map((p) => {
        let best = 0;
        for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
        return { label: this.meta.labels[best]!, confidence: p[best]! };
      });
    });
  }

  predict(images: Image[]): Array<{ label: string; confidence: number }> {
    return this.predictFeatures(images.map((i) => this.featuresOf(i)));
  }

  /** Writes model.json + weights.bin + watchtime-model.json (no tfjs-node needed: a custom save handler). */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await this.model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData as ArrayBuffer;
        const modelJson = {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        };
        await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
        await writeFile(join(dir, 'weights.bin'), Buffer.from(weights));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    await writeFile(join(dir, 'watchtime-model.json'), `${JSON.stringify(this.meta, null, 2)}\n`);
  }

  static async load(dir: string): Promise<Classifier> {
    await initBackend();
    let modelJson: { modelTopology: object; weightsManifest: Array<{ paths: string[]; weights: unknown[] }> };
    let meta: ModelMeta;
    try {
      modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      meta = JSON.parse(await readFile(join(dir, 'watchtime-model.json'), 'utf8'));
    } catch (err) {
      throw new Error(
        `${dir}: not a watchtime model directory (${(err as Error).message}); create one with "watchtime-analyze train"`,
      );
    }
    if (meta.format !== 'watchtime-classifier/1')
      throw new Error(`${dir}: unknown model format ${String(meta.format)}`);
    const buffers = await Promise.all(
      modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))),
    );
    const weightData = Buffer.concat(buffers);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as never,
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
      }),
    );
    return new Classifier(model, meta);
  }
}

export async function train(samples: Sample[], options: TrainOptions = {}): Promise<TrainResult> {
  const backend = await initBackend();
  const labels = [...new Set(samples.map((s) => s.label))].sort();
  if (labels.length < 2) throw new Error(`training needs at least 2 labels, got ${labels.length}`);
  const fc = DEFAULT_FEATURES;
  const d = featureLength(fc);
  const vecs = samples.map((s) => ({ label: s.label, v: features(s.image, fc) }));
  const { train: tr, validation: va } = stratifiedSplit(vecs, options.validationSplit ?? 0.2, options.seed ?? 1);
  // Standardise with training statistics only.
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const { v } of tr) for (let i = 0; i < d; i++) mean[i]! += v[i]! / tr.length;
  for (const { v } of tr) for (let i = 0; i < d; i++) std[i]! += (v[i]! - mean[i]!) ** 2 / tr.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]!) + 1e-3;
  const meta: ModelMeta = {
    format: 'watchtime-classifier/1',
    labels,
    features: fc,
    mean,
    std,
    trainedOn: { backend, samples: samples.length, validationAccuracy: 0, epoch: 0 },
  };
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [d],
        units: options.hidden ?? 64,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed ?? 1 }),
      }),
      tf.layers.dropout({ rate: 0.3, seed: options.seed ?? 1 }),
      tf.layers.dense({
        units: labels.length,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: (options.seed ?? 1) + 1 }),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(options.learningRate ?? 1e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const classifier = new Classifier(model, meta);
  const toTensors = (rows: typeof vecs) => {
    const x = tf.tidy(() => {
      const flat = new Float32Array(rows.length * d);
      rows.forEach((r, k) => {
        for (let i = 0; i < d; i++) flat[k * d + i] = (r.v[i]! - mean[i]!) / std[i]!;
      });
      return tf.tensor2d(flat, [rows.length, d]);
    });
    const y = tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          rows.map((r) => labels.indexOf(r.label)),
          'int32',
        ),
        labels.length,
      ),
    );
    return { x, y };
  };
  // Shuffle once with the seeded PRNG (tfjs' own shuffle uses Math.random): same data, same model.
  const rnd = mulberry((options.seed ?? 1) + 7);
  const shuffled = tr
    .map((r) => ({ r, k: rnd() }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.r);
  const trainT = toTensors(shuffled);
  const weightsByLabel = classWeights(
    tr.map((r) => r.label),
    labels,
  );
  const classWeight = Object.fromEntries(labels.map((l, i) => [i, weightsByLabel[l]!]));
  const valRows = va.length ? va : tr; // tiny sets: validate on the training rows rather than nothing
  const valT = toTensors(valRows);
  let best = { acc: -1, loss: Number.POSITIVE_INFINITY, epoch: 0, weights: [] as import('@tensorflow/tfjs').Tensor[] };
  const epochs = options.epochs ?? 40;
  await model.fit(trainT.x, trainT.y, {
    epochs,
    batchSize: 32,
    shuffle: false,
    classWeight,
    verbose: 0,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        // Best-validation checkpoint: highest validation accuracy, ties broken by lower loss.
        const [acc, loss] = tf.tidy(() => {
          const p = model.predict(valT.x) as import('@tensorflow/tfjs').Tensor;
          const a = p.argMax(1).equal(valT.y.argMax(1)).mean().dataSync()[0]!;
          const l = tf.metrics.categoricalCrossentropy(valT.y, p).mean().dataSync()[0]!;
          return [a, l];
        });
        if (acc! > best.acc || (acc === best.acc && loss! < best.loss)) {
          best.weights.forEach((w) => {
            w.dispose();
          });
          best = { acc: acc!, loss: loss!, epoch: epoch + 1, weights: model.getWeights().map((w) => w.clone()) };
        }
        options.onEpoch?.(epoch + 1, { loss: logs?.loss ?? Number.NaN, valAccuracy: acc! });
      },
    },
  });
  model.setWeights(best.weights);
  best.weights.forEach((w) => {
    w.dispose();
  });
  tf.dispose([trainT.x, trainT.y, valT.x, valT.y]);
  meta.trainedOn.validationAccuracy = best.acc;
  meta.trainedOn.epoch = best.epoch;
  const counts = Object.fromEntries(labels.map((l) => [l, samples.filter((s) => s.label === l).length]));
  return { classifier, validationAccuracy: best.acc, bestEpoch: best.epoch, counts, classWeights: weightsByLabel };
}
