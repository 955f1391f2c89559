// The merge workload both server benches drive, so their figures describe the same work:
// 1–4 random sections of 1–9 s per upload, over VIEWERS × VIDEOS records of a 10-minute video.
export const VIEWERS = 1000;
export const VIDEOS = 20;
export const DURATION_MS = 600_000;
export const SECRET = 'bench-secret-0123456789abcdef';
/** The customer's site: uploads come from the plugin on its pages, so they carry its Origin (CORS applies). */
export const ORIGIN = 'https://site.example';
export const uploadHeaders = (token) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  origin: ORIGIN,
});

/** A seeded generator (a plain LCG: the same stream every run) and sections drawn from it. */
export function workload(seed) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
  function randomSections() {
    const out = [];
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const start = Math.floor(rand() * (DURATION_MS - 10_000));
      out.push([start, start + 1000 + Math.floor(rand() * 8000)]);
    }
    return out;
  }
  return { rand, randomSections };
}
