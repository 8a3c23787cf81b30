import { AthenaEngine } from '../adapters/athena-engine.js';
import { GlueCatalog } from '../adapters/glue-catalog.js';
import { SlackNotifier, SlackWebhook } from '../adapters/slack-webhook.js';
import { SnsNotifier } from '../adapters/sns-notifier.js';
import { createAwsClients, type AwsClients } from '../aws/clients.js';
import type { FlowlogConfig } from '../config.js';
import { adoptedLayout, configuredLayout } from '../partitions/table-layout.js';
import { openLocalEngine, type EngineHandle } from './engines.js';
import type { ReportAdapters } from './report-deps.js';

/* The wiring of the Lambda handlers: AWS SDK clients built once per cold start, passed to the adapters. */

/**
 * Athena for queries and DDL, Glue for what partitions exist. Built once per cold start; an
 * adopted table's layout is read from Glue on each open (cheap, and a changed LOCATION is seen).
 */
export function athenaOpener(config: FlowlogConfig, clients: AwsClients): () => Promise<EngineHandle> {
  const engine = new AthenaEngine({
    client: clients.athena,
    workgroup: config.athena.workgroup,
    database: config.database,
    ...(config.athena.outputLocation === undefined ? {} : { outputLocation: config.athena.outputLocation }),
  });
  const catalog = new GlueCatalog({ client: clients.glue, database: config.database, table: config.table });
  const rollupCatalog = new GlueCatalog({ client: clients.glue, database: config.database, table: config.rollup.table });
  const created = config.tableMode === 'create' ? configuredLayout(config) : undefined;
  return async () => ({ engine, catalog, rollupCatalog, layout: created ?? adoptedLayout(await catalog.describeTable(), config), close: async () => {} });
}

/** The engine the configuration names. */
export function engineOpener(config: FlowlogConfig, clients: () => AwsClients): () => Promise<EngineHandle> {
  if (config.engine === 'local') return () => openLocalEngine(config);
  return athenaOpener(config, clients());
}

/**
 * The adapters of this build: Athena, Glue and SNS with clients made once per cold start, the
 * local DuckDB engine, and Slack webhooks.
 */
export function buildAdapters(clients: () => AwsClients = lazyClients()): ReportAdapters {
  return {
    openAthena: (config) => athenaOpener(config, clients())(),
    openLocal: openLocalEngine,
    snsNotifier: (topicArn) => new SnsNotifier(clients().sns, topicArn),
    slackNotifier: (url) => new SlackNotifier(new SlackWebhook(url)),
  };
}

function lazyClients(): () => AwsClients {
  let clients: AwsClients | undefined;
  return () => (clients ??= createAwsClients());
}
