/**
 * Packages the real project with `serverless package` (osls + serverless-esbuild), once, offline
 * and without AWS credentials, then reads the CloudFormation template and the zips it wrote.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT } from '../../src/lib/flowlog/format.js';
import { METRICS_NAMESPACE, PARTITIONS_METRICS, PARTITIONS_SERVICE, REPORT_METRICS, REPORT_SERVICE } from '../../src/lib/report/report-metrics.js';
import { runServerlessOffline } from '../../deploy/offline-serverless.js';
import { readZip } from '../../deploy/zip-reader.js';
import { SINGLE_SOURCE_KEYS } from '../../src/lib/partitions/layout.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import { writeSample } from '../../src/sample/write-sample.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FUNCTIONS = { partitions: 'Partitions', report: 'Report', interfaces: 'Interfaces', slackForwarder: 'SlackForwarder' } as const;
const QUERY_FUNCTIONS = ['partitions', 'report'] as const;
const MAX_ZIP_BYTES = 1024 * 1024;
const PARAMS = {
  alertEmails: 'secops@example.com,oncall@example.com',
  slackWebhookParameter: '/flowlog-pilot/ci/slack-webhook',
  vpcIds: 'vpc-0123456789abcdef0',
  reportTimezone: 'Asia/Tokyo',
  bytesScannedCutoffMb: '2048',
  resultsRetentionDays: '7',
  tags: 'team=secops,cost-center=1234',
};
// AWS offers no resource-level permission for these; any other action must name its resources.
/**
 * Actions IAM grants only on "*". EC2's Describe actions have no resource-level permissions: the
 * Service Authorization Reference (Amazon EC2, actions table) lists no resource type for
 * ec2:DescribeNetworkInterfaces or ec2:DescribeInstances.
 */
const ACTIONS_WITHOUT_RESOURCE_LEVEL = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'cloudwatch:PutMetricData',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeInstances',
]);
const AGREED_SETTINGS = new Set([
  'FLOWLOG_ENGINE',
  'FLOWLOG_DATABASE',
  'FLOWLOG_TABLE',
  'FLOWLOG_TABLE_MODE',
  'FLOWLOG_FORMAT',
  'FLOWLOG_COLUMN_NAMES',
  'FLOWLOG_PARTITIONING',
  'FLOWLOG_BUCKET',
  'FLOWLOG_PREFIX',
  'FLOWLOG_FOLDERS',
  'FLOWLOG_SOURCES',
  'FLOWLOG_LOOKBACK_DAYS',
  'FLOWLOG_MAX_RANGE_DAYS',
  'FLOWLOG_WORKGROUP',
  'FLOWLOG_OUTPUT_LOCATION',
  'FLOWLOG_ROLLUP_TABLE',
  'FLOWLOG_ROLLUP_SETTLE_MINUTES',
  'FLOWLOG_BYTES_SCANNED_CUTOFF_MB',
  'FLOWLOG_DATA_DIR',
  'FLOWLOG_STATE_DIR',
  'FLOWLOG_REPORT_TIMEZONE',
  'FLOWLOG_NOTIFY',
  'FLOWLOG_TOPIC_ARN',
  'FLOWLOG_PRICE_PER_TB_USD',
  'FLOWLOG_PORT_SCAN_MIN_PORTS',
  'FLOWLOG_BRUTE_FORCE_MIN_FLOWS',
  'FLOWLOG_REJECT_SPIKE_RATIO',
  'FLOWLOG_REJECT_SPIKE_MIN_RECORDS',
  'FLOWLOG_EGRESS_SPIKE_RATIO',
  'FLOWLOG_EGRESS_SPIKE_MIN_BYTES',
  'FLOWLOG_ADMIN_PORTS',
  'FLOWLOG_EPHEMERAL_PORTS',
  'FLOWLOG_MIN_BASELINE_DAYS',
  'FLOWLOG_BASELINE_MIN_DAY_HOURS',
  'FLOWLOG_SLACK_WEBHOOK_PARAMETER',
  'FLOWLOG_REPORT_BUCKET',
  'FLOWLOG_INTERFACES_FUNCTION',
  'FLOWLOG_ACCOUNT',
  'FLOWLOG_INTERFACES_ROLE',
  'FLOWLOG_SUPPRESSIONS_PARAMETER',
  'FLOWLOG_SUPPRESSIONS_FILE',
  'FLOWLOG_WATCHLIST_PARAMETER',
  'FLOWLOG_WATCHLIST_FILE',
  'FLOWLOG_LISTS_DIR',
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the packaged template is free-form JSON read by path
type Json = Record<string, any>;
interface Statement {
  readonly role: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Json;
}

function sqlFiles(dir: string, base = dir): { name: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqlFiles(path, base);
    return entry.name.endsWith('.sql') ? [{ name: path.slice(base.length + 1).replace(/\.sql$/, ''), text: readFileSync(path, 'utf8') }] : [];
  });
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * The resource types, among `types`, whose CloudFormation schema takes a `Tags` list in every one
 * of `regions`, read from the schemas cfn-lint bundles (its regions differ: the dashboard takes
 * Tags in ap-northeast-1 and not yet in us-east-1).
 */
function taggableTypes(regions: readonly string[], types: ReadonlySet<string>): Set<string> {
  const script = `
import json, os, re, sys, cfnlint
base = os.path.join(os.path.dirname(cfnlint.__file__), 'data', 'schemas')
regions, types = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = []
for t in types:
    ok = True
    for r in regions:
        src = open(os.path.join(base, 'providers', r.replace('-', '_') + '.py')).read()
        m = re.search('"' + re.escape(t) + '": "(\\w+)"', src)
        schema = json.load(open(os.path.join(base, 'resources', m.group(1) + '.json'))) if m else {}
        tags = schema.get('properties', {}).get('Tags', {})
        if '$ref' in tags: tags = schema.get('definitions', {}).get(tags['$ref'].split('/')[-1], {})
        ok = ok and schema.get('tagging', {}).get('taggable', False) and tags.get('type') == 'array'
    if ok: out.append(t)
print(json.dumps(out))`;
  const run = spawnSync('python', ['-c', script, JSON.stringify(regions), JSON.stringify([...types])], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `/root/.pyenv/shims:${process.env.PATH}` },
  });
  if (run.status !== 0) throw new Error(`reading cfn-lint's schemas needs pyenv's Python with cfn-lint: ${run.stderr || run.error?.message}`);
  return new Set(JSON.parse(run.stdout) as string[]);
}
const text = (value: unknown): string => JSON.stringify(value);

