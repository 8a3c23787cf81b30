/**
 * The parts of the CloudFormation stack that depend on the flow-log model: the Glue table, the
 * saved queries, the log bucket, the flow logs themselves. Built from the same modules the Lambda
 * code uses (format.ts, layout.ts, config.ts), so the table the stack creates is the table the
 * jobs expect. serverless.yml reaches these through deploy/resources.cjs.
 */
import * as v from 'valibot';
import { ConfigError, ValidationError } from '../src/lib/errors.js';
import { athenaName, oneOf, parseSources, SettingsReader, ssmParameterName, trueOrFalse, validated, wholeNumber, type SettingSchema } from '../src/lib/config.js';
import { COLUMN_NAMINGS, DEFAULT_FORMAT, formatString, parseFormatString, withNaming, type ColumnNaming, type FlowLogField } from '../src/lib/flowlog/format.js';
import { FOLDER_STYLES, layoutFor, sourceFolder, sourceRoot, validateBucket, validatePrefix, type FolderStyle, type Source } from '../src/lib/partitions/layout.js';
import { placeholdersOf, stripComments } from '../src/lib/sql/sql.js';
import { PARTITIONINGS, type Partitioning } from '../src/lib/config.js';
import type { ListSource } from '../src/lib/ports.js';
import { ROLE_NAME } from '../src/lib/interfaces-config.js';
import { loadSavedQueries } from '../src/lib/report/saved-queries.js';
import { parseSuppressions } from '../src/lib/report/suppressions-file.js';
import { parseWatchlist } from '../src/lib/report/watchlist-file.js';

type Cfn = Record<string, unknown>;
export type Resources = Record<string, Cfn>;

/** The stage params this module needs, as serverless.yml gives them (strings, empty = default). */
export interface StackParams {
  /** The serverless stage; names two stages in one account and region could share carry it. Empty means dev. */
  readonly stage?: string;
  readonly bucket: string;
  readonly prefix: string;
  /** `default` or `hive` (Hive-compatible S3 prefixes); empty means default. */
  readonly folders?: string;
  /** `true` when the flow logs the stack creates deliver one folder per hour; empty means false. */
  readonly perHour?: string;
  readonly sources: string;
  /** Empty: `flowlogs_<stage>`. */
  readonly database: string;
  readonly table: string;
  readonly tableMode: string;
  readonly format: string;
  /** `walkthrough` or `aws`: how the created table names its columns; empty means walkthrough (aws for Parquet). */
  readonly columnNames?: string;
  /** `plain-text` or `parquet`: how the flow logs are delivered; empty means plain-text. */
  readonly fileFormat?: string;
  /** `managed` (the jobs add partitions) or `projection` (Athena partition projection); empty means managed. */
  readonly partitioning?: string;
  /** First day partition projection covers, YYYY/MM/DD; empty means NOW-1YEARS. */
  readonly projectionStart?: string;
  readonly vpcIds: string;
  readonly alertEmails: string;
  readonly slackWebhookParameter: string;
  readonly bytesScannedCutoffMb: string;
  readonly resultsRetentionDays: string;
  /** SSM parameter (String or SecureString) holding the suppressions; empty for none. */
  readonly suppressionsParameter?: string;
  /** Or a file in the service folder, bundled into the report zip and checked at package time. */
  readonly suppressionsFile?: string;
  readonly watchlistParameter?: string;
  readonly watchlistFile?: string;
  /** The customer managed KMS key of the SecureString list parameters (empty: aws/ssm or String). */
  readonly listsKmsKeyArn?: string;
  /** The customer managed KMS key of the Slack webhook parameter (empty: aws/ssm). */
  readonly slackWebhookKmsKeyArn?: string;
  /** The region the stack is packaged for (provider.region): a KMS key must be in it. Empty: not checked. */
  readonly region?: string;
  /** The role the interfaces function assumes in each other source account; empty for none. */
  readonly interfacesRoleName?: string;
}

