/**
 * The watchlist: CIDR blocks to flag traffic with (a threat-intelligence export, a partner's
 * ranges), each with its own label. Reading a list (JSON, a YAML document already parsed, or
 * plain `CIDR[,label]` lines) and turning it into the relation the watchlist rule joins with
 * (src/queries/watchlist/entries.sql) are pure; the YAML parser stays in watchlist-file.ts so the
 * report Lambda's bundle carries none.
 */
import { ConfigError, ValidationError } from '../errors.js';
import { integerLiteral, joinFragments, queryText, renderFragment, stringLiteral, type SqlFragment } from '../sql/sql.js';
import { parseCidr, type Cidr } from './cidr.js';

export interface WatchlistEntry {
  /** Where the block was given (`entry 3`, `line 12`), for messages. */
  readonly where: string;
  readonly cidr: Cidr;
  readonly label: string;
}

/**
 * Blocks in one watchlist: each row of the relation takes about 190 bytes at most (a 64-character
 * label, an IPv6 block, two 32-digit keys), so 1,000 keep the rule's statement well under Athena's
 * 262,144-byte query-string limit with the rest of the query around them.
 */
export const MAX_WATCHLIST_ENTRIES = 1000;
/** Labels are shown in findings and subjects: short names, not descriptions. */
export const MAX_LABEL_CHARS = 64;

const ENTRY_KEYS = ['cidr', 'label'] as const;
// eslint-disable-next-line no-control-regex -- a label must not carry a control character into a message or a statement
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The problem with a label, or undefined when it is fine. */
function labelProblem(label: unknown): string | undefined {
  if (typeof label !== 'string' || label.trim() === '') return `needs a label (the list's name for it, such as "known C2"), got ${JSON.stringify(label ?? null)}`;
  if (label.trim().length > MAX_LABEL_CHARS) return `label is ${label.trim().length} characters; at most ${MAX_LABEL_CHARS}`;
  if (CONTROL.test(label)) return 'label contains a control character';
  return undefined;
}

function cidrOf(value: unknown, bad: (message: string) => void): Cidr | undefined {
  try {
    return parseCidr(value, 'cidr');
  } catch (error) {
    bad(error instanceof ValidationError ? error.message : String(error));
    return undefined;
  }
}

/**
 * A parsed YAML or JSON document: a list of `{cidr, label}` (or `watchlist:` holding one). A
 * `label` at the top (`{label: ..., watchlist: [...]}`) is the default for entries without one,
 * and a bare string entry is a block with that default label. Every bad entry is named in one
 * ConfigError; nothing is used half-way.
 */
export function watchlistFromDocument(document: unknown, source: string): readonly WatchlistEntry[] {
  const wrapped = typeof document === 'object' && document !== null && !Array.isArray(document);
  const o = wrapped ? (document as Record<string, unknown>) : {};
  if (wrapped) {
    const unknown = Object.keys(o).filter((k) => k !== 'watchlist' && k !== 'label');
    if (unknown.length > 0 || !('watchlist' in o)) throw new ConfigError([`${source}: expected a list of {cidr, label} entries, or "watchlist:" holding one (with an optional default "label:")${unknown.length > 0 ? `; unknown key ${JSON.stringify(unknown[0])}` : ''}`]);
  }
  const entries = wrapped ? o.watchlist : document;
  if (!Array.isArray(entries)) throw new ConfigError([`${source}: expected a list of {cidr, label} entries, or "watchlist:" holding one`]);
  const fallback = o.label;
  const problems: string[] = [];
  if (fallback !== undefined) {
    const problem = labelProblem(fallback);
    if (problem !== undefined) problems.push(`${source}: the default label: ${problem}`);
  }
  const parsed: WatchlistEntry[] = [];
  entries.forEach((raw: unknown, i) => {
    const where = `entry ${i + 1}`;
    const before = problems.length;
    const bad = (message: string) => problems.push(`${source}: ${where}: ${message}`);
    const item = typeof raw === 'string' ? { cidr: raw } : raw;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return void bad(`must be a CIDR block or a mapping of cidr and label, got ${JSON.stringify(raw)}`);
    const fields = item as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (!(ENTRY_KEYS as readonly string[]).includes(key)) bad(`unknown key ${JSON.stringify(key)} (known: ${ENTRY_KEYS.join(', ')})`);
    const cidr = cidrOf(fields.cidr, bad);
    const label = fields.label ?? fallback;
    const problem = fields.label === undefined && fallback !== undefined ? undefined : labelProblem(label);
    if (problem !== undefined) bad(problem);
    if (problems.length > before || cidr === undefined) return;
    parsed.push({ where, cidr, label: (label as string).trim() });
  });
  return finish(parsed, problems, source);
}

