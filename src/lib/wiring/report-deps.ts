import type { FlowlogConfig } from '../config.js';
import { FlowlogError } from '../errors.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { Notifier, PartitionCatalog, QueryEngine } from '../ports.js';
import type { ReportJobConfig } from '../report/report-config.js';

/** An engine with its catalog and layout, and how to let go of them (the agreed LocalHandle shape). */
export interface EngineHandle {
  readonly engine: QueryEngine;
  readonly catalog: PartitionCatalog;
  readonly layout: PartitionLayout;
  close(): Promise<void>;
}

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
}

export interface ReportRuntime extends EngineHandle {
  readonly notifiers: readonly Notifier[];
}

/** Opens the engine the configuration names and the notifiers it asks for. */
export async function openReportRuntime(job: ReportJobConfig, adapters: ReportAdapters, extra: readonly Notifier[] = []): Promise<ReportRuntime> {
  const handle = job.core.engine === 'local' ? await adapters.openLocal(job.core) : await adapters.openAthena(job.core);
  const notifiers: Notifier[] = [...extra];
  if (job.report.topicArn !== undefined) {
    if (adapters.snsNotifier === undefined) throw new FlowlogError('FLOWLOG_TOPIC_ARN is set but this build has no SNS notifier');
    notifiers.push(adapters.snsNotifier(job.report.topicArn));
  }
  return { ...handle, notifiers };
}

const missing = (what: string) => async (): Promise<never> => {
  throw new FlowlogError(`${what} is not part of this build`);
};

/**
 * The adapters of this build. The Athena/Glue engine, the DuckDB engine and the SNS and Slack
 * notifiers are merged from their own modules (src/lib/adapters, src/lib/local/open-local.ts);
 * until then each says that it is missing instead of failing in an unclear way.
 */
export const BUILD_ADAPTERS: ReportAdapters = {
  openAthena: missing('the Athena engine and Glue catalog'),
  openLocal: missing('the local DuckDB engine (openLocal)'),
};
