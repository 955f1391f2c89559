// The server under load, in its own process (as in production: the load generator never shares
// the server's event loop). Prints its URL, closes on SIGTERM.
import { startServer } from '../dist/index.js';

const [store, location, secret, origin] = process.argv.slice(2);
const server = await startServer({
  port: 0,
  ...(store === 'postgres' ? { databaseUrl: location } : { dataDir: location }),
  config: { jwtSecret: secret, corsOrigins: origin ? [origin] : [] },
});
process.stdout.write(`${server.url}\n`);
process.once('SIGTERM', async () => {
  if (process.env.BENCH_CPU) process.stderr.write(`server cpu ms: ${JSON.stringify(process.cpuUsage())}\n`);
  await server.close();
  process.exit(0);
});
