/**
 * TensorFlow.js backend choice: tfjs-node (native, when its optional install succeeded) → WASM →
 * pure-JS CPU. The model files are the same on every backend.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type Tf = typeof tf;

let chosen: Promise<BackendName> | undefined;

/** Loads the best backend once; `prefer` forces one (an error if it cannot load). */
export function initBackend(prefer?: BackendName): Promise<BackendName> {
  if (!chosen || prefer) chosen = choose(prefer);
  return chosen;
}

async function choose(prefer?: BackendName): Promise<BackendName> {
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
  const why: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // Optional dependency: its install downloads libtensorflow, which fails on offline machines.
        const mod = '@tensorflow/tfjs-node';
        await import(mod);
      } else if (name === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        // In Node the .wasm files are read from disk: point the loader at the package's dist folder.
        const require = createRequire(import.meta.url);
        const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
        wasm.setWasmPaths(`${dist}/`);
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      why.push(`${name}: setBackend returned false`);
    } catch (err) {
      why.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could load (${why.join('; ')})`);
}

export { tf };
export const wasmDistUrl = () =>
  pathToFileURL(
    dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')),
  ).href;
