/**
 * Group commit for merges. Uploads that arrive while a merge statement runs wait for it and then
 * go together as the next statement (`mergeBatch`): one round trip, one commit and one plan for
 * many devices instead of one each. An upload that finds the queue idle goes at once, so a quiet
 * server adds no latency; a busy one answers each upload when its batch has committed.
 */
import { isDatabaseUnavailable, isRetryable } from '../db/errors.js';
import type { MergeAnswer, MergeInput } from './sections.js';

export interface MergeQueueOptions {
  /** Statements running at once (PGlite has one connection: 1). */
  maxInFlight?: number;
  /** Uploads per statement. */
  maxUploads?: number;
  /** Sections per statement, so a few 10,000-section uploads do not make one huge statement. */
  maxSections?: number;
}

interface Waiting {
  input: MergeInput;
  resolve: (answer: MergeAnswer) => void;
  reject: (error: unknown) => void;
}

export class MergeQueue {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private readonly maxInFlight: number;
  private readonly maxUploads: number;
  private readonly maxSections: number;

  constructor(
    private readonly run: (inputs: MergeInput[]) => Promise<MergeAnswer[]>,
    options: MergeQueueOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.maxUploads = options.maxUploads ?? 256;
    this.maxSections = options.maxSections ?? 20_000;
  }

  /** Resolves with this upload's answer once the statement carrying it has committed. */
  merge(input: MergeInput): Promise<MergeAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.pump();
    });
  }

  /** Uploads waiting for a statement (for tests and metrics). */
  get depth(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.running < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      this.running++;
      void this.send(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** The oldest uploads that fit the caps (always at least one). */
  private take(): Waiting[] {
    let sections = 0;
    let n = 0;
    while (n < this.waiting.length && n < this.maxUploads) {
      const size = (this.waiting[n] as Waiting).input.sections.length;
      if (n > 0 && sections + size > this.maxSections) break;
      sections += size;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private async send(batch: Waiting[]): Promise<void> {
    try {
      const answers = await this.run(batch.map((w) => w.input));
      for (const [i, w] of batch.entries()) w.resolve(answers[i] as MergeAnswer);
    } catch (error) {
      // Unavailable store or exhausted retries: every upload gets the same answer (503 or 500).
      // Anything else may be one upload's fault: each then runs alone, so it fails alone.
      if (batch.length === 1 || isDatabaseUnavailable(error) || isRetryable(error)) {
        for (const w of batch) w.reject(error);
        return;
      }
      for (const w of batch)
        await this.run([w.input]).then(
          ([answer]) => w.resolve(answer as MergeAnswer),
          (e: unknown) => w.reject(e),
        );
    }
  }
}
