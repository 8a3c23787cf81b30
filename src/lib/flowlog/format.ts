import { ValidationError } from '../errors.js';
import { quoteForMessage } from '../dates.js';

export type AthenaType = 'int' | 'bigint' | 'string';

export interface FlowLogField {
  /** The field's name in AWS's format strings and in a log file's header line. */
  readonly name: string;
  /**
   * The table column it becomes with the walkthrough's names (`sourceaddress`, `numbytes`, ...),
   * which are also the names every saved query and relation reads.
   */
  readonly column: string;
  /** The column in AWS's documentation DDL and the console's Athena integration (`srcaddr`, `bytes`, `end`, ...). */
  readonly awsColumn: string;
  readonly type: AthenaType;
  /** The flow-log format version that introduced the field. */
  readonly version: 2 | 3 | 4 | 5 | 7 | 8;
}

const snake = (name: string): string => name.replaceAll('-', '_');
const field = (name: string, column: string, type: AthenaType, version: FlowLogField['version']): FlowLogField =>
  Object.freeze({ name, column, awsColumn: snake(name), type, version });
const text = (version: FlowLogField['version']) => (name: string) => field(name, snake(name), 'string', version);

/** Every field AWS defines, versions 2 to 8, in AWS's documented order. */
export const FIELDS: readonly FlowLogField[] = Object.freeze([
  field('version', 'version', 'int', 2),
  field('account-id', 'account', 'string', 2),
  field('interface-id', 'interfaceid', 'string', 2),
  field('srcaddr', 'sourceaddress', 'string', 2),
  field('dstaddr', 'destinationaddress', 'string', 2),
  field('srcport', 'sourceport', 'int', 2),
  field('dstport', 'destinationport', 'int', 2),
  field('protocol', 'protocol', 'int', 2),
  field('packets', 'numpackets', 'bigint', 2),
  field('bytes', 'numbytes', 'bigint', 2),
  field('start', 'starttime', 'bigint', 2),
  field('end', 'endtime', 'bigint', 2),
  field('action', 'action', 'string', 2),
  field('log-status', 'logstatus', 'string', 2),
  ...['vpc-id', 'subnet-id', 'instance-id'].map(text(3)),
  field('tcp-flags', 'tcp_flags', 'int', 3),
  ...['type', 'pkt-srcaddr', 'pkt-dstaddr'].map(text(3)),
  ...['region', 'az-id', 'sublocation-type', 'sublocation-id'].map(text(4)),
  ...['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction'].map(text(5)),
  field('traffic-path', 'traffic_path', 'int', 5),
  ...[
    'ecs-cluster-arn',
    'ecs-cluster-name',
    'ecs-container-instance-arn',
    'ecs-container-instance-id',
    'ecs-container-id',
    'ecs-second-container-id',
    'ecs-service-name',
    'ecs-task-definition-arn',
    'ecs-task-arn',
    'ecs-task-id',
  ].map(text(7)),
  field('reject-reason', 'reject_reason', 'string', 8),
]);

const BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));
const BY_COLUMN = new Map(FIELDS.map((f) => [f.column, f]));

/** The format every flow log gets unless a custom one is chosen (version 2, 14 fields). */
export const DEFAULT_FORMAT: readonly FlowLogField[] = Object.freeze(FIELDS.filter((f) => f.version === 2));

export function fieldByName(name: string): FlowLogField | undefined {
  return BY_NAME.get(name);
}

export function fieldByColumn(column: string): FlowLogField | undefined {
  return BY_COLUMN.get(column);
}

/**
 * Reads an AWS format string (`${version} ${vpc-id} ...`), as given to CreateFlowLogs.
 * An empty string means the default format.
 */
export function parseFormatString(format: string, key = 'format'): readonly FlowLogField[] {
  const trimmed = format.trim();
  if (trimmed === '') return DEFAULT_FORMAT;
  const tokens = trimmed.split(/\s+/);
  const names = tokens.map((token) => {
    const match = /^\$\{([a-z0-9-]+)\}$/.exec(token);
    if (!match) throw new ValidationError(key, `expected fields written as \${field-name}, got ${quoteForMessage(token)}`);
    return match[1] as string;
  });
  return fieldsFromNames(names, key);
}

/** Reads a log file's header line (`version account-id interface-id ...`). */
export function parseHeaderLine(line: string, key = 'header'): readonly FlowLogField[] {
  const names = line
    .trim()
    .split(/\s+/)
    .filter((name) => name !== '');
  if (names.length === 0) throw new ValidationError(key, 'the header line is empty');
  return fieldsFromNames(names, key);
}