export interface StackSettings {
  readonly stage: string;
  /** Undefined: the stack creates the log bucket. */
  readonly bucket: string | undefined;
  readonly prefix: string;
  readonly folders: FolderStyle;
  readonly perHour: boolean;
  /** Empty: the stack's own account and region (resolved by CloudFormation). */
  readonly sources: readonly { readonly account: string; readonly region: string }[];
  readonly database: string;
  readonly table: string;
  /** `<table>_rollup_<stage>`: the rollup is the stage's own even when two stages adopt one table. */
  readonly rollupTable: string;
  readonly tableMode: 'create' | 'adopt';
  readonly format: readonly FlowLogField[];
  readonly columnNames: ColumnNaming;
  readonly fileFormat: FileFormat;
  readonly partitioning: Partitioning;
  /** The first value of `projection.dt.range`: a day (`2025/01/01`) or a NOW-relative one. */
  readonly projectionStart: string;
  readonly vpcIds: readonly string[];
  readonly alertEmails: readonly string[];
  readonly slackWebhookParameter: string;
  /** Athena's per-query cutoff, in bytes (params give megabytes). */
  readonly bytesScannedCutoffBytes: number;
  readonly resultsRetentionDays: number;
  /** Where the report reads its suppressions and watchlist (FLOWLOG_SUPPRESSIONS_*, FLOWLOG_WATCHLIST_*). */
  readonly lists: { readonly suppressions?: ListSource; readonly watchlist?: ListSource };
  /** Keys the report role may use to decrypt its list parameters (kms:Decrypt through SSM only). */
  readonly listsKmsKeyArn: string | undefined;
  /** Key the Slack forwarder's role may use to decrypt the webhook parameter. */
  readonly slackWebhookKmsKeyArn: string | undefined;
  /** The role the interfaces function assumes in each other source account; empty: only this account is asked. */
  readonly interfacesRoleName: string;
}

/** A saved query file under src/queries/reports/. */
export interface QueryFile {
  /** Path under src/queries without `.sql`, e.g. `reports/rejected-by-source`. */
  readonly name: string;
  readonly text: string;
}

/** How flow logs are delivered to S3 (CreateFlowLogs DestinationOptions.FileFormat). */
export type FileFormat = 'plain-text' | 'parquet';
export const FILE_FORMATS: readonly FileFormat[] = ['plain-text', 'parquet'];

export const LOG_BUCKET_ID = 'FlowLogBucket';
export const WORKGROUP_ID = 'AthenaWorkGroup';
const DEFAULT_STAGE = 'dev';
const DEFAULT_DATABASE = 'flowlogs';
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
// Loose on purpose: SNS confirms each address; this only catches lists that were mistyped.
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** Athena refuses a per-query cutoff under 10 MB. */
export const MIN_BYTES_SCANNED_CUTOFF_MB = 10;
const BYTES_PER_MB = 1024 * 1024;

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Checks every param at once and names each bad one, before any template is written: the same
 * reader and value rules as the functions' settings (config.ts), so a value the stack accepts is
 * one the functions accept.
 */
