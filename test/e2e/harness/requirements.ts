/**
 * What the browser scenarios need from the parts other packages build. A missing part fails the
 * suite with a message naming it — never a skip (turbo builds every part before these tests), and
 * never a stand-in.
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
  if (missing.length > 0) throw new Error(`the end-to-end tests need: ${missing.join('; ')}`);
  return {
    server: typeof server === 'string' ? null : server,
    analyzer: typeof analyzer === 'string' ? null : analyzer,
    missing,
  };
}
