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
import { loadCoreConfig, type Settings } from '../config.js';
import type { ContextOpener, FlowlogContext } from '../context.js';
import type { ListReader, Notifier, Secret } from '../ports.js';
import { createLambdaClient } from '../lambda/lambda-client.js';
import { LambdaInterfaceDirectory } from '../lambda/lambda-interface-directory.js';
import { readBundledFile } from '../local/bundled-file.js';
import { loadReportJobConfig, type ReportJobConfig } from '../report/report-config.js';
import { S3ArtifactStore } from '../s3/s3-artifact-store.js';
import { createS3Client } from '../s3/s3-client.js';
import { SlackNotifier, SlackWebhook, type SlackWebhookOptions } from '../slack/slack-webhook.js';
import { createSnsClient } from '../sns/sns-client.js';
import { SnsNotifier } from '../sns/sns-notifier.js';
import { SsmParameter } from '../ssm/ssm-parameter.js';
import { createSsmClient } from '../ssm/ssm-client.js';
import { createAwsClients } from '../aws/clients.js';
import type { SSMClient } from '@aws-sdk/client-ssm';

/*
 * The AWS composition root: the Lambda functions' adapters, with SDK clients built once per cold
 * start and passed in through constructors. Each handler asks it for its dependencies
 * (`handler = createXHandler(awsXDeps())`); FLOWLOG_ENGINE=local (`serverless invoke local`)
 * takes the engine from the local root instead, loaded only then.
 */

/**
 * Athena for queries and DDL, Glue for what partitions exist. Built once per cold start; an
 * adopted table's layout is read from Glue on each open (cheap, and a changed LOCATION is seen).
 */
export function athenaOpener(config: FlowlogConfig, clients: AwsClients, s3: () => S3Client = () => clients.s3 ?? s3LogsClient()): ContextOpener {
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
    return async () => ({
      config,
      engine,
      catalog,
      rollupCatalog,
      rollupLedger,
      ...(objectStore === undefined ? {} : { objectStore }),
      layout: created,
      shape,
      notifiers: [],
      close,
    });
  }
  return async () => {
    const table = await catalog.describeTable();
    const layout = adoptedLayout(table, config);
    // Glue always lists a table's columns; a description without any (a hand-written stand-in)
    // keeps the configured naming rather than failing on what it cannot tell.
    const shape =
      table.columns.length === 0
        ? createdShape(config.format, config.columnNames, layout.keys, layout.tableKeys)
        : detectedShape(
            table.columns.map((c) => c.name),
            `${table.database}.${table.table}`,
            layout,
          );
    return { config, engine, catalog, rollupCatalog, rollupLedger, ...(objectStore === undefined ? {} : { objectStore }), layout, shape, notifiers: [], close };
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

/**
 * The one place the engine is chosen: Athena and Glue, or (FLOWLOG_ENGINE=local, for `serverless
 * invoke local`) DuckDB from the local root, imported only then so the Lambda bundles leave it out.
 */
export function engineOpener(config: FlowlogConfig, clients: () => AwsClients): ContextOpener {
  if (config.engine === 'local') {
    return async () => {
      const { openLocal } = await import('./local.js');
      return openLocal(config);
    };
  }
  return athenaOpener(config, clients());
}

/** What the partitions handler takes: its checked settings and how to open a context per run. */
export interface PartitionsJobDeps {
  readonly config: FlowlogConfig;
  readonly open: ContextOpener;
}

/** The partitions Lambda's dependencies; a bad setting fails here, at cold start, naming every bad key. */
export function awsPartitionsDeps(settings: Settings = process.env, clients: () => AwsClients = createAwsClients): PartitionsJobDeps {
  const config = loadCoreConfig(settings);
  return { config, open: engineOpener(config, clients) };
}

/** What the report handler takes: its checked settings and how to open a context per run. */
export interface ReportJobHandlerDeps {
  readonly job: ReportJobConfig;
  readonly open: ContextOpener;
}

/**
 * The report's lists on AWS: an SSM parameter, read afresh every run (a changed list applies the
 * next morning, however long the function stays warm), or a file bundled into the zip.
 */
export function awsListReader(roots: readonly string[], ssm: () => SSMClient = createSsmClient): ListReader {
  let client: SSMClient | undefined;
  return {
    read: (source, options) =>
      source.kind === 'parameter'
        ? new SsmParameter((client ??= ssm()), source.name).value(options)
        : readBundledFile(source.dir === undefined ? roots : [source.dir], source.path),
  };
}

/** Where bundled lists are found: the zip's root on Lambda (LAMBDA_TASK_ROOT); `serverless invoke local` runs in the service folder. */
function bundleRoots(settings: Settings): string[] {
  return [...(settings.LAMBDA_TASK_ROOT === undefined ? [] : [settings.LAMBDA_TASK_ROOT]), process.cwd()];
}

/**
 * The report Lambda's dependencies: the engine, the report topic (FLOWLOG_TOPIC_ARN), the
 * results bucket for the report's files (FLOWLOG_REPORT_BUCKET), the lists' reader (SSM or bundled
 * files) and the interfaces function (FLOWLOG_INTERFACES_FUNCTION: EC2 DescribeNetworkInterfaces
 * in a function of its own, which keeps the EC2 client out of this zip), each only when
 * configured. A bad setting fails here, at cold start, naming every bad key.
 */
export function awsReportDeps(settings: Settings = process.env, clients: AwsClients = createAwsClients()): ReportJobHandlerDeps {
  const job = loadReportJobConfig(settings);
  const engine = engineOpener(job.core, () => clients);
  const { topicArn, files, interfacesFunction } = job.report;
  const notifiers = topicArn === undefined ? [] : [new SnsNotifier(createSnsClient(), topicArn)];
  const artifacts = files === undefined ? undefined : new S3ArtifactStore(createS3Client(), files.bucket, files.region);
  const interfaces = interfacesFunction === undefined ? undefined : new LambdaInterfaceDirectory(createLambdaClient(), interfacesFunction);
  const lists = awsListReader(bundleRoots(settings));
  const open = async (): Promise<FlowlogContext> => ({
    ...(await engine()),
    notifiers,
    lists,
    ...(artifacts === undefined ? {} : { artifacts }),
    ...(interfaces === undefined ? {} : { interfaces }),
  });
  return { job, open };
}

/** Where the Slack forwarder reads the webhook URL and how it posts to it. */
export interface SlackForwarderDeps {
  readonly settings: Settings;
  /** The webhook URL kept as a SecureString in this SSM parameter (name or ARN). */
  webhookUrl(parameter: string): Secret;
  /** The Slack channel of a webhook URL: its notifier, and its host (all the logs may show of it). */
  slack(url: string): { readonly notifier: Notifier; readonly host: string };
}

/** The Slack forwarder's dependencies: Parameter Store for the webhook URL, and Slack webhooks. */
export function awsSlackForwarderDeps(settings: Settings = process.env, ssm: SSMClient = createSsmClient(), webhook: SlackWebhookOptions = {}): SlackForwarderDeps {
  return {
    settings,
    webhookUrl: (parameter) => new SsmParameter(ssm, parameter),
    slack: (url) => {
      const channel = new SlackWebhook(url, webhook);
      return { notifier: new SlackNotifier(channel), host: channel.host };
    },
  };
}
