/**
 * Where uploaded recordings live until (and after) analysis: one directory, one file per key.
 * Kept to put/get/path/delete so an object store can replace it; replicas and workers on several
 * machines need the same directory (a shared mount) until then.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class TooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`upload is larger than ${limitBytes} bytes`);
  }
}

export interface Storage {
  readonly dir: string;
  readonly maxBytes: number;
  /** Streams `body` to `key`; rejects with `TooLargeError` past `maxBytes` (nothing is kept then). */
  put(key: string, body: ReadableStream<Uint8Array> | Readable): Promise<{ bytes: number }>;
  get(key: string): Readable;
  /** A local file path for tools that need one (ffprobe, ffmpeg). */
  path(key: string): string;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const DEFAULT_UPLOAD_LIMIT_BYTES = 2 * 1024 ** 3;

export function createFileStorage(dir: string, options: { maxBytes?: number } = {}): Storage {
  const root = resolve(dir);
  const maxBytes = options.maxBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  const fileOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`storage key ${JSON.stringify(key)} is not a plain file name`);
    return join(root, key);
  };
  return {
    dir: root,
    maxBytes,
    async put(key, body) {
      const file = fileOf(key);
      await mkdir(root, { recursive: true });
      const partial = `${file}.part-${process.pid}-${Date.now()}`;
      let bytes = 0;
      const cap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(bytes > maxBytes ? new TooLargeError(maxBytes) : null, chunk);
        },
      });
      const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
      try {
        await pipeline(source, cap, createWriteStream(partial));
        await rename(partial, file);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return { bytes };
    },
    get: (key) => createReadStream(fileOf(key)),
    path: fileOf,
    delete: (key) => rm(fileOf(key), { force: true }),
    exists: async (key) =>
      stat(fileOf(key)).then(
        () => true,
        () => false,
      ),
  };
}
