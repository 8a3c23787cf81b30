import { AthenaEngine } from '../athena/athena-engine.js';
import { GlueCatalog } from '../glue/glue-catalog.js';
import { S3ObjectStore } from '../s3/s3-object-store.js';
import { S3RollupLedger } from '../s3/s3-rollup-ledger.js';
import { s3LogsClient } from '../s3/s3-logs.js';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import type { FlowlogConfig } from '../config.js';
import { StateError } from '../errors.js';
import { adoptedLayout, configuredLayout } from '../partitions/table-layout.js';
import type { PartitionLayout } from '../partitions/layout.js';
import { detectColumns } from '../flowlog/format.js';
import { createdShape } from '../flowlog/raw-table.js';
import { openLocalEngine, type EngineHandle } from './engines.js';

/* The wiring of the Lambda handlers: AWS SDK clients built once per cold start, passed to the adapters. */

/**
 * Athena for queries and DDL, Glue for what partitions exist. Built once per cold start; an
 * adopted table's layout is read from Glue on each open (cheap, and a changed LOCATION is seen).
 */
export function athenaOpener(config: FlowlogConfig, clients: AwsClients, s3: () => S3Client = () => clients.s3 ?? s3LogsClient()): () => Promise<EngineHandle> {
  const engine = new AthenaEngine({
    client: clients.athena,
    workgroup: config.athena.workgroup,
    database: config.database,
    ...(config.athena.outputLocation === undefined ? {} : { outputLocation: config.athena.outputLocation }),
  });
  const catalog = new GlueCatalog({ client: clients.glue, database: config.database, table: config.table });
  const rollupCatalog = new GlueCatalog({ client: clients.glue, database: config.database, table: config.rollup.table });
  // Removes the folders of failed or replaced rollup builds (ListObjectsV2 + DeleteObjects under rollup/builds/).
  const objectStore = clients.s3 === undefined ? undefined : new S3ObjectStore({ client: clients.s3 });
  // Each rollup day's files (ListObjectsV2 under its raw folders: key, size, ETag) and its record,
  // a JSON object per day beside the rollup: <rollup LOCATION>ledger/<rollup table>/<day>.json.
  const rollupLedger = new S3RollupLedger({ client: s3(), raw: catalog, folder: () => ledgerFolder(rollupCatalog, config.rollup.table) });
  const created = config.tableMode === 'create' ? configuredLayout(config) : undefined;
  const close = async () => {};
  if (created !== undefined) {
    const shape = createdShape(config.format, config.columnNames, created.keys);
    return async () => ({ engine, catalog, rollupCatalog, rollupLedger, ...(objectStore === undefined ? {} : { objectStore }), layout: created, shape, close });
  }
  return async () => {
    const table = await catalog.describeTable();
    const layout = adoptedLayout(table, config);
    // Glue always lists a table's columns; a description without any (a hand-written stand-in)
    // keeps the configured naming rather than failing on what it cannot tell.
    const shape = table.columns.length === 0
      ? createdShape(config.format, config.columnNames, layout.keys, layout.tableKeys)
      : detectedShape(table.columns.map((c) => c.name), `${table.database}.${table.table}`, layout);
    return { engine, catalog, rollupCatalog, rollupLedger, ...(objectStore === undefined ? {} : { objectStore }), layout, shape, close };
  };
}

/** Where the rollup days' records are kept: `ledger/<rollup table>/` under the rollup table's LOCATION (the results bucket's rollup/). */
export async function ledgerFolder(rollupCatalog: GlueCatalog, rollupTable: string): Promise<string> {
  const location = (await rollupCatalog.describeTable()).location;
  if (location === undefined || location === '') throw new StateError(`${rollupTable} has no LOCATION, so its days' records have no place`);
  return `${location.endsWith('/') ? location : `${location}/`}ledger/${rollupTable}/`;
}

/** An adopted table's shape from its Glue columns: AWS's names or the walkthrough's, and the fields it has. */
function detectedShape(columns: readonly string[], name: string, layout: PartitionLayout) {
  const { naming, fields } = detectColumns(columns, name);
  return createdShape(fields, naming, layout.keys, layout.tableKeys);
}

/** The engine the configuration names. */
export function engineOpener(config: FlowlogConfig, clients: () => AwsClients): () => Promise<EngineHandle> {
  if (config.engine === 'local') return () => openLocalEngine(config);
  return athenaOpener(config, clients());
}
