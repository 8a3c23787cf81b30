import { ValidationError } from '../errors.js';
import { quoteForMessage } from '../dates.js';

export type AthenaType = 'int' | 'bigint' | 'string';

export interface FlowLogField {
  /** The field's name in AWS's format strings and in a log file's header line. */
  readonly name: string;
  /** The table column it becomes. Version 2 fields keep the names users' tables already have. */
  readonly column: string;
  readonly type: AthenaType;
  /** The flow-log format version that introduced the field. */
  readonly version: 2 | 3 | 4 | 5 | 7 | 8;
}

const field = (name: string, column: string, type: AthenaType, version: FlowLogField['version']): FlowLogField =>
  Object.freeze({ name, column, type, version });
const snake = (name: string): string => name.replaceAll('-', '_');
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
    'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id',
    'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id',
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
  const names = line.trim().split(/\s+/).filter((name) => name !== '');
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
