import * as v from 'valibot';
import { ConfigError, ValidationError } from './errors.js';
import { DEFAULT_MAX_RANGE_DAYS } from './dates.js';
import { COLUMN_NAMINGS, DEFAULT_FORMAT, parseFormatString, type ColumnNaming, type FlowLogField } from './flowlog/format.js';
import { bucketNameProblem, FOLDER_STYLES, validateAccount, validateBucket, validatePrefix, validateRegion, type FolderStyle } from './partitions/layout.js';
import { isIdentifier } from './sql/sql.js';
import { validatedBy } from './validation.js';

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

/** How a bad setting is worded: `FLOWLOG_X must be ...` for the Lambdas and the CLI; the stack says `param x: ...`. */
export type ProblemWording = (key: string, message: string) => string;
const settingWording: ProblemWording = (key, message) => (/^(must|is) /.test(message) ? `${key} ${message}` : `${key}: ${message}`);

// The schemas of one setting's text, shared by the Lambdas, the CLI and the stack's params. The
// text is never empty here: an empty setting is unset and takes its default.
export type SettingSchema<T> = v.GenericSchema<string, T>;
const got = (issue: v.BaseIssue<unknown>) => JSON.stringify(issue.input);

export const wholeNumber = (min: number, max: number): SettingSchema<number> =>
  v.pipe(
    v.string(),
    v.check(
      (raw) => /^-?\d+$/.test(raw.trim()) && Number(raw) >= min && Number(raw) <= max,
      (issue) => `must be a whole number from ${min} to ${max}, got ${got(issue)}`,
    ),
    v.transform(Number),
  );
export const decimal = (min: number, max: number): SettingSchema<number> =>
  v.pipe(
    v.string(),
    v.check(
      (raw) => raw.trim() !== '' && Number.isFinite(Number(raw)) && Number(raw) >= min && Number(raw) <= max,
      (issue) => `must be a number from ${min} to ${max}, got ${got(issue)}`,
    ),
    v.transform(Number),
  );
export const oneOf = <T extends string>(choices: readonly T[]): SettingSchema<T> => v.picklist(choices, (issue) => `must be one of ${choices.join(', ')}, got ${got(issue)}`);
export const trueOrFalse: SettingSchema<boolean> = v.pipe(
  v.picklist(['true', 'false'], (issue) => `must be true or false, got ${got(issue)}`),
  v.transform((raw) => raw === 'true'),
);
export const athenaName: SettingSchema<string> = v.pipe(
  v.string(),
  v.check(isIdentifier, (issue) => `must be an Athena name (lowercase letters, digits and _, starting with a letter), got ${got(issue)}`),
);
/** A setting read by one of the project's validators (which throw ValidationError). */
export const validated = <T>(validate: (raw: string) => T): SettingSchema<T> => v.pipe(v.string(), validatedBy(validate));

/**
 * SSM Parameter Store names (PutParameter): `a-zA-Z0-9_.-`, `/` between the levels of a hierarchy,
 * which then starts with `/`, at most 15 levels, at most 1011 characters. A name, not an ARN: the
 * stack grants the Slack forwarder the parameter of that name in its own account and region.
 */
export const SSM_PARAMETER_NAME = /^(?=.{1,1011}$)(?:[A-Za-z0-9_.-]+|(?:\/[A-Za-z0-9_.-]+){1,15})$/;
export const ssmParameterName: SettingSchema<string> = v.pipe(
  v.string(),
  v.regex(SSM_PARAMETER_NAME, (issue) => `must be an SSM parameter name (letters, digits, _ . - and / between levels, such as /flowlog-pilot/slack-webhook), got ${got(issue)}`),
);

/** Collects every problem before failing, so one run names every bad key. */
export class SettingsReader {
  readonly problems: string[] = [];
  readonly #settings: Settings;
  readonly #wording: ProblemWording;
  readonly #used = new Set<string>();

