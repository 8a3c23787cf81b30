import { resolve } from 'node:path';
import { loadCoreConfig, type FlowlogConfig, type Settings } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import type { CliIo } from './command.js';

/** The flags every local command shares; each maps onto one setting key. */
export const LOCAL_FLAGS = {
  data: { type: 'string' },
  state: { type: 'string' },
  database: { type: 'string' },
  table: { type: 'string' },
  'format-string': { type: 'string' },
  folders: { type: 'string' },
  'column-names': { type: 'string' },
} as const;

export const LOCAL_FLAGS_USAGE = [
  '  --data DIR             local copy of the bucket, holding AWSLogs/... (default ./data)',
  '  --state DIR            state folder: registered partitions, file facts (default ./.flowlog-pilot)',
  '  --database NAME        database name (default flowlogs)',
  '  --table NAME           table name (default vpc_flow_logs)',
  '  --format-string "..."  the flow log format, as given to AWS (default: the version 2 fields)',
  '  --folders default|hive folder names of the given --sources (found by themselves otherwise)',
  '  --column-names walkthrough|aws  column names of the table: sourceaddress, ... (default) or srcaddr, ... as AWS names them',
].join('\n');

export interface LocalFlagValues {
  readonly data?: string | undefined;
  readonly state?: string | undefined;
  readonly database?: string | undefined;
  readonly table?: string | undefined;
  readonly 'format-string'?: string | undefined;
  readonly folders?: string | undefined;
  readonly 'column-names'?: string | undefined;
}

/**
 * The settings the flags stand for, so the CLI is validated by the same code as the Lambdas'
 * environment. Folders are resolved against the command's working folder.
 */
export function localSettings(values: LocalFlagValues, cwd: string): Settings {
  return {
    FLOWLOG_ENGINE: 'local',
    FLOWLOG_DATA_DIR: resolve(cwd, values.data ?? './data'),
    FLOWLOG_STATE_DIR: resolve(cwd, values.state ?? './.flowlog-pilot'),
    FLOWLOG_DATABASE: values.database,
    FLOWLOG_TABLE: values.table,
    FLOWLOG_FORMAT: values['format-string'],
    FLOWLOG_FOLDERS: values.folders,
    FLOWLOG_COLUMN_NAMES: values['column-names'],
  };
}

export function loadLocalConfig(values: LocalFlagValues, io: CliIo): FlowlogConfig {
  return inFlagTerms(() => loadCoreConfig(localSettings(values, io.cwd)));
}

const FLAG_OF_SETTING: Readonly<Record<string, string>> = {
  FLOWLOG_DATA_DIR: '--data',
  FLOWLOG_STATE_DIR: '--state',
  FLOWLOG_DATABASE: '--database',
  FLOWLOG_TABLE: '--table',
  FLOWLOG_FORMAT: '--format-string',
  FLOWLOG_FOLDERS: '--folders',
  FLOWLOG_COLUMN_NAMES: '--column-names',
  FLOWLOG_REPORT_TIMEZONE: '--tz',
  FLOWLOG_MIN_BASELINE_DAYS: '--min-baseline-days',
};

/** Loads settings, naming a bad one by the flag the user typed rather than by its setting key. */
export function inFlagTerms<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems.map((problem) => problem.replace(/^FLOWLOG_[A-Z_]+/, (key) => FLAG_OF_SETTING[key] ?? key)));
  }
}

/** Drops unset values, so that spreading settings never hides one given earlier. */
export function definedOnly(settings: Settings): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
