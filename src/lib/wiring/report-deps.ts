import { SlackNotifier, SlackWebhook } from '../slack/slack-webhook.js';
import type { FlowlogConfig } from '../config.js';
import { FlowlogError } from '../errors.js';
import type { ArtifactStore, Notifier } from '../ports.js';
import type { ReportJobConfig } from '../report/report-config.js';
import type { RunReportDeps } from '../use-cases/run-report.js';
import { openLocalEngine, reportRollup, type EngineHandle } from './engines.js';

export type { EngineHandle } from './engines.js';

/**
 * The adapters the report job is assembled from. The handler and the CLI receive them, so tests
 * pass a DuckDB engine over local files and the Lambda passes Athena, Glue and SNS.
 */
export interface ReportAdapters {
  /** Athena engine and Glue catalog (clients built once per cold start). */
  openAthena(config: FlowlogConfig): Promise<EngineHandle>;
  /** The local DuckDB engine over a copy of the bucket (`openLocal`). */
  openLocal(config: FlowlogConfig): Promise<EngineHandle>;
  /** Publishes to the report topic; absent when FLOWLOG_TOPIC_ARN is unset. */
  snsNotifier?(topicArn: string): Notifier;
  /** Posts to a Slack incoming webhook (the CLI's --slack-webhook). */
  slackNotifier?(webhookUrl: string): Notifier;
  /** Saves the report's files to a bucket; absent when FLOWLOG_REPORT_BUCKET is unset. */
  artifactStore?(bucket: string, region: string): ArtifactStore;
}

export interface ReportRuntime extends EngineHandle {
  readonly notifiers: readonly Notifier[];
  /** Where the report's files are saved, when the configuration names a bucket. */
  readonly artifacts?: ArtifactStore;
}

/** What runReport needs from an open runtime and the job's settings (the handler and the CLI alike). */
export function reportDeps(runtime: ReportRuntime, job: ReportJobConfig, now: () => Date): RunReportDeps {
  return {
    engine: runtime.engine,
    catalog: runtime.catalog,
    layout: runtime.layout,
    database: job.core.database,
    table: job.core.table,
    ...(runtime.shape === undefined ? {} : { shape: runtime.shape }),
    config: job.report,
    rollup: reportRollup(runtime, job.core),
    now,
  };
}

/** Opens the engine the configuration names and the notifiers it asks for. */
export async function openReportRuntime(job: ReportJobConfig, adapters: ReportAdapters, extra: readonly Notifier[] = []): Promise<ReportRuntime> {
  const handle = job.core.engine === 'local' ? await adapters.openLocal(job.core) : await adapters.openAthena(job.core);
  const notifiers: Notifier[] = [...extra];
  if (job.report.topicArn !== undefined) {
    if (adapters.snsNotifier === undefined) throw new FlowlogError('FLOWLOG_TOPIC_ARN is set but this build has no SNS notifier');
    notifiers.push(adapters.snsNotifier(job.report.topicArn));
  }
  const files = job.report.files;
  if (files === undefined) return { ...handle, notifiers };
  if (adapters.artifactStore === undefined) throw new FlowlogError('FLOWLOG_REPORT_BUCKET is set but this build cannot write to S3');
  return { ...handle, notifiers, artifacts: adapters.artifactStore(files.bucket, files.region) };
}

/**
 * The command line's adapters: the local engine and Slack webhooks, nothing that loads the AWS
 * SDK (the CLI always runs the local engine).
 */
export const LOCAL_REPORT_ADAPTERS: ReportAdapters = {
  openAthena: async () => {
    throw new FlowlogError('the command line runs reports on the local engine; Athena reports run in the report Lambda');
  },
  openLocal: openLocalEngine,
  slackNotifier: (url) => new SlackNotifier(new SlackWebhook(url)),
};
