import { SlackNotifier, SlackWebhook } from '../slack/slack-webhook.js';
import { S3ArtifactStore } from '../s3/s3-artifact-store.js';
import { SnsNotifier } from '../sns/sns-notifier.js';
import { createAwsClients, type AwsClients } from '../aws/clients.js';
import { s3Client } from '../s3/s3-client.js';
import { snsClient } from '../sns/sns-client.js';
import { lambdaClient } from '../lambda/lambda-client.js';
import { LambdaInterfaceDirectory } from '../lambda/lambda-interface-directory.js';
import { athenaOpener } from './aws.js';
import { openLocalEngine } from './engines.js';
import type { ReportAdapters } from './report-deps.js';
import type { ListReader } from '../ports.js';
import { SsmParameter } from '../ssm/ssm-parameter.js';
import { ssmClient } from '../ssm/ssm-client.js';
import { readBundledFile } from '../local/bundled-file.js';

/**
 * The report's lists on AWS: an SSM parameter, read afresh every run (a changed list applies the
 * next morning, however long the function stays warm), or a file bundled into the zip.
 */
export function awsListReader(roots: readonly string[], ssm: () => ReturnType<typeof ssmClient> = ssmClient): ListReader {
  return {
    read: (source, options) => (source.kind === 'parameter' ? new SsmParameter(ssm(), source.name).value(options) : readBundledFile(source.dir === undefined ? roots : [source.dir], source.path)),
  };
}

/**
 * The adapters of this build: Athena, Glue, SNS and S3 with clients made once per cold start,
 * the local DuckDB engine, Slack webhooks,, the reader of the report's lists (SSM or bundled files)
 * and the interfaces function (EC2 DescribeNetworkInterfaces, in a function of its own to keep the EC2
 * client out of this zip).
 */
export function buildAdapters(clients: AwsClients = createAwsClients(), roots: readonly string[] = [process.cwd()]): ReportAdapters {
  return {
    openAthena: (config) => athenaOpener(config, clients)(),
    openLocal: openLocalEngine,
    snsNotifier: (topicArn) => new SnsNotifier(snsClient(), topicArn),
    slackNotifier: (url) => new SlackNotifier(new SlackWebhook(url)),
    artifactStore: (bucket, region) => new S3ArtifactStore(s3Client(), bucket, region),
    listReader: awsListReader(roots),
    interfaceDirectory: (functionName) => new LambdaInterfaceDirectory(lambdaClient(), functionName),
  };
}
