/**
 * Watched sections: half-open intervals `[start, end)` of media time in integer ms.
 *
 * The canonical form is sorted, disjoint and non-adjacent (touching sections are folded),
 * so union is idempotent, commutative and associative: the watched set is a state-based
 * CRDT and re-sent, re-ordered or duplicated uploads can never corrupt it.
 */

/** One section in wire form: `[startMs, endMs]`, `0 <= start < end`. */
export type Section = [start: number, end: number];

export class SectionError extends Error {
  override name = 'SectionError';
}

/** Says what is wrong with a `[start, end]` pair, or returns null when it is valid. */
export function sectionProblem(start: unknown, end: unknown): string | null {
  if (typeof start !== 'number' || !Number.isFinite(start)) return `start ${show(start)} is not a finite number`;
  if (typeof end !== 'number' || !Number.isFinite(end)) return `end ${show(end)} is not a finite number`;
  if (!Number.isInteger(start)) return `start ${start} is not an integer number of ms`;
  if (!Number.isInteger(end)) return `end ${end} is not an integer number of ms`;
  if (start < 0) return `start ${start} is negative`;
  if (start >= end)
    return start === end ? `start ${start} equals end (empty section)` : `start ${start} is after end ${end}`;
  return null;
}

function show(v: unknown): string {
  return typeof v === 'number' || v === undefined ? String(v) : JSON.stringify(v);
}

function checkPair(pair: unknown, index: number): asserts pair is readonly [number, number] {
  if (!Array.isArray(pair) || pair.length !== 2)
    throw new SectionError(`section ${index}: expected a [start, end] pair`);
  const problem = sectionProblem(pair[0], pair[1]);
  if (problem) throw new SectionError(`section ${index}: ${problem}`);
}

/**
 * Algorithm M: the canonical union of any list of sections.
 *
 * Sorting the starts and the ends separately and sweeping a depth counter gives the same union
 * as sorting pairs by start (any pairing of sorted starts with sorted ends covers the same set),
 * but sorts two plain typed arrays instead of an array of tuples — the cost of the merge is
 * then close to the cost of sorting the endpoints, which is the practical limit.
 */
export function mergeSections(pairs: ReadonlyArray<readonly [number, number]>): Section[] {
  const n = pairs.length;
  if (n === 0) return [];
  let max = 0;
  for (let i = 0; i < n; i++) {
    const p = pairs[i];
    checkPair(p, i);
    if (p[1] > max) max = p[1];
  }
  // Media ms of any real video fit in 32 bits (100 h = 3.6e8): then a radix sort, O(n).
  if (max < 2 ** 32) {
    const starts = new Uint32Array(n);
    const ends = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const p = pairs[i] as readonly [number, number];
      starts[i] = p[0];
      ends[i] = p[1];
    }
    return sweep(radixSort(starts, max), radixSort(ends, max));
  }
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = pairs[i] as readonly [number, number];
    starts[i] = p[0];
    ends[i] = p[1];
  }
  return sweep(starts.sort(), ends.sort());
}