  constructor(settings: Settings, wording: ProblemWording = settingWording) {
    this.#settings = settings;
    this.#wording = wording;
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
      this.problem(key, 'is required');
      return '';
    }
    return value;
  }

  /** The setting read by `schema`, its default when unset; a bad value is a problem naming the key. */
  read<T>(key: string, schema: SettingSchema<T>, fallback: T): T {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const result = v.safeParse(schema, raw);
    if (result.success) return result.output;
    for (const issue of result.issues) this.problem(key, issue.message);
    return fallback;
  }

  problem(key: string, message: string): void {
    this.problems.push(this.#wording(key, message));
  }

  /** Keys with this prefix that nothing read: a typo or a removed setting. */
  unknownKeys(prefix: string): string[] {
    return Object.keys(this.#settings).filter((key) => key.startsWith(prefix) && !this.#used.has(key) && this.#settings[key] !== undefined);
  }

  /** Throws one ConfigError naming every problem found so far (and every unknown key with `prefix`). */
  finish(prefix?: string): void {
    const unknown = prefix === undefined ? [] : this.unknownKeys(prefix).map((key) => `${key} is not a known setting`);
    const all = [...this.problems, ...unknown];
    if (all.length > 0) throw new ConfigError(all);
  }
}

/** `123456789012:ap-northeast-1,210987654321:us-east-1` */
export function parseSources(value: string, key = 'FLOWLOG_SOURCES'): SourceId[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
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
  const engine = reader.read('FLOWLOG_ENGINE', oneOf(['athena', 'local'] as const), 'athena');
  const tableMode = reader.read('FLOWLOG_TABLE_MODE', oneOf(['create', 'adopt'] as const), 'create');
  const table = reader.read('FLOWLOG_TABLE', athenaName, 'vpc_flow_logs');
  const config: FlowlogConfig = {
    engine,
    database: reader.read('FLOWLOG_DATABASE', athenaName, 'flowlogs'),
    table,
    tableMode,
    format: reader.read(
      'FLOWLOG_FORMAT',
      validated((raw) => parseFormatString(raw, 'FLOWLOG_FORMAT')),
      DEFAULT_FORMAT,
    ),
    columnNames: reader.read('FLOWLOG_COLUMN_NAMES', oneOf(COLUMN_NAMINGS), 'walkthrough'),
    logs: {
      bucket: reader.read('FLOWLOG_BUCKET', validated(validateBucket), undefined),
      prefix: reader.read('FLOWLOG_PREFIX', validated(validatePrefix), ''),
      sources: reader.read('FLOWLOG_SOURCES', validated(parseSources), []),
      folders: reader.read('FLOWLOG_FOLDERS', oneOf(FOLDER_STYLES), 'default'),
    },
    partitioning: reader.read('FLOWLOG_PARTITIONING', oneOf(PARTITIONINGS), 'managed'),
    partitions: {
      lookBackDays: reader.read('FLOWLOG_LOOKBACK_DAYS', wholeNumber(0, 366), 3),
      maxRangeDays: reader.read('FLOWLOG_MAX_RANGE_DAYS', wholeNumber(1, 36_600), DEFAULT_MAX_RANGE_DAYS),
    },
    athena: {
      workgroup: reader.read('FLOWLOG_WORKGROUP', WORKGROUP, 'primary'),
      outputLocation: reader.read('FLOWLOG_OUTPUT_LOCATION', OUTPUT_LOCATION, undefined),
    },
    local: {
      dataDir: reader.string('FLOWLOG_DATA_DIR', './data'),
      stateDir: reader.string('FLOWLOG_STATE_DIR', './.flowlog-pilot'),
    },
    rollup: {
      table: reader.read('FLOWLOG_ROLLUP_TABLE', athenaName, `${table}_rollup`),
      settleMinutes: reader.read('FLOWLOG_ROLLUP_SETTLE_MINUTES', wholeNumber(0, 7 * 24 * 60), DEFAULT_ROLLUP_SETTLE_MINUTES),
      maxBytesPerQuery: reader.read('FLOWLOG_BYTES_SCANNED_CUTOFF_MB', wholeNumber(10, 1024 * 1024 * 1024), DEFAULT_BYTES_SCANNED_CUTOFF_MB) * 1024 * 1024,
    },
  };
  if (config.rollup.table === table) reader.problem('FLOWLOG_ROLLUP_TABLE', `must differ from FLOWLOG_TABLE (${table})`);
  if (engine === 'athena' && tableMode === 'create') {
    if (reader.string('FLOWLOG_BUCKET') === undefined) reader.problem('FLOWLOG_BUCKET', 'is required with the athena engine');
    if (reader.string('FLOWLOG_SOURCES') === undefined) reader.problem('FLOWLOG_SOURCES', 'is required with the athena engine (ACCOUNT:REGION,...)');
  }
  return config;
}

/** Athena workgroup names: 1-128 of letters, digits, `.`, `_` and `-`. */
const WORKGROUP = v.pipe(
  v.string(),
  v.regex(/^[a-zA-Z0-9._-]{1,128}$/, (issue) => `${JSON.stringify(issue.input)} is not a valid workgroup name`),
);

/** Athena's query results location: an s3:// URL whose bucket name is valid. */
const OUTPUT_LOCATION = v.pipe(
  v.string(),
  v.check(
    (output) => outputLocationProblem(output) === undefined,
    (issue) => `must be an s3://bucket/ location (${outputLocationProblem(String(issue.input))}), got ${JSON.stringify(issue.input)}`,
  ),
);

function outputLocationProblem(output: string): string | undefined {
  const bucket = /^s3:\/\/([^/]*)(\/.*)?$/.exec(output)?.[1];
  return bucket === undefined ? 'not an s3:// location' : bucketNameProblem(bucket);
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
  reader.finish('FLOWLOG_');
  return freeze(config);
}
