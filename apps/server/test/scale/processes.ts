/** Server replicas and workers as real child processes (the built `bin/watchtime-server.js`). */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/watchtime-server.js');

export interface Child {
  proc: ChildProcess;
  output: () => string;
  /** Resolves when the process has exited (after `kill` or by itself). */
  exited: Promise<number | null>;
}

function start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child & { match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, output: () => out, exited, match });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before it was ready:\n${out}`));
    });
  });
}

export const JOB_ENV = {
  WATCHTIME_JOB_EXPIRE_SEC: '30',
  WATCHTIME_JOB_MAINTENANCE_SEC: '2',
  WATCHTIME_JOB_POLL_SEC: '0.5',
};

export async function startReplica(
  databaseUrl: string,
  dataDir: string,
  storageDir: string,
  secret: string,
): Promise<Child & { url: string }> {
  const child = await start(
    ['--port', '0', '--database-url', databaseUrl, '--data-dir', dataDir, '--storage', storageDir],
    {
      ...JOB_ENV,
      WATCHTIME_JWT_SECRET: secret,
      WATCHTIME_ANALYST_PASSWORD: 'scale-test',
      // The load below comes from one test process with a few tokens: lift the per-token limit.
      WATCHTIME_RATE_BURST: '1000000',
      WATCHTIME_RATE_REFILL: '1000000',
    },
    /listening on (http:\/\/[^\s]+)/,
  );
  return { ...child, url: child.match[1] as string };
}

export async function startWorker(databaseUrl: string, storageDir: string, name: string): Promise<Child> {
  return start(
    ['worker', '--database-url', databaseUrl, '--storage', storageDir, '--name', name],
    JOB_ENV,
    /running analyze-recording jobs/,
  );
}

export async function stop(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill(signal);
  await child.exited;
}