/** LSD radix sort of unsigned 32-bit keys, 11 bits a pass, only as many passes as `max` needs. */
function radixSort(keys: Uint32Array, max: number): Uint32Array {
  if (keys.length < 256) return keys.sort();
  const n = keys.length;
  let src: Uint32Array = keys;
  let dst: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(2048);
  for (let shift = 0; shift < 32 && max >>> shift > 0; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((src[i] as number) >>> shift) & 2047;
      counts[d] = (counts[d] as number) + 1;
    }
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const v = src[i] as number;
      const d = (v >>> shift) & 2047;
      const at = counts[d] as number;
      dst[at] = v;
      counts[d] = at + 1;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** Folds sorted starts and sorted ends into canonical sections (starts win ties: touching merges). */
function sweep(starts: Float64Array | Uint32Array, ends: Float64Array | Uint32Array): Section[] {
  const out: Section[] = [];
  const n = starts.length;
  let i = 0;
  let j = 0;
  let depth = 0;
  let open = 0;
  while (j < n) {
    if (i < n && (starts[i] as number) <= (ends[j] as number)) {
      if (depth === 0) open = starts[i] as number;
      depth++;
      i++;
    } else {
      depth--;
      if (depth === 0) out.push([open, ends[j] as number]);
      j++;
    }
  }
  return out;
}

/** Total length of a canonical list. */
export function totalMs(sections: ReadonlyArray<readonly [number, number]>): number {
  let t = 0;
  for (const [s, e] of sections) t += e - s;
  return t;
}

/**
 * A canonical set of sections kept canonical after every `add`: a binary search finds the
 * sections the new one touches and one splice replaces them (never a re-sort).
 *
 * Stored flat as `[s0, e0, s1, e1, …]`, strictly increasing, so one lower-bound search on the
 * flat array tells whether a point falls inside a section (odd index) or in a gap (even index).
 */
export class IntervalSet {
  /** Flat, strictly increasing endpoints. */
  private b: number[] = [];

  constructor(pairs?: ReadonlyArray<readonly [number, number]>) {
    if (pairs && pairs.length > 0) this.b = flatten(mergeSections(pairs));
  }

  /** Validates wire pairs (throws SectionError saying which pair and why). */
  static fromJSON(value: unknown): IntervalSet {
    if (!Array.isArray(value)) throw new SectionError('sections: expected an array of [start, end] pairs');
    return new IntervalSet(value as Array<readonly [number, number]>);
  }

  /** Builds from a list already canonical (checked), in O(n). */
  static fromCanonical(pairs: ReadonlyArray<readonly [number, number]>): IntervalSet {
    const set = new IntervalSet();
    let prevEnd = -1;
    pairs.forEach((p, i) => {
      checkPair(p, i);
      if (p[0] <= prevEnd)
        throw new SectionError(`section ${i}: start ${p[0]} is not after the previous end ${prevEnd}`);
      prevEnd = p[1];
      set.b.push(p[0], p[1]);
    });
    return set;
  }

  get size(): number {
    return this.b.length >> 1;
  }

  get isEmpty(): boolean {
    return this.b.length === 0;
  }

  /** Adds `[start, end)`; returns true when the set changed. */
  add(start: number, end: number): boolean {
    const problem = sectionProblem(start, end);
    if (problem) throw new SectionError(problem);
    const b = this.b;
    // j: first endpoint >= start. Odd → start lies inside (or touches the end of) section (j-1)/2.
    const j = lowerBound(b, start);
    // k: first endpoint > end. Odd → end lies inside section (k-1)/2; even → end falls in a gap
    // (a next start equal to `end` is skipped, so touching sections fold).
    const k = upperBound(b, end, j);
    const from = j & 1 ? j - 1 : j;
    const newStart = j & 1 ? (b[j - 1] as number) : start;
    const newEnd = k & 1 ? (b[k] as number) : end;
    const to = k & 1 ? k + 1 : k;
    if (to - from === 2 && b[from] === newStart && b[from + 1] === newEnd) return false;
    b.splice(from, to - from, newStart, newEnd);
    return true;
  }

  /** Adds every section of `other` (or of a list of pairs). */
  addAll(other: IntervalSet | ReadonlyArray<readonly [number, number]>): void {
    const merged = this.union(other instanceof IntervalSet ? other : new IntervalSet(other));
    this.b = merged.b;
  }

  /** A new set: this ∪ other, by a linear merge of two canonical lists. */
  union(other: IntervalSet): IntervalSet {
    const a = this.b;
    const c = other.b;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < c.length) {
      let s: number;
      let e: number;
      if (j >= c.length || (i < a.length && (a[i] as number) <= (c[j] as number))) {
        s = a[i] as number;
        e = a[i + 1] as number;
        i += 2;
      } else {
        s = c[j] as number;
        e = c[j + 1] as number;
        j += 2;
      }
      const last = out.length - 1;
      if (last > 0 && s <= (out[last] as number)) {
        if (e > (out[last] as number)) out[last] = e;
      } else {
        out.push(s, e);
      }
    }
    const set = new IntervalSet();
    set.b = out;
    return set;
  }

  /** A new set: the parts of this set inside `[from, to)`. */
  clamp(from: number, to: number): IntervalSet {
    const out: number[] = [];
    for (let i = 0; i < this.b.length; i += 2) {
      const s = Math.max(this.b[i] as number, from);
      const e = Math.min(this.b[i + 1] as number, to);
      if (s < e) out.push(s, e);
    }
    const set = new IntervalSet();
    set.b = out;
    return set;
  }

  /** Canonical gaps inside `[0, durationMs)`: what has not been watched yet. */
  gaps(durationMs: number): Section[] {
    const out: Section[] = [];
    let cursor = 0;
    for (let i = 0; i < this.b.length && cursor < durationMs; i += 2) {
      const s = this.b[i] as number;
      if (s > cursor) out.push([cursor, Math.min(s, durationMs)]);
      cursor = Math.max(cursor, this.b[i + 1] as number);
    }
    if (cursor < durationMs) out.push([cursor, durationMs]);
    return out;
  }

  /** True when `t` lies inside a section (`start <= t < end`). */
  has(t: number): boolean {
    return (upperBound(this.b, t, 0) & 1) === 1;
  }

  get totalMs(): number {
    let t = 0;
    for (let i = 0; i < this.b.length; i += 2) t += (this.b[i + 1] as number) - (this.b[i] as number);
    return t;
  }

  /** watched / duration, in [0, 1] (0 when the duration is unknown). */
  coverage(durationMs: number): number {
    if (!(durationMs > 0)) return 0;
    return Math.min(1, this.clamp(0, durationMs).totalMs / durationMs);
  }

  equals(other: IntervalSet): boolean {
    if (this.b.length !== other.b.length) return false;
    for (let i = 0; i < this.b.length; i++) if (this.b[i] !== other.b[i]) return false;
    return true;
  }

  clone(): IntervalSet {
    const set = new IntervalSet();
    set.b = this.b.slice();
    return set;
  }

  /** Wire pairs, canonical. */
  toJSON(): Section[] {
    const out: Section[] = [];
    for (let i = 0; i < this.b.length; i += 2) out.push([this.b[i] as number, this.b[i + 1] as number]);
    return out;
  }
}

function flatten(pairs: readonly Section[]): number[] {
  const out: number[] = new Array(pairs.length * 2);
  pairs.forEach(([s, e], i) => {
    out[2 * i] = s;
    out[2 * i + 1] = e;
  });
  return out;
}

/** First index >= lo with a[index] >= x. */
function lowerBound(a: readonly number[], x: number, lo = 0): number {
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index >= lo with a[index] > x. */
function upperBound(a: readonly number[], x: number, lo = 0): number {
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
