/** HTML of the scenario pages. Every page carries the capture-liveness ticker (ticker.ts). */
import { TICKER_HTML } from './ticker.js';

const BASE_STYLE = `
<style>
  html, body { margin: 0; padding: 0; width: 640px; height: 360px; overflow: hidden; background: #000; }
  video, .video-js { position: absolute; left: 0; top: 0; width: 640px; height: 360px; }
  /* Nothing of the player's own UI may move on screen: a spinner turning during a stall would
     hide the freeze from the analysis. */
  .vjs-control-bar, .vjs-loading-spinner, .vjs-big-play-button, .vjs-text-track-display,
  .vjs-poster, .vjs-error-display, .vjs-modal-dialog { display: none !important; }
</style>`;

/**
 * A bare <video> playing `src`. `window.__marks` collects wall-clock marks; `window.__pauseFor(ms)`
 * pauses, resumes after `ms`, and marks the pause, the resume and the first new frame presented.
 */
export function bareVideoPage(src: string, { ticker = true }: { ticker?: boolean } = {}): string {
  return `<!doctype html><html><head><meta charset="utf-8">${BASE_STYLE}</head><body>
<video id="v" src="${src}" muted playsinline preload="auto"></video>
${ticker ? TICKER_HTML : ''}
<script>
  const v = document.getElementById('v');
  window.__marks = {};
  const mark = (k) => (window.__marks[k] = Date.now());
  v.addEventListener('playing', () => { if (!window.__marks.playing) mark('playing'); });
  window.__play = () => { mark('playRequest'); return v.play(); };
  window.__firstFrame = () => new Promise((r) => v.requestVideoFrameCallback(() => r(mark('firstFrame'))));
  window.__pauseFor = (ms) => new Promise((resolve) => {
    v.pause(); mark('paused');
    const pausedMedia = v.currentTime;
    setTimeout(() => {
      v.play(); mark('resumed');
      // When did the first new frame reach the screen? On a busy main thread the callback comes
      // late and describes the latest frame presented, so step back from its presentation time by
      // the media played since the first new frame (1× playback).
      v.requestVideoFrameCallback((now, md) => {
        const sinceFirstMs = Math.max(0, (md.mediaTime - pausedMedia) * 1000 - 1000 / 30);
        window.__marks.resumedFrame = Math.round(performance.timeOrigin + md.presentationTime - sinceFirstMs);
        resolve(window.__marks);
      });
    }, ms);
  });
</script></body></html>`;
}

export interface PlayerPageOptions {
  /** HLS playlist URL (same origin as the page). */
  src: string;
  /** Options for `player.watchTime(...)`; `null` = no plugin (the page still plays). */
  watchTime: Record<string, unknown> | null;
  /** VHS forward buffer goal, seconds: small, so a late segment really runs the buffer dry. */
  bufferGoalSeconds?: number;
}

/**
 * video.js 8 (its VHS engine plays the HLS over MSE) with the plugin from its script-tag bundle.
 * Nothing happens until the test calls `window.__start()`: it attaches the plugin and requests
 * play at once (so the session's `startedAt` is the play request). Helpers:
 * `__pauseFor(ms)` (a user pause), `__freezeOverlayFor(ms)` (SPEC §8 hidden stutter: the current
 * frame drawn on a canvas laid over the video, while the player keeps playing underneath).
 */
export function playerPage(o: PlayerPageOptions): string {
  const goal = o.bufferGoalSeconds ?? 1;
  return `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/node_modules/video.js/dist/video-js.min.css">
${BASE_STYLE}
<script src="/node_modules/video.js/dist/video.min.js"></script>
<script src="/plugin/watchtime.global.js"></script>
</head><body>
<video id="v" class="video-js" muted playsinline preload="auto"></video>
<canvas id="overlay" width="640" height="360" style="position:absolute;left:0;top:0;width:640px;height:360px;display:none;z-index:10"></canvas>
${TICKER_HTML}
<script>
  window.__marks = {};
  window.__errors = [];
  const mark = (k) => (window.__marks[k] = Date.now());
  window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
  videojs.Vhs.GOAL_BUFFER_LENGTH = ${goal};
  videojs.Vhs.MAX_GOAL_BUFFER_LENGTH = ${goal};
  const player = videojs('v', { controls: false, muted: true, preload: 'auto', loadingSpinner: false,
    bigPlayButton: false, html5: { vhs: { overrideNative: true } } });
  window.__player = player;
  player.on('error', () => window.__errors.push('player error: ' + JSON.stringify(player.error())));
  // The site ends the watchtime session when the video ends (the session document gets endedAt).
  player.on('ended', () => {
    mark('ended');
    const h = window.__wt && (window.__wt.handle || window.__wt);
    if (h) window.__disposed = h.dispose().then(() => true);
  });
  player.src({ src: ${JSON.stringify(o.src)}, type: 'application/x-mpegURL' });
  const wtOptions = ${JSON.stringify(o.watchTime)};
  window.__syncErrors = [];
  window.__attach = () => {
    if (!wtOptions || window.__wt) return;
    window.__wt = player.watchTime(wtOptions);
    const h = window.__wt.handle || window.__wt;
    h.addEventListener('syncerror', (e) => {
      const d = e.detail || {};
      window.__syncErrors.push(new Date().toISOString() + ' ' + (d.status || '') + ' ' + (d.message || String(d.error)));
    });
  };
  window.__start = () => {
    window.__attach();
    mark('playRequest');
    return player.play();
  };
  const video = () => player.tech({ IWillNotUseThisInPlugins: true }).el();
  window.__pauseFor = (ms) => new Promise((resolve) => {
    player.pause(); mark('paused');
    setTimeout(() => { player.play(); mark('resumed'); resolve(window.__marks); }, ms);
  });
  window.__freezeOverlayFor = (ms) => new Promise((resolve) => {
    const c = document.getElementById('overlay');
    c.getContext('2d').drawImage(video(), 0, 0, 640, 360);
    c.style.display = 'block';
    mark('overlayOn');
    setTimeout(() => { c.style.display = 'none'; mark('overlayOff'); resolve(window.__marks); }, ms);
  });
  window.__sample = () => ({ t: player.currentTime(), paused: player.paused(), rs: player.readyState(),
    buffered: player.buffered().length ? player.buffered().end(player.buffered().length - 1) : 0 });
</script></body></html>`;
}
