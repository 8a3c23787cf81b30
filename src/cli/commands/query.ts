import { UsageError, ValidationError } from '../../lib/errors.js';
import { formatResult, RESULT_FORMATS, type ResultFormat } from '../../lib/render/result-formats.js';
import { parseFlags, type CliIo, type Command } from '../command.js';
import { LOCAL_FLAGS, LOCAL_FLAGS_USAGE, loadLocalConfig } from '../settings.js';

/** Rows printed unless --max-rows says otherwise: enough to read, not a flood. */
const DEFAULT_MAX_ROWS = 1000;
const MAX_ROWS_LIMIT = 10_000_000;

const OPTIONS = {
  ...LOCAL_FLAGS,
  format: { type: 'string' },
  'max-rows': { type: 'string' },
} as const;

function maxRowsOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_ROWS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_ROWS_LIMIT)
    throw new ValidationError('--max-rows', `expected a whole number from 1 to ${MAX_ROWS_LIMIT}, got ${JSON.stringify(raw)}`);
  return value;
}

function formatOf(raw: string | undefined): ResultFormat {
  if (raw === undefined) return 'table';
  if (!(RESULT_FORMATS as readonly string[]).includes(raw)) throw new ValidationError('--format', `expected one of ${RESULT_FORMATS.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as ResultFormat;
}

export const queryCommand: Command = {
  name: 'query',
  summary: 'run SQL against the local table (DuckDB, Athena semantics)',
  usage: [
    'Usage: flowlog-pilot query "SQL" [--format table|csv|json] [--max-rows N] [options]',
    '',
    'Runs one statement on the local engine: SELECTs over the registered partitions, and',
    "Athena's ALTER TABLE ... ADD/DROP PARTITION and SHOW PARTITIONS.",
    '',
    '  --format F             table (default), csv or json',
    `  --max-rows N           rows to print (default ${DEFAULT_MAX_ROWS}); the rest are counted on stderr`,
    LOCAL_FLAGS_USAGE,
  ].join('\n'),
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(args, OPTIONS, true);
    if (positionals.length !== 1 || positionals[0]?.trim() === '') throw new UsageError('SQL', 'give exactly one SQL statement, quoted, as the argument');
    const format = formatOf(values.format);
    const maxRows = maxRowsOf(values['max-rows']);
    const config = loadLocalConfig(values, io);
    // Loaded on use, so that --help and mistakes in the flags answer without starting DuckDB.
    const { openLocal } = await import('../../lib/wiring/local.js');
    const local = await openLocal(config, { sandbox: true });
    try {
      const result = await local.engine.execute(positionals[0] as string, { maxRows, label: 'cli' });
      io.out(formatResult(format, result.columns, result.rows));
      for (const warning of result.warnings) io.err(`warning: ${warning}\n`);
      if (result.rowsLeftOut > 0) io.err(`${result.rowsLeftOut} more row${result.rowsLeftOut === 1 ? '' : 's'} not shown (--max-rows ${maxRows})\n`);
      return 0;
    } finally {
      await local.close();
    }
  },
};
