import { ConfigError, ValidationError, asError } from './errors.js';
import { DEFAULT_MAX_RANGE_DAYS } from './dates.js';
import { COLUMN_NAMINGS, DEFAULT_FORMAT, parseFormatString, type ColumnNaming, type FlowLogField } from './flowlog/format.js';
import { bucketNameProblem, FOLDER_STYLES, validateAccount, validateBucket, validatePrefix, validateRegion, type FolderStyle } from './partitions/layout.js';
import { isIdentifier } from './sql/sql.js';

/** Who keeps a table's partitions: the jobs (`managed`, ALTER TABLE ADD PARTITION) or Athena's partition projection. */
export type Partitioning = 'managed' | 'projection';
export const PARTITIONINGS: readonly Partitioning[] = Object.freeze(['managed', 'projection']);

export interface SourceId {
  readonly account: string;
  readonly region: string;
}

/** Everything the jobs need, parsed and checked once (at cold start or CLI start), then frozen. */
export interface FlowlogConfig {
  readonly engine: 'athena' | 'local';
  readonly database: string;
  readonly table: string;
  /** `create`: the stack owns the table. `adopt`: a table made by hand; its keys and location come from Glue. */
  readonly tableMode: 'create' | 'adopt';
  readonly format: readonly FlowLogField[];
  /**
   * How a created table names its columns (the walkthrough's `sourceaddress` or AWS's `srcaddr`).
   * An adopted Athena table's naming is read from its Glue columns instead.
   */
  readonly columnNames: ColumnNaming;
  /**
   * `managed`: the jobs add the table's partitions (ALTER TABLE ADD PARTITION). `projection`: the
   * table created by the stack has Athena partition projection, so nothing is ever added.
   */
  readonly partitioning: Partitioning;
  readonly logs: {
    readonly bucket: string | undefined;
    /** Key prefix before `AWSLogs/`, empty or ending with `/`. */
    readonly prefix: string;
    /** Empty locally means: discover them from the data folder. */
    readonly sources: readonly SourceId[];
    /** How the flow logs name their folders (AWS's Hive-compatible S3 prefixes, or not). */
    readonly folders: FolderStyle;
  };
  readonly partitions: {
    readonly lookBackDays: number;
    readonly maxRangeDays: number;
  };
  readonly athena: {
    readonly workgroup: string;
    readonly outputLocation: string | undefined;
  };
  readonly local: {
    readonly dataDir: string;
    readonly stateDir: string;
  };
  /** The stored daily rollup the reports read instead of the raw logs (src/lib/rollup). */
  readonly rollup: {
    /** `<table>_rollup` unless FLOWLOG_ROLLUP_TABLE names another. */
    readonly table: string;
    /** How long after a UTC day ends its folder is taken as complete (late deliveries). */
    readonly settleMinutes: number;
    /** The workgroup's bytes-scanned cutoff per query: a rollup build is sized to stay under it. */
    readonly maxBytesPerQuery: number;
  };
}

/** Flow logs arrive usually within ~10 minutes of their window; 30 minutes leaves room for stragglers. */
export const DEFAULT_ROLLUP_SETTLE_MINUTES = 30;
/** The stack's default workgroup cutoff (`bytesScannedCutoffMb` 10240, serverless.yml). */
export const DEFAULT_BYTES_SCANNED_CUTOFF_MB = 10_240;

export type Settings = Readonly<Record<string, string | undefined>>;

/** Collects every problem before failing, so one run names every bad key. */
export class SettingsReader {
  readonly problems: string[] = [];
  readonly #settings: Settings;
  readonly #used = new Set<string>();

  constructor(settings: Settings) {
    this.#settings = settings;
  }

  string(key: string, fallback: string): string;
  string(key: string, fallback?: undefined): string | undefined;
  string(key: string, fallback?: string): string | undefined {
    this.#used.add(key);
    const value = this.#settings[key];
    return value === undefined || value === '' ? fallback : value;
  }