export function readStackParams(params: StackParams): StackSettings {
  const reader = new SettingsReader(params as unknown as Readonly<Record<string, string | undefined>>, (key, message) => `${key === 'stage' ? '' : 'param '}${key}: ${message}`);
  const stage = reader.read('stage', STAGE, DEFAULT_STAGE);
  const stagePart = stage.toLowerCase().replaceAll('-', '_');
  const table = reader.read('table', athenaName, '');
  const fileFormat = reader.read('fileFormat', oneOf(FILE_FORMATS), 'plain-text');
  const lists = { ...listParam(reader, 'suppressions'), ...listParam(reader, 'watchlist') };
  const settings: StackSettings = {
    stage,
    bucket: reader.read(
      'bucket',
      validated((bucket) => validateBucket(bucket, 'bucket')),
      undefined,
    ),
    prefix: reader.read(
      'prefix',
      validated((prefix) => validatePrefix(prefix, 'prefix')),
      '',
    ),
    folders: reader.read('folders', oneOf(FOLDER_STYLES), 'default'),
    perHour: reader.read('perHour', trueOrFalse, false),
    sources: reader.read(
      'sources',
      validated((sources) => parseSources(sources, 'sources')),
      [],
    ),
    database: reader.read('database', athenaName, `${DEFAULT_DATABASE}_${stagePart}`),
    table,
    rollupTable: `${table}_rollup_${stagePart}`,
    tableMode: reader.read('tableMode', oneOf(['create', 'adopt'] as const), 'create'),
    format: reader.read(
      'format',
      validated((format) => parseFormatString(format, 'format')),
      DEFAULT_FORMAT,
    ),
    // Parquet is read by column name, and AWS's Parquet files name their columns as AWS's DDL does.
    columnNames: reader.read('columnNames', fileFormat === 'parquet' ? PARQUET_COLUMN_NAMES : oneOf(COLUMN_NAMINGS), fileFormat === 'parquet' ? 'aws' : 'walkthrough'),
    fileFormat,
    partitioning: reader.read('partitioning', oneOf(PARTITIONINGS), 'managed'),
    projectionStart: reader.read('projectionStart', PROJECTION_START, DEFAULT_PROJECTION_START),
    vpcIds: reader.read('vpcIds', listOf(VPC_ID, 'is not a VPC id (vpc-...)'), []),
    alertEmails: reader.read('alertEmails', listOf(EMAIL, 'is not an e-mail address'), []),
    slackWebhookParameter: reader.read('slackWebhookParameter', v.pipe(v.string(), v.trim(), ssmParameterName), ''),
    bytesScannedCutoffBytes: reader.read('bytesScannedCutoffMb', wholeNumber(MIN_BYTES_SCANNED_CUTOFF_MB, 1024 * 1024 * 1024), 0) * BYTES_PER_MB,
    resultsRetentionDays: reader.read('resultsRetentionDays', wholeNumber(1, 3650), 1),
    lists,
    listsKmsKeyArn: reader.read('listsKmsKeyArn', KMS_KEY_ARN, undefined),
    slackWebhookKmsKeyArn: reader.read('slackWebhookKmsKeyArn', KMS_KEY_ARN, undefined),
    interfacesRoleName: reader.read(
      'interfacesRoleName',
      v.pipe(
        v.string(),
        v.trim(),
        v.check(
          (name) => name === '' || ROLE_NAME.test(name),
          (issue) => `${JSON.stringify(issue.input)} is not an IAM role name (1 to 64 of letters, digits and +=,.@_-)`,
        ),
      ),
      '',
    ),
  };
  for (const key of ['table', 'tableMode', 'bytesScannedCutoffMb', 'resultsRetentionDays']) if (reader.string(key) === undefined) reader.problem(key, 'is required');
  if (settings.vpcIds.length > 0 && settings.sources.length > 1) {
    reader.problem('vpcIds', 'the stack can create flow logs only for its own account and region; leave sources empty or list just that one');
  }
  if (settings.partitioning === 'projection' && settings.tableMode === 'adopt') {
    reader.problem('partitioning', 'projection is set on the table the stack creates; an adopted table is projected or not as it is (its Glue parameters are read)');
  }
  if (settings.partitioning === 'projection' && settings.folders === 'hive') {
    reader.problem(
      'partitioning',
      'projection needs folders=default: Hive-compatible folders split the day into year=/month=/day=, which one yyyy/MM/dd dt key cannot be projected onto; use partitioning=managed',
    );
  }
  const listParameters = Object.values(lists).some((source) => source.kind === 'parameter');
  if (settings.listsKmsKeyArn !== undefined && !listParameters)
    reader.problem('listsKmsKeyArn', 'is for SecureString list parameters: give suppressionsParameter or watchlistParameter too, or leave it empty');
  if (settings.slackWebhookKmsKeyArn !== undefined && settings.slackWebhookParameter === '')
    reader.problem('slackWebhookKmsKeyArn', 'is for the webhook parameter: give slackWebhookParameter too, or leave it empty');
  const region = (params.region ?? '').trim();
  for (const key of ['listsKmsKeyArn', 'slackWebhookKmsKeyArn'] as const) {
    const keyRegion = settings[key]?.split(':')[3];
    if (region !== '' && keyRegion !== undefined && keyRegion !== region)
      reader.problem(key, `the key is in ${keyRegion}, the stack in ${region}: SSM encrypts a parameter with a key of its own region`);
  }
  reader.finish();
  return settings;
}

/**
 * A KMS key ARN (`arn:aws:kms:<region>:<account>:key/<key id>`, the id a UUID or a multi-Region
 * `mrk-` id). IAM evaluates kms:Decrypt against the key's ARN, so an alias, an alias ARN or a bare
 * key id would grant nothing: they are refused by name.
 */
const KMS_KEY_ARN = v.pipe(
  v.string(),
  v.trim(),
  v.regex(
    /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/,
    (issue) =>
      `${JSON.stringify(issue.input)} must be a KMS key ARN such as arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias or a key id: IAM grants kms:Decrypt on the key's ARN)`,
  ),
);

// A file of the service folder: relative, no `..`, the characters a path in a zip keeps as is.
const SERVICE_FILE = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_.\-/]{1,255}$/;

