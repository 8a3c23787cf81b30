import { access, constants, mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { FlowlogConfig } from '../config.js';
import { FlowlogError, NotFoundError, StateError, asError } from '../errors.js';
import { formatString, withNaming } from '../flowlog/format.js';
import { createdShape, type TableShape } from '../flowlog/raw-table.js';
import { layoutFor, sourceRoot, type Source } from '../partitions/layout.js';
import type { ContextOpener, FlowlogContext } from '../context.js';
import type { Notifier, ObjectStore, PartitionCatalog, RollupLedger } from '../ports.js';
import type { ReportJobConfig } from '../report/report-config.js';
import { SlackNotifier, SlackWebhook } from '../slack/slack-webhook.js';
import { identifier, listOf, queryNames, renderQuery, stringLiteral } from '../sql/sql.js';
import { DuckDbEngine } from '../duckdb/duckdb-engine.js';
import { LocalCatalog } from '../local/local-catalog.js';
import { LocalRollupCatalog } from '../local/local-rollup-catalog.js';
import { LocalRollupLedger } from '../local/local-rollup-ledger.js';
import { LocalObjectStore } from '../local/local-object-store.js';
import { LocalRollup } from '../local/local-rollup.js';
import { LocalPartitions } from '../local/local-partitions.js';
import { LocalTable } from '../duckdb/local-table.js';
import { STATE_CATALOG, StateStore } from '../local/state-store.js';

/** The local composition root's context: every part the local engine has is there. */
export interface LocalHandle extends FlowlogContext {
  /** The stored daily rollup's partitions (a table of the state database). */
  readonly rollupCatalog: PartitionCatalog;
  /** Each rollup day's source files and skipped reads (a table of the state database). */
  readonly rollupLedger: RollupLedger;
  /** Build folders to delete: none locally (builds are rows), said honestly by the store. */
  readonly objectStore: ObjectStore;
  /** The view's columns carry the configured naming (FLOWLOG_COLUMN_NAMES). */
  readonly shape: TableShape;
}

export interface OpenLocalOptions {
  /**
   * Runs statements on a connection of its own DuckDB instance that sees no state database and
   * may read only the data folder (the `query` command: users' SQL).
   */
  readonly sandbox?: boolean;
  /** Where a finished report goes (the CLI's --slack-webhook). */
  readonly notifiers?: readonly Notifier[];
}

const STATE_FILE = 'state.duckdb';
/** Where DuckDB spills what does not fit under its memory limit (large groupings, sorts). */
const SPILL_DIR = 'spill';
const SANDBOX_TEMP_DIR = 'query-spill';
const PROFILE_FILE = 'last-query-profile.json';
const PLACEHOLDER_DIR = 'empty-partitions';
const SHIM_PREFIX = 'local/shims/';
const HELPER_PREFIX = 'flowlog_';
const ACCOUNT_FOLDER = /^\d{12}$/;
const REGION_FOLDER = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

// DuckDB's file lock is per process: a second open in the same process would not be refused.
const openStates = new Set<string>();

/**
 * Opens the local engine and catalog over a copy of the bucket: the partitions and file facts
 * live in a DuckDB file in the state folder, the table is a view over the registered partitions.
 */
export async function openLocal(config: FlowlogConfig, options: OpenLocalOptions = {}): Promise<LocalHandle> {
  const dataDir = resolve(config.local.dataDir);
  await checkDataDir(dataDir);
  const sources =
    config.logs.sources.length > 0
      ? config.logs.sources.map((s) => ({ ...s, folders: config.logs.folders, root: sourceRoot(dataDir, config.logs.prefix, s.account, s.region, config.logs.folders) }))
      : await discoverSources(dataDir, config.logs.prefix);
  const layout = layoutFor(sources);
  const stateDir = await prepareStateDir(resolve(config.local.stateDir));
  if (openStates.has(stateDir)) throw inUse(stateDir);
  openStates.add(stateDir);
  let instance: DuckDBInstance | undefined;
  let queryInstance: DuckDBInstance | undefined;
  try {
    const settings = engineSettings(join(stateDir, SPILL_DIR));
    instance = await DuckDBInstance.create(':memory:', settings);
    const stateConnection = await instance.connect();
    // Databases attached to an instance are seen by all its connections: a sandbox needs its own.
    queryInstance = options.sandbox === true ? await DuckDBInstance.create(':memory:', settings) : instance;
    const queryConnection = await queryInstance.connect();
    await attachState(stateConnection, stateDir);
    const { database, table, format } = config;
    const store = new StateStore(stateConnection, database, table);
    await store.createSchema();
    await checkTableDefinition(store, layout.keys, formatString(format), stateDir);
    const rollup = new LocalRollup(stateConnection, { stateCatalog: STATE_CATALOG, database, rollupTable: config.rollup.table, keys: layout.keys });
    await rollup.create();
    // The rollup lives in the state database: `<database>.<rollup>` finds it through the search path.
    const searchPath = options.sandbox === true ? `${database},main` : `${database},${STATE_CATALOG}.${database},main`;
    await queryConnection.run(renderQuery('local/session', { database: identifier(database), search_path: stringLiteral(searchPath) }));
    await installShims(queryConnection);
    const profilePath = join(stateDir, PROFILE_FILE);
    await queryConnection.run(renderQuery('local/profile', { path: stringLiteral(profilePath) }));
    if (options.sandbox === true)
      await confine(queryConnection, { dataDir, placeholderDir: join(stateDir, PLACEHOLDER_DIR), profilePath, tempDir: join(stateDir, SANDBOX_TEMP_DIR) });
    const named = withNaming(format, config.columnNames);
    const localTable = new LocalTable(queryConnection, store, { database, table, format: named, keys: layout.keys, dataDir, placeholderDir: join(stateDir, PLACEHOLDER_DIR) });
    await localTable.load();
    const partitions = new LocalPartitions(store, { database, table, keys: layout.keys, dataDir });
    const engine = new DuckDbEngine({
      connection: queryConnection,
      table: localTable,
      partitions,
      rollup,
      profilePath,
      ...(options.sandbox === true ? { sandbox: { dataDir } } : {}),
    });
    const location = sources.length === 1 ? (sources[0] as Source).root : `${dataDir}/`;
    const catalog = new LocalCatalog(store, { database, table, keys: layout.keys, format: named, dataDir, location });
    const opened = instance;
    const openedQuery = queryInstance;
    let closed = false;
    return {
      config,
      engine,
      catalog,
      rollupCatalog: new LocalRollupCatalog(rollup, join(stateDir, STATE_FILE)),
      rollupLedger: new LocalRollupLedger(rollup, catalog),
      rollupDaysPerBuild: LOCAL_DAYS_PER_BUILD,
      objectStore: new LocalObjectStore(),
      layout,
      shape: createdShape(format, config.columnNames, layout.keys),
      notifiers: options.notifiers ?? [],
      async close() {
        if (closed) return;
        closed = true;
        queryConnection.closeSync();
        stateConnection.closeSync();
        if (openedQuery !== opened) openedQuery.closeSync();
        opened.closeSync();
        openStates.delete(stateDir);
      },
    };
  } catch (error) {
    if (queryInstance !== instance) queryInstance?.closeSync();
    instance?.closeSync();
    openStates.delete(stateDir);
    throw error;
  }
}

/**
 * DuckDB settings for this work (measured in `npm run bench`, README "Performance"):
 * - memory_limit: DuckDB's default is 80% of the machine's memory, which a month of rollups and
 *   a grouping over a raw day fill; under this limit DuckDB spills to `spillDir` instead.
 * - preserve_insertion_order = false: the rollup build's INSERT ... SELECT and the switch's copy
 *   need not keep row order (every saved query orders its result), which lets DuckDB write in
 *   parallel and without buffering the whole result.
 */
export function engineSettings(spillDir: string): Record<string, string> {
  return { memory_limit: ENGINE_MEMORY_LIMIT, preserve_insertion_order: 'false', temp_directory: spillDir };
}

/**
 * Days one local rollup build reads: one, so that its grouping stays within ENGINE_MEMORY_LIMIT
 * (a build of 7 days of 300,000 records failed under 250 MB with "failed to pin block", while
 * day by day they built in the same CPU time; README "Performance").
 */
export const LOCAL_DAYS_PER_BUILD = 1;

/** DuckDB's memory limit (its buffer pool; Node.js and DuckDB's other allocations come on top). */
export const ENGINE_MEMORY_LIMIT = '512MB';

export interface LocalReportOptions {
  /** A Slack incoming webhook to post the report to (the CLI's --slack-webhook). */
  readonly slackWebhook?: string;
}

/**
 * The command line's report: the local engine and the Slack webhook it was given. Nothing here
 * loads the AWS SDK, so the topic and the results bucket (FLOWLOG_TOPIC_ARN,
 * FLOWLOG_REPORT_BUCKET) are refused rather than ignored.
 */
export function localReportOpener(job: ReportJobConfig, options: LocalReportOptions = {}): ContextOpener {
  if (job.report.topicArn !== undefined) throw new FlowlogError('FLOWLOG_TOPIC_ARN is set but this build has no SNS notifier');
  if (job.report.files !== undefined) throw new FlowlogError('FLOWLOG_REPORT_BUCKET is set but this build cannot write to S3');
  const notifiers = options.slackWebhook === undefined ? [] : [new SlackNotifier(new SlackWebhook(options.slackWebhook))];
  return () => openLocal(job.core, { notifiers });
}

/** DuckDB's own file-access settings on the users' connection, locked (local/sandbox.sql). */
async function confine(connection: DuckDBConnection, where: { dataDir: string; placeholderDir: string; profilePath: string; tempDir: string }): Promise<void> {
  const folder = (path: string) => stringLiteral(path.endsWith(sep) ? path : `${path}${sep}`);
  await connection.run(
    renderQuery('local/sandbox', {
      temp_directory: stringLiteral(where.tempDir),
      directories: listOf([folder(where.dataDir), folder(where.placeholderDir)]),
      paths: listOf([stringLiteral(where.profilePath)]),
    }),
  );
}

async function checkDataDir(dataDir: string): Promise<void> {
  const info = await stat(dataDir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new NotFoundError(`the data folder ${dataDir} does not exist (it should mirror the bucket: AWSLogs/<account>/vpcflowlogs/<region>/...)`, { dataDir });
  }
}

/**
 * Every source folder of the data folder, in name order: `AWSLogs/<account>/vpcflowlogs/<region>/`,
 * and `AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/` for flow logs
 * made with Hive-compatible S3 prefixes.
 */
async function discoverSources(dataDir: string, prefix: string): Promise<Source[]> {
  const logs = join(dataDir, prefix, 'AWSLogs');
  const folders = async (path: string) =>
    (await readdir(path, { withFileTypes: true }).catch(() => []))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  const sources: Source[] = [];
  for (const name of await folders(logs)) {
    const hive = /^aws-account-id=(\d{12})$/.exec(name);
    const account = hive?.[1] ?? name;
    if (!ACCOUNT_FOLDER.test(account)) continue;
    const service = hive === null ? 'vpcflowlogs' : 'aws-service=vpcflowlogs';
    for (const regionFolder of await folders(join(logs, name, service))) {
      const region = hive === null ? regionFolder : regionFolder.replace(/^aws-region=/, '');
      if (!REGION_FOLDER.test(region) || (hive !== null && !regionFolder.startsWith('aws-region='))) continue;
      const style = hive === null ? 'default' : 'hive';
      sources.push({ account, region, folders: style, root: sourceRoot(dataDir, prefix, account, region, style) });
    }
  }
  if (sources.length === 0) {
    throw new NotFoundError(`no flow logs in the data folder ${dataDir}: expected folders ${prefix}AWSLogs/<account>/vpcflowlogs/<region>/`, { dataDir });
  }
  return sources;
}

async function prepareStateDir(stateDir: string): Promise<string> {
  try {
    await mkdir(stateDir, { recursive: true });
    await access(stateDir, constants.W_OK);
  } catch (error) {
    throw new StateError(`the state folder ${stateDir} cannot be written: ${asError(error).message}`, { stateDir }, { cause: error });
  }
  return stateDir;
}

function inUse(stateDir: string): StateError {
  return new StateError(`the state folder ${stateDir} is in use by another flowlog-pilot run; wait for it to finish or use another --state folder`, { stateDir });
}

async function attachState(connection: DuckDBConnection, stateDir: string): Promise<void> {
  try {
    await connection.run(renderQuery('local/attach-state', { path: stringLiteral(join(stateDir, STATE_FILE)), state: identifier(STATE_CATALOG) }));
  } catch (error) {
    const message = asError(error).message;
    if (/lock/i.test(message)) throw inUse(stateDir);
    throw new StateError(`the state folder ${stateDir} cannot be used: ${message.split('\n')[0] ?? message}`, { stateDir }, { cause: error });
  }
}

async function checkTableDefinition(store: StateStore, keys: readonly string[], format: string, stateDir: string): Promise<void> {
  const stored = await store.tableDefinition();
  if (stored !== undefined && stored.partitionKeys.join(',') !== keys.join(',') && (await store.partitions()).length > 0) {
    throw new StateError(
      `the state in ${stateDir} has partitions keyed by (${stored.partitionKeys.join(', ')}) but the data now needs (${keys.join(', ')}); ` +
        'use another --state folder, or remove this one to register the partitions again',
      { stateDir },
    );
  }
  await store.saveTableDefinition({ partitionKeys: keys, format });
}

/** Trino functions DuckDB lacks, each created only when DuckDB has no function of that name. */
async function installShims(connection: DuckDBConnection): Promise<void> {
  const existing = new Set((await connection.runAndReadAll(renderQuery('local/list-functions', {}))).getRowsJS().map((row) => String(row[0])));
  const names = queryNames()
    .filter((name) => name.startsWith(SHIM_PREFIX))
    .map((name) => name.slice(SHIM_PREFIX.length))
    .sort((a, b) => Number(!a.startsWith(HELPER_PREFIX)) - Number(!b.startsWith(HELPER_PREFIX)) || a.localeCompare(b));
  for (const name of names.filter((n) => !existing.has(n))) {
    await connection.run(renderQuery(`${SHIM_PREFIX}${name}`, {}));
  }
}