  required(key: string): string {
    const value = this.string(key);
    if (value === undefined) {
      this.problems.push(`${key} is required`);
      return '';
    }
    return value;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      this.problems.push(`${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }

  number(key: string, fallback: number, min: number, max: number): number {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      this.problems.push(`${key} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    if (!(choices as readonly string[]).includes(raw)) {
      this.problems.push(`${key} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return raw as T;
  }

  /** Runs a validator, turning its error into a problem for this key. */
  check<T>(key: string, fallback: T, validate: () => T): T {
    try {
      return validate();
    } catch (error) {
      const message = error instanceof ValidationError ? error.message.replace(/^[^:]+: /, '') : asError(error).message;
      this.problems.push(`${key}: ${message}`);
      return fallback;
    }
  }

  /** Keys with this prefix that nothing read: a typo or a removed setting. */
  unknownKeys(prefix: string): string[] {
    return Object.keys(this.#settings).filter((key) => key.startsWith(prefix) && !this.#used.has(key) && this.#settings[key] !== undefined);
  }

  /** Throws one ConfigError naming every problem found so far. */
  finish(prefix = 'FLOWLOG_'): void {
    const unknown = this.unknownKeys(prefix).map((key) => `${key} is not a known setting`);
    const all = [...this.problems, ...unknown];
    if (all.length > 0) throw new ConfigError(all);
  }
}

function nameSetting(reader: SettingsReader, key: string, fallback: string): string {
  const value = reader.string(key, fallback);
  if (!isIdentifier(value)) {
    reader.problems.push(`${key} must be an Athena name (lowercase letters, digits and _, starting with a letter), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `123456789012:ap-northeast-1,210987654321:us-east-1` */
export function parseSources(value: string, key = 'FLOWLOG_SOURCES'): SourceId[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const sources = items.map((item) => {
    const [account, region, extra] = item.split(':');
    if (extra !== undefined || account === undefined || region === undefined) {
      throw new ValidationError(key, `expected ACCOUNT:REGION, got ${JSON.stringify(item)}`);
    }
    return { account: validateAccount(account, key), region: validateRegion(region, key) };
  });
  const ids = sources.map((s) => `${s.account}:${s.region}`);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new ValidationError(key, `${twice} is listed twice`);
  return sources;
}

/**
 * Reads the core settings (the FLOWLOG_* environment of a Lambda, or the CLI's flags mapped to
 * the same keys). Report settings are read by the report module with the same reader.
 */
export function readCoreConfig(reader: SettingsReader): FlowlogConfig {
  const engine = reader.oneOf('FLOWLOG_ENGINE', ['athena', 'local'] as const, 'athena');
  const bucketRaw = reader.string('FLOWLOG_BUCKET');
  const bucket = bucketRaw === undefined ? undefined : reader.check('FLOWLOG_BUCKET', undefined, () => validateBucket(bucketRaw));
  const sourcesRaw = reader.string('FLOWLOG_SOURCES', '');
  const tableMode = reader.oneOf('FLOWLOG_TABLE_MODE', ['create', 'adopt'] as const, 'create');
  const table = nameSetting(reader, 'FLOWLOG_TABLE', 'vpc_flow_logs');
  const config: FlowlogConfig = {
    engine,
    database: nameSetting(reader, 'FLOWLOG_DATABASE', 'flowlogs'),
    table,
    tableMode,
    format: reader.check('FLOWLOG_FORMAT', DEFAULT_FORMAT, () => parseFormatString(reader.string('FLOWLOG_FORMAT', ''), 'FLOWLOG_FORMAT')),
    columnNames: reader.oneOf('FLOWLOG_COLUMN_NAMES', COLUMN_NAMINGS, 'walkthrough'),
    logs: {
      bucket,
      prefix: reader.check('FLOWLOG_PREFIX', '', () => validatePrefix(reader.string('FLOWLOG_PREFIX', ''))),
      sources: reader.check('FLOWLOG_SOURCES', [], () => parseSources(sourcesRaw)),
      folders: reader.oneOf('FLOWLOG_FOLDERS', FOLDER_STYLES, 'default'),
    },
    partitioning: reader.oneOf('FLOWLOG_PARTITIONING', PARTITIONINGS, 'managed'),
    partitions: {
      lookBackDays: reader.integer('FLOWLOG_LOOKBACK_DAYS', 3, 0, 366),
      maxRangeDays: reader.integer('FLOWLOG_MAX_RANGE_DAYS', DEFAULT_MAX_RANGE_DAYS, 1, 36_600),
    },
    athena: {
      workgroup: reader.check('FLOWLOG_WORKGROUP', 'primary', () => workgroupName(reader.string('FLOWLOG_WORKGROUP', 'primary'))),
      outputLocation: reader.string('FLOWLOG_OUTPUT_LOCATION'),
    },
    local: {
      dataDir: reader.string('FLOWLOG_DATA_DIR', './data'),
      stateDir: reader.string('FLOWLOG_STATE_DIR', './.flowlog-pilot'),
    },
    rollup: {
      table: nameSetting(reader, 'FLOWLOG_ROLLUP_TABLE', `${table}_rollup`),
      settleMinutes: reader.integer('FLOWLOG_ROLLUP_SETTLE_MINUTES', DEFAULT_ROLLUP_SETTLE_MINUTES, 0, 7 * 24 * 60),
      maxBytesPerQuery: reader.integer('FLOWLOG_BYTES_SCANNED_CUTOFF_MB', DEFAULT_BYTES_SCANNED_CUTOFF_MB, 10, 1024 * 1024 * 1024) * 1024 * 1024,
    },
  };
  if (config.rollup.table === table) reader.problems.push(`FLOWLOG_ROLLUP_TABLE must differ from FLOWLOG_TABLE (${table})`);
  if (engine === 'athena' && tableMode === 'create') {
    if (bucket === undefined && bucketRaw === undefined) reader.problems.push('FLOWLOG_BUCKET is required with the athena engine');
    if (config.logs.sources.length === 0 && sourcesRaw === '') reader.problems.push('FLOWLOG_SOURCES is required with the athena engine (ACCOUNT:REGION,...)');
  }
  const output = config.athena.outputLocation;
  if (output !== undefined) {
    const bucket = /^s3:\/\/([^/]*)(\/.*)?$/.exec(output)?.[1];
    const problem = bucket === undefined ? 'not an s3:// location' : bucketNameProblem(bucket);
    if (problem !== undefined) reader.problems.push(`FLOWLOG_OUTPUT_LOCATION must be an s3://bucket/ location (${problem}), got ${JSON.stringify(output)}`);
  }
  return config;
}

/** Athena workgroup names: 1-128 of letters, digits, `.`, `_` and `-`. */
function workgroupName(value: string): string {
  if (!/^[a-zA-Z0-9._-]{1,128}$/.test(value)) throw new ValidationError('FLOWLOG_WORKGROUP', `${JSON.stringify(value)} is not a valid workgroup name`);
  return value;
}

/** Deep-freezes a parsed configuration so nothing changes it after start. */
export function freeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) freeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Parses and freezes the core configuration, failing with every bad key named. */
export function loadCoreConfig(settings: Settings): FlowlogConfig {
  const reader = new SettingsReader(settings);
  const config = readCoreConfig(reader);
  reader.finish();
  return freeze(config);
}
