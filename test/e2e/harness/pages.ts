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
export function bareVideoPage(src: string): string {
  return `<!doctype html><html><head><meta charset="utf-8">${BASE_STYLE}</head><body>
<video id="v" src="${src}" muted playsinline preload="auto"></video>
${TICKER_HTML}
<script>
  const v = document.getElementById('v');
  window.__marks = {};
  const mark = (k) => (window.__marks[k] = Date.now());
  v.addEventListener('playing', () => { if (!window.__marks.playing) mark('playing'); });
  window.__play = () => { mark('playRequest'); return v.play(); };
  window.__firstFrame = () => new Promise((r) => v.requestVideoFrameCallback(() => r(mark('firstFrame'))));
  window.__pauseFor = (ms) => new Promise((resolve) => {
    v.pause(); mark('paused');
    setTimeout(() => {
      v.play(); mark('resumed');
      v.requestVideoFrameCallback(() => { mark('resumedFrame'); resolve(window.__marks); });
    }, ms);
  });
</script></body></html>`;
}