function fieldsFromNames(names: readonly string[], key: string): readonly FlowLogField[] {
  const unknown = names.filter((name) => !BY_NAME.has(name));
  if (unknown.length > 0) {
    throw new ValidationError(key, `unknown flow-log field${unknown.length > 1 ? 's' : ''} ${unknown.map(quoteForMessage).join(', ')}`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ValidationError(key, `field ${quoteForMessage(name)} appears twice`);
    seen.add(name);
  }
  return Object.freeze(names.map((name) => BY_NAME.get(name) as FlowLogField));
}

/** The format string AWS expects for these fields. */
export function formatString(fields: readonly FlowLogField[]): string {
  return fields.map((f) => `\${${f.name}}`).join(' ');
}

/** The header line AWS writes at the top of each log file with these fields. */
export function headerLine(fields: readonly FlowLogField[]): string {
  return fields.map((f) => f.name).join(' ');
}

/** The highest version among the fields: what AWS reports as the log's `version`. */
export function formatVersion(fields: readonly FlowLogField[]): number {
  return Math.max(...fields.map((f) => f.version));
}

export interface ColumnMapping {
  readonly column: string;
  readonly type: AthenaType;
  /** The field of the file that fills the column, or undefined when the file lacks it (NULL). */
  readonly source: FlowLogField | undefined;
}

/**
 * Maps a file's fields onto the table's columns by name, never by position: a field the file
 * lacks becomes NULL, a field the table lacks is ignored.
 */
export function mapFileToTable(table: readonly FlowLogField[], file: readonly FlowLogField[]): ColumnMapping[] {
  const present = new Set(file.map((f) => f.name));
  return table.map((f) => ({ column: f.column, type: f.type, source: present.has(f.name) ? f : undefined }));
}

/**
 * How a table names its columns: `walkthrough` (`sourceaddress`, `numbytes`, `starttime`, as the
 * walkthrough this project grew from) or `aws` (`srcaddr`, `bytes`, `start`, as AWS's
 * documentation DDL and the console's Athena integration name them). Fields of versions 3 to 8 have
 * the same snake_case name in both.
 */
export type ColumnNaming = 'walkthrough' | 'aws';
export const COLUMN_NAMINGS: readonly ColumnNaming[] = Object.freeze(['walkthrough', 'aws']);

/** The field's column in a table with this naming. */
export function columnName(field: FlowLogField, naming: ColumnNaming): string {
  return naming === 'aws' ? field.awsColumn : field.column;
}

/**
 * The same fields as a table with this naming sees them: `column` becomes that naming's name, so
 * code that builds a table from fields (the Glue table, the local view) names its columns so.
 */
export function withNaming(fields: readonly FlowLogField[], naming: ColumnNaming): readonly FlowLogField[] {
  if (naming === 'walkthrough') return fields;
  return Object.freeze(fields.map((f) => Object.freeze({ ...f, column: f.awsColumn })));
}

/** A version 2 column whose name tells the naming apart: present under one naming only. */
const NAMING_MARKERS: readonly FlowLogField[] = DEFAULT_FORMAT.filter((f) => f.column !== f.awsColumn);

/** What a table's columns say about it: its naming and the flow-log fields it has, in its order. */
export interface TableColumns {
  readonly naming: ColumnNaming;
  readonly fields: readonly FlowLogField[];
}

/**
 * Tells a table's naming from its column names (as Glue lists them): the walkthrough's if it has
 * `sourceaddress` and the like, AWS's if it has `srcaddr` and the like. Columns that are no
 * flow-log field under that naming (a user's own additions) are left out of `fields`. A table with
 * both kinds of names, or neither, is refused with the names it has.
 */
export function detectColumns(columns: readonly string[], table = 'table'): TableColumns {
  const names = new Set(columns.map((c) => c.toLowerCase()));
  const walkthrough = NAMING_MARKERS.filter((f) => names.has(f.column)).map((f) => f.column);
  const aws = NAMING_MARKERS.filter((f) => names.has(f.awsColumn)).map((f) => f.awsColumn);
  if (walkthrough.length > 0 && aws.length > 0) {
    throw new ValidationError(table, `has columns named both as the walkthrough does (${walkthrough.join(', ')}) and as AWS does (${aws.join(', ')}); use one naming`);
  }
  if (walkthrough.length === 0 && aws.length === 0) {
    const listed = columns.length === 0 ? 'no columns' : `columns ${columns.join(', ')}`;
    throw new ValidationError(table, `has ${listed}: no flow-log columns such as sourceaddress (the walkthrough's names) or srcaddr (AWS's names)`);
  }
  const naming: ColumnNaming = aws.length > 0 ? 'aws' : 'walkthrough';
  const byColumn = new Map(FIELDS.map((f) => [columnName(f, naming), f]));
  const fields = columns.map((c) => byColumn.get(c.toLowerCase())).filter((f): f is FlowLogField => f !== undefined);
  return Object.freeze({ naming, fields: Object.freeze(fields) });
}
