import { QueryError } from '../errors.js';
import { quoteForMessage } from '../dates.js';

/**
 * Athena's partition statements, understood by the local engine: DuckDB has no partitions, so
 * `ALTER TABLE ... ADD/DROP PARTITION`, `ALTER TABLE ... PARTITION (...) SET LOCATION` and
 * `SHOW PARTITIONS` are parsed here and applied to the
 * local catalog. Everything else goes to DuckDB unchanged.
 */
export interface TableRef {
  readonly database: string | undefined;
  readonly table: string;
}

export interface PartitionSpec {
  /** Key = value pairs as written, in the statement's order. */
  readonly values: Readonly<Record<string, string>>;
  readonly location: string | undefined;
}

export type PartitionStatement =
  | { readonly kind: 'add'; readonly table: TableRef; readonly ifNotExists: boolean; readonly partitions: readonly PartitionSpec[] }
  | { readonly kind: 'drop'; readonly table: TableRef; readonly ifExists: boolean; readonly partitions: readonly PartitionSpec[] }
  | { readonly kind: 'set-location'; readonly table: TableRef; readonly partition: PartitionSpec & { readonly location: string } }
  | { readonly kind: 'show'; readonly table: TableRef };

type Token = { readonly kind: 'word' | 'string' | 'symbol'; readonly text: string; readonly at: number };

const STARTS = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(alter\s+table|show\s+partitions)\b/i;

/** True when the statement is one of the partition statements this module handles. */
export function isPartitionStatement(sql: string): boolean {
  return STARTS.test(sql);
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw syntax('a comment is not closed', i);
      i = end + 2;
    } else if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw syntax('a string is not closed', i);
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j += 1;
      }
      tokens.push({ kind: 'string', text: value, at: i });
      i = j + 1;
    } else if (ch === '`' || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      if (end === -1) throw syntax(`a ${ch}quoted${ch} name is not closed`, i);
      tokens.push({ kind: 'word', text: sql.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[A-Za-z0-9_]/.test(ch)) {
      const match = /^[A-Za-z0-9_]+/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0], at: i });
      i += match[0].length;
    } else if ('(),=.;'.includes(ch)) {
      tokens.push({ kind: 'symbol', text: ch, at: i });
      i += 1;
    } else {
      throw syntax(`unexpected character ${quoteForMessage(ch)}`, i);
    }
  }
  return tokens;
}

function syntax(problem: string, at: number): QueryError {
  return new QueryError(`line 1:${at + 1}: ${problem}`, { state: 'FAILED' });
}

class Cursor {
  #i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly length: number,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.#i];
  }

  atEnd(): boolean {
    return this.#i >= this.tokens.length;
  }

  next(what: string): Token {
    const token = this.tokens[this.#i];
    if (token === undefined) throw syntax(`expected ${what} but the statement ended`, this.length);
    this.#i += 1;
    return token;
  }

  isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  keyword(word: string): void {
    const token = this.next(word.toUpperCase());
    if (token.kind !== 'word' || token.text.toLowerCase() !== word) throw syntax(`expected ${word.toUpperCase()}, got ${quoteForMessage(token.text)}`, token.at);
  }

  optional(...words: string[]): boolean {
    if (!this.isKeyword(words[0] as string)) return false;
    for (const word of words) this.keyword(word);
    return true;
  }

  symbol(text: string): void {
    const token = this.next(`'${text}'`);
    if (token.kind !== 'symbol' || token.text !== text) throw syntax(`expected '${text}', got ${quoteForMessage(token.text)}`, token.at);
  }

  isSymbol(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === text;
  }

  name(what: string): string {
    const token = this.next(what);
    if (token.kind !== 'word') throw syntax(`expected ${what}, got ${quoteForMessage(token.text)}`, token.at);
    return token.text.toLowerCase();
  }

  string(what: string): string {
    const token = this.next(what);
    if (token.kind !== 'string') throw syntax(`expected ${what} as a 'quoted string', got ${quoteForMessage(token.text)}`, token.at);
    return token.text;
  }
}

function tableRef(cursor: Cursor): TableRef {
  const first = cursor.name('a table name');
  if (!cursor.isSymbol('.')) return { database: undefined, table: first };
  cursor.symbol('.');
  return { database: first, table: cursor.name('a table name') };
}

function partitionValues(cursor: Cursor): Record<string, string> {
  cursor.keyword('partition');
  cursor.symbol('(');
  const values: Record<string, string> = {};
  for (;;) {
    const at = cursor.peek()?.at ?? 0;
    const key = cursor.name('a partition key');
    if (Object.hasOwn(values, key)) throw syntax(`partition key ${quoteForMessage(key)} is given twice`, at);
    cursor.symbol('=');
    values[key] = cursor.string(`the value of ${key}`);
    if (cursor.isSymbol(')')) break;
    if (!cursor.isSymbol(',')) {
      const token = cursor.next("',' or ')'");
      throw syntax(`expected ',' or ')' after the value of ${key}, got ${quoteForMessage(token.text)}`, token.at);
    }
    cursor.symbol(',');
  }
  cursor.symbol(')');
  return values;
}

function end(cursor: Cursor): void {
  if (cursor.isSymbol(';')) cursor.symbol(';');
  const extra = cursor.peek();
  if (extra !== undefined) throw syntax(`unexpected ${quoteForMessage(extra.text)} after the statement (one statement at a time)`, extra.at);
}

/**
 * Parses one partition statement; anything else that starts like one is a QueryError naming
 * the problem, as Athena would refuse it.
 */
export function parsePartitionStatement(sql: string): PartitionStatement {
  const cursor = new Cursor(tokenize(sql), sql.length);
  if (cursor.optional('show', 'partitions')) {
    const table = tableRef(cursor);
    end(cursor);
    return { kind: 'show', table };
  }
  cursor.keyword('alter');
  cursor.keyword('table');
  const table = tableRef(cursor);
  if (cursor.optional('add')) {
    const ifNotExists = cursor.optional('if', 'not', 'exists');
    const partitions: PartitionSpec[] = [];
    do {
      const values = partitionValues(cursor);
      const location = cursor.optional('location') ? cursor.string('the LOCATION') : undefined;
      partitions.push({ values, location });
    } while (cursor.isKeyword('partition'));
    end(cursor);
    return { kind: 'add', table, ifNotExists, partitions };
  }
  if (cursor.optional('drop')) {
    const ifExists = cursor.optional('if', 'exists');
    const partitions: PartitionSpec[] = [];
    for (;;) {
      partitions.push({ values: partitionValues(cursor), location: undefined });
      if (!cursor.isSymbol(',')) break;
      cursor.symbol(',');
    }
    end(cursor);
    return { kind: 'drop', table, ifExists, partitions };
  }
  if (cursor.isKeyword('partition')) {
    const values = partitionValues(cursor);
    cursor.keyword('set');
    cursor.keyword('location');
    const location = cursor.string('the LOCATION');
    end(cursor);
    return { kind: 'set-location', table, partition: { values, location } };
  }
  const token = cursor.atEnd() ? undefined : cursor.next('ADD or DROP');
  throw new QueryError(
    `only ALTER TABLE ... ADD PARTITION, DROP PARTITION and PARTITION (...) SET LOCATION run on the local engine, got ${token === undefined ? 'nothing' : quoteForMessage(token.text)} after the table name`,
    { state: 'FAILED' },
  );
}
