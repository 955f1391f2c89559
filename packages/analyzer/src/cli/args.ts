/** A small flag parser: `--name value`, `--name=value`, boolean `--flag`, positionals. */
export interface Parsed {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], booleans: ReadonlySet<string>): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') flags.set('help', true);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) flags.set(name, a.slice(eq + 1));
      else if (booleans.has(name)) flags.set(name, true);
      else {
        const v = argv[i + 1];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, v);
        i++;
      }
    } else positionals.push(a);
  }
  return { positionals, flags };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function num(flags: Map<string, string | true>, name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}

export function str(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function list(flags: Map<string, string | true>, name: string): number[] | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const out = v.split(',').map((x) => Number(x.trim()));
  if (out.some((x) => !Number.isFinite(x)))
    throw new UsageError(`--${name} must be a comma-separated list of numbers, got "${v}"`);
  return out;
}

/** "1s", "500ms", "2" (seconds) → ms. */
export function duration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new UsageError(`"${text}" is not a duration (e.g. 1s, 500ms)`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
}
