import { ConfigError, asError } from '../errors.js';
import type { ListReader, ListSource } from '../ports.js';
import type { ReportLists } from '../report/report-config.js';
import type { Suppression } from '../report/suppressions.js';
import type { WatchlistEntry } from '../report/watchlist.js';
import { loadSavedQueries } from '../report/saved-queries.js';

/** The rule names a suppression entry may give: every detection of the catalogue. */
function detectionNames(): string[] {
  return loadSavedQueries()
    .list()
    .filter((q) => q.kind === 'detection')
    .map((q) => q.name);
}

/** What the report job read of its lists: each one read and valid, or a warning saying what it did without it. */
export interface LoadedLists {
  readonly suppressions?: readonly Suppression[];
  readonly watchlist?: readonly WatchlistEntry[];
  readonly warnings: readonly string[];
}

/** "SSM parameter /flowlog/suppressions", "file suppressions.yml (bundled with the function)". */
export function describeSource(source: ListSource): string {
  return source.kind === 'parameter' ? `SSM parameter ${source.name}` : `file ${source.path} (bundled with the function)`;
}

/**
 * Reads the report's lists where the stack keeps them. The report never fails for a list: one that
 * cannot be read or holds a bad entry becomes a warning in the report, saying what it means
 * (findings not suppressed, the watchlist rule not run), so nothing is dropped unsaid. The YAML
 * parser is loaded only when a list is configured.
 */
export async function loadLists(
  reader: ListReader | undefined,
  lists: ReportLists,
  options: { readonly knownRules?: readonly string[]; readonly deadlineMs?: number } = {},
): Promise<LoadedLists> {
  const warnings: string[] = [];
  const read = async <T>(source: ListSource | undefined, consequence: string, parse: (text: string, where: string) => Promise<T>): Promise<T | undefined> => {
    if (source === undefined) return undefined;
    const where = describeSource(source);
    if (reader === undefined) {
      warnings.push(`${where} could not be read: this build has no reader for it; ${consequence}`);
      return undefined;
    }
    let text: string;
    try {
      text = await reader.read(source, { deadlineMs: options.deadlineMs });
    } catch (error) {
      warnings.push(`${where} could not be read (${asError(error).message}); ${consequence}`);
      return undefined;
    }
    try {
      return await parse(text, where);
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems.join('; ') : asError(error).message;
      warnings.push(`${where} is not valid (${problems}); ${consequence}`);
      return undefined;
    }
  };
  const suppressions = await read(lists.suppressions, "today's findings are not suppressed", async (text, where) => {
    const { parseSuppressions } = await import('../report/suppressions-file.js');
    return parseSuppressions(text, where, options.knownRules ?? detectionNames());
  });
  const watchlist = await read(lists.watchlist, 'the watchlist rule did not run', async (text, where) => {
    const { parseWatchlist } = await import('../report/watchlist-file.js');
    return parseWatchlist(text, where, 'watchlist');
  });
  return { ...(suppressions === undefined ? {} : { suppressions }), ...(watchlist === undefined ? {} : { watchlist }), warnings };
}
