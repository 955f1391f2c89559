// `npm start`: the watchtime server on the embedded default (PGlite in ./.watchtime, port 8080 or
// PORT), seeding demo data on first start, printing the URL, the analyst login and a demo viewer
// token. The old core demo stays available as `node scripts/demo.mjs`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/server/dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('watchtime: the server is not built yet: run `npm run setup` (or `npm run build`) first.');
  process.exit(1);
}
const { runCli } = await import(cli);
process.exitCode = await runCli(['--demo', ...process.argv.slice(2)]);