/** One list's param pair (`<name>Parameter`, `<name>File`): at most one of them, each well formed. */
function listParam(reader: SettingsReader, name: 'suppressions' | 'watchlist'): { [key: string]: ListSource } {
  const p = reader.read(`${name}Parameter`, v.pipe(v.string(), v.trim(), ssmParameterName), '');
  const f = (reader.string(`${name}File`) ?? '').trim();
  if (p !== '' && f !== '') {
    reader.problem(`${name}Parameter`, `give ${name}Parameter or ${name}File, not both`);
    return {};
  }
  if (p !== '') return { [name]: { kind: 'parameter', name: p } };
  if (f !== '') {
    if (SERVICE_FILE.test(f)) return { [name]: { kind: 'file', path: f } };
    reader.problem(`${name}File`, `${JSON.stringify(f)} must be a path inside the service folder (relative, no ..)`);
  }
  return {};
}

/** The files the report function's zip carries besides its code: the bundled lists. */
export function reportPackageFiles(settings: StackSettings): string[] {
  return [settings.lists.suppressions, settings.lists.watchlist].flatMap((s) => (s?.kind === 'file' ? [s.path] : []));
}

/** The key the report role may decrypt its list parameters with (one or none: an empty list drops the statement). */
export function listsKmsKeyArns(settings: StackSettings): string[] {
  return settings.listsKmsKeyArn === undefined ? [] : [settings.listsKmsKeyArn];
}

/** The key the Slack forwarder's role may decrypt the webhook parameter with (one or none). */
export function slackKmsKeyArns(settings: StackSettings): string[] {
  return settings.slackWebhookKmsKeyArn === undefined ? [] : [settings.slackWebhookKmsKeyArn];
}