/**
 * Plain text, one block a line: `CIDR` or `CIDR,label` (what many threat-intelligence feeds
 * export); `#` starts a comment, blank lines are skipped. A line without a label takes
 * `defaultLabel` (the file's name when the caller gives none); every bad line is named.
 */
export function watchlistFromLines(text: string, source: string, defaultLabel: string): readonly WatchlistEntry[] {
  const problems: string[] = [];
  const parsed: WatchlistEntry[] = [];
  const fallbackProblem = labelProblem(defaultLabel);
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const where = `line ${i + 1}`;
    const before = problems.length;
    const bad = (message: string) => problems.push(`${source}: ${where}: ${message}`);
    const comma = line.indexOf(',');
    const cidrText = comma < 0 ? line : line.slice(0, comma).trim();
    const label = comma < 0 ? defaultLabel : line.slice(comma + 1).trim();
    const cidr = cidrOf(cidrText, bad);
    const problem = comma < 0 ? fallbackProblem : labelProblem(label);
    if (problem !== undefined) bad(problem);
    if (problems.length > before || cidr === undefined) return;
    parsed.push({ where, cidr, label: label.trim() });
  });
  return finish(parsed, problems, source);
}

/** Blocks written more than once are merged (their labels joined), so the rule never has two blocks of one prefix tie. */
function finish(parsed: readonly WatchlistEntry[], problems: string[], source: string): readonly WatchlistEntry[] {
  const byBlock = new Map<string, WatchlistEntry>();
  for (const entry of parsed) {
    const key = `${entry.cidr.version}/${entry.cidr.base}/${entry.cidr.prefix}`;
    const known = byBlock.get(key);
    if (known === undefined) byBlock.set(key, entry);
    else if (!known.label.split('; ').includes(entry.label)) byBlock.set(key, { ...known, label: `${known.label}; ${entry.label}` });
  }
  if (parsed.length === 0 && problems.length === 0) problems.push(`${source}: the watchlist has no entries`);
  if (byBlock.size > MAX_WATCHLIST_ENTRIES) problems.push(`${source}: ${byBlock.size} blocks; at most ${MAX_WATCHLIST_ENTRIES} (the rule's statement must stay under Athena's 262,144-byte limit): merge neighbouring blocks into wider ones`);
  for (const entry of byBlock.values()) {
    if (entry.label.length > MAX_LABEL_CHARS) problems.push(`${source}: ${entry.where}: ${entry.cidr.text} is listed with several labels, ${entry.label.length} characters joined; at most ${MAX_LABEL_CHARS}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze([...byBlock.values()]);
}

/**
 * A block's first and last address as keys of fixed width that sort as the addresses do (see
 * src/queries/watchlist/entries.sql): IPv4 in 10 decimal digits, IPv6 in 32 hex digits.
 */
export function blockKeys(cidr: Cidr): { readonly first: string; readonly last: string } {
  const bits = cidr.version === 4 ? 32 : 128;
  const last = cidr.base | ((1n << BigInt(bits - cidr.prefix)) - 1n);
  const key = (value: bigint) => (cidr.version === 4 ? value.toString(10).padStart(10, '0') : value.toString(16).padStart(32, '0'));
  return { first: key(cidr.base), last: key(last) };
}

/** The watchlist relation the rule reads as `{{watchlist}}`: a VALUES list of checked literals. */
export function watchlistRelation(entries: readonly WatchlistEntry[]): SqlFragment {
  if (entries.length === 0) throw new ValidationError('watchlist', 'has no entries');
  const row = queryText('watchlist/entry');
  const rows = entries.map((entry) => {
    const keys = blockKeys(entry.cidr);
    return renderFragment(row, {
      label: stringLiteral(entry.label, 'watchlist label'),
      block: stringLiteral(entry.cidr.text, 'watchlist block'),
      version: integerLiteral(entry.cidr.version, 'watchlist version'),
      prefix: integerLiteral(entry.cidr.prefix, 'watchlist prefix'),
      first_key: stringLiteral(keys.first, 'watchlist first key'),
      last_key: stringLiteral(keys.last, 'watchlist last key'),
    }, 'src/queries/watchlist/entry.sql');
  });
  return renderFragment(queryText('watchlist/entries'), { rows: joinFragments(rows, ',\n') }, 'src/queries/watchlist/entries.sql');
}
