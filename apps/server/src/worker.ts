/**
 * `watchtime-server worker`: runs `analyze-recording` jobs from the shared pg-boss queue. Any
 * number of workers on any number of machines (sharing the storage directory) take jobs with
 * `SKIP LOCKED`; a job whose worker dies expires and is retried by another.
 */
import { hostname } from 'node:os';
import { openDatabase } from './db/connect.js';
import { registerAnalysisHandlers } from './jobs/analyze.js';
import { createQueue, type QueueOptions } from './jobs/queue.js';
import { createFileStorage } from './storage/files.js';

export interface WorkerOptions extends Omit<QueueOptions, 'databaseUrl'> {
  databaseUrl: string;
  storageDir: string;
  name?: string;
}

export interface RunningWorker {
  name: string;
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const db = await openDatabase({ databaseUrl: options.databaseUrl });
  const name = options.name ?? `${hostname()}:${process.pid}`;
  try {
    const queue = await createQueue(db, options);
    await registerAnalysisHandlers(queue, { db, storage: createFileStorage(options.storageDir), workerName: name });
    return {
      name,
      stop: async () => {
        await queue.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