/** The SSM parameters the report role may read (ssm:GetParameter): the lists kept there, nothing else. */
export function reportParameterArns(settings: StackSettings): Cfn[] {
  return [settings.lists.suppressions, settings.lists.watchlist].flatMap((s) =>
    s?.kind === 'parameter' ? [{ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${s.name.replace(/^\//, '')}` }] : [],
  );
}

/**
 * The roles the interfaces function may assume: the interfacesRoleName role in each source
 * account (README "Where each interface lives"). None without the param or with no sources listed
 * (then only the stack's own account is asked, with the function's own role, and
 * deploy/tighten-roles.cjs drops the empty statement). When the stack's own account is listed
 * among the sources its ARN is here too, unused: the function asks its own account directly.
 */
export function interfacesRoleArns(settings: StackSettings): Cfn[] {
  if (settings.interfacesRoleName === '') return [];
  const accounts = [...new Set(settings.sources.map((s) => s.account))];
  return accounts.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/${settings.interfacesRoleName}` }));
}

/**
 * Checks the bundled lists at package time with the parsers the report uses, so a bad entry
 * fails the package (every one named) instead of a morning's report. `read` gives a file's text
 * from the service folder, or undefined when it is not there.
 */
export function checkBundledLists(settings: StackSettings, read: (path: string) => string | undefined): void {
  const problems: string[] = [];
  const check = (name: 'suppressions' | 'watchlist', parse: (text: string, path: string) => unknown) => {
    const source = settings.lists[name];
    if (source?.kind !== 'file') return;
    const text = read(source.path);
    if (text === undefined) return void problems.push(`param ${name}File: ${source.path} is not in the service folder`);
    try {
      parse(text, source.path);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((p) => `param ${name}File: ${p}`));
    }
  };
  const detections = loadSavedQueries()
    .list()
    .filter((q) => q.kind === 'detection')
    .map((q) => q.name);
  check('suppressions', (text, path) => parseSuppressions(text, path, detections));
  check('watchlist', (text, path) => parseWatchlist(text, path));
  if (problems.length > 0) throw new ConfigError(problems);
}

// Serverless stage names: letters, digits and hyphens (they become part of Glue and Athena names).
const STAGE = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9-]{1,64}$/, (issue) => `${JSON.stringify(issue.input)} must be letters, digits and - (it becomes part of Glue and Athena names)`),
);
const PARQUET_COLUMN_NAMES = v.picklist(
  ['aws'] as const,
  "a Parquet table reads its files' columns by name, which AWS writes as srcaddr, bytes, start, ...: use aws (or leave it empty)",
);

/** A comma-separated list whose every item matches `pattern`; each bad item is named. */
function listOf(pattern: RegExp, problem: string): SettingSchema<string[]> {
  return v.pipe(
    v.string(),
    v.transform(list),
    v.rawCheck(({ dataset, addIssue }) => {
      if (dataset.typed) for (const item of dataset.value.filter((value) => !pattern.test(value))) addIssue({ message: `${JSON.stringify(item)} ${problem}` });
    }),
  );
}

/** A year back by default: old enough for the 7-day baseline and a year of ad hoc queries. */
const DEFAULT_PROJECTION_START = 'NOW-1YEARS';

const PROJECTION_START = validated((value: string): string => {
  const day = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(value);
  const valid = day !== null && new Date(`${day[1]}-${day[2]}-${day[3]}T00:00:00Z`).toISOString().startsWith(`${day[1]}-${day[2]}-${day[3]}`);
  if (!valid && !/^NOW-\d{1,4}(DAYS|MONTHS|YEARS)$/.test(value)) {
    throw new ValidationError('projectionStart', `must be a day as YYYY/MM/DD (2025/01/01) or NOW-<n>DAYS|MONTHS|YEARS, got ${JSON.stringify(value)}`);
  }
  return value;
});

/** The log bucket's name: the given one, or a reference to the bucket the stack creates. */
export function logBucketName(settings: StackSettings): string | Cfn {
  return settings.bucket ?? { Ref: LOG_BUCKET_ID };
}

/** `s3://bucket/prefix` style strings need the name inside Fn::Sub when the stack makes it. */
function withBucket(template: string, settings: StackSettings): Cfn {
  return { 'Fn::Sub': [template, { LogBucket: logBucketName(settings) }] };
}

const OWN_SOURCE: Source = { account: '${AWS::AccountId}', region: '${AWS::Region}', root: '' };

function sourcesOrOwn(settings: StackSettings): readonly { account: string; region: string }[] {
  return settings.sources.length > 0 ? settings.sources : [OWN_SOURCE];
}

/** Fn::Sub only around text that has a `${...}` in it (cfn-lint W1020 flags the others). */
function sub(text: string): string | Cfn {
  return text.includes('${') ? { 'Fn::Sub': text } : text;
}

/** FLOWLOG_SOURCES for the Lambdas: the given list, or this stack's account and region. */
export function sourcesSetting(settings: StackSettings): string | Cfn {
  return sub(
    sourcesOrOwn(settings)
      .map((s) => `${s.account}:${s.region}`)
      .join(','),
  );
}

/** The table's location: one source's folder, or `AWSLogs/` when several share the table. */
function tableLocation(settings: StackSettings): Cfn {
  const sources = sourcesOrOwn(settings);
  if (sources.length === 1) {
    const [only] = sources as [{ account: string; region: string }];
    return withBucket(sourceRoot('s3://${LogBucket}', settings.prefix, only.account, only.region, settings.folders), settings);
  }
  return withBucket(`s3://\${LogBucket}/${settings.prefix}AWSLogs/`, settings);
}

/** The partition keys the partition manager uses for this many sources (layout.ts decides). */
export function partitionKeys(settings: StackSettings): readonly string[] {
  return layoutFor(sourcesOrOwn(settings).map((s) => ({ ...s, root: '' }))).keys;
}

const TEXT_STORAGE = Object.freeze({
  InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  Compressed: false,
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', Parameters: { 'field.delim': ' ', 'serialization.format': ' ' } },
});

const PARQUET_STORAGE = Object.freeze({
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  Compressed: false,
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
});

/**
 * Where AWS's DDL for flow logs in Parquet ("Create tables for flow logs in Apache Parquet
 * format", Athena User Guide) types a column wider than the text table does: `protocol bigint`.
 * A wider Glue type reads a narrower Parquet column; the reverse fails.
 */
const PARQUET_TYPES: Readonly<Record<string, string>> = Object.freeze({ protocol: 'bigint' });

/** Glue database and table, unless an existing table is adopted. */
export function glueResources(settings: StackSettings): Resources {
  if (settings.tableMode === 'adopt') return {};
  return {
    GlueDatabase: {
      Type: 'AWS::Glue::Database',
      Properties: {
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseInput: { Name: settings.database, Description: 'Amazon VPC Flow Logs (flowlog-pilot)' },
      },
    },
    GlueTable: {
      Type: 'AWS::Glue::Table',
      DependsOn: ['GlueDatabase'],
      Properties: {
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseName: settings.database,
        TableInput: {
          Name: settings.table,
          Description: `VPC Flow Logs, format ${formatString(settings.format)}`,
          TableType: 'EXTERNAL_TABLE',
          Parameters: {
            ...(settings.fileFormat === 'parquet'
              ? { EXTERNAL: 'TRUE', classification: 'parquet' }
              : { EXTERNAL: 'TRUE', 'skip.header.line.count': '1', classification: 'csv', compressionType: 'gzip' }),
            ...projectionParameters(settings),
          },
          PartitionKeys: partitionKeys(settings).map((key) => ({ Name: key, Type: 'string' })),
          StorageDescriptor: {
            Columns: withNaming(settings.format, settings.columnNames).map((f) => ({
              Name: f.column,
              Type: settings.fileFormat === 'parquet' ? (PARQUET_TYPES[f.name] ?? f.type) : f.type,
            })),
            Location: tableLocation(settings),
            ...(settings.fileFormat === 'parquet' ? PARQUET_STORAGE : TEXT_STORAGE),
          },
        },
      },
    },
  };
}

/**
 * Athena partition projection for the created table ("Partition projection with Amazon Athena",
 * Athena User Guide): `dt` is a date `yyyy/MM/dd` one day apart from projectionStart to NOW, the
 * account and region keys of several sources are enums of the listed ones, and
 * `storage.location.template` names the day folder as AWS delivers it. Nothing when managed.
 */
export function projectionParameters(settings: StackSettings): Record<string, string | Cfn> {
  if (settings.partitioning !== 'projection') return {};
  const sources = sourcesOrOwn(settings);
  const keys = partitionKeys(settings);
  const several = keys.includes('aws_account');
  const base = `s3://\${LogBucket}/${settings.prefix}AWSLogs/`;
  const folder = several ? `${base}\${!aws_account}/vpcflowlogs/\${!aws_region}/\${!dt}/` : `${base}${sources[0]!.account}/vpcflowlogs/${sources[0]!.region}/\${!dt}/`;
  const enumOf = (values: readonly string[]) => sub([...new Set(values)].join(','));
  return {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy/MM/dd',
    'projection.dt.range': `${settings.projectionStart},NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    ...(several
      ? {
          'projection.aws_account.type': 'enum',
          'projection.aws_account.values': enumOf(sources.map((s) => s.account)),
          'projection.aws_region.type': 'enum',
          'projection.aws_region.values': enumOf(sources.map((s) => s.region)),
        }
      : {}),
    'storage.location.template': withBucket(folder, settings),
  };
}

/** Columns of the stored daily rollup (src/queries/rollup/build-rollup.sql writes them in this order). */
export const ROLLUP_COLUMNS: readonly { readonly Name: string; readonly Type: string }[] = Object.freeze(
  [
    ['hour', 'bigint'],
    ['interfaceid', 'string'],
    ['sourceaddress', 'string'],
    ['destinationaddress', 'string'],
    ['destinationport', 'int'],
    ['protocol', 'int'],
    ['action', 'string'],
    ['logstatus', 'string'],
    ['flows', 'bigint'],
    ['packets', 'bigint'],
    ['bytes', 'bigint'],
    ['first_start', 'bigint'],
    ['last_end', 'bigint'],
  ].map(([Name, Type]) => ({ Name: Name as string, Type: Type as string })),
);

/**
 * The stored daily rollup: Parquet under the results bucket's `rollup/` prefix, partitioned like
 * the raw table. The report job fills it with INSERT INTO (which adds its partitions to Glue), so
 * a day's raw logs are scanned once. Made in both table modes: an adopted raw table gets one too.
 */
export function rollupTableResources(settings: StackSettings): Resources {
  return {
    GlueRollupTable: {
      Type: 'AWS::Glue::Table',
      ...(settings.tableMode === 'create' ? { DependsOn: ['GlueDatabase'] } : {}),
      Properties: {
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseName: settings.database,
        TableInput: {
          Name: settings.rollupTable,
          Description: 'Daily rollup of the flow logs: one row per hour, interface, source, destination, port, protocol, action and status (flowlog-pilot)',
          TableType: 'EXTERNAL_TABLE',
          Parameters: { EXTERNAL: 'TRUE', classification: 'parquet', 'parquet.compression': 'SNAPPY' },
          PartitionKeys: partitionKeys(settings).map((key) => ({ Name: key, Type: 'string' })),
          StorageDescriptor: {
            Columns: ROLLUP_COLUMNS.map((c) => ({ ...c })),
            Location: { 'Fn::Sub': 's3://${ResultsBucket}/rollup/' },
            InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            Compressed: false,
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
          },
        },
      },
    },
    // Each build writes here first (src/lib/rollup/statements.ts): partitioned by build id, then
    // like the rollup, under rollup/builds/; the rollup's partitions point at a build's folders
    // only once its INSERT succeeded. Reports never read this table.
    GlueRollupBuildsTable: {
      Type: 'AWS::Glue::Table',
      ...(settings.tableMode === 'create' ? { DependsOn: ['GlueDatabase'] } : {}),
      Properties: {
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseName: settings.database,
        TableInput: {
          Name: `${settings.rollupTable}_builds`,
          Description: 'Rollup builds before they are switched in (flowlog-pilot)',
          TableType: 'EXTERNAL_TABLE',
          Parameters: { EXTERNAL: 'TRUE', classification: 'parquet', 'parquet.compression': 'SNAPPY' },
          PartitionKeys: ['build', ...partitionKeys(settings)].map((key) => ({ Name: key, Type: 'string' })),
          StorageDescriptor: {
            Columns: ROLLUP_COLUMNS.map((c) => ({ ...c })),
            Location: { 'Fn::Sub': 's3://${ResultsBucket}/rollup/builds/' },
            InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            Compressed: false,
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
          },
        },
      },
    },
  };
}

/** The bucket for the flow logs when none is given: private, encrypted, TLS only, open to log delivery. */
export function logBucketResources(settings: StackSettings): Resources {
  if (settings.bucket !== undefined) return {};
  const bucketArn = { 'Fn::GetAtt': [LOG_BUCKET_ID, 'Arn'] };
  return {
    [LOG_BUCKET_ID]: {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    },
    FlowLogBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: LOG_BUCKET_ID },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            ...deliveryStatements(settings),
          ],
        },
      },
    },
  };
}

/**
 * AWS's documented bucket policy for flow-log delivery (VPC user guide, "Amazon S3 bucket
 * permissions for flow logs"): `delivery.logs.amazonaws.com` may check the bucket (GetBucketAcl,
 * ListBucket) and put objects under `AWSLogs/<account>/` with `bucket-owner-full-control`, each
 * only for that account (`aws:SourceAccount`) and its log deliveries (`aws:SourceArn`
 * `arn:aws:logs:<region>:<account>:*`). One pair of statements per source account, so an
 * organization's other accounts named in `sources` can deliver too, each into its own folder.
 */
function deliveryStatements(settings: StackSettings): Cfn[] {
  const bucketArn = { 'Fn::GetAtt': [LOG_BUCKET_ID, 'Arn'] };
  const regionsByAccount = new Map<string, string[]>();
  for (const source of sourcesOrOwn(settings)) regionsByAccount.set(source.account, [...(regionsByAccount.get(source.account) ?? []), source.region]);
  return [...regionsByAccount].flatMap(([account, regions]) => {
    const sid = account === OWN_SOURCE.account ? '' : account;
    const sourceArns = [...new Set(regions)].map((region) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:logs:${region}:${account}:*` }));
    const condition = (extra: Record<string, string> = {}): Cfn => ({
      StringEquals: { 'aws:SourceAccount': account === OWN_SOURCE.account ? { Ref: 'AWS::AccountId' } : account, ...extra },
      ArnLike: { 'aws:SourceArn': sourceArns },
    });
    return [
      {
        Sid: `FlowLogDeliveryAclCheck${sid}`,
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: ['s3:GetBucketAcl', 's3:ListBucket'],
        Resource: bucketArn,
        Condition: condition(),
      },
      {
        Sid: `FlowLogDeliveryWrite${sid}`,
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Sub': `\${${LOG_BUCKET_ID}.Arn}/${settings.prefix}AWSLogs/${settings.folders === 'hive' ? 'aws-account-id=' : ''}${account}/*` },
        Condition: condition({ 's3:x-amz-acl': 'bucket-owner-full-control' }),
      },
    ];
  });
}

/**
 * One flow log per VPC, delivered to the log bucket in the layout the jobs read (the params' file
 * format, folder style and per-hour choice), 1-minute aggregation so findings come sooner.
 */
export function flowLogResources(settings: StackSettings): Resources {
  const destination =
    settings.prefix === ''
      ? withBucket('arn:${AWS::Partition}:s3:::${LogBucket}', settings)
      : withBucket(`arn:\${AWS::Partition}:s3:::\${LogBucket}/${settings.prefix.replace(/\/$/, '')}`, settings);
  const custom = formatString(settings.format) !== formatString(DEFAULT_FORMAT);
  return Object.fromEntries(
    settings.vpcIds.map((vpcId) => [
      `FlowLog${vpcId.replace(/[^A-Za-z0-9]/g, '')}`,
      {
        Type: 'AWS::EC2::FlowLog',
        ...(settings.bucket === undefined ? { DependsOn: ['FlowLogBucketPolicy'] } : {}),
        Properties: {
          ResourceId: vpcId,
          ResourceType: 'VPC',
          TrafficType: 'ALL',
          LogDestinationType: 's3',
          LogDestination: destination,
          MaxAggregationInterval: 60,
          ...(custom ? { LogFormat: formatString(settings.format) } : {}),
          DestinationOptions: { FileFormat: settings.fileFormat, HiveCompatiblePartitions: settings.folders === 'hive', PerHourPartition: settings.perHour },
        },
      },
    ]),
  );
}

/** Files that are saved queries (src/queries/reports/*), not fragments other templates include. */
export function isSavedQuery(name: string): boolean {
  return /^reports\/[^/]+$/.test(name);
}

function logicalIdPart(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function description(text: string): string {
  const first = /^\s*--\s*(.+)$/m.exec(text)?.[1]?.trim() ?? '';
  return first.slice(0, 1024);
}

/**
 * One Athena saved query per report file. `{{table}}` becomes the stack's table; the placeholders
 * the report job fills at run time (dates, thresholds) are listed in a comment to fill by hand.
 */
export function namedQueryResources(settings: StackSettings, files: readonly QueryFile[]): Resources {
  const table = `${settings.database}.${settings.table}`;
  // The private-address pattern is fixed, so the saved query carries it written out.
  const privateAddress = files.find((f) => f.name === 'fragments/private-address');
  return Object.fromEntries(
    files
      .filter((f) => isSavedQuery(f.name))
      .map((file) => {
        const base = file.name.slice('reports/'.length);
        const rendered = file.text
          .replace(/\{\{\s*table\s*\}\}/g, table)
          .replace(/\{\{\s*database\s*\}\}/g, settings.database)
          .replace(/\{\{\s*private_address\s*\}\}/g, () => (privateAddress === undefined ? '{{private_address}}' : stripComments(privateAddress.text).trim()));
        const open = placeholdersOf(rendered);
        const note = open.length > 0 ? `-- Before running, replace ${open.map((p) => `{{${p}}}`).join(', ')} (the report job fills them in).\n` : '';
        return [
          `NamedQuery${logicalIdPart(base)}`,
          {
            Type: 'AWS::Athena::NamedQuery',
            ...(settings.tableMode === 'create' ? { DependsOn: ['GlueTable'] } : {}),
            Properties: {
              Name: `flowlog-pilot-${settings.stage} ${base}`,
              Description: description(file.text) || `flowlog-pilot saved query ${base}`,
              Database: settings.database,
              WorkGroup: { Ref: WORKGROUP_ID },
              QueryString: note + rendered,
            },
          },
        ];
      }),
  );
}

/** One e-mail subscription per address on each topic (each address confirms by e-mail). */
export function emailSubscriptions(settings: StackSettings, topics: Readonly<Record<string, string>>): Resources {
  const entries: [string, Cfn][] = [];
  for (const [prefix, topicId] of Object.entries(topics)) {
    settings.alertEmails.forEach((email, i) => {
      entries.push([`${prefix}EmailSubscription${i + 1}`, { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: topicId }, Protocol: 'email', Endpoint: email } }]);
    });
  }
  return Object.fromEntries(entries);
}

