import type { FlowlogConfig } from '../config.js';
import { ValidationError } from '../errors.js';
import type { TableDescription } from '../ports.js';
import {
  DT_KEY,
  INTEGRATION_HOURLY_KEYS,
  INTEGRATION_KEYS,
  MULTI_SOURCE_KEYS,
  SINGLE_SOURCE_KEYS,
  layoutFor,
  sourceFolder,
  sourceRoot,
  type PartitionLayout,
  type Source,
} from './layout.js';
import { isIntegrationKeys } from './integration.js';

/** The layout of a table the stack creates: one folder per configured source under the bucket. */
export function configuredLayout(config: FlowlogConfig): PartitionLayout {
  const bucket = config.logs.bucket;
  if (bucket === undefined) throw new ValidationError('FLOWLOG_BUCKET', 'is required to know where the log folders are');
  const folders = config.logs.folders;
  const layout = layoutFor(config.logs.sources.map((s) => ({ ...s, folders, root: sourceRoot(`s3://${bucket}/`, config.logs.prefix, s.account, s.region, folders) })));
  return config.partitioning === 'projection' ? { ...layout, projected: true } : layout;
}

const DELIVERY_FOLDER = /\/AWSLogs\/(\d{12})\/vpcflowlogs\/([a-z0-9-]+)\/$/;
const HIVE_DELIVERY_FOLDER = /\/AWSLogs\/aws-account-id=(\d{12})\/aws-service=vpcflowlogs\/aws-region=([a-z0-9-]+)\/$/;

/**
 * The layout of an adopted table (made by hand or by the console's integration): its partition
 * keys and LOCATION are what Glue says, so nothing about the table is re-created. A `dt`-only table
 * keeps its day folders under its LOCATION; an account/region/dt table needs the sources listed.
 */
export function adoptedLayout(table: TableDescription, config: FlowlogConfig): PartitionLayout {
  const layout = adoptedKeysLayout(table, config);
  return table.projected === true ? { ...layout, projected: true } : layout;
}

function adoptedKeysLayout(table: TableDescription, config: FlowlogConfig): PartitionLayout {
  const name = `${table.database}.${table.table}`;
  const keys = table.partitionKeys.join(', ');
  const location = table.location === undefined || table.location === '' ? undefined : withSlash(table.location);
  if (sameKeys(table.partitionKeys, SINGLE_SOURCE_KEYS)) {
    if (location === undefined) throw new ValidationError('location', `${name} has no LOCATION, so the day folders cannot be found`);
    const hive = HIVE_DELIVERY_FOLDER.exec(location);
    const delivered = hive ?? DELIVERY_FOLDER.exec(location);
    const configured = config.logs.sources[0];
    const folders = hive === null ? config.logs.folders : 'hive';
    const source: Source = { account: delivered?.[1] ?? configured?.account ?? '', region: delivered?.[2] ?? configured?.region ?? '', root: location, folders };
    return layoutFor([source]);
  }
  if (sameKeys(table.partitionKeys, MULTI_SOURCE_KEYS)) {
    if (config.logs.sources.length === 0) throw new ValidationError('FLOWLOG_SOURCES', `${name} is partitioned by (${keys}): list its sources as ACCOUNT:REGION,...`);
    const base = multiSourceBase(config, location, name);
    return layoutFor(config.logs.sources.map((s) => ({ ...s, folders: config.logs.folders, root: base(s.account, s.region) })));
  }
  if (isIntegrationKeys(table.partitionKeys)) return { ...integrationLayout(config, location, name), tableKeys: Object.freeze([...table.partitionKeys]) };
  throw new ValidationError(
    'partition keys',
    `${name} is partitioned by (${keys || 'nothing'}); flowlog-pilot manages tables partitioned by (${DT_KEY}), (${MULTI_SOURCE_KEYS.join(', ')}), ` +
      `or as the console's Athena integration makes them (${INTEGRATION_KEYS.join(', ')}[, ${INTEGRATION_HOURLY_KEYS.at(-1)}])`,
  );
}

/**
 * The console integration's table: its LOCATION is one source's folder (the flow log's own), or
 * the `AWSLogs/` folder above several. The sources are the listed ones, or the one its LOCATION names.
 */
function integrationLayout(config: FlowlogConfig, location: string | undefined, name: string): PartitionLayout {
  const hive = location === undefined ? null : HIVE_DELIVERY_FOLDER.exec(location);
  const delivered = hive ?? (location === undefined ? null : DELIVERY_FOLDER.exec(location));
  if (config.logs.sources.length === 0 && (delivered === null || location === undefined)) {
    throw new ValidationError('FLOWLOG_SOURCES', `${name} is keyed by account and region and its LOCATION names no one source: list its sources as ACCOUNT:REGION,...`);
  }
  if (delivered !== null && location !== undefined) {
    return layoutFor([{ account: delivered[1] ?? '', region: delivered[2] ?? '', root: location, folders: hive === null ? config.logs.folders : 'hive' }]);
  }
  const base = multiSourceBase(config, location, name);
  return layoutFor(config.logs.sources.map((s) => ({ ...s, folders: config.logs.folders, root: base(s.account, s.region) })));
}

function multiSourceBase(config: FlowlogConfig, location: string | undefined, name: string): (account: string, region: string) => string {
  const bucket = config.logs.bucket;
  const folders = config.logs.folders;
  if (bucket !== undefined) return (account, region) => sourceRoot(`s3://${bucket}/`, config.logs.prefix, account, region, folders);
  if (location !== undefined && location.endsWith('/AWSLogs/')) return (account, region) => `${location.slice(0, -'AWSLogs/'.length)}${sourceFolder(account, region, folders)}`;
  throw new ValidationError('FLOWLOG_BUCKET', `is needed to find the folders of ${name}, whose LOCATION does not end with AWSLogs/`);
}

function sameKeys(actual: readonly string[], expected: readonly string[]): boolean {
  return actual.length === expected.length && actual.every((key, i) => key === expected[i]);
}

function withSlash(location: string): string {
  return location.endsWith('/') ? location : `${location}/`;
}
