import type { ReadWarning } from '../ports.js';

/** One row of DuckDB's reject tables (read-rejects.sql): one error of one line. */
export interface RejectRow {
  readonly file: string;
  readonly line: number;
  readonly errorType: string;
  readonly column: string | null;
  readonly message: string;
}

type SkippedLine = Extract<ReadWarning, { kind: 'skipped-line' }>;

// A line can fail several ways at once; the first of these kinds explains it best.
const RANK: Readonly<Record<string, number>> = { 'INVALID ENCODING': 0, 'INVALID UNICODE': 0, 'TOO MANY COLUMNS': 1, 'MISSING COLUMNS': 1, CAST: 2 };

function foundFields(message: string): number | undefined {
  const match = /Found: (\d+)/.exec(message);
  return match === null ? undefined : Number(match[1]);
}

function reasonOf(errors: readonly RejectRow[]): string {
  const first = [...errors].sort((a, b) => (RANK[a.errorType] ?? 3) - (RANK[b.errorType] ?? 3))[0] as RejectRow;
  switch (first.errorType) {
    case 'INVALID ENCODING':
    case 'INVALID UNICODE':
      return 'bytes that are not UTF-8';
    case 'TOO MANY COLUMNS':
    case 'MISSING COLUMNS': {
      const same = errors
        .filter((e) => e.errorType === first.errorType)
        .map((e) => foundFields(e.message))
        .filter((n): n is number => n !== undefined);
      const expected = /Expected Number of Columns: (\d+)/.exec(first.message)?.[1];
      // DuckDB reports a short line once per missing field and a long one once per extra field.
      const found = same.length === 0 ? undefined : first.errorType === 'MISSING COLUMNS' ? Math.min(...same) : Math.max(...same);
      return expected === undefined || found === undefined ? 'wrong number of fields' : `${found} fields where the header has ${expected}`;
    }
    case 'CAST': {
      const value = /Could not convert string "([^"]*)"/.exec(first.message)?.[1];
      return `${first.column ?? 'a field'} is not a number${value === undefined ? '' : ` (${JSON.stringify(value)})`}`;
    }
    default:
      return first.message.split('\n')[0] ?? first.message;
  }
}

/** One entry per skipped line (file, line number, reason), in file and line order, however many errors DuckDB listed for it. */
export function skippedLines(rows: readonly RejectRow[]): SkippedLine[] {
  const byLine = new Map<string, RejectRow[]>();
  for (const row of rows) {
    const key = `${row.file}\n${row.line}`;
    const list = byLine.get(key) ?? [];
    list.push(row);
    byLine.set(key, list);
  }
  return [...byLine.values()]
    .map((errors): SkippedLine => ({ kind: 'skipped-line', file: (errors[0] as RejectRow).file, line: (errors[0] as RejectRow).line, reason: reasonOf(errors) }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
