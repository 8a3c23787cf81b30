import { SlackNotifier, SlackWebhook } from '../adapters/slack-webhook.js';
import { S3ArtifactStore } from '../adapters/s3-artifact-store.js';
import { SnsNotifier } from '../adapters/sns-notifier.js';
import { createAwsClients, type AwsClients } from '../aws/clients.js';
import { s3Client } from '../aws/s3-client.js';
import { snsClient } from '../aws/sns-client.js';
import { ec2InterfacesDescriber } from '../aws/ec2-client.js';
import { Ec2InterfaceDirectory } from '../ec2/ec2-interface-directory.js';
import { athenaOpener } from './aws.js';
import { openLocalEngine } from './engines.js';
import type { ReportAdapters } from './report-deps.js';

/**
 * The adapters of this build: Athena, Glue, SNS and S3 with clients made once per cold start,
 * the local DuckDB engine, Slack webhooks, and EC2 DescribeNetworkInterfaces (its client loaded
 * only when a report names an interface).
 */
export function buildAdapters(clients: AwsClients = createAwsClients()): ReportAdapters {
  return {
    openAthena: (config) => athenaOpener(config, clients)(),
    openLocal: openLocalEngine,
    snsNotifier: (topicArn) => new SnsNotifier(snsClient(), topicArn),
    slackNotifier: (url) => new SlackNotifier(new SlackWebhook(url)),
    artifactStore: (bucket, region) => new S3ArtifactStore(s3Client(), bucket, region),
    interfaceDirectory: () => new Ec2InterfaceDirectory(ec2InterfacesDescriber),
  };
}
