// Script-tag bundle: dist/watchtime.global.js (IIFE) defining window.WatchTime.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/global.ts'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  outfile: 'dist/watchtime.global.js',
  logLevel: 'warning',
});
