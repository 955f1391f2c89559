/**
 * The capture-liveness ticker.
 *
 * `Page.startScreencast` only sends a frame when the page's picture changes, so a frozen video
 * (the very thing we look for) would produce no frames at all — indistinguishable from the capture
 * dropping frames under load. A tiny square in the bottom-right corner changes colour on every
 * animation frame, so the page always changes: a gap in the screencast timestamps then really
 * means the capture missed frames (a *capture gap*), never a still picture.
 *
 * The square must not count as motion in the analysis: the recorder paints `TICKER_MASK` black
 * when it builds the video file (a region a little larger than the square, because JPEG and
 * scaling smear colour into neighbouring pixels), so every analyser sees only the player.
 * The square sits on a 16-px JPEG block boundary so it shares no block with the player.
 */
export const TICKER_BOX = { x: 624, y: 336, width: 16, height: 16 };
export const TICKER_MASK = { x: 592, y: 304, width: 48, height: 56 };

/** Markup + script to paste into any test page's <body>. */
export const TICKER_HTML = `
<div id="wt-ticker" style="position:fixed;left:${TICKER_BOX.x}px;top:${TICKER_BOX.y}px;width:${TICKER_BOX.width}px;height:${TICKER_BOX.height}px;z-index:2147483647;background:#f00"></div>
<script>
(() => {
  const el = document.getElementById('wt-ticker');
  let n = 0;
  const step = () => { n++; el.style.background = 'hsl(' + ((n * 47) % 360) + ',100%,50%)'; requestAnimationFrame(step); };
  requestAnimationFrame(step);
})();
</script>`;
