import { SlackNotifier, SlackWebhook } from '../slack/slack-webhook.js';
import { S3ArtifactStore } from '../s3/s3-artifact-store.js';
import { SnsNotifier } from '../sns/sns-notifier.js';
import { createAwsClients, type AwsClients } from '../aws/clients.js';
import { s3Client } from '../s3/s3-client.js';
import { snsClient } from '../sns/sns-client.js';
import { athenaOpener } from './aws.js';
import { openLocalEngine } from './engines.js';
import type { ReportAdapters } from './report-deps.js';

/**
 * The adapters of this build: Athena, Glue, SNS and S3 with clients made once per cold start,
 * the local DuckDB engine, and Slack webhooks.
 */
export function buildAdapters(clients: AwsClients = createAwsClients()): ReportAdapters {
  return {
    openAthena: (config) => athenaOpener(config, clients)(),
    openLocal: openLocalEngine,
    snsNotifier: (topicArn) => new SnsNotifier(snsClient(), topicArn),
    slackNotifier: (url) => new SlackNotifier(new SlackWebhook(url)),
    artifactStore: (bucket, region) => new S3ArtifactStore(s3Client(), bucket, region),
  };
}
