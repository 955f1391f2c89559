/**
 * The capture-liveness ticker.
 *
 * `Page.startScreencast` only sends a frame when the page's picture changes, so a frozen video
 * (the very thing we look for) would produce no frames at all — indistinguishable from the capture
 * dropping frames under load. A tiny square in the bottom-right corner blinks 30 times a second,
 * so the page always changes: a gap in the screencast timestamps then really
 * means the capture missed frames (a *capture gap*), never a still picture.
 *
 * The square must not count as motion in the analysis: the recorder paints `TICKER_MASK` black
 * when it builds the video file (a region a little larger than the square, because JPEG and
 * scaling smear colour into neighbouring pixels), so every analyser sees only the player.
 * The square sits on a 16-px JPEG block boundary so it shares no block with the player.
 */
export const TICKER_BOX = { x: 624, y: 336, width: 16, height: 16 };
export const TICKER_MASK = { x: 592, y: 304, width: 48, height: 56 };

/**
 * Markup to paste into any test page's <body>. The square blinks 30 times a second with an opacity
 * animation, which Chromium runs on the compositor thread: it keeps going when the page's main
 * thread is busy, and it adds no more than one change per video frame to what the screencast must
 * encode (a rAF-driven colour change made the page change 60 times a second).
 */
export const TICKER_HTML = `
<style>
  @keyframes wt-tick { 0% { opacity: 1; } 50% { opacity: 0.2; } }
  #wt-ticker { animation: wt-tick 66.667ms step-end infinite; will-change: opacity; }
</style>
<div id="wt-ticker" style="position:fixed;left:${TICKER_BOX.x}px;top:${TICKER_BOX.y}px;width:${TICKER_BOX.width}px;height:${TICKER_BOX.height}px;z-index:2147483647;background:#0f0"></div>`;
