/**
 * What the browser scenarios need from the parts other packages build. A scenario whose parts are
 * missing is skipped with a message naming each missing part — never run against a stand-in.
 */
import { existsSync } from 'node:fs';
import { type Analyzer, loadAnalyzer } from './analysis.js';
import { PLUGIN_BUNDLE } from './media-server.js';
import { loadServerModule } from './watchtime-server.js';

export interface Parts {
  server: Exclude<Awaited<ReturnType<typeof loadServerModule>>, string> | null;
  analyzer: Analyzer | null;
  missing: string[];
}

export async function loadParts(need: { analyzer: boolean }): Promise<Parts> {
  const missing: string[] = [];
  if (!existsSync(PLUGIN_BUNDLE))
    missing.push(`the plugin's script-tag bundle ${PLUGIN_BUNDLE} (build packages/player-plugin)`);
  const server = await loadServerModule();
  if (typeof server === 'string') missing.push(server);
  let analyzer: Analyzer | string | null = null;
  if (need.analyzer) {
    analyzer = await loadAnalyzer();
    if (typeof analyzer === 'string') missing.push(analyzer);
  }
  return {
    server: typeof server === 'string' ? null : server,
    analyzer: typeof analyzer === 'string' ? null : analyzer,
    missing,
  };
}

/** The describe title: says loudly why it is skipped. */
export function titled(name: string, parts: Parts): string {
  if (parts.missing.length === 0) return name;
  const why = `${name} — SKIPPED, missing: ${parts.missing.join('; ')}`;
  console.warn(`\n*** ${why} ***\n`);
  return why;
}
