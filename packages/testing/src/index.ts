export { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
export { hlsRendition } from './media.js';
