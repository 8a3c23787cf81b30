/**
 * Reads a watchlist as written: YAML or JSON (a list of {cidr, label}, or `watchlist:` holding
 * one), or plain `CIDR[,label]` lines. Apart from watchlist.ts because of the YAML parser.
 */
import { basename } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { ConfigError } from '../errors.js';
import { watchlistFromDocument, watchlistFromLines, type WatchlistEntry } from './watchlist.js';

/** A document starts like JSON or YAML structure; anything else is read as CIDR lines. */
const DOCUMENT_START = /^(\[|\{|-(\s|$)|(watchlist|label)\s*:)/;

/** How a watchlist's text is written, from its first line that is not blank or a comment. */
export function watchlistFormat(text: string): 'document' | 'lines' {
  const first = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#'));
  return first !== undefined && DOCUMENT_START.test(first) ? 'document' : 'lines';
}

/**
 * Parses a watchlist; every bad entry or line is named in one ConfigError. Lines without a label
 * take `defaultLabel`, by default the source's file name (`threat-intel.txt`).
 */
export function parseWatchlist(text: string, source: string, defaultLabel = basename(source)): readonly WatchlistEntry[] {
  if (watchlistFormat(text) === 'lines') return watchlistFromLines(text, source, defaultLabel);
  let document: unknown;
  try {
    document = loadYaml(text, { filename: source, json: true });
  } catch (error) {
    throw new ConfigError([`${source}: not valid YAML or JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`]);
  }
  return watchlistFromDocument(document, source);
}
