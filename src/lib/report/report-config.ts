import type { ListSource } from '../ports.js';
import * as v from 'valibot';
import { decimal, freeze, oneOf, readCoreConfig, SettingsReader, validated, wholeNumber, type FlowlogConfig, type Settings } from '../config.js';
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
  /** The function that says where interfaces live (EC2 DescribeNetworkInterfaces), when the stack has one. */
  readonly interfacesFunction: string | undefined;
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
  const topicArn = reader.read('FLOWLOG_TOPIC_ARN', TOPIC_ARN, undefined);
  const filesBucket = reader.read('FLOWLOG_REPORT_BUCKET', REPORT_BUCKET, undefined);
  // The console links name the bucket's region: the stack's own, which Lambda sets as AWS_REGION.
  const region = filesBucket === undefined ? undefined : reader.string('AWS_REGION');
  if (filesBucket !== undefined && (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))) {
    reader.problem('AWS_REGION', `must name the region of FLOWLOG_REPORT_BUCKET, got ${JSON.stringify(region ?? '')}`);
  }
  const interfacesFunction = reader.string('FLOWLOG_INTERFACES_FUNCTION');
  if (interfacesFunction !== undefined && !/^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}$/.test(interfacesFunction)) {
    reader.problems.push(`FLOWLOG_INTERFACES_FUNCTION must be a Lambda function name or ARN, got ${JSON.stringify(interfacesFunction)}`);
  }
  return {
    timezone: reader.read(
      'FLOWLOG_REPORT_TIMEZONE',
      validated((zone) => validateTimeZone(zone, 'FLOWLOG_REPORT_TIMEZONE')),
      'UTC',
    ),
    notify: reader.read('FLOWLOG_NOTIFY', oneOf(['always', 'findings'] as const), 'always'),
    topicArn,
    pricePerTbUsd: reader.read('FLOWLOG_PRICE_PER_TB_USD', decimal(0, 1_000_000), DEFAULT_PRICE_PER_TB_USD),
    thresholds: {
      portScanMinPorts: reader.read('FLOWLOG_PORT_SCAN_MIN_PORTS', wholeNumber(1, 65535), 100),
      bruteForceMinFlows: reader.read('FLOWLOG_BRUTE_FORCE_MIN_FLOWS', wholeNumber(1, Number.MAX_SAFE_INTEGER), 100),
      rejectSpikeRatio: reader.read('FLOWLOG_REJECT_SPIKE_RATIO', decimal(1, 1_000_000), 2),
      rejectSpikeMinRecords: reader.read('FLOWLOG_REJECT_SPIKE_MIN_RECORDS', wholeNumber(0, Number.MAX_SAFE_INTEGER), 1000),
      egressSpikeRatio: reader.read('FLOWLOG_EGRESS_SPIKE_RATIO', decimal(1, 1_000_000), 5),
      egressSpikeMinBytes: reader.read('FLOWLOG_EGRESS_SPIKE_MIN_BYTES', wholeNumber(0, Number.MAX_SAFE_INTEGER), ONE_GB),
      adminPorts: reader.read(
        'FLOWLOG_ADMIN_PORTS',
        validated((ports) => validateParam('ports', ports, 'FLOWLOG_ADMIN_PORTS') as readonly number[]),
        DEFAULT_ADMIN_PORTS,
      ),
      ephemeralPorts: reader.read('FLOWLOG_EPHEMERAL_PORTS', oneOf(EPHEMERAL_PRESET_NAMES), 'linux'),
      minBaselineDays: reader.read('FLOWLOG_MIN_BASELINE_DAYS', wholeNumber(1, BASELINE_DAYS), DEFAULT_MIN_BASELINE_DAYS),
      baselineMinDayHours: reader.read('FLOWLOG_BASELINE_MIN_DAY_HOURS', wholeNumber(1, 24), DEFAULT_BASELINE_MIN_DAY_HOURS),
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
    interfacesFunction,
  };
}

const TOPIC_ARN = v.pipe(
  v.string(),
  v.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, (issue) => `must be an SNS topic ARN, got ${JSON.stringify(issue.input)}`),
);
const REPORT_BUCKET = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, (issue) => `must be an S3 bucket name, got ${JSON.stringify(issue.input)}`),
);

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
  reader.finish('FLOWLOG_');
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
