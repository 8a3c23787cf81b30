import type { Cell, Column, Row } from '../ports.js';

export type ResultFormat = 'table' | 'csv' | 'json';
export const RESULT_FORMATS: readonly ResultFormat[] = ['table', 'csv', 'json'];

/**
 * CSV as the Athena console downloads it: a header row, every value quoted, quotes doubled,
 * NULL as an empty field. Cells starting with = + - @ are prefixed with ' so a spreadsheet does
 * not run them as formulas (a hostile address string must stay text).
 */
export function toCsv(columns: readonly Column[], rows: readonly Row[]): string {
  const line = (cells: readonly string[]) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',');
  const text = (cell: Cell) => (cell === null ? '' : typeof cell === 'number' ? String(cell) : neutraliseFormula(cell));
  return [line(columns.map((c) => c.name)), ...rows.map((row) => line(columns.map((c) => text(row[c.name] ?? null))))].join('\n') + '\n';
}

function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}

/** One JSON object per row, keyed by column name, as an array. */
export function toJson(columns: readonly Column[], rows: readonly Row[]): string {
  return (
    JSON.stringify(
      rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null]))),
      null,
      2,
    ) + '\n'
  );
}

/** An aligned text table for a terminal; numbers right-aligned, NULL shown as NULL. */
export function toTable(columns: readonly Column[], rows: readonly Row[]): string {
  if (columns.length === 0) return '(no columns)\n';
  // eslint-disable-next-line no-control-regex -- control characters are what gets replaced
  const show = (cell: Cell) => (cell === null ? 'NULL' : String(cell).replace(/[\u0000-\u001f\u007f]/g, '?'));
  const cells = rows.map((row) => columns.map((c) => show(row[c.name] ?? null)));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map((c, i) => rows.length > 0 && rows.every((row) => typeof row[c.name] === 'number' || row[c.name] === null) && widths[i] !== undefined);
  const pad = (value: string, i: number) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0));
  const lines = [columns.map((c, i) => pad(c.name, i)).join(' | '), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map((r) => r.map((v, i) => pad(v, i)).join(' | '))];
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`;
}

export function formatResult(format: ResultFormat, columns: readonly Column[], rows: readonly Row[]): string {
  switch (format) {
    case 'csv':
      return toCsv(columns, rows);
    case 'json':
      return toJson(columns, rows);
    case 'table':
      return toTable(columns, rows);
  }
}
