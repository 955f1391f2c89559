// Core hot paths, each against a baseline measured in the same run (ratios, not absolute times).
//   1. mergeSections of 1M random sections vs sorting a Float64Array of their 2M endpoints
//      (the practical limit of any comparison-based merge).
//   2. IntervalSet.add of 10k sections one by one vs the seed's way: push, re-sort, re-merge
//      the whole list on every insert.
import { IntervalSet, mergeSections, mulberry32 } from '../dist/index.js';

const rnd = mulberry32(42);
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
function time(fn, runs) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return median(out);
}
function randomSections(n, span, maxLen = 5000) {
  const pairs = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rnd() * span);
    pairs[i] = [s, s + 1 + Math.floor(rnd() * maxLen)];
  }
  return pairs;
}

const N = 1_000_000;
// Sparse over the longest video we accept (100 h): most sections stay disjoint, the hard case.
const pairs = randomSections(N, 360_000_000, 500);
const endpoints = new Float64Array(2 * N);
pairs.forEach(([s, e], i) => {
  endpoints[2 * i] = s;
  endpoints[2 * i + 1] = e;
});
mergeSections(pairs.slice(0, 1000)); // warm up
const tSort = time(() => endpoints.slice().sort(), 5);
const tMerge = time(() => mergeSections(pairs), 5);
const merged = mergeSections(pairs).length;
// Endpoints beyond 32 bits take the comparison-sort path: measured too, so neither path hides.
const wide = pairs.map(([s, e]) => [s + 2 ** 32, e + 2 ** 32]);
const tWide = time(() => mergeSections(wide), 3);

const K = 10_000;
const adds = randomSections(K, 7_200_000);
const tAdd = time(() => {
  const set = new IntervalSet();
  for (const [s, e] of adds) set.add(s, e);
}, 5);
const tResort = time(() => {
  // The seed: keep a list, and on every insert sort it by start and fold it again.
  let list = [];
  for (const p of adds) {
    list.push(p);
    list.sort((a, b) => a[0] - b[0]);
    const out = [];
    for (const [s, e] of list) {
      const last = out[out.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else out.push([s, e]);
    }
    list = out;
  }
}, 3);

const rows = [
  [
    'merge 1M sections',
    `${tMerge.toFixed(1)} ms`,
    `sort 2M endpoints (Float64Array)`,
    `${tSort.toFixed(1)} ms`,
    `${(tMerge / tSort).toFixed(2)}× the sort (goal ≤1.5×); ${merged} sections out`,
  ],
  [
    'merge 1M (≥2^32 ms)',
    `${tWide.toFixed(1)} ms`,
    `sort 2M endpoints (Float64Array)`,
    `${tSort.toFixed(1)} ms`,
    `${(tWide / tSort).toFixed(2)}× the sort (comparison-sort path)`,
  ],
  [
    'incremental add ×10k',
    `${tAdd.toFixed(1)} ms`,
    're-sort + re-merge per insert',
    `${tResort.toFixed(1)} ms`,
    `${(tResort / tAdd).toFixed(1)}× faster (goal ≥5×)`,
  ],
];
console.log('@watchtime/core bench (median of runs)');
for (const r of rows) console.log(`  ${r[0].padEnd(22)} ${r[1].padStart(10)}   vs ${r[2]} ${r[3]}   → ${r[4]}`);
