import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet, mergeSections, type Section, SectionError, totalMs } from './interval-set.js';

const RUNS = 10_000;
const SPAN = 200; // small domain: many overlaps and touches, so every branch is exercised

/** The oracle: one cell per ms. Obviously right, obviously slow. */
function bitmap(pairs: ReadonlyArray<readonly [number, number]>, span = SPAN): Uint8Array {
  const bits = new Uint8Array(span);
  for (const [s, e] of pairs) bits.fill(1, s, e);
  return bits;
}
function runsOf(bits: Uint8Array): Section[] {
  const out: Section[] = [];
  for (let i = 0; i < bits.length; i++) {
    if (!bits[i]) continue;
    const s = i;
    while (i < bits.length && bits[i]) i++;
    out.push([s, i]);
  }
  return out;
}
const oracleMerge = (pairs: ReadonlyArray<readonly [number, number]>) => runsOf(bitmap(pairs));

const section = (span = SPAN) =>
  fc
    .tuple(fc.integer({ min: 0, max: span - 1 }), fc.integer({ min: 1, max: span }))
    .filter(([s, e]) => s < e)
    .map(([s, e]) => [s, e] as Section);
const sections = fc.array(section(), { maxLength: 30 });

function isCanonical(list: readonly Section[]): boolean {
  return list.every(([s, e], i) => s < e && (i === 0 || s > (list[i - 1] as Section)[1]));
}

describe('mergeSections', () => {
  it("holds the seed's first example", () => {
    const merged = mergeSections([
      [12000, 53000],
      [0, 12000],
      [99100, 120000],
      [56000, 99100],
    ]);
    expect(merged).toEqual([
      [0, 53000],
      [56000, 120000],
    ]);
    expect(totalMs(merged)).toBe(117000);
  });

  it("holds the seed's second example", () => {
    const merged = mergeSections([
      [1000, 5000],
      [3000, 10000],
      [0, 6000],
      [11000, 15000],
    ]);
    expect(merged).toEqual([
      [0, 10000],
      [11000, 15000],
    ]);
    expect(totalMs(merged)).toBe(14000);
  });

  it('folds touching sections and keeps a 1 ms gap', () => {
    expect(
      mergeSections([
        [0, 5],
        [5, 9],
      ]),
    ).toEqual([[0, 9]]);
    expect(
      mergeSections([
        [0, 5],
        [6, 9],
      ]),
    ).toEqual([
      [0, 5],
      [6, 9],
    ]);
  });

  it('equals the bitmap oracle', () => {
    fc.assert(
      fc.property(sections, (pairs) => {
        expect(mergeSections(pairs)).toEqual(oracleMerge(pairs));
      }),
      { numRuns: RUNS },
    );
  });

  it('is canonical and order-independent', () => {
    fc.assert(
      fc.property(sections, fc.infiniteStream(fc.nat()), (pairs, rnd) => {
        const merged = mergeSections(pairs);
        expect(isCanonical(merged)).toBe(true);
        const shuffled = pairs
          .map((p) => [rnd.next().value, p] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, p]) => p);
        expect(mergeSections(shuffled)).toEqual(merged);
        expect(mergeSections(merged)).toEqual(merged);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects invalid sections with a message naming the section and the fault', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        [
          [0, 5],
          [9, 3],
        ],
        /section 1: start 9 is after end 3/,
      ],
      [[[4, 4]], /section 0: start 4 equals end/],
      [[[-1, 3]], /section 0: start -1 is negative/],
      [[[Number.NaN, 3]], /section 0: start NaN is not a finite number/],
      [[[0, Number.POSITIVE_INFINITY]], /section 0: end Infinity is not a finite number/],
      [[[0.5, 3]], /section 0: start 0.5 is not an integer/],
      [[[1, 2, 3]], /section 0: expected a \[start, end\] pair/],
      [[['0', 3]], /section 0: start "0" is not a finite number/],
    ];
    for (const [input, message] of cases) {
      expect(() => mergeSections(input as Section[])).toThrow(SectionError);
      expect(() => mergeSections(input as Section[])).toThrow(message);
    }
  });
});

describe('IntervalSet', () => {
  it('stays canonical after every add and equals the oracle', () => {
    fc.assert(
      fc.property(sections, (pairs) => {
        const set = new IntervalSet();
        const seen: Section[] = [];
        for (const [s, e] of pairs) {
          set.add(s, e);
          seen.push([s, e]);
          const list = set.toJSON();
          expect(isCanonical(list)).toBe(true);
          expect(list).toEqual(oracleMerge(seen));
        }
        expect(set.totalMs).toBe(bitmap(pairs).reduce((t, b) => t + b, 0));
      }),
      { numRuns: RUNS },
    );
  });

  it('add reports whether the set changed', () => {
    fc.assert(
      fc.property(sections, section(), (pairs, [s, e]) => {
        const set = new IntervalSet(pairs);
        const before = bitmap(set.toJSON());
        const changed = set.add(s, e);
        const after = bitmap(set.toJSON());
        expect(changed).toBe(before.some((b, i) => b !== after[i]));
      }),
      { numRuns: RUNS },
    );
  });

  it('union is idempotent, commutative and associative, and equals the oracle', () => {
    fc.assert(
      fc.property(sections, sections, sections, (a, b, c) => {
        const A = new IntervalSet(a);
        const B = new IntervalSet(b);
        const C = new IntervalSet(c);
        expect(A.union(A).equals(A)).toBe(true);
        expect(A.union(B).equals(B.union(A))).toBe(true);
        expect(
          A.union(B)
            .union(C)
            .equals(A.union(B.union(C))),
        ).toBe(true);
        expect(A.union(B).toJSON()).toEqual(oracleMerge([...a, ...b]));
      }),
      { numRuns: RUNS },
    );
  });

  it('has(t), gaps, clamp and coverage agree with the oracle', () => {
    fc.assert(
      fc.property(sections, fc.integer({ min: 1, max: SPAN }), (pairs, duration) => {
        const set = new IntervalSet(pairs);
        const bits = bitmap(pairs);
        const has = Array.from({ length: SPAN }, (_, t) => set.has(t));
        expect(has).toEqual(Array.from(bits, (b) => b === 1));
        const inside = bits.slice(0, duration);
        expect(set.clamp(0, duration).toJSON()).toEqual(runsOf(inside));
        expect(set.gaps(duration)).toEqual(runsOf(inside.map((b) => 1 - b)));
        expect(set.coverage(duration)).toBeCloseTo(inside.reduce((t, b) => t + b, 0) / duration, 12);
      }),
      { numRuns: RUNS },
    );
  });

  it('fromJSON validates, fromCanonical refuses non-canonical lists', () => {
    expect(() => IntervalSet.fromJSON('nope')).toThrow(/expected an array/);
    expect(() => IntervalSet.fromJSON([[5, 1]])).toThrow(/section 0: start 5 is after end 1/);
    expect(
      IntervalSet.fromJSON([
        [0, 5],
        [5, 7],
      ]).toJSON(),
    ).toEqual([[0, 7]]);
    expect(() =>
      IntervalSet.fromCanonical([
        [0, 5],
        [5, 7],
      ]),
    ).toThrow(/section 1: start 5 is not after the previous end 5/);
    expect(() => new IntervalSet().add(3, 3)).toThrow(/empty section/);
  });
});
