import queries from 'virtual:flowlog-queries';
import { NotFoundError, ValidationError } from '../errors.js';
import { quoteForMessage } from '../dates.js';

/**
 * A piece of SQL that is safe to splice into a template. Only the functions below make one, each
 * after validating its value, so a raw user string can never reach a statement.
 */
export class SqlFragment {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  toString(): string {
    return this.#text;
  }
  /** @internal for the functions of this module only */
  static of(text: string): SqlFragment {
    return new SqlFragment(text);
  }
}

/** Athena (Glue) names: lowercase letters, digits and underscores, starting with a letter. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,254}$/;
const QUOTABLE = /^[a-z][a-z0-9_-]{0,254}$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point: a literal must not carry one
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function identifier(name: unknown, field = 'identifier'): SqlFragment {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new ValidationError(
      field,
      `${typeof name === 'string' ? quoteForMessage(name) : 'value'} is not a valid Athena name (lowercase letters, digits and _, starting with a letter, at most 255)`,
    );
  }
  return SqlFragment.of(name);
}

/**
 * A column name in double quotes, for names that are keywords (`end`) or hold a hyphen
 * (`aws-account-id`, the Hive-style partition keys): the same quoting in Trino and DuckDB.
 */
export function quotedIdentifier(name: unknown, field = 'identifier'): SqlFragment {
  if (typeof name !== 'string' || !QUOTABLE.test(name)) {
    throw new ValidationError(
      field,
      `${typeof name === 'string' ? quoteForMessage(name) : 'value'} is not a valid column name (lowercase letters, digits, _ and -, starting with a letter)`,
    );
  }
  return SqlFragment.of(`"${name}"`);
}

// Among the flow-log columns (both namings) and partition keys, `end` is the one reserved word in
// Trino and in DuckDB (tried: `SELECT 1 AS end` fails in DuckDB 1.5; Trino lists END as reserved).
const RESERVED_WORDS: ReadonlySet<string> = new Set(['end']);

/** A column name, quoted only when it must be (a reserved word, or a hyphen): statements stay as they were otherwise. */
export function columnIdentifier(name: unknown, field = 'column'): SqlFragment {
  if (typeof name === 'string' && (RESERVED_WORDS.has(name) || name.includes('-'))) return quotedIdentifier(name, field);
  return identifier(name, field);
}

/**
 * A column name in DDL (Athena runs ALTER TABLE with Hive's grammar, which quotes with backticks):
 * as is, or in backticks when it holds a hyphen (the console integration's `aws-account-id`).
 */
export function ddlColumnIdentifier(name: unknown, field = 'column'): SqlFragment {
  if (typeof name === 'string' && name.includes('-')) {
    if (!QUOTABLE.test(name)) throw new ValidationError(field, `${quoteForMessage(name)} is not a valid column name (lowercase letters, digits, _ and -, starting with a letter)`);
    return SqlFragment.of(`\`${name}\``);
  }
  return identifier(name, field);
}

export function qualifiedName(database: string, table: string): SqlFragment {
  return SqlFragment.of(`${identifier(database, 'database')}.${identifier(table, 'table')}`);
}

/** A string literal: quotes doubled, control characters refused. */
export function stringLiteral(value: unknown, field = 'value'): SqlFragment {
  if (typeof value !== 'string') throw new ValidationError(field, 'expected a string');
  if (CONTROL.test(value)) throw new ValidationError(field, `${quoteForMessage(value)} contains a control character`);
  return SqlFragment.of(`'${value.replaceAll("'", "''")}'`);
}

export function integerLiteral(value: unknown, field = 'value'): SqlFragment {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ValidationError(field, `expected a whole number, got ${String(value)}`);
  return SqlFragment.of(String(value));
}

export function numberLiteral(value: unknown, field = 'value'): SqlFragment {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValidationError(field, `expected a number, got ${String(value)}`);
  return SqlFragment.of(String(value));
}

export function joinFragments(parts: readonly SqlFragment[], separator: string): SqlFragment {
  if (CONTROL.test(separator.replaceAll('\n', ''))) throw new ValidationError('separator', 'control character');
  return SqlFragment.of(parts.map(String).join(separator));
}

export function listOf(parts: readonly SqlFragment[]): SqlFragment {
  return joinFragments(parts, ', ');
}

/** Names of every file under src/queries (without `.sql`). */
export function queryNames(): string[] {
  return Object.keys(queries).sort();
}

export function queryText(name: string): string {
  const text = queries[name];
  if (text === undefined) throw new NotFoundError(`no query named ${quoteForMessage(name)} in src/queries`, { name });
  return text;
}

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** The placeholders a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * Renders a template from src/queries. Every placeholder must be given and every value must be a
 * SqlFragment, so the result holds only validated, quoted values.
 */
export function renderTemplate(text: string, params: Readonly<Record<string, SqlFragment>>, name = 'template'): string {
  // Comments go first: a placeholder named in a comment is prose, and filling it there would
  // leave the start of the value commented out and the rest of it loose in the statement.
  const body = stripComments(text);
  const missing = placeholdersOf(body).filter((key) => !(params[key] instanceof SqlFragment));
  if (missing.length > 0) throw new ValidationError(name, `no value for ${missing.map((m) => `{{${m}}}`).join(', ')}`);
  return body.replace(PLACEHOLDER, (_, key: string) => String(params[key]));
}

export function renderQuery(name: string, params: Readonly<Record<string, SqlFragment>>): string {
  return stripComments(renderTemplate(queryText(name), params, name)).trim();
}

/** Drops whole-line `--` comments (query headers), keeping the statement itself. */
export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
}

/**
 * Renders a template from src/queries into a fragment that another template can embed (a
 * relation inside a report query). Safe for the same reason renderQuery is: every value spliced
 * in is itself a validated fragment.
 */
export function renderFragment(text: string, params: Readonly<Record<string, SqlFragment>>, name = 'template'): SqlFragment {
  return SqlFragment.of(stripComments(renderTemplate(text, params, name)).trim());
}
