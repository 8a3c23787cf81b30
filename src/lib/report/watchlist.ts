/**
 * The watchlist: CIDR blocks to flag traffic with (a threat-intelligence export, a partner's
 * ranges), each with its own label. Reading a list (JSON, a YAML document already parsed, or
 * plain `CIDR[,label]` lines) and turning it into the relation the watchlist rule joins with
 * (src/queries/watchlist/entries.sql) are pure; the YAML parser stays in watchlist-file.ts so the
 * report Lambda's bundle carries none.
 */
import * as v from 'valibot';
import { asError, ConfigError, ValidationError } from '../errors.js';
import { isRecord, unknownKeys } from '../validation.js';
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

/** A label as written: a short name without control characters (kept trimmed). */
const Label = v.pipe(
  v.unknown(),
  v.check(
    (label) => typeof label === 'string' && label.trim() !== '',
    (issue) => `needs a label (the list's name for it, such as "known C2"), got ${JSON.stringify(issue.input ?? null)}`,
  ),
  v.transform((label) => (label as string).trim()),
  v.check(
    (label) => label.length <= MAX_LABEL_CHARS,
    (issue) => `label is ${issue.input.length} characters; at most ${MAX_LABEL_CHARS}`,
  ),
  v.check((label) => !CONTROL.test(label), 'label contains a control character'),
);

/** The problem with a label, or undefined when it is fine. */
function labelProblem(label: unknown): string | undefined {
  const result = v.safeParse(Label, label);
  return result.success ? undefined : result.issues[0].message;
}

/** A CIDR block; a bad one is an issue naming the key and the value. */
const Block = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return parseCidr(dataset.value, 'cidr');
    } catch (error) {
      addIssue({ message: asError(error).message });
      return NEVER;
    }
  }),
);

function cidrOf(value: unknown, bad: (message: string) => void): Cidr | undefined {
  const result = v.safeParse(Block, value);
  if (result.success) return result.output;
  bad(result.issues[0].message);
  return undefined;
}

/** A document entry: a bare CIDR string, or a mapping of cidr and (unless the document gives a default) label. */
const entrySchema = (defaultLabel: boolean) =>
  v.pipe(
    v.union(
      [
        v.pipe(
          v.string(),
          v.transform((cidr): Readonly<Record<string, unknown>> => ({ cidr })),
        ),
        v.custom<Readonly<Record<string, unknown>>>(isRecord),
      ],
      (issue) => `must be a CIDR block or a mapping of cidr and label, got ${JSON.stringify(issue.input)}`,
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      for (const key of Object.keys(dataset.value))
        if (!(ENTRY_KEYS as readonly string[]).includes(key)) addIssue({ message: `unknown key ${JSON.stringify(key)} (known: ${ENTRY_KEYS.join(', ')})` });
    }),
    v.looseObject({ cidr: Block, label: defaultLabel ? v.optional(Label) : Label }, (issue) =>
      issue.path?.at(-1)?.key === 'label'
        ? `needs a label (the list's name for it, such as "known C2"), got null`
        : 'cidr: expected a CIDR block such as 10.0.0.0/8 or 2001:db8::/32, got nothing',
    ),
  );

/** The document: a list of entries, or `watchlist:` holding one with an optional default `label:`. */
const WRAPPED_MESSAGE = 'expected a list of {cidr, label} entries, or "watchlist:" holding one (with an optional default "label:")';

/**
 * A parsed YAML or JSON document: a list of `{cidr, label}` (or `watchlist:` holding one). A
 * `label` at the top (`{label: ..., watchlist: [...]}`) is the default for entries without one,
 * and a bare string entry is a block with that default label. Every bad entry is named in one
 * ConfigError; nothing is used half-way.
 */
export function watchlistFromDocument(document: unknown, source: string): readonly WatchlistEntry[] {
  const wrapped = isRecord(document);
  if (wrapped) {
    const unknown = unknownKeys(document, { entries: { watchlist: true, label: true } });
    if (unknown.length > 0 || !('watchlist' in document))
      throw new ConfigError([`${source}: ${WRAPPED_MESSAGE}${unknown.length > 0 ? `; unknown key ${JSON.stringify(unknown[0])}` : ''}`]);
  }
  const entries = wrapped ? document.watchlist : document;
  const fallback = wrapped ? document.label : undefined;
  const problems: string[] = [];
  const label = fallback === undefined ? undefined : v.safeParse(Label, fallback);
  if (label?.success === false) problems.push(`${source}: the default label: ${label.issues[0].message}`);
  if (!Array.isArray(entries)) throw new ConfigError([`${source}: expected a list of {cidr, label} entries, or "watchlist:" holding one`]);
  const schema = entrySchema(fallback !== undefined);
  const parsed = entries.flatMap((raw: unknown, i): WatchlistEntry[] => {
    const result = v.safeParse(schema, raw);
    if (!result.success) {
      problems.push(...result.issues.map((issue) => `${source}: entry ${i + 1}: ${issue.message}`));
      return [];
    }
    return [{ where: `entry ${i + 1}`, cidr: result.output.cidr, label: result.output.label ?? (label?.success === true ? label.output : '') }];
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
  if (byBlock.size > MAX_WATCHLIST_ENTRIES)
    problems.push(
      `${source}: ${byBlock.size} blocks; at most ${MAX_WATCHLIST_ENTRIES} (the rule's statement must stay under Athena's 262,144-byte limit): merge neighbouring blocks into wider ones`,
    );
  for (const entry of byBlock.values()) {
    if (entry.label.length > MAX_LABEL_CHARS)
      problems.push(`${source}: ${entry.where}: ${entry.cidr.text} is listed with several labels, ${entry.label.length} characters joined; at most ${MAX_LABEL_CHARS}`);
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
    return renderFragment(
      row,
      {
        label: stringLiteral(entry.label, 'watchlist label'),
        block: stringLiteral(entry.cidr.text, 'watchlist block'),
        version: integerLiteral(entry.cidr.version, 'watchlist version'),
        prefix: integerLiteral(entry.cidr.prefix, 'watchlist prefix'),
        first_key: stringLiteral(keys.first, 'watchlist first key'),
        last_key: stringLiteral(keys.last, 'watchlist last key'),
      },
      'src/queries/watchlist/entry.sql',
    );
  });
  return renderFragment(queryText('watchlist/entries'), { rows: joinFragments(rows, ',\n') }, 'src/queries/watchlist/entries.sql');
}
