import { ValidationError } from '../errors.js';
import { quoteForMessage, type UtcDay } from '../dates.js';

/**
 * How a flow log names its folders, chosen when it is created: `default`
 * (`AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/`) or `hive`, AWS's Hive-compatible S3
 * prefixes (`AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=YYYY/month=MM/day=DD/`).
 */
export type FolderStyle = 'default' | 'hive';
export const FOLDER_STYLES: readonly FolderStyle[] = ['default', 'hive'];

/** One flow-log source: the logs of one account in one region, under its own folder. */
export interface Source {
  readonly account: string;
  readonly region: string;
  /** The folder holding the day folders, ending with `/`. */
  readonly root: string;
  /** How the day folders are named; `default` when absent. */
  readonly folders?: FolderStyle;
}

/**
 * How a table is partitioned. One source: `dt` only (the table users make by hand). Several
 * sources sharing a table (an organization bucket): the account and region are keys too, named so
 * that they never collide with a flow-log column (`account`, `region` are columns).
 */
export interface PartitionLayout {
  readonly keys: readonly string[];
  readonly sources: readonly Source[];
  /**
   * The raw table's own partition keys when they are not `keys`: the console's Athena integration
   * keys its table by (`aws-account-id`, `aws-service`, `aws-region`, `year`, `month`, `day`[,
   * `hour`]). Partitions are planned by `keys` and written in the table's scheme
   * (src/lib/partitions/integration.ts).
   */
  readonly tableKeys?: readonly string[];
  /**
   * True when Athena projects the table's partitions (`projection.enabled` in its Glue
   * parameters): no partition is ever added to it, so the jobs skip ALTER TABLE ADD PARTITION.
   */
  readonly projected?: boolean;
}

export const DT_KEY = 'dt';
export const ACCOUNT_KEY = 'aws_account';
export const REGION_KEY = 'aws_region';
export const SINGLE_SOURCE_KEYS: readonly string[] = Object.freeze([DT_KEY]);
export const MULTI_SOURCE_KEYS: readonly string[] = Object.freeze([ACCOUNT_KEY, REGION_KEY, DT_KEY]);
/** The keys of the table the VPC console's "Generate Athena integration" makes, daily. */
export const INTEGRATION_KEYS: readonly string[] = Object.freeze(['aws-account-id', 'aws-service', 'aws-region', 'year', 'month', 'day']);
/** The same for flow logs delivered per hour. */
export const INTEGRATION_HOURLY_KEYS: readonly string[] = Object.freeze([...INTEGRATION_KEYS, 'hour']);

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// S3 key characters AWS calls safe, plus `=` for Hive-style folders.
const PREFIX = /^([A-Za-z0-9!_.*'()=-]+\/)*$/;
// An S3 key is at most 1,024 bytes; the rest of a day folder's key takes about 80 of them.
const MAX_PREFIX_CHARS = 900;

export function validateAccount(value: unknown, field = 'account'): string {
  if (typeof value !== 'string' || !ACCOUNT.test(value)) {
    throw new ValidationError(field, `${typeof value === 'string' ? quoteForMessage(value) : 'value'} is not a 12-digit AWS account id`);
  }
  return value;
}

export function validateRegion(value: unknown, field = 'region'): string {
  if (typeof value !== 'string' || !REGION.test(value)) {
    throw new ValidationError(field, `${typeof value === 'string' ? quoteForMessage(value) : 'value'} is not an AWS region name such as ap-northeast-1`);
  }
  return value;
}

/** A key prefix before `AWSLogs/`: empty, or folders each ending with `/`. */
export function validatePrefix(value: unknown, field = 'prefix'): string {
  if (typeof value !== 'string' || !PREFIX.test(value) || value.length > MAX_PREFIX_CHARS) {
    throw new ValidationError(
      field,
      `${typeof value === 'string' ? quoteForMessage(value) : 'value'} is not a key prefix (folders of letters, digits and !_.*'()=- each ending with /, at most ${MAX_PREFIX_CHARS} characters)`,
    );
  }
  return value;
}

// Reserved by S3 (bucket naming rules, general purpose buckets): names S3 will never create.
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3'];

/**
 * S3's general purpose bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens,
 * starting and ending with a letter or digit, no `..`, not an IP address, none of the reserved
 * prefixes and suffixes. A name S3 cannot have is refused at start instead of as an empty report.
 */
export function bucketNameProblem(value: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) return '3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (value.includes('..')) return 'no two dots in a row';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return 'not formatted as an IP address';
  const prefix = RESERVED_BUCKET_PREFIXES.find((p) => value.startsWith(p));
  if (prefix !== undefined) return `the prefix ${prefix} is reserved by S3`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => value.endsWith(s));
  if (suffix !== undefined) return `the suffix ${suffix} is reserved by S3`;
  return undefined;
}

export function validateBucket(value: unknown, field = 'bucket'): string {
  const problem = typeof value === 'string' ? bucketNameProblem(value) : 'expected a string';
  if (problem !== undefined) throw new ValidationError(field, `${typeof value === 'string' ? quoteForMessage(value) : 'value'} is not a valid S3 bucket name (${problem})`);
  return value as string;
}

/** The folder AWS delivers one source's logs to, relative to the bucket: `AWSLogs/<account>/vpcflowlogs/<region>/` or its Hive-style form. */
export function sourceFolder(account: string, region: string, folders: FolderStyle = 'default'): string {
  return folders === 'hive' ? `AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/aws-region=${region}/` : `AWSLogs/${account}/vpcflowlogs/${region}/`;
}

/** The folder AWS delivers one source's logs to: `<base><prefix>` and the source folder. */
export function sourceRoot(base: string, prefix: string, account: string, region: string, folders: FolderStyle = 'default'): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  return `${root}${prefix}${sourceFolder(account, region, folders)}`;
}

/** A day's folder below a source folder: `YYYY/MM/DD/`, or `year=YYYY/month=MM/day=DD/` with Hive-style prefixes. */
export function dayFolder(day: UtcDay, folders: FolderStyle = 'default'): string {
  const [year, month, date] = day.split('-');
  return folders === 'hive' ? `year=${year}/month=${month}/day=${date}/` : `${year}/${month}/${date}/`;
}

export function layoutFor(sources: readonly Source[]): PartitionLayout {
  if (sources.length === 0) throw new ValidationError('sources', 'at least one source (account and region) is needed');
  return Object.freeze({ keys: sources.length === 1 ? SINGLE_SOURCE_KEYS : MULTI_SOURCE_KEYS, sources: Object.freeze([...sources]) });
}

/**
 * The hour folder below a day folder for flow logs delivered per hour (`HH/`, or `hour=HH/` with
 * Hive-style prefixes). The day partition's LOCATION stays the day folder: Athena reads the files
 * of a partition's folder and its subfolders, and so does the local engine.
 */
export function hourFolder(hour: number, folders: FolderStyle = 'default'): string {
  const hh = String(hour).padStart(2, '0');
  return folders === 'hive' ? `hour=${hh}/` : `${hh}/`;
}

/** A day's folder under a source: that day's logs and nothing else. */
export function dayLocation(source: Source, day: UtcDay): string {
  return `${source.root}${dayFolder(day, source.folders)}`;
}
