import { daysBetween, parseRange, type DayRange, type UtcDay } from '../../lib/dates.js';
import { UsageError, ValidationError } from '../../lib/errors.js';
import { createProgress, progressMode } from '../progress.js';
import { didYouMean } from '../suggest.js';
import type { LocalHandle } from '../../lib/wiring/local.js';
import { ACCOUNT_KEY, DT_KEY, REGION_KEY, type PartitionLayout } from '../../lib/partitions/layout.js';
import { partitionId, type Partition } from '../../lib/partitions/plan.js';
import { partitionsDeps } from '../../lib/use-cases/context-deps.js';
import { ensurePartitions } from '../../lib/use-cases/ensure-partitions.js';
import type { FlowlogConfig } from '../../lib/config.js';
import { parseFlags, type CliIo, type Command } from '../command.js';
import { LOCAL_FLAGS, LOCAL_FLAGS_USAGE, loadLocalConfig } from '../settings.js';

const OPTIONS = {
  ...LOCAL_FLAGS,
  date: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  list: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** Up to a month of days is listed line by line; a longer range is summed up per source unless --list asks. */
export const MAX_LINES_LISTED = 31;

// Every partition a listing without --from/--to can hold: dt values are days from 1970 on.
const ALL_DAYS: DayRange = { from: '1970-01-01' as UtcDay, to: '9999-12-31' as UtcDay };

type Flags = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

function rangeOf(values: Flags, config: FlowlogConfig, required: boolean): DayRange | undefined {
  if (values.date !== undefined) {
    if (values.from !== undefined || values.to !== undefined) throw new ValidationError('--date', 'give either --date or --from and --to, not both');
    return parseRange(values.date, values.date, 1, { from: '--date', to: '--date' });
  }
  if (values.from === undefined && values.to === undefined) {
    if (required) throw new ValidationError('--date', 'give --date YYYY-MM-DD, or --from and --to');
    return undefined;
  }
  if (values.from === undefined || values.to === undefined) throw new ValidationError(values.from === undefined ? '--from' : '--to', 'give both --from and --to');
  return parseRange(values.from, values.to, config.partitions.maxRangeDays, { from: '--from', to: '--to' });
}

/** `account region` of the source a partition belongs to. */
function sourceOf(layout: PartitionLayout, partition: Partition): string {
  const account = partition.values[ACCOUNT_KEY];
  const region = partition.values[REGION_KEY];
  if (account !== undefined && region !== undefined) return `${account} ${region}`;
  const source = layout.sources.find((s) => partition.location.startsWith(s.root)) ?? layout.sources[0];
  return source === undefined ? '' : `${source.account} ${source.region}`;
}

function line(layout: PartitionLayout, partition: Partition, state: string): string {
  return `${(partition.values[DT_KEY] ?? '').padEnd(10)}  ${sourceOf(layout, partition).padEnd(30)}  ${state}\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function add(local: LocalHandle, config: FlowlogConfig, range: DayRange, dryRun: boolean, listAll: boolean, quiet: boolean, io: CliIo): Promise<void> {
  const progress = createProgress(progressMode({ quiet, isTTY: io.errIsTTY === true }), io.err);
  const days = daysBetween(range.from, range.to) + 1;
  const step = progress.step(dryRun ? 'planning partitions' : 'registering partitions', days * local.layout.sources.length, 'partitions');
  const result = await ensurePartitions(partitionsDeps(local), { range, dryRun });
  step.update(result.added.length + result.existing.length);
  step.finish(`${result.added.length} ${dryRun ? 'to add' : 'added'}`);
  const added = new Set(result.added.map((p) => partitionId(local.layout.keys, p)));
  const all = [...result.added, ...result.existing].sort(
    (a, b) => (a.values[DT_KEY] ?? '').localeCompare(b.values[DT_KEY] ?? '') || sourceOf(local.layout, a).localeCompare(sourceOf(local.layout, b)),
  );
  const stateOf = (p: Partition) => (added.has(partitionId(local.layout.keys, p)) ? (dryRun ? 'would add' : 'added') : 'already registered');
  if (listAll || all.length <= MAX_LINES_LISTED) {
    for (const p of all) io.out(line(local.layout, p, stateOf(p)));
  } else {
    for (const summary of summarizeBySource(local.layout, all, stateOf)) io.out(`${summary}\n`);
    io.out(`(${all.length} partitions: summed up per source; --list prints one line each)\n`);
  }
  const verb = dryRun ? 'Would add' : 'Added';
  io.out(
    `${verb} ${plural(result.added.length, 'partition')}, ${result.existing.length} already registered ` +
      `(${range.from}..${range.to}, ${plural(local.layout.sources.length, 'source')}, table ${config.database}.${config.table}).\n`,
  );
}

/** One line per source and state: how many partitions, their first and last day. */
export function summarizeBySource(layout: PartitionLayout, partitions: readonly Partition[], stateOf: (p: Partition) => string): string[] {
  const groups = new Map<string, string[]>();
  for (const p of partitions) {
    const key = `${sourceOf(layout, p).padEnd(30)}  ${stateOf(p)}`;
    const days = groups.get(key) ?? [];
    days.push(p.values[DT_KEY] ?? '');
    groups.set(key, days);
  }
  return [...groups].map(([key, days]) => {
    const sorted = [...days].sort();
    return `${key}: ${plural(sorted.length, 'partition')}, ${sorted[0]} .. ${sorted[sorted.length - 1]}`;
  });
}

async function list(local: LocalHandle, range: DayRange | undefined, io: CliIo): Promise<void> {
  const partitions = await local.catalog.listPartitions(range ?? ALL_DAYS);
  for (const p of partitions) io.out(`${partitionId(local.layout.keys, p)}  ${p.location}\n`);
  io.out(`${plural(partitions.length, 'partition')} registered${range === undefined ? '' : ` from ${range.from} to ${range.to}`}.\n`);
}

export const partitionsCommand: Command = {
  name: 'partitions',
  summary: 'add the dt partitions of a day or range to the local table, or list them',
  usage: [
    'Usage: flowlog-pilot partitions add (--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD) [--dry-run] [options]',
    '       flowlog-pilot partitions list [--from YYYY-MM-DD --to YYYY-MM-DD] [options]',
    '',
    'add registers one partition per day and source (days are UTC, as the log folders are);',
    'partitions already there are left alone, so running it twice is harmless.',
    '',
    '  --dry-run              show what would be added, change nothing',
    '  --quiet                no progress on stderr',
    `  --list                 one line per partition even over ${MAX_LINES_LISTED} (longer ranges are summed up per source)`,
    LOCAL_FLAGS_USAGE,
  ].join('\n'),
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const [action, ...rest] = args;
    if (action !== 'add' && action !== 'list') {
      throw new UsageError(
        'action',
        `expected add or list, got ${action === undefined ? 'nothing' : JSON.stringify(action)}${action === undefined ? '' : didYouMean(action, ['add', 'list'])}`,
      );
    }
    const { values } = parseFlags(rest, OPTIONS);
    const config = loadLocalConfig(values, io);
    if (action === 'list' && values['dry-run'] === true) throw new ValidationError('--dry-run', 'only partitions add has --dry-run');
    if (action === 'list' && values.list === true) throw new ValidationError('--list', 'only partitions add has --list (partitions list always prints every partition)');
    const range = rangeOf(values, config, action === 'add');
    // Loaded on use, so that --help and mistakes in the flags answer without starting DuckDB.
    const { openLocal } = await import('../../lib/wiring/local.js');
    const local = await openLocal(config);
    try {
      if (action === 'add') await add(local, config, range as DayRange, values['dry-run'] === true, values.list === true, values.quiet === true, io);
      else await list(local, range, io);
      return 0;
    } finally {
      await local.close();
    }
  },
};
