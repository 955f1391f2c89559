// In-page test harness (plain JS, served as /harness.js). It drives the <video> the way a viewer
// would and keeps the ground truth of what was played, read from currentTime at the moment of
// each action. It also observes (never replaces) listeners, timers and frame callbacks, so the
// dispose test can see that the plugin leaves nothing behind.
(() => {
  const H = {};
  window.H = H;
  // video.js moves the id to its wrapper, so find the element itself.
  const video = () => document.querySelector('video');
  const epoch = () => performance.timeOrigin + performance.now();
  H.handles = {};
  H.events = {};
  H.runs = [];
  H.runStart = null;

  // ── observation of listeners / timers / frame callbacks ──────────────────────────────────
  const active = { listeners: new Set(), intervals: new Set(), timeouts: new Set(), frames: new Set() };
  H.active = active;
  const key = (type) => `${type}`;
  const listenerIds = new Map();
  let nextId = 0;
  const idOf = (obj) => {
    if (!listenerIds.has(obj)) listenerIds.set(obj, ++nextId);
    return listenerIds.get(obj);
  };
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    if (fn) active.listeners.add(`${idOf(this)}:${key(type)}:${idOf(fn)}`);
    return add.call(this, type, fn, opts);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, opts) {
    if (fn) active.listeners.delete(`${idOf(this)}:${key(type)}:${idOf(fn)}`);
    return remove.call(this, type, fn, opts);
  };
  const si = window.setInterval;
  const ci = window.clearInterval;
  const st = window.setTimeout;
  const ct = window.clearTimeout;
  window.setInterval = (fn, ms, ...a) => {
    const id = si(fn, ms, ...a);
    active.intervals.add(id);
    return id;
  };
  window.clearInterval = (id) => {
    active.intervals.delete(id);
    return ci(id);
  };
  window.setTimeout = (fn, ms, ...a) => {
    const id = st(
      (...x) => {
        active.timeouts.delete(id);
        return typeof fn === 'function' ? fn(...x) : undefined;
      },
      ms,
      ...a,
    );
    active.timeouts.add(id);
    return id;
  };
  window.clearTimeout = (id) => {
    active.timeouts.delete(id);
    return ct(id);
  };
  const rvfc = HTMLVideoElement.prototype.requestVideoFrameCallback;
  const cvfc = HTMLVideoElement.prototype.cancelVideoFrameCallback;
  if (rvfc) {
    HTMLVideoElement.prototype.requestVideoFrameCallback = function (cb) {
      const id = rvfc.call(this, (...x) => {
        active.frames.delete(id);
        return cb(...x);
      });
      active.frames.add(id);
      return id;
    };
    HTMLVideoElement.prototype.cancelVideoFrameCallback = function (id) {
      active.frames.delete(id);
      return cvfc.call(this, id);
    };
  }
  H.counts = () => ({
    listeners: active.listeners.size,
    intervals: active.intervals.size,
    timeouts: active.timeouts.size,
    frames: active.frames.size,
  });

  // ── loading ─────────────────────────────────────────────────────────────────────────────
  const once = (el, type) => new Promise((resolve) => el.addEventListener(type, resolve, { once: true }));
  H.load = async ({ src, kind, hlsConfig }) => {
    const v = video();
    if (kind === 'hls') {
      const hls = new Hls(hlsConfig || {});
      H.hls = hls;
      hls.loadSource(src);
      hls.attachMedia(v);
    } else {
      v.src = src;
    }
    if (v.readyState < 1)
      await new Promise((resolve, reject) => {
        v.addEventListener('loadedmetadata', resolve, { once: true });
        v.addEventListener('error', () => reject(new Error(`harness: ${src} failed to load (${v.error?.message})`)), {
          once: true,
        });
        st(() => reject(new Error(`harness: ${src} gave no metadata within 15 s`)), 15000);
      });
    return v.duration;
  };

  H.attach = (name, options, how = 'script-tag') => {
    const o = { ...options };
    if (o.useHls) {
      o.hls = H.hls;
      delete o.useHls;
    }
    const attach = how === 'esm' ? window.ESM.attachWatchTime : WatchTime.attach;
    const h = attach(video(), o);
    H.handles[name] = h;
    H.events[name] = [];
    for (const type of ['sync', 'syncerror', 'progress', 'completed', 'stall'])
      h.addEventListener(type, (e) => H.events[name].push({ type, detail: e.detail, at: Date.now() }));
    return true;
  };

  // ── driving, with ground truth ──────────────────────────────────────────────────────────
  const closeRun = (endMs) => {
    if (H.runStart !== null && endMs > H.runStart) H.runs.push([H.runStart, endMs]);
    H.runStart = null;
  };
  H.play = async () => {
    const v = video();
    if (H.runStart === null) H.runStart = v.currentTime * 1000;
    await v.play();
  };
  H.pause = () => {
    const v = video();
    v.pause();
    // Read after pause(): the paused position is where play resumes (a read just before it could
    // lag by a ms at 2× and leave a false 1 ms gap in the truth).
    closeRun(v.currentTime * 1000);
  };
  H.seek = async (toMs) => {
    const v = video();
    const t = v.currentTime * 1000;
    const playing = H.runStart !== null;
    const seeked = once(v, 'seeked');
    v.currentTime = toMs / 1000;
    if (playing) {
      closeRun(t);
      H.runStart = toMs;
    }
    await seeked;
  };
  H.rate = (r) => {
    video().playbackRate = r;
  };
  const sleep = (ms) => new Promise((r) => st(r, ms));
  const within = (promise, ms, what) =>
    Promise.race([
      promise,
      new Promise((_, reject) => st(() => reject(new Error(`harness: ${what} took over ${ms} ms`)), ms)),
    ]);
  H.run = async (script) => {
    for (const step of script) {
      if ('play' in step) await within(H.play(), 10000, `play at ${video().currentTime}`);
      else if ('pause' in step) H.pause();
      else if ('seek' in step) await within(H.seek(step.seek), 10000, `seek to ${step.seek}`);
      else if ('seekBy' in step)
        await within(H.seek(Math.max(0, video().currentTime * 1000 + step.seekBy)), 10000, 'seekBy');
      else if ('rate' in step) H.rate(step.rate);
      else if ('wait' in step) await sleep(step.wait);
    }
    return H.truth();
  };
  /** Runs played so far (the one in progress up to now), unmerged. */
  H.truth = () => {
    const runs = H.runs.slice();
    if (H.runStart !== null) runs.push([H.runStart, video().currentTime * 1000]);
    return runs;
  };

  // ── stall ground truth: the playhead observed every 10 ms ───────────────────────────────
  H.observedStalls = [];
  H.observeStalls = ({ minMs = 300 } = {}) => {
    let last = null;
    let lastAdvance = null;
    let started = false;
    si(() => {
      const v = video();
      const now = epoch();
      const t = v.currentTime;
      const active = !v.paused && !v.seeking && !v.ended;
      if (last !== null && t !== last) {
        if (started && active && lastAdvance !== null && now - lastAdvance >= minMs + 10)
          H.observedStalls.push({ startAt: lastAdvance, endAt: now, atMediaMs: Math.round(last * 1000) });
        started = true;
        lastAdvance = now;
      } else if (!active) {
        lastAdvance = now;
      }
      last = t;
    }, 10);
  };
})();
