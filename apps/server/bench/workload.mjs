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

/**
 * A seeded generator (a plain LCG: the same stream every run), sections drawn from it, and the
 * autocannon requests that upload them as the plugin does.
 */
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
  /** A PUT of random sections by device `pick()` to one of the videos `<videoPrefix>-0…`. */
  const uploads = (tokens, videoPrefix, pick) => ({
    method: 'PUT',
    setupRequest: (req) => {
      const [v, video] = pick();
      return {
        ...req,
        path: `/v1/videos/${videoPrefix}-${video}/viewers/viewer-${v}/sections`,
        headers: uploadHeaders(tokens[v]),
        body: JSON.stringify({ durationMs: DURATION_MS, sections: randomSections() }),
      };
    },
  });
  /** The steady state: any device, any video. */
  const randomUploads = (tokens, videoPrefix) =>
    uploads(tokens, videoPrefix, () => [Math.floor(rand() * tokens.length), Math.floor(rand() * VIDEOS)]);
  /**
   * The warm-up: one upload per device in turn — each token's first use (verified once, then
   * remembered by the server) and each video's first sight (retention rows built) — before the
   * steady state, where a device sends the same token every 30 s for an hour.
   */
  const firstUploads = (tokens, videoPrefix) => {
    let next = 0;
    return uploads(tokens, videoPrefix, () => {
      const v = next++ % tokens.length;
      return [v, v % VIDEOS];
    });
  };
  return { rand, randomSections, randomUploads, firstUploads };
}
