import type { ListSource } from '../ports.js';
import { freeze, readCoreConfig, SettingsReader, type FlowlogConfig, type Settings } from '../config.js';
import { EPHEMERAL_PRESET_NAMES, validateParam, type EphemeralPreset } from './saved-queries.js';
import { BASELINE_DAYS, validateTimeZone } from './window.js';

export type NotifyWhen = 'always' | 'findings';

export interface ReportThresholds {
  readonly portScanMinPorts: number;
  readonly bruteForceMinFlows: number;
  readonly rejectSpikeRatio: number;
  readonly rejectSpikeMinRecords: number;
  readonly egressSpikeRatio: number;
  readonly egressSpikeMinBytes: number;
  readonly adminPorts: readonly number[];
  readonly ephemeralPorts: EphemeralPreset;
  /** Complete baseline days the spike rules need before they compare (FLOWLOG_MIN_BASELINE_DAYS). */
  readonly minBaselineDays: number;
  /** Hours of a day that must hold records for the day to count as complete (FLOWLOG_BASELINE_MIN_DAY_HOURS). */
  readonly baselineMinDayHours: number;
}

/** The report job's settings, parsed once next to the core configuration. */
export interface ReportConfig {
  readonly timezone: string;
  readonly notify: NotifyWhen;
  readonly topicArn: string | undefined;
  readonly pricePerTbUsd: number;
  readonly thresholds: ReportThresholds;
  /** Where the report Lambda saves the report's files (the results bucket), when it does. */
  readonly files: { readonly bucket: string; readonly region: string } | undefined;
  /** Where the suppressions and the watchlist are kept (an SSM parameter or a bundled file), when configured. */
  readonly lists: ReportLists;
}

export interface ReportLists {
  readonly suppressions?: ListSource;
  readonly watchlist?: ListSource;
}

/** SSM parameter names: letters, digits and _.-/ (a leading / for a path), up to 2,048 characters with it. */
const SSM_PARAMETER_NAME = /^\/?[A-Za-z0-9_.\-/]{1,2047}$/;
/** A file in the function's folder: a relative path without .. or a leading /. */
const BUNDLED_FILE = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_.\-/]{1,255}$/;

/** One list's place: FLOWLOG_<KEY>_PARAMETER or FLOWLOG_<KEY>_FILE, not both (a file relative to `dir` when given). */
function listSource(reader: SettingsReader, key: 'SUPPRESSIONS' | 'WATCHLIST', dir: string | undefined): ListSource | undefined {
  const parameter = reader.string(`FLOWLOG_${key}_PARAMETER`);
  const file = reader.string(`FLOWLOG_${key}_FILE`);
  if (parameter !== undefined && file !== undefined) {
    reader.problems.push(`FLOWLOG_${key}_PARAMETER and FLOWLOG_${key}_FILE are both set: keep the list in one place`);
    return undefined;
  }
  if (parameter !== undefined) {
    if (SSM_PARAMETER_NAME.test(parameter)) return { kind: 'parameter', name: parameter };
    reader.problems.push(`FLOWLOG_${key}_PARAMETER must be an SSM parameter name, got ${JSON.stringify(parameter)}`);
  }
  if (file !== undefined) {
    if (BUNDLED_FILE.test(file)) return { kind: 'file', path: file, ...(dir === undefined ? {} : { dir }) };
    reader.problems.push(`FLOWLOG_${key}_FILE must be a path inside the service folder (relative, no ..), got ${JSON.stringify(file)}`);
  }
  return undefined;
}

export const DEFAULT_ADMIN_PORTS: readonly number[] = Object.freeze([22, 3389, 5985, 5986, 3306, 5432, 1433, 1521, 27017, 6379, 9042]);
/** Athena's list price per TB scanned in most regions. */
export const DEFAULT_PRICE_PER_TB_USD = 5;
const ONE_GB = 1_000_000_000;
/** Three complete days: one odd day cannot set the usual level alone. */
export const DEFAULT_MIN_BASELINE_DAYS = 3;
/**
 * AWS writes a record (NODATA when idle) for every interface in every aggregation interval, so a
 * day of full delivery has records in all 24 hours; 20 tolerates a few hours lost to a delivery
 * hiccup while a flow log created at 05:00 (19 hours) does not count.
 */
export const DEFAULT_BASELINE_MIN_DAY_HOURS = 20;

/**
 * Reads the FLOWLOG_REPORT_* and threshold keys with the shared reader, so a bad report setting
 * is named in the same one message as a bad core setting.
 */