/** S3 ARNs the jobs may read: the objects under each source's folder and the bucket itself. */
export function logReadResources(settings: StackSettings): { objects: Cfn[]; bucket: Cfn } {
  const objects = sourcesOrOwn(settings).map((s) =>
    withBucket(`arn:\${AWS::Partition}:s3:::\${LogBucket}/${settings.prefix}${sourceFolder(s.account, s.region, settings.folders)}*`, settings),
  );
  return { objects, bucket: withBucket('arn:${AWS::Partition}:s3:::${LogBucket}', settings) };
}

/** The `s3:prefix` values a ListBucket on the log bucket may ask for. */
export function logListPrefixes(settings: StackSettings): (string | Cfn)[] {
  return sourcesOrOwn(settings).map((s) => sub(`${settings.prefix}${sourceFolder(s.account, s.region, settings.folders)}*`));
}

/**
 * The one SSM parameter the Slack forwarder reads. Without one configured the ARN names no
 * parameter (`parameter/` alone), so the role can read nothing, and the forwarder is not subscribed.
 */
export function slackParameterArn(settings: StackSettings): Cfn {
  const name = settings.slackWebhookParameter.replace(/^\//, '');
  return { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${name}` };
}

export { stackTags } from './stack-tags.js';
export { dashboardResources } from './dashboard.js';