describe('serverless package', () => {
  let outDir = '';
  let template: Json = {};
  let resources: Record<string, Json> = {};
  let zips = new Map<string, Map<string, Buffer>>();
  const serverlessYml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');

  const ofType = (type: string): [string, Json][] => Object.entries(resources).filter(([, r]) => r.Type === type);
  const statements = (): Statement[] =>
    ofType('AWS::IAM::Role').flatMap(([role, r]) => (r.Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement.map((s: Json) => ({ role, ...s }))));
  const roleOf = (fn: keyof typeof FUNCTIONS): string => resources[`${FUNCTIONS[fn]}LambdaFunction`]!.Properties.Role['Fn::GetAtt'][0];
  const functionOfRole = (role: string): string | undefined => (Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]).find((fn) => roleOf(fn) === role);

  beforeAll(async () => {
    // Prepare: fake credentials, no proxy-able network, nothing that phones home.
    outDir = mkdtempSync(join(tmpdir(), 'flowlog-package-'));
    const args = ['package', '--stage', 'ci', '--region', 'ap-northeast-1', '--package', outDir];
    for (const [key, value] of Object.entries(PARAMS)) args.push(`--param=${key}=${value}`);
    const started = Date.now();

    // Act
    await runServerlessOffline(ROOT, args, {}, 170_000);

    template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
    resources = template.Resources;
    zips = new Map(
      readdirSync(outDir)
        .filter((f) => f.endsWith('.zip'))
        .map((f) => [f.replace(/\.zip$/, ''), readZip(readFileSync(join(outDir, f)))]),
    );
    const sizes = [...zips.keys()].map((name) => `${name}.zip ${(statSync(join(outDir, `${name}.zip`)).size / 1024).toFixed(1)} KiB`);
    console.log(`serverless package took ${((Date.now() - started) / 1000).toFixed(1)} s: ${sizes.join(', ')}`);
  }, 180_000);

  afterAll(() => {
    if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
  });

  describe('functions', () => {
    it.each(Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[])('when %s is packaged, it runs on nodejs22.x arm64 with its own role and failure destination', (fn) => {
      // Assess
      const props = resources[`${FUNCTIONS[fn]}LambdaFunction`]!.Properties;
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(roleOf(fn)).toBe(`${FUNCTIONS[fn]}IamRoleLambdaExecution`);
      // The interfaces function is invoked synchronously by report, which gets its error: a failure destination would never fire.
      if (fn === 'interfaces') {
        expect(resources.InterfacesLambdaEvConf).toBeUndefined();
        return;
      }
      const invokeConfig = resources[`${FUNCTIONS[fn]}LambdaEvConf`]!;
      expect(invokeConfig.Type).toBe('AWS::Lambda::EventInvokeConfig');
      expect(invokeConfig.Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': ['FailureQueue', 'Arn'] });
      for (const key of Object.keys(props.Environment.Variables).filter((k) => k.startsWith('FLOWLOG_'))) expect(AGREED_SETTINGS).toContain(key);
    });

    it('when the Athena jobs are packaged, each gets the core settings and only report gets the report settings', () => {
      const env = (fn: keyof typeof FUNCTIONS) => resources[`${FUNCTIONS[fn]}LambdaFunction`]!.Properties.Environment.Variables;
      const core = [
        'FLOWLOG_ENGINE',
        'FLOWLOG_DATABASE',
        'FLOWLOG_TABLE',
        'FLOWLOG_TABLE_MODE',
        'FLOWLOG_FORMAT',
        'FLOWLOG_COLUMN_NAMES',
        'FLOWLOG_PARTITIONING',
        'FLOWLOG_BUCKET',
        'FLOWLOG_PREFIX',
        'FLOWLOG_FOLDERS',
        'FLOWLOG_SOURCES',
        'FLOWLOG_LOOKBACK_DAYS',
        'FLOWLOG_WORKGROUP',
        'FLOWLOG_OUTPUT_LOCATION',
        'FLOWLOG_ROLLUP_TABLE',
        'FLOWLOG_BYTES_SCANNED_CUTOFF_MB',
        'FLOWLOG_DATA_DIR',
        'FLOWLOG_STATE_DIR',
      ];
      expect(
        Object.keys(env('partitions'))
          .filter((k) => k.startsWith('FLOWLOG_'))
          .sort(),
      ).toEqual([...core].sort());
      expect(Object.keys(env('report'))).toEqual(
        expect.arrayContaining([...core, 'FLOWLOG_REPORT_TIMEZONE', 'FLOWLOG_NOTIFY', 'FLOWLOG_TOPIC_ARN', 'FLOWLOG_PORT_SCAN_MIN_PORTS']),
      );
      expect(env('report').FLOWLOG_TOPIC_ARN).toEqual({ Ref: 'ReportTopic' });
      expect(env('report').FLOWLOG_REPORT_TIMEZONE).toBe(PARAMS.reportTimezone);
      expect(env('report').FLOWLOG_WORKGROUP).toEqual({ Ref: 'AthenaWorkGroup' });
      // The local engine's folders are for `FLOWLOG_ENGINE=local serverless invoke local` only.
      expect([env('report').FLOWLOG_ENGINE, env('report').FLOWLOG_DATA_DIR, env('report').FLOWLOG_STATE_DIR]).toEqual(['athena', '', '']);
      expect(Object.keys(env('slackForwarder')).filter((k) => k.startsWith('FLOWLOG_'))).toEqual(['FLOWLOG_SLACK_WEBHOOK_PARAMETER']);
      expect(env('slackForwarder').FLOWLOG_SLACK_WEBHOOK_PARAMETER).toBe(PARAMS.slackWebhookParameter);
    });
  });

  describe('schedules and subscriptions', () => {
    it('when partitions is scheduled, an EventBridge rule runs it before midnight UTC with its own scheduled event', () => {
      const [[id, rule]] = ofType('AWS::Events::Rule') as [[string, Json]];
      expect(rule.Properties.ScheduleExpression).toBe('cron(45 23 * * ? *)');
      const [target] = rule.Properties.Targets;
      expect(target.Arn).toEqual({ 'Fn::GetAtt': ['PartitionsLambdaFunction', 'Arn'] });
      expect(target.Input).toBeUndefined();
      const permission = ofType('AWS::Lambda::Permission').find(([, p]) => text(p.Properties.SourceArn) === text({ 'Fn::GetAtt': [id, 'Arn'] }));
      expect(permission?.[1].Properties.Principal).toBe('events.amazonaws.com');
    });

    it('when report is scheduled, EventBridge Scheduler runs it in the report time zone with a role that may invoke only report', () => {
      const [[, schedule]] = ofType('AWS::Scheduler::Schedule') as [[string, Json]];
      expect(schedule.Properties.ScheduleExpression).toBe('cron(30 9 * * ? *)');
      expect(schedule.Properties.ScheduleExpressionTimezone).toBe(PARAMS.reportTimezone);
      expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({ mode: 'scheduled', time: '<aws.scheduler.scheduled-time>' });
      expect(schedule.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': ['ReportLambdaFunction', 'Arn'] });
      expect(schedule.Properties.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['ReportSchedulerRole', 'Arn'] });
      const role = resources.ReportSchedulerRole!.Properties;
      expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
      expect(role.Policies.flatMap((p: Json) => p.PolicyDocument.Statement)).toEqual([
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['ReportLambdaFunction', 'Arn'] } },
      ]);
    });

    it('when a Slack webhook parameter is set, the forwarder is subscribed to the report topic under a condition on it', () => {
      const [[, subscription]] = ofType('AWS::SNS::Subscription').filter(([, s]) => s.Properties.Protocol === 'lambda') as [[string, Json]];
      expect(subscription.Properties.TopicArn).toEqual({ Ref: 'ReportTopic' });
      expect(subscription.Properties.Endpoint).toEqual({ 'Fn::GetAtt': ['SlackForwarderLambdaFunction', 'Arn'] });
      expect(subscription.Condition).toBe('SlackWebhookConfigured');
      expect(template.Conditions.SlackWebhookConfigured).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [PARAMS.slackWebhookParameter, ''] }] });
      const permission = ofType('AWS::Lambda::Permission').find(([, p]) => p.Properties.Principal === 'sns.amazonaws.com');
      expect(permission?.[1].Condition).toBe('SlackWebhookConfigured');
    });

    it('when alert e-mails are given, each address is subscribed to the encrypted report and operations topics', () => {
      for (const topic of ['ReportTopic', 'OperationsTopic']) {
        expect(resources[topic]!.Properties.KmsMasterKeyId).toEqual({ Ref: 'TopicKey' });
        const emails = ofType('AWS::SNS::Subscription')
          .filter(([, s]) => s.Properties.Protocol === 'email' && s.Properties.TopicArn.Ref === topic)
          .map(([, s]) => s.Properties.Endpoint);
        expect(emails).toEqual(PARAMS.alertEmails.split(','));
      }
    });
  });

  describe('data resources', () => {
    it('when the table is created, its columns come from the format model, text SerDe, header skipped, dt partitions', () => {
      const input = resources.GlueTable!.Properties.TableInput;
      const sd = input.StorageDescriptor;
      expect(sd.Columns).toEqual(DEFAULT_FORMAT.map((f) => ({ Name: f.column, Type: f.type })));
      expect(sd.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe');
      expect(sd.SerdeInfo.Parameters['field.delim']).toBe(' ');
      expect(sd.InputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
      expect(input.Parameters['skip.header.line.count']).toBe('1');
      expect(input.PartitionKeys.map((k: Json) => k.Name)).toEqual(SINGLE_SOURCE_KEYS);
      expect(text(sd.Location)).toContain('AWSLogs/${AWS::AccountId}/vpcflowlogs/${AWS::Region}/');
      expect(input.Name).toBe('vpc_flow_logs');
      expect(resources.GlueDatabase!.Properties.DatabaseInput.Name).toBe('flowlogs_ci');
    });

    it("when the stack is packaged, the daily rollup is a Parquet Glue table under the results bucket's rollup/ prefix, partitioned like the raw table, kept by the lifecycle rule", () => {
      const input = resources.GlueRollupTable!.Properties.TableInput;
      expect(input.Name).toBe('vpc_flow_logs_rollup_ci');
      expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
      expect(input.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
      expect(input.StorageDescriptor.Location).toEqual({ 'Fn::Sub': 's3://${ResultsBucket}/rollup/' });
      expect(input.PartitionKeys).toEqual(resources.GlueTable!.Properties.TableInput.PartitionKeys);
      expect(input.StorageDescriptor.Columns.map((c: Json) => c.Name)).toEqual([
        'hour',
        'interfaceid',
        'sourceaddress',
        'destinationaddress',
        'destinationport',
        'protocol',
        'action',
        'logstatus',
        'flows',
        'packets',
        'bytes',
        'first_start',
        'last_end',
      ]);
      const rules = resources.ResultsBucket!.Properties.LifecycleConfiguration.Rules;
      // Only query results and a report's staged early rows expire; otherwise under rollup/ only the open uploads of a failed build are aborted.
      expect(rules.filter((r: Json) => r.ExpirationInDays !== undefined).map((r: Json) => r.Prefix)).toEqual(['athena/', 'rollup/builds/early-']);
      expect(rules.find((r: Json) => r.Prefix === 'rollup/builds/early-')).toEqual({
        Id: 'ExpireStagedEarlyRows',
        Status: 'Enabled',
        Prefix: 'rollup/builds/early-',
        ExpirationInDays: 2,
      });
      expect(rules.find((r: Json) => r.Prefix === 'rollup/')).toEqual({
        Id: 'AbortRollupUploads',
        Status: 'Enabled',
        Prefix: 'rollup/',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      });
      const builds = resources.GlueRollupBuildsTable!.Properties.TableInput;
      expect(builds.Name).toBe('vpc_flow_logs_rollup_ci_builds');
      expect(builds.StorageDescriptor.Location).toEqual({ 'Fn::Sub': 's3://${ResultsBucket}/rollup/builds/' });
      expect(builds.PartitionKeys.map((k: Json) => k.Name)).toEqual(['build', ...resources.GlueTable!.Properties.TableInput.PartitionKeys.map((k: Json) => k.Name)]);
    });

    it('when the report and partitions roles are packaged, each may add and move rollup partitions, write only under rollup/builds/ and delete only there', () => {
      for (const fn of ['report', 'partitions'] as const) {
        const own = statements().filter((s) => s.role === roleOf(fn));
        const rollupGlue = own.find((s) => asList(s.Action).includes('glue:BatchCreatePartition') && text(s.Resource).includes('vpc_flow_logs_rollup_ci"'));
        const buildsGlue = own.find((s) => asList(s.Action).includes('glue:BatchCreatePartition') && text(s.Resource).includes('vpc_flow_logs_rollup_ci_builds'));
        expect(asList(rollupGlue!.Action)).toEqual(expect.arrayContaining(['glue:GetTable', 'glue:GetPartitions', 'glue:UpdatePartition']));
        expect(asList(buildsGlue!.Action)).toEqual(expect.arrayContaining(['glue:GetTable', 'glue:BatchDeletePartition']));
        const writes = own.filter((s) => asList(s.Action).includes('s3:PutObject')).flatMap((s) => asList(s.Resource).map(text));
        expect(writes).toContain(text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/builds/*' }));
        expect(writes).not.toContain(text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/*' }));
        const deletes = own.filter((s) => asList(s.Action).includes('s3:DeleteObject')).flatMap((s) => asList(s.Resource).map(text));
        expect(deletes).toEqual([text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/builds/*' })]);
      }
      const environment = resources.ReportLambdaFunction!.Properties.Environment.Variables;
      expect(environment.FLOWLOG_ROLLUP_TABLE).toBe('vpc_flow_logs_rollup_ci');
    });

    it('when the workgroup is packaged, it enforces its settings, encrypts results, caps bytes scanned and publishes metrics', () => {
      const config = resources.AthenaWorkGroup!.Properties.WorkGroupConfiguration;
      expect(config.EnforceWorkGroupConfiguration).toBe(true);
      expect(config.PublishCloudWatchMetricsEnabled).toBe(true);
      expect(config.BytesScannedCutoffPerQuery).toBe(Number(PARAMS.bytesScannedCutoffMb) * 1024 * 1024);
      expect(config.ResultConfiguration.EncryptionConfiguration.EncryptionOption).toBe('SSE_S3');
      expect(config.ResultConfiguration.OutputLocation).toEqual({ 'Fn::Sub': 's3://${ResultsBucket}/athena/' });
    });

    it('when the results bucket is packaged, it is encrypted, private, TLS-only and expires results', () => {
      const props = resources.ResultsBucket!.Properties;
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(Object.values(props.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
      expect(props.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(Number(PARAMS.resultsRetentionDays));
      const [deny] = resources.ResultsBucketPolicy!.Properties.PolicyDocument.Statement;
      expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    });

    it('when saved queries exist under src/queries/reports, each becomes one named query on the workgroup', () => {
      const files = existsSync(join(ROOT, 'src/queries/reports')) ? sqlFiles(join(ROOT, 'src/queries/reports')) : [];
      const named = ofType('AWS::Athena::NamedQuery').map(([, q]) => q.Properties);
      expect(named).toHaveLength(files.length);
      for (const file of files) {
        const query = named.find((q) => q.Name === `flowlog-pilot-ci ${file.name}`);
        expect(query?.WorkGroup).toEqual({ Ref: 'AthenaWorkGroup' });
        expect(query?.QueryString).not.toMatch(/\{\{\s*table\s*\}\}/);
      }
    });

    it('when vpcIds are given, the stack creates their flow logs to the bucket with 1-minute aggregation', () => {
      const logs = ofType('AWS::EC2::FlowLog').map(([, f]) => f.Properties);
      expect(logs.map((f) => f.ResourceId)).toEqual(PARAMS.vpcIds.split(','));
      for (const log of logs) {
        expect(log).toMatchObject({ ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 's3', MaxAggregationInterval: 60 });
        expect(log.DestinationOptions).toEqual({ FileFormat: 'plain-text', HiveCompatiblePartitions: false, PerHourPartition: false });
      }
    });

    it('when packaged, alarms on each function and on the failure queue notify the operations topic', () => {
      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
      for (const fn of Object.values(FUNCTIONS)) {
        const alarm = alarms.find((a) => a.MetricName === 'Errors' && text(a.Dimensions) === text([{ Name: 'FunctionName', Value: { Ref: `${fn}LambdaFunction` } }]));
        expect(alarm?.AlarmActions).toEqual([{ Ref: 'OperationsTopic' }]);
      }
      const queue = alarms.find((a) => a.Namespace === 'AWS/SQS');
      expect(queue?.Dimensions[0].Value).toEqual({ 'Fn::GetAtt': ['FailureQueue', 'QueueName'] });
      expect(queue?.AlarmActions).toEqual([{ Ref: 'OperationsTopic' }]);
    });

    it("when packaged, a partial-failure alarm sums the report's QueriesFailed, NotificationsFailed and ReportFilesFailed, with the dimensions the report Lambda publishes, and notifies the operations topic", () => {
      const alarm = resources.ReportPartialFailuresAlarm!.Properties;
      const stats = alarm.Metrics.filter((m: Json) => m.MetricStat !== undefined);
      expect(stats.map((m: Json) => m.MetricStat.Metric.MetricName).sort()).toEqual(['NotificationsFailed', 'QueriesFailed', 'ReportFilesFailed']);
      for (const m of stats) {
        expect(m.MetricStat.Metric.Namespace).toBe('FlowlogPilot');
        // As test/faults/report-handler-faults.test.ts reads them from the handler's metric lines.
        expect(m.MetricStat.Metric.Dimensions).toEqual([
          { Name: 'service', Value: 'flowlog-report' },
          { Name: 'FunctionName', Value: { Ref: 'ReportLambdaFunction' } },
        ]);
        expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Period: 300 });
        expect(m.ReturnData).toBe(false);
      }
      const [sum] = alarm.Metrics.filter((m: Json) => m.ReturnData === true);
      expect(sum.Expression).toBe(stats.map((m: Json) => `FILL(${m.Id}, 0)`).join(' + '));
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'OperationsTopic' }],
      });
    });
  });

  describe('report files, metrics, alarms, dashboard and tags', () => {
    it('when the report role is read, it may put objects in the results bucket only under reports/, and the report is told the bucket', () => {
      const writes = statements().filter((s) => asList(s.Action).includes('s3:PutObject') && text(s.Resource).includes('/reports/'));
      expect(writes.map((s) => [s.role, asList(s.Action), asList(s.Resource).map(text)])).toEqual([
        [roleOf('report'), ['s3:PutObject'], [text({ 'Fn::Sub': '${ResultsBucket.Arn}/reports/*' })]],
      ]);
      // SSE-S3 (AES256) on the bucket: writing needs no KMS key, and no statement grants one for it.
      expect(resources.ResultsBucket!.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(resources.ReportLambdaFunction!.Properties.Environment.Variables.FLOWLOG_REPORT_BUCKET).toEqual({ Ref: 'ResultsBucket' });
      for (const fn of ['partitions', 'slackForwarder'] as const) {
        expect(resources[`${FUNCTIONS[fn]}LambdaFunction`]!.Properties.Environment.Variables.FLOWLOG_REPORT_BUCKET).toBeUndefined();
      }
    });

    it('when the missed-run alarm is read, it watches ReportRuns as the report publishes it, with missing data breaching over a day and two hours', () => {
      const alarm = resources.ReportMissedAlarm!.Properties;
      expect(alarm).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: REPORT_METRICS.runs,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: 'OperationsTopic' }],
      });
      expect(alarm.Dimensions).toEqual([
        { Name: 'service', Value: REPORT_SERVICE },
        { Name: 'FunctionName', Value: { Ref: 'ReportLambdaFunction' } },
      ]);
      // Every period of the window must be empty before it alarms: one run in it keeps it quiet.
      expect(alarm.DatapointsToAlarm).toBe(alarm.EvaluationPeriods);
      expect(alarm.Period * alarm.EvaluationPeriods).toBe(26 * 3600);
      // CloudWatch PutMetricAlarm: Period x EvaluationPeriods at most 604,800 s (7 days); under one
      // day (86,400 s) in total when the period is shorter than an hour.
      expect(alarm.Period * alarm.EvaluationPeriods).toBeLessThanOrEqual(604_800);
      expect(alarm.Period).toBeGreaterThanOrEqual(3_600);
    });

    it('when the partial-failure alarm is read, queries failed alone are enough to set it off', () => {
      const alarm = resources.ReportPartialFailuresAlarm!.Properties;
      const queries = alarm.Metrics.find((m: Json) => m.MetricStat?.Metric.MetricName === REPORT_METRICS.queriesFailed);
      expect(queries.MetricStat.Metric.Namespace).toBe(METRICS_NAMESPACE);
      expect(alarm.Threshold).toBe(1);
    });

    it("when the dashboard is read, every widget names metrics the handlers publish (or Athena's), per day, and only resources of this stack", () => {
      const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Json]];
      const body = JSON.parse(dashboard.Properties.DashboardBody['Fn::Sub']) as { widgets: Json[] };
      const published = new Map<string, string>([
        ...Object.values(REPORT_METRICS).map((m): [string, string] => [m, REPORT_SERVICE]),
        ...Object.values(PARTITIONS_METRICS).map((m): [string, string] => [m, PARTITIONS_SERVICE]),
      ]);
      const named: string[] = [];
      const expressions: string[] = [];
      for (const widget of body.widgets) {
        expect(widget.properties.region).toBe('${AWS::Region}');
        expect(widget.properties.period).toBe(86_400);
        for (const row of widget.properties.metrics as unknown[][]) {
          const first = row[0] as Json | string;
          if (typeof first === 'object') {
            expressions.push(first.expression);
            continue;
          }
          const [namespace, name, ...rest] = row as string[];
          expect(namespace).toBe(METRICS_NAMESPACE);
          expect(published.get(name!), `${name} is published by a handler`).toBeDefined();
          // The dimensions exactly as Powertools writes them: service, then FunctionName.
          expect(rest.slice(0, 4)).toEqual([
            'service',
            published.get(name!),
            'FunctionName',
            published.get(name!) === REPORT_SERVICE ? '${ReportLambdaFunction}' : '${PartitionsLambdaFunction}',
          ]);
          named.push(name!);
        }
      }
      expect(named).toEqual(
        expect.arrayContaining([
          PARTITIONS_METRICS.added,
          REPORT_METRICS.runs,
          REPORT_METRICS.queriesFailed,
          REPORT_METRICS.findingsHigh,
          REPORT_METRICS.findingsMedium,
          REPORT_METRICS.findingsLow,
          REPORT_METRICS.bytesScanned,
          REPORT_METRICS.duration,
        ]),
      );
      expect(expressions).toEqual([`SUM(SEARCH('{AWS/Athena,QueryState,QueryType,WorkGroup} MetricName="ProcessedBytes" WorkGroup="\${AthenaWorkGroup}"', 'Sum', 86400))`]);
      const placeholders = [...dashboard.Properties.DashboardBody['Fn::Sub'].matchAll(/\$\{([^}]+)\}/g)].map((m: RegExpMatchArray) => m[1]!);
      for (const name of new Set(placeholders)) expect(name.startsWith('AWS::') || resources[name] !== undefined, `\${${name}}`).toBe(true);
    });

    it('when every resource of both templates is read, each one whose type takes a Tags list in every region carries service, stage and the tags param', () => {
      const expected = [
        { Key: 'service', Value: 'flowlog-pilot' },
        { Key: 'stage', Value: 'ci' },
        { Key: 'team', Value: 'secops' },
        { Key: 'cost-center', Value: '1234' },
      ];
      const create = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-create-stack.json'), 'utf8')) as Json;
      const all = [...Object.entries(resources), ...Object.entries(create.Resources as Record<string, Json>).map(([id, r]): [string, Json] => [`create:${id}`, r])];
      const taggable = taggableTypes(['ap-northeast-1', 'us-east-1'], new Set(all.map(([, r]) => r.Type as string)));
      const untagged = all.filter(
        ([, r]) => taggable.has(r.Type) && !expected.every((tag) => (r.Properties.Tags ?? []).some((t: Json) => t.Key === tag.Key && t.Value === tag.Value)),
      );
      expect(untagged.map(([id, r]) => `${id} (${r.Type})`)).toEqual([]);
      expect([...taggable]).toEqual(
        expect.arrayContaining(['AWS::S3::Bucket', 'AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::SNS::Topic', 'AWS::CloudWatch::Alarm', 'AWS::Athena::WorkGroup']),
      );
      // The stack itself (osls passes stackTags to CreateStack/UpdateStack).
      const state = JSON.parse(readFileSync(join(outDir, 'serverless-state.json'), 'utf8')) as Json;
      expect(state.service.provider.stackTags).toEqual(Object.fromEntries(expected.map((t) => [t.Key, t.Value])));
    });

    it('when cfn-lint reads both packaged templates for ap-northeast-1 and us-east-1, it finds no errors', () => {
      const run = spawnSync(
        'cfn-lint',
        [
          '--format',
          'json',
          '--regions',
          'ap-northeast-1',
          'us-east-1',
          '--',
          join(outDir, 'cloudformation-template-update-stack.json'),
          join(outDir, 'cloudformation-template-create-stack.json'),
        ],
        { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/root/.pyenv/shims` }, timeout: 120_000 },
      );
      expect(run.error, 'cfn-lint must be on PATH (pyenv: /root/.pyenv/shims)').toBeUndefined();
      const findings = JSON.parse(run.stdout || '[]') as Json[];
      expect(findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Message} at ${f.Location.Path.join('/')}`)).toEqual([]);
    }, 130_000);
  });

  describe('least privilege', () => {
    it('when any role is read, no statement allows a wildcard action', () => {
      const wild = statements().filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a === '*' || a.endsWith(':*')));
      expect(wild).toEqual([]);
    });

    it('when a statement has a * resource, its actions have no resource-level permission and serverless.yml comments it', () => {
      const starred = statements().filter((s) => asList(s.Resource).includes('*'));
      for (const statement of starred) {
        for (const action of asList(statement.Action)) {
          expect(ACTIONS_WITHOUT_RESOURCE_LEVEL).toContain(action);
          const lines = serverlessYml.split('\n');
          const at = lines.findIndex((line) => line.includes(action));
          expect(at, `${action} in serverless.yml`).toBeGreaterThanOrEqual(0);
          expect(lines.slice(Math.max(0, at - 3), at + 1).some((line) => line.trimStart().startsWith('#') || line.includes(' # '))).toBe(true);
        }
      }
    });

    it('when each action family is read, it names only its own resources', () => {
      // The rollup days' records (src/lib/s3/s3-rollup-ledger.ts): only this stage's rollup table's folder.
      const ledgerRecords = (r: string) => r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/ledger/vpc_flow_logs_rollup_ci/*' });
      const rules: [RegExp, (resource: string, s: Statement) => boolean][] = [
        [/^athena:/, (r) => r === text({ 'Fn::Sub': 'arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${AthenaWorkGroup}' })],
        [
          /^glue:(UpdatePartition|DeletePartition|BatchDeletePartition)$/,
          (r) => /:glue:\$\{AWS::Region\}:\$\{AWS::AccountId\}:(catalog|database\/flowlogs_ci|table\/flowlogs_ci\/vpc_flow_logs_rollup_ci(_builds)?)"/.test(r),
        ],
        [/^glue:/, (r) => /:glue:\$\{AWS::Region\}:\$\{AWS::AccountId\}:(catalog|database\/flowlogs_ci|table\/flowlogs_ci\/vpc_flow_logs(_rollup_ci(_builds)?)?)"/.test(r)],
        [
          /^s3:GetObject$/,
          (r) =>
            r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/athena/*' }) ||
            r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/*' }) ||
            r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/builds/*' }) ||
            ledgerRecords(r) ||
            r.includes('/AWSLogs/${AWS::AccountId}/vpcflowlogs/${AWS::Region}/*'),
        ],
        [
          /^s3:PutObject$/,
          (r, s) =>
            r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/athena/*' }) ||
            r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/builds/*' }) ||
            ledgerRecords(r) ||
            (r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/reports/*' }) && s.role === roleOf('report')),
        ],
        [
          /^s3:(AbortMultipartUpload|ListMultipartUploadParts)$/,
          (r) => r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/athena/*' }) || r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/builds/*' }),
        ],
        [/^s3:DeleteObject$/, (r, s) => r === text({ 'Fn::Sub': '${ResultsBucket.Arn}/rollup/builds/*' }) && [roleOf('report'), roleOf('partitions')].includes(s.role)],
        [
          /^s3:(GetBucketLocation|ListBucketMultipartUploads)$/,
          (r) => r === text({ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }) || r.includes('"arn:${AWS::Partition}:s3:::${LogBucket}"'),
        ],
        [/^s3:ListBucket$/, (r, s) => r === text({ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }) || s.Condition?.StringLike?.['s3:prefix'] !== undefined],
        [/^sns:/, (r, s) => r === text({ Ref: 'ReportTopic' }) && s.role === roleOf('report')],
        [/^ssm:/, (r, s) => r.endsWith(`:parameter${PARAMS.slackWebhookParameter}"}`) && s.role === roleOf('slackForwarder')],
        [/^kms:/, (r, s) => r === text({ 'Fn::GetAtt': ['TopicKey', 'Arn'] }) && s.role === roleOf('report')],
        // Where each interface of a finding lives: read-only, the interfaces role only, "*" (see ACTIONS_WITHOUT_RESOURCE_LEVEL).
        [/^ec2:Describe(NetworkInterfaces|Instances)$/, (r, s) => r === text('*') && s.role === roleOf('interfaces')],
        // Other source accounts' interfaces: only the interfacesRoleName role there (none with this stack's params).
        [/^sts:AssumeRole$/, (r, s) => /^\{"Fn::Sub":"arn:\$\{AWS::Partition\}:iam::\d{12}:role\/[\w+=,.@-]+"\}$/.test(r) && s.role === roleOf('interfaces')],
        // The report asks the interfaces function, and only it.
        [/^lambda:InvokeFunction$/, (r, s) => r === text({ 'Fn::GetAtt': ['InterfacesLambdaFunction', 'Arn'] }) && s.role === roleOf('report')],
        [/^sqs:/, (r) => r === text({ 'Fn::GetAtt': ['FailureQueue', 'Arn'] })],
        [/^logs:/, (r, s) => r.includes(`:log-group:/aws/lambda/flowlog-pilot-ci-${functionOfRole(s.role)}:`)],
      ];
      const checked = new Set<string>();
      for (const statement of statements().filter((s) => s.role !== 'ReportSchedulerRole')) {
        for (const action of asList(statement.Action)) {
          const rule = rules.find(([pattern]) => pattern.test(action));
          expect(rule, `a rule for ${action}`).toBeDefined();
          for (const resource of asList(statement.Resource)) expect(rule![1](text(resource), statement), `${statement.role} ${action} on ${text(resource)}`).toBe(true);
          checked.add(action.split(':')[0]!);
        }
      }
      expect([...checked].sort()).toEqual(['athena', 'ec2', 'glue', 'kms', 'lambda', 'logs', 's3', 'sns', 'sqs', 'ssm']);
    });

    it('when the report role is read, it may add partitions to the raw table, since a report first adds the missing days of its window and baseline', () => {
      const own = statements().filter((s) => s.role === roleOf('report'));
      const adds = own.filter((s) => asList(s.Action).includes('glue:BatchCreatePartition') && asList(s.Action).includes('glue:CreatePartition'));
      expect(adds.flatMap((s) => asList(s.Resource).map(text))).toContain(
        text({ 'Fn::Sub': 'arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/flowlogs_ci/vpc_flow_logs' }),
      );
    });

    it('when the roles are read, only the interfaces role may call EC2, only ec2:DescribeNetworkInterfaces and ec2:DescribeInstances, and only the report role may invoke it', () => {
      const ec2 = statements().filter((s) => asList(s.Action).some((a) => a.startsWith('ec2:')));
      expect(ec2.map((s) => [s.role, asList(s.Action)])).toEqual([[roleOf('interfaces'), ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstances']]]);
      // The scheduler's own role invokes the report function; among the function roles only report invokes anything.
      const invokes = statements().filter((s) => s.role !== 'ReportSchedulerRole' && asList(s.Action).some((a) => a.startsWith('lambda:')));
      expect(invokes.map((s) => [s.role, asList(s.Action), s.Resource])).toEqual([
        [roleOf('report'), ['lambda:InvokeFunction'], { 'Fn::GetAtt': ['InterfacesLambdaFunction', 'Arn'] }],
      ]);
      // The interfaces role holds nothing else: no Athena, Glue, S3 or SNS, and with only this
      // account as a source no sts:AssumeRole (the several-sources variant in stack-variants.test.ts has it).
      expect(
        statements()
          .filter((s) => s.role === roleOf('interfaces'))
          .flatMap((s) => asList(s.Action))
          .filter((a) => !a.startsWith('logs:')),
      ).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstances']);
    });

    it("when the log bucket is listed, only the sources' folders may be listed", () => {
      const lists = statements().filter((s) => asList(s.Action).includes('s3:ListBucket') && !text(s.Resource).includes('ResultsBucket'));
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) expect(text(list.Condition?.StringLike?.['s3:prefix'])).toContain('AWSLogs/${AWS::AccountId}/vpcflowlogs/${AWS::Region}/*');
    });

    it('when roles are read, no function role trusts anything but Lambda and the shared role is gone', () => {
      expect(resources.IamRoleLambdaExecution).toBeUndefined();
      for (const fn of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
        expect(resources[roleOf(fn)]!.Properties.AssumeRolePolicyDocument.Statement.map((s: Json) => s.Principal)).toEqual([{ Service: ['lambda.amazonaws.com'] }]);
      }
    });
  });

  describe('zips', () => {
    it.each(Object.keys(FUNCTIONS))('when the %s zip is unpacked alone and loaded by a fresh node, its handler loads with no node_modules beside it', (fn) => {
      // Prepare: the zip's files in an empty folder, as Lambda lays them out in /var/task.
      const task = mkdtempSync(join(tmpdir(), `flowlog-task-${fn}-`));
      try {
        for (const [entry, data] of zips.get(fn)!) {
          mkdirSync(dirname(join(task, entry)), { recursive: true });
          writeFileSync(join(task, entry), data);
        }
        const handlerFile = [...zips.get(fn)!.keys()].find((entry) => entry.startsWith('src/handlers/') && entry.endsWith('.cjs'))!;
        const settings =
          fn === 'slackForwarder' ? { FLOWLOG_SLACK_WEBHOOK_PARAMETER: '/flowlog/slack' } : { FLOWLOG_BUCKET: 'logs', FLOWLOG_SOURCES: '123456789012:ap-northeast-1' };
        const env = { PATH: process.env.PATH, AWS_REGION: 'ap-northeast-1', ...settings };

        // Act
        const loaded = spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(join(task, handlerFile))}); process.stdout.write(typeof m.handler)`], {
          cwd: task,
          env,
          encoding: 'utf8',
          timeout: 30_000,
        });

        // Assess
        expect(loaded.stderr).not.toMatch(/Cannot find module|ERR_/);
        expect(loaded.stdout, loaded.stderr.slice(-2000)).toBe('function');
      } finally {
        rmSync(task, { recursive: true, force: true });
      }
    });

    /** Unpacks a function's zip alone, as Lambda lays it out in /var/task, and runs `script` in a fresh node beside it. */
    function runInTask(fn: string, settings: Record<string, string>, script: (handlerFile: string) => string): { stdout: string; stderr: string } {
      const task = mkdtempSync(join(tmpdir(), `flowlog-task-${fn}-`));
      try {
        for (const [entry, data] of zips.get(fn)!) {
          mkdirSync(dirname(join(task, entry)), { recursive: true });
          writeFileSync(join(task, entry), data);
        }
        const handlerFile = join(
          task,
          [...zips.get(fn)!.keys()].find((entry) => entry.startsWith('src/handlers/') && entry.endsWith('.cjs'))!,
        );
        const env = {
          PATH: process.env.PATH,
          AWS_REGION: 'ap-northeast-1',
          AWS_ACCESS_KEY_ID: 'offline',
          AWS_SECRET_ACCESS_KEY: 'offline',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          HTTP_PROXY: 'http://127.0.0.1:9',
          HTTPS_PROXY: 'http://127.0.0.1:9',
          ...settings,
        };
        const run = spawnSync(process.execPath, ['-e', script(handlerFile)], { cwd: task, env, encoding: 'utf8', timeout: 30_000 });
        return { stdout: run.stdout, stderr: run.stderr };
      } finally {
        rmSync(task, { recursive: true, force: true });
      }
    }

    const LAMBDA_CONTEXT = {
      awsRequestId: 'req-1',
      functionName: 'flowlog-pilot-ci-fn',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:flowlog-pilot-ci-fn',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/flowlog-pilot-ci-fn',
      logStreamName: 's',
    };
    /** Invokes the handler as the runtime would and prints the answer's error name and message (the runtime's errorType and errorMessage). */
    const invokeScript = (event: unknown) => (handlerFile: string) => `
      const context = { ...${JSON.stringify(LAMBDA_CONTEXT)}, getRemainingTimeInMillis: () => 30000 };
      const print = (answer) => process.stdout.write('ANSWER ' + JSON.stringify(answer) + '\\n');
      let m;
      try { m = require(${JSON.stringify(handlerFile)}); } catch (e) { print({ phase: 'init', errorType: e.name, errorMessage: e.message }); process.exit(0); }
      m.handler(${JSON.stringify(event)}, context).then(
        () => print({ phase: 'invoke', errorType: null }),
        (e) => print({ phase: 'invoke', errorType: e.name, errorMessage: e.message }),
      );`;
    const answerOf = (out: { stdout: string; stderr: string }): Json => {
      const line = out.stdout.split('\n').find((l) => l.startsWith('ANSWER '));
      expect(line, out.stderr.slice(-2000)).toBeDefined();
      return JSON.parse(line!.slice('ANSWER '.length)) as Json;
    };
    const ATHENA_SETTINGS = { FLOWLOG_BUCKET: 'logs', FLOWLOG_SOURCES: '123456789012:ap-northeast-1' };

    it.each<[string, Record<string, string>, unknown, string, RegExp]>([
      ['partitions', ATHENA_SETTINGS, { source: 'aws.events', 'detail-type': 'Scheduled Event', time: 'yesterday' }, 'ValidationError', /^time: /],
      ['report', ATHENA_SETTINGS, { date: '2026-02-30' }, 'ValidationError', /^date: /],
      ['slackForwarder', { FLOWLOG_SLACK_WEBHOOK_PARAMETER: '/flowlog/slack' }, {}, 'ValidationError', /^event\.Records: /],
      ['slackForwarder', {}, { Records: [] }, 'ConfigError', /FLOWLOG_SLACK_WEBHOOK_PARAMETER/],
    ])(
      "when the packaged %s handler is invoked with a bad event or setting, the answer's errorType is the typed name, not a minified one",
      (fn, settings, event, errorType, message) => {
        // Act
        const answer = answerOf(runInTask(fn, settings, invokeScript(event)));
        // Assess
        expect(answer).toMatchObject({ phase: 'invoke', errorType });
        expect(answer.errorMessage).toMatch(message);
      },
    );

    it.each<[string, Record<string, string>]>([
      ['partitions', { FLOWLOG_BUCKET: 'logs', FLOWLOG_SOURCES: '123456789012:ap-northeast-1', FLOWLOG_LOOKBACK_DAYS: 'three' }],
      ['report', { ...ATHENA_SETTINGS, FLOWLOG_REPORT_TIMEZONE: 'Asia/Osaka' }],
    ])('when the packaged %s handler starts with a bad setting, the cold start fails as a ConfigError naming the key', (fn, settings) => {
      const answer = answerOf(runInTask(fn, settings, invokeScript({})));
      expect(answer).toMatchObject({ phase: 'init', errorType: 'ConfigError' });
      expect(answer.errorMessage).toMatch(/FLOWLOG_(LOOKBACK_DAYS|REPORT_TIMEZONE)/);
    });

    it('when the packaged partitions handler runs on credentials from the environment only, as Lambda gives them, its requests are signed with them and a failure is logged with its stack in TypeScript lines', async () => {
      // Prepare: an AWS endpoint on 127.0.0.1 that records each request and refuses it; the zip
      // alone in a folder (no node_modules: the credential providers left out of the bundle
      // cannot be found there), no --enable-source-maps.
      const requests: { target: string; authorization: string }[] = [];
      const server = createServer((request, response) => {
        requests.push({ target: String(request.headers['x-amz-target'] ?? request.url), authorization: String(request.headers.authorization ?? '') });
        request.resume();
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'InvalidInputException' });
        response.end(JSON.stringify({ __type: 'InvalidInputException', Message: 'refused by the test endpoint' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const task = mkdtempSync(join(tmpdir(), 'flowlog-task-credentials-'));
      try {
        for (const [entry, data] of zips.get('partitions')!) {
          mkdirSync(dirname(join(task, entry)), { recursive: true });
          writeFileSync(join(task, entry), data);
        }
        const handlerFile = join(
          task,
          [...zips.get('partitions')!.keys()].find((entry) => entry.startsWith('src/handlers/') && entry.endsWith('.cjs'))!,
        );
        const env = {
          PATH: process.env.PATH,
          AWS_REGION: 'ap-northeast-1',
          AWS_ACCESS_KEY_ID: 'ASIATESTLAMBDAROLE01',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_SESSION_TOKEN: 'token',
          AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          AWS_MAX_ATTEMPTS: '1',
          ...ATHENA_SETTINGS,
        };

        // Act
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', invokeScript({ date: '2026-11-20' })(handlerFile)], { cwd: task, env, timeout: 30_000 });

        // Assess
        const answer = answerOf({ stdout, stderr });
        expect(answer).toMatchObject({ phase: 'invoke', errorType: expect.any(String) });
        expect(requests.length).toBeGreaterThan(0);
        for (const request of requests) expect(request.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIATESTLAMBDAROLE01\//);
        const logged = `${stdout}\n${stderr}`
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Json)
          .find((line) => line.message === 'partitions run failed');
        expect(logged, stderr.slice(-2000)).toBeDefined();
        expect(logged?.error?.stack).toMatch(/\(src\/lib\/[\w/-]+\.ts:\d+:\d+\)/);
        expect(logged?.error?.stack).not.toMatch(/\.cjs:\d+:\d+/);
      } finally {
        rmSync(task, { recursive: true, force: true });
        server.close();
      }
    });

    it('when each zip is read, it is under 1 MB and holds no DuckDB', () => {
      expect([...zips.keys()].sort()).toEqual(Object.keys(FUNCTIONS).sort());
      for (const [name, entries] of zips) {
        expect(statSync(join(outDir, `${name}.zip`)).size).toBeLessThan(MAX_ZIP_BYTES);
        expect([...entries.keys()].filter((entry) => /duckdb|\.node$|node_modules\//i.test(entry))).toEqual([]);
        // The credential providers the chain reaches only without environment credentials stay out.
        const bundle = [...entries]
          .filter(([entry]) => entry.endsWith('.cjs'))
          .map(([, data]) => data.toString('utf8'))
          .join('\n');
        expect(bundle).not.toContain('@aws-sdk/credential-provider-sso - fromSSO');
        expect([...entries.keys()].some((entry) => entry.endsWith('.cjs.map'))).toBe(true);
      }
    });

    it.each(QUERY_FUNCTIONS)('when the %s bundle is read, it carries the text of every SQL file', (fn) => {
      const bundle = [...zips.get(fn)!.entries()]
        .filter(([entry]) => entry.endsWith('.cjs'))
        .map(([, data]) => data.toString('utf8'))
        .join('\n');
      for (const file of sqlFiles(join(ROOT, 'src/queries'))) {
        const lines = file.text
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '');
        const missing = lines.filter((line) => !bundle.includes(line) && !bundle.includes(JSON.stringify(line).slice(1, -1)));
        expect(missing, `${file.name} in ${fn}`).toEqual([]);
      }
    });
  });
});

/**
 * `FLOWLOG_ENGINE=local serverless invoke local`: the same bundles the stack deploys, run on DuckDB
 * over a sample bucket with no AWS account. In this file so it never builds `.esbuild/` at the same
 * time as the package run above.
 */
describe('serverless invoke local on the local engine', () => {
  const DAY = '2026-11-24';
  let dir: string;
  let manifest: SampleManifest;

  async function invokeLocal(fn: string, data: unknown, params: Readonly<Record<string, string>> = {}): Promise<Json> {
    const { stdout } = await runServerlessOffline(
      ROOT,
      ['invoke', 'local', '-f', fn, '--data', JSON.stringify(data), ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)],
      {
        FLOWLOG_ENGINE: 'local',
        FLOWLOG_DATA_DIR: join(dir, 'bucket'),
        FLOWLOG_STATE_DIR: join(dir, 'state'),
      },
      170_000,
    );
    // Log lines come first, one JSON object each; the handler's answer is the pretty JSON at the end.
    const start = stdout.lastIndexOf('\n{\n');
    return JSON.parse(stdout.slice(start + 1)) as Json;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowlog-invoke-'));
    manifest = await writeSample({ out: join(dir, 'bucket'), endDate: DAY, days: 8, recordsPerDay: 2_000 });
  }, 60_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('when the partitions handler is invoked with a range and no AWS account, it registers those days on DuckDB', async () => {
    const answer = await invokeLocal('partitions', { from: '2026-11-17', to: DAY });

    expect(answer.added).toEqual(manifest.days.map((day) => `dt=${day.replaceAll('-', '/')}`));
    expect(answer.existing).toEqual([]);
    expect(answer.statements).toHaveLength(1);
  }, 180_000);

  it('when invoked with relative FLOWLOG_DATA_DIR and FLOWLOG_STATE_DIR, they resolve against the service folder, and a serverless package after it carries no state or data in any zip', async () => {
    // Prepare: a bucket copy named relative to the service folder, as the README's example does
    const rel = `.invoke-relative-${process.pid}`;
    const outDir = mkdtempSync(join(tmpdir(), 'flowlog-package-after-invoke-'));
    try {
      await writeSample({ out: join(ROOT, rel, 'bucket'), endDate: DAY, days: 1, recordsPerDay: 500 });

      // Act
      const { stdout } = await runServerlessOffline(
        ROOT,
        ['invoke', 'local', '-f', 'partitions', '--data', JSON.stringify({ from: DAY, to: DAY })],
        {
          FLOWLOG_ENGINE: 'local',
          FLOWLOG_DATA_DIR: `./${rel}/bucket`,
          FLOWLOG_STATE_DIR: `./${rel}/state`,
        },
        170_000,
      );
      const answer = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as Json;
      const packageArgs = ['package', '--stage', 'ci', '--region', 'ap-northeast-1', '--package', outDir];
      for (const [key, value] of Object.entries(PARAMS)) packageArgs.push(`--param=${key}=${value}`);
      await runServerlessOffline(ROOT, packageArgs, {}, 170_000);
      const entries = readdirSync(outDir)
        .filter((f) => f.endsWith('.zip'))
        .flatMap((f) => [...readZip(readFileSync(join(outDir, f))).keys()].map((entry) => `${f}:${entry}`));

      // Assess
      expect(answer.added).toEqual([`dt=${DAY.replaceAll('-', '/')}`]);
      expect(existsSync(join(ROOT, rel, 'state', 'state.duckdb'))).toBe(true);
      expect(existsSync(join(ROOT, '.esbuild', '.build', rel))).toBe(false);
      expect(entries.length).toBeGreaterThan(3);
      expect(entries.filter((entry) => /\.duckdb|\.log\.gz$|AWSLogs\/|\.flowlog-pilot\/|invoke-relative/.test(entry))).toEqual([]);
    } finally {
      rmSync(join(ROOT, rel), { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 400_000);

  it('when the report handler is invoked for the last day with the watchlist as a bundled file, it finds every injected incident and counts every record of the day', async () => {
    // examples/watchlist.txt lists the sample's watchlist blocks; the handler reads it as the bundled file.
    const answer = await invokeLocal('report', { date: DAY }, { watchlistFile: 'examples/watchlist.txt' });

    // A UTC day reads its own folder; records that started the day before and were delivered late are not its own.
    const folder = manifest.folders.filter((f) => f.day === DAY);
    expect(answer.totals.records).toBe(folder.reduce((n, f) => n + f.records - f.carriedIn, 0));
    expect(new Set(answer.findings.map((f: Json) => f.rule))).toEqual(new Set(manifest.incidents.map((i) => i.rule)));
    expect(answer.queries.every((q: Json) => q.status === 'succeeded')).toBe(true);
  }, 180_000);
});
