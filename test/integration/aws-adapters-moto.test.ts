/**
 * The AWS adapters with the real SDK clients against moto_server on 127.0.0.1 (started here,
 * stopped after): the Glue catalog lists partitions through GetTable and paged GetPartitions with
 * its Expression, the SNS notifier's MessageStructure json reaches an SQS subscriber as the sqs
 * rendering, and the SSM reader decrypts a SecureString. Faults (throttling, refusals) stay with
 * aws-sdk-client-mock in the unit tests: moto answers, it does not misbehave on demand.
 */
import { BatchCreatePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { GlueCatalog } from '../../src/lib/glue/glue-catalog.js';
import { SnsNotifier } from '../../src/lib/sns/sns-notifier.js';
import { SsmParameter } from '../../src/lib/ssm/ssm-parameter.js';
import { addDays, daysOf, type UtcDay } from '../../src/lib/dates.js';
import { NotFoundError } from '../../src/lib/errors.js';
import { buildSnsMessage } from '../../src/lib/render/sns-message.js';
import { logBucketResources, readStackParams, type StackParams } from '../../deploy/stack-resources.js';
import { resolve } from '../support/packaged-stack.js';
import { useMotoServer } from '../support/moto-server.js';
import { startLoopbackServer } from '../support/loopback-server.js';
import { richReport } from '../support/report-fixture.js';

const ACCOUNT = '123456789012';
const STACK_DEFAULTS: StackParams = {
  stage: 'ci',
  bucket: '',
  prefix: '',
  sources: '',
  database: '',
  table: 'vpc_flow_logs',
  tableMode: 'create',
  format: '',
  vpcIds: '',
  alertEmails: '',
  slackWebhookParameter: '',
  bytesScannedCutoffMb: '10240',
  resultsRetentionDays: '30',
};

describe('AWS adapters against moto_server', () => {
  const { need } = useMotoServer();

  it('when the Glue table has 1,200 day partitions, the catalog describes it and lists exactly the days of a range, every page', async (ctx) => {
    // Prepare
    const server = need(ctx);
    const glue = new GlueClient(server.clientConfig);
    const storage = {
      Columns: [
        { Name: 'srcaddr', Type: 'string' },
        { Name: 'dstport', Type: 'int' },
      ],
      Location: `s3://flow-log-bucket/AWSLogs/${ACCOUNT}/vpcflowlogs/ap-northeast-1/`,
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', Parameters: { 'field.delim': ' ' } },
    };
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'flowlogs_ci' } }));
    await glue.send(
      new CreateTableCommand({ DatabaseName: 'flowlogs_ci', TableInput: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: storage } }),
    );
    const days = daysOf({ from: '2023-08-01' as UtcDay, to: addDays('2023-08-01' as UtcDay, 1_199) });
    // Glue's BatchCreatePartition takes at most 100 partitions per call (Glue API reference).
    for (let i = 0; i < days.length; i += 100) {
      const inputs = days
        .slice(i, i + 100)
        .map((day) => ({ Values: [day.replaceAll('-', '/')], StorageDescriptor: { ...storage, Location: `${storage.Location}${day.replaceAll('-', '/')}/` } }));
      const out = await glue.send(new BatchCreatePartitionCommand({ DatabaseName: 'flowlogs_ci', TableName: 'vpc_flow_logs', PartitionInputList: inputs }));
      expect(out.Errors ?? []).toEqual([]);
    }
    const catalog = new GlueCatalog({ client: glue, database: 'flowlogs_ci', table: 'vpc_flow_logs' });

    // Act
    const description = await catalog.describeTable();
    const all = await catalog.listPartitions({ from: '2023-08-01' as UtcDay, to: '2026-11-12' as UtcDay });
    const november = await catalog.listPartitions({ from: '2025-11-01' as UtcDay, to: '2025-11-30' as UtcDay });

    // Assess
    expect(description).toMatchObject({
      partitionKeys: ['dt'],
      columns: [
        { name: 'srcaddr', type: 'string' },
        { name: 'dstport', type: 'int' },
      ],
      location: storage.Location,
    });
    expect(all).toHaveLength(1_200);
    expect(november.map((p) => p.values.dt).sort()).toEqual(daysOf({ from: '2025-11-01' as UtcDay, to: '2025-11-30' as UtcDay }).map((d) => d.replaceAll('-', '/')));
    expect(november[0]?.location).toMatch(/\/vpcflowlogs\/ap-northeast-1\/2025\/11\/\d\d\/$/);
  });

  it('when the Glue table does not exist, the catalog says which one and how to fix it', async (ctx) => {
    const server = need(ctx);
    const catalog = new GlueCatalog({ client: new GlueClient(server.clientConfig), database: 'flowlogs_ci', table: 'missing_table' });

    await expect(catalog.describeTable()).rejects.toThrow(NotFoundError);
    await expect(catalog.describeTable()).rejects.toThrow(/flowlogs_ci\.missing_table/);
  });

  it('when a report is published to a topic with an SQS subscriber, the queue receives the sqs rendering of the MessageStructure json, not the default', async (ctx) => {
    // Prepare
    const server = need(ctx);
    const sns = new SNSClient({ ...server.clientConfig, maxAttempts: 1 });
    const sqs = new SQSClient(server.clientConfig);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'flowlog-pilot-ci-report' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'report-copy' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
    const report = richReport();
    const expected = JSON.parse(buildSnsMessage(report).Message) as Record<string, string>;

    // Act
    const result = await new SnsNotifier(sns, TopicArn!).notify(report);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));

    // Assess
    expect(result.messageId).toMatch(/\S/);
    expect(received.Messages).toHaveLength(1);
    const envelope = JSON.parse(received.Messages![0]!.Body!) as { Type: string; MessageId: string; Subject: string; Message: string };
    expect(envelope.Type).toBe('Notification');
    expect(envelope.MessageId).toBe(result.messageId);
    expect(envelope.Subject).toBe(buildSnsMessage(report).Subject);
    expect(envelope.Message).toBe(expected.sqs);
    expect(envelope.Message).not.toBe(expected.default);
    expect(JSON.parse(envelope.Message)).toMatchObject({ tool: 'flowlog-pilot', window: { date: '2026-11-25' }, totals: { rejected: 18_233 } });
  });

  it('when a report is published to a topic with an HTTP subscriber on 127.0.0.1, the endpoint receives the rendering SNS picks for http', async (ctx) => {
    // Prepare
    const server = need(ctx);
    const endpoint = await startLoopbackServer([{ status: 200, body: 'ok' }]);
    try {
      const sns = new SNSClient({ ...server.clientConfig, maxAttempts: 1 });
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'flowlog-pilot-ci-report-http' }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${endpoint.baseUrl}/sns` }));
      const report = richReport();
      const message = JSON.parse(buildSnsMessage(report).Message) as Record<string, string>;

      // Act
      await new SnsNotifier(sns, TopicArn!).notify(report);

      // Assess: SNS uses the `http` key, else `default` (MessageStructure json, SNS Publish API).
      const notifications = endpoint.received.map((r) => JSON.parse(r.body) as { Type: string; Message: string }).filter((n) => n.Type === 'Notification');
      expect(notifications).toHaveLength(1);
      expect(notifications[0]!.Message).toBe(message.http ?? message.default);
    } finally {
      await endpoint.close();
    }
  });

  it('when the topic does not exist, the notifier fails naming the topic', async (ctx) => {
    const server = need(ctx);
    const topicArn = `arn:aws:sns:ap-northeast-1:${ACCOUNT}:no-such-topic`;
    const notifier = new SnsNotifier(new SNSClient({ ...server.clientConfig, maxAttempts: 1 }), topicArn, { sleep: async () => {} });

    await expect(notifier.notify(richReport())).rejects.toThrow(`SNS publish to ${topicArn} failed: NotFound`);
  });

  it('when the webhook URL is a SecureString parameter, the reader returns it decrypted and reads it once', async (ctx) => {
    // Prepare
    const server = need(ctx);
    const ssm = new SSMClient(server.clientConfig);
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/slack-webhook', Type: 'SecureString', Value: url }));
    const parameter = new SsmParameter(ssm, '/flowlog-pilot/ci/slack-webhook');

    // Act
    const first = await parameter.value();
    const second = await parameter.value();

    // Assess
    expect([first, second]).toEqual([url, url]);
    await expect(new SsmParameter(ssm, '/flowlog-pilot/ci/none').value()).rejects.toThrow(/does not exist \(create it with aws ssm put-parameter --type SecureString\)/);
  });

  it("when the stack's delivery policy for two source accounts is put on a bucket, S3 accepts it and gives it back", async (ctx) => {
    // Prepare: the policy the stack builds, with CloudFormation's functions evaluated.
    const server = need(ctx);
    const settings = readStackParams({ ...STACK_DEFAULTS, sources: `${ACCOUNT}:ap-northeast-1,111111111111:us-east-1` });
    const bucketTemplate = { Resources: { FlowLogBucket: { Type: 'AWS::S3::Bucket' } } };
    const policy = resolve(bucketTemplate, (logBucketResources(settings).FlowLogBucketPolicy as { Properties: { PolicyDocument: unknown } }).Properties.PolicyDocument);
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'flowlogbucket-name', CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' } }));

    // Act
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'flowlogbucket-name', Policy: JSON.stringify(policy) }));
    const back = await s3.send(new GetBucketPolicyCommand({ Bucket: 'flowlogbucket-name' }));

    // Assess
    expect(JSON.parse(back.Policy!)).toEqual(policy);
    expect(JSON.stringify(policy)).toContain('"arn:aws:s3:::flowlogbucket-name/AWSLogs/111111111111/*"');
    expect(JSON.stringify(policy)).not.toContain('Fn::');
  });
});