export function readReportConfig(reader: SettingsReader): ReportConfig {
  const topicArn = reader.string('FLOWLOG_TOPIC_ARN');
  if (topicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicArn)) {
    reader.problems.push(`FLOWLOG_TOPIC_ARN must be an SNS topic ARN, got ${JSON.stringify(topicArn)}`);
  }
  const filesBucket = reader.string('FLOWLOG_REPORT_BUCKET');
  if (filesBucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(filesBucket)) {
    reader.problems.push(`FLOWLOG_REPORT_BUCKET must be an S3 bucket name, got ${JSON.stringify(filesBucket)}`);
  }
  // The console links name the bucket's region: the stack's own, which Lambda sets as AWS_REGION.
  const region = filesBucket === undefined ? undefined : reader.string('AWS_REGION');
  if (filesBucket !== undefined && (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))) {
    reader.problems.push(`AWS_REGION must name the region of FLOWLOG_REPORT_BUCKET, got ${JSON.stringify(region ?? '')}`);
  }
  return {
    timezone: reader.check('FLOWLOG_REPORT_TIMEZONE', 'UTC', () => validateTimeZone(reader.string('FLOWLOG_REPORT_TIMEZONE', 'UTC'), 'FLOWLOG_REPORT_TIMEZONE')),
    notify: reader.oneOf('FLOWLOG_NOTIFY', ['always', 'findings'] as const, 'always'),
    topicArn,
    pricePerTbUsd: reader.number('FLOWLOG_PRICE_PER_TB_USD', DEFAULT_PRICE_PER_TB_USD, 0, 1_000_000),
    thresholds: {
      portScanMinPorts: reader.integer('FLOWLOG_PORT_SCAN_MIN_PORTS', 100, 1, 65535),
      bruteForceMinFlows: reader.integer('FLOWLOG_BRUTE_FORCE_MIN_FLOWS', 100, 1, Number.MAX_SAFE_INTEGER),
      rejectSpikeRatio: reader.number('FLOWLOG_REJECT_SPIKE_RATIO', 2, 1, 1_000_000),
      rejectSpikeMinRecords: reader.integer('FLOWLOG_REJECT_SPIKE_MIN_RECORDS', 1000, 0, Number.MAX_SAFE_INTEGER),
      egressSpikeRatio: reader.number('FLOWLOG_EGRESS_SPIKE_RATIO', 5, 1, 1_000_000),
      egressSpikeMinBytes: reader.integer('FLOWLOG_EGRESS_SPIKE_MIN_BYTES', ONE_GB, 0, Number.MAX_SAFE_INTEGER),
      adminPorts: reader.check('FLOWLOG_ADMIN_PORTS', DEFAULT_ADMIN_PORTS, () =>
        validateParam('ports', reader.string('FLOWLOG_ADMIN_PORTS', DEFAULT_ADMIN_PORTS.join(',')), 'FLOWLOG_ADMIN_PORTS') as readonly number[],
      ),
      ephemeralPorts: reader.oneOf('FLOWLOG_EPHEMERAL_PORTS', EPHEMERAL_PRESET_NAMES, 'linux'),
      minBaselineDays: reader.integer('FLOWLOG_MIN_BASELINE_DAYS', DEFAULT_MIN_BASELINE_DAYS, 1, BASELINE_DAYS),
      baselineMinDayHours: reader.integer('FLOWLOG_BASELINE_MIN_DAY_HOURS', DEFAULT_BASELINE_MIN_DAY_HOURS, 1, 24),
    },
    files: filesBucket === undefined || region === undefined ? undefined : { bucket: filesBucket, region },
    lists: (() => {
      // Only `serverless invoke local` sets it: the bundled files are then read from the service folder.
      const dir = reader.string('FLOWLOG_LISTS_DIR');
      if (dir !== undefined && !dir.startsWith('/')) reader.problems.push(`FLOWLOG_LISTS_DIR must be an absolute folder, got ${JSON.stringify(dir)}`);
      const suppressions = listSource(reader, 'SUPPRESSIONS', dir);
      const watchlist = listSource(reader, 'WATCHLIST', dir);
      return { ...(suppressions === undefined ? {} : { suppressions }), ...(watchlist === undefined ? {} : { watchlist }) };
    })(),
  };
}

/** Parses and freezes the report settings alone (the core ones are read by loadCoreConfig). */
export function loadReportConfig(settings: Settings): ReportConfig {
  const reader = new SettingsReader(settings);
  const config = readReportConfig(reader);
  reader.finish('FLOWLOG_REPORT_');
  return freeze(config);
}

export interface ReportJobConfig {
  readonly core: FlowlogConfig;
  readonly report: ReportConfig;
}

/** Everything the report job reads, checked in one pass: one error names every bad or unknown key. */
export function loadReportJobConfig(settings: Settings): ReportJobConfig {
  const reader = new SettingsReader(settings);
  const core = readCoreConfig(reader);
  const report = readReportConfig(reader);
  reader.finish();
  return freeze({ core, report });
}

/**
 * The saved queries' parameter values from the configuration, by parameter name: every query
 * that declares a name (the built-in ones, or one a user adds) gets the configured value.
 */
export function queryValues(thresholds: ReportThresholds): Readonly<Record<string, unknown>> {
  return Object.freeze({
    min_ports: thresholds.portScanMinPorts,
    min_flows: thresholds.bruteForceMinFlows,
    reject_ratio: thresholds.rejectSpikeRatio,
    min_rejected: thresholds.rejectSpikeMinRecords,
    egress_ratio: thresholds.egressSpikeRatio,
    min_bytes: thresholds.egressSpikeMinBytes,
    admin_ports: thresholds.adminPorts,
    ephemeral_ports: thresholds.ephemeralPorts,
    min_baseline_days: thresholds.minBaselineDays,
  });
}
