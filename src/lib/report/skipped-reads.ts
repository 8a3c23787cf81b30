import type { ReadWarning } from '../ports.js';

/**
 * How the files and lines a read skipped are said to people, whatever engine skipped them: one
 * line per unreadable file, one per file with bad lines (naming the first few by number).
 */

/** Lines named in one warning; the count stays exact, the rest of the numbers are left out. */
export const MAX_LINES_NAMED = 20;

type SkippedLine = Extract<ReadWarning, { kind: 'skipped-line' }>;

/** The warning lines a reader sees: one per file, with the exact count and the first lines named. */
export function describeSkipped(skipped: readonly ReadWarning[]): string[] {
  const files = new Map<string, SkippedLine[]>();
  const out: string[] = [];
  for (const warning of skipped) {
    if (warning.kind === 'skipped-file') {
      out.push(`skipped unreadable file ${warning.file}: ${warning.reason}`);
      continue;
    }
    const list = files.get(warning.file) ?? [];
    list.push(warning);
    files.set(warning.file, list);
  }
  for (const [file, lines] of files) {
    const named = lines.slice(0, MAX_LINES_NAMED).map((l) => `line ${l.line} (${l.reason})`);
    const more = lines.length > MAX_LINES_NAMED ? `; and ${lines.length - MAX_LINES_NAMED} more` : '';
    out.push(`skipped ${lines.length} bad line${lines.length === 1 ? '' : 's'} of ${file}: ${named.join('; ')}${more}`);
  }
  return out;
}
