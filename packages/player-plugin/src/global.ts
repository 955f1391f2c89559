/**
 * Script-tag entry (esbuild IIFE → dist/watchtime.global.js):
 *   <script src="watchtime.global.js"></script>
 *   WatchTime.attach(document.querySelector('video'), { videoId: 'intro' })
 * With `window.videojs` present (load video.js first) the `watchTime` plugin is registered too.
 */
import { attachWatchTime } from './attach.js';
import { registerWatchTimePlugin, type VideoJsLike } from './videojs/plugin.js';

const WatchTime = {
  attach: attachWatchTime,
  registerVideojsPlugin: registerWatchTimePlugin,
  version: '0.1.0',
};

const w = globalThis as unknown as { WatchTime?: typeof WatchTime; videojs?: VideoJsLike };
w.WatchTime = WatchTime;
if (w.videojs && typeof w.videojs.registerPlugin === 'function') registerWatchTimePlugin(w.videojs);

export default WatchTime;
