import { describe, expect, it } from 'vitest';
import {
  flowLogResources,
  glueResources,
  rollupTableResources,
  logBucketName,
  logReadResources,
  logBucketResources,
  namedQueryResources,
  partitionKeys,
  readStackParams,
  slackParameterArn,
  sourcesSetting,
  type StackParams,
  listsKmsKeyArns,
  slackKmsKeyArns,
} from '../../deploy/stack-resources.js';
import { ConfigError } from '../../src/lib/errors.js';
import { MULTI_SOURCE_KEYS, SINGLE_SOURCE_KEYS } from '../../src/lib/partitions/layout.js';
import { parseFormatString } from '../../src/lib/flowlog/format.js';

const DEFAULTS: StackParams = {
  bucket: '',
  prefix: '',
  sources: '',
  database: 'flowlogs',
  table: 'vpc_flow_logs',
  tableMode: 'create',
  format: '',
  vpcIds: '',
  alertEmails: '',
  slackWebhookParameter: '',
  bytesScannedCutoffMb: '10240',
  resultsRetentionDays: '30',
};

describe('stack resources', () => {
  it('when no bucket is given, the stack creates one and everything refers to it', () => {
    // Act
    const settings = readStackParams(DEFAULTS);
    // Assess
    expect(logBucketName(settings)).toEqual({ Ref: 'FlowLogBucket' });
    expect(Object.keys(logBucketResources(settings))).toEqual(['FlowLogBucket', 'FlowLogBucketPolicy']);
    expect(sourcesSetting(settings)).toEqual({ 'Fn::Sub': '${AWS::AccountId}:${AWS::Region}' });
    expect(partitionKeys(settings)).toEqual(SINGLE_SOURCE_KEYS);
  });

  it('when an existing bucket and several sources are given, the table is keyed by account, region and dt under AWSLogs/', () => {
    // Prepare
    const params = { ...DEFAULTS, bucket: 'org-flow-logs', prefix: 'vpc/', sources: '111111111111:ap-northeast-1,222222222222:us-east-1' };
    // Act
    const settings = readStackParams(params);
    const table = glueResources(settings).GlueTable as { Properties: { TableInput: { PartitionKeys: { Name: string }[]; StorageDescriptor: { Location: unknown } } } };
    // Assess
    expect(logBucketResources(settings)).toEqual({});
    expect(table.Properties.TableInput.PartitionKeys.map((k) => k.Name)).toEqual(MULTI_SOURCE_KEYS);
    expect(table.Properties.TableInput.StorageDescriptor.Location).toEqual({ 'Fn::Sub': ['s3://${LogBucket}/vpc/AWSLogs/', { LogBucket: 'org-flow-logs' }] });
  });

  it('when partitioning is projection with one source, the table projects dt from projectionStart to NOW into its day folders', () => {
    const settings = readStackParams({
      ...DEFAULTS,
      bucket: 'org-flow-logs',
      prefix: 'vpc/',
      sources: '111111111111:ap-northeast-1',
      partitioning: 'projection',
      projectionStart: '2025/01/01',
    });
    const input = (glueResources(settings).GlueTable as { Properties: { TableInput: { Parameters: Record<string, unknown> } } }).Properties.TableInput;

    expect(input.Parameters).toEqual({
      EXTERNAL: 'TRUE',
      'skip.header.line.count': '1',
      classification: 'csv',
      compressionType: 'gzip',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy/MM/dd',
      'projection.dt.range': '2025/01/01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': { 'Fn::Sub': ['s3://${LogBucket}/vpc/AWSLogs/111111111111/vpcflowlogs/ap-northeast-1/${!dt}/', { LogBucket: 'org-flow-logs' }] },
    });
  });

  it('when partitioning is managed (the default), the table has no projection property', () => {
    const input = (glueResources(readStackParams(DEFAULTS)).GlueTable as { Properties: { TableInput: { Parameters: Record<string, unknown> } } }).Properties.TableInput;

    expect(Object.keys(input.Parameters).filter((k) => k.startsWith('projection.') || k.startsWith('storage.'))).toEqual([]);
  });

  it.each([
    [{ partitioning: 'auto' }, /param partitioning: must be one of managed, projection, got "auto"/],
    [{ partitioning: 'projection', projectionStart: '2025-01-01' }, /param projectionStart: must be a day as YYYY\/MM\/DD/],
    [{ partitioning: 'projection', projectionStart: '2025/02/30' }, /param projectionStart/],
    [{ partitioning: 'projection', folders: 'hive' }, /param partitioning: projection needs folders=default/],
    [{ partitioning: 'projection', tableMode: 'adopt' }, /param partitioning: projection is set on the table the stack creates/],
  ])('when the params are %j, they are refused naming the param', (params, message) => {
    expect(() => readStackParams({ ...DEFAULTS, ...params })).toThrow(message);
  });

  it('when projectionStart is NOW-relative, it is the start of the range', () => {
    expect(readStackParams({ ...DEFAULTS, partitioning: 'projection', projectionStart: 'NOW-3YEARS' }).projectionStart).toBe('NOW-3YEARS');
    expect(readStackParams({ ...DEFAULTS, partitioning: 'projection' }).projectionStart).toBe('NOW-1YEARS');
  });

  it('when the table is adopted, the stack creates no Glue resources and saved queries do not wait for a table', () => {
    const settings = readStackParams({ ...DEFAULTS, tableMode: 'adopt' });
    const queries = namedQueryResources(settings, [{ name: 'reports/top-talkers', text: '-- Top talkers\nSELECT * FROM {{table}} WHERE dt >= {{from}}' }]);
    expect(glueResources(settings)).toEqual({});
    expect(queries.NamedQueryTopTalkers).toMatchObject({
      Properties: { Description: 'Top talkers', Database: 'flowlogs', QueryString: expect.stringContaining('FROM flowlogs.vpc_flow_logs WHERE dt >= {{from}}') },
    });
    expect(queries.NamedQueryTopTalkers).not.toHaveProperty('DependsOn');
  });

  it('when query files include templates outside reports/, only the reports become saved queries', () => {
    const settings = readStackParams(DEFAULTS);
    const queries = namedQueryResources(settings, [
      { name: 'partitions/add-partitions', text: 'ALTER TABLE {{table}}' },
      { name: 'reports/rejects', text: 'SELECT 1' },
    ]);
    expect(Object.keys(queries)).toEqual(['NamedQueryRejects']);
  });

  it('when a custom format and a VPC are given, the flow log uses that format string and the table its columns', () => {
    const format = '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action} ${log-status} ${reject-reason}';
    const settings = readStackParams({ ...DEFAULTS, format, vpcIds: 'vpc-0a1b2c3d4e5f60718' });
    const [flowLog] = Object.values(flowLogResources(settings)) as { Properties: { LogFormat?: string } }[];
    const table = glueResources(settings).GlueTable as { Properties: { TableInput: { StorageDescriptor: { Columns: unknown[] } } } };
    expect(flowLog?.Properties.LogFormat).toBe(format);
    expect(table.Properties.TableInput.StorageDescriptor.Columns).toEqual(parseFormatString(format).map((f) => ({ Name: f.column, Type: f.type })));
  });

  it('when the flow logs use Hive-compatible prefixes, the table, the log permissions and the created flow log follow them', () => {
    // Act
    const settings = readStackParams({ ...DEFAULTS, bucket: 'logs-bucket', sources: '123456789012:ap-northeast-1', folders: 'hive', vpcIds: 'vpc-0a1b2c3d4e5f60718' });
    const table = glueResources(settings).GlueTable as { Properties: { TableInput: { StorageDescriptor: { Location: unknown } } } };
    const [flowLog] = Object.values(flowLogResources(settings)) as { Properties: { DestinationOptions: { HiveCompatiblePartitions: boolean } } }[];
    // Assess
    expect(table.Properties.TableInput.StorageDescriptor.Location).toEqual({
      'Fn::Sub': ['s3://${LogBucket}/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-1/', { LogBucket: 'logs-bucket' }],
    });
    expect(logReadResources(settings).objects).toEqual([
      {
        'Fn::Sub': [
          'arn:${AWS::Partition}:s3:::${LogBucket}/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-1/*',
          { LogBucket: 'logs-bucket' },
        ],
      },
    ]);
    expect(flowLog?.Properties.DestinationOptions.HiveCompatiblePartitions).toBe(true);
    expect(() => readStackParams({ ...DEFAULTS, folders: 'flat' })).toThrow(/param folders: must be one of default, hive, got "flat"/);
  });

  it('when per-hour delivery is asked for, the created flow log delivers per hour; anything but true or false is refused', () => {
    const settings = readStackParams({ ...DEFAULTS, perHour: 'true', vpcIds: 'vpc-0a1b2c3d4e5f60718' });
    const [flowLog] = Object.values(flowLogResources(settings)) as { Properties: { DestinationOptions: { PerHourPartition: boolean } } }[];
    expect(flowLog?.Properties.DestinationOptions.PerHourPartition).toBe(true);
    expect(() => readStackParams({ ...DEFAULTS, perHour: 'yes' })).toThrow(/param perHour: must be true or false, got "yes"/);
  });

  it('when the Slack parameter is a path or a bare name, the ARN names exactly that parameter', () => {
    expect(slackParameterArn(readStackParams({ ...DEFAULTS, slackWebhookParameter: '/team/slack' }))).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/team/slack',
    });
    expect(slackParameterArn(readStackParams({ ...DEFAULTS, slackWebhookParameter: 'slack' }))).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/slack',
    });
  });

  it('when several params are wrong, one error names every one of them', () => {
    const bad = {
      ...DEFAULTS,
      bucket: 'Bad_Bucket',
      prefix: 'no-slash',
      sources: '123:tokyo',
      table: 'Flow-Logs',
      tableMode: 'own',
      vpcIds: 'vpc-xyz',
      alertEmails: 'ops',
      bytesScannedCutoffMb: '5',
    };
    let error: unknown;
    try {
      readStackParams(bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'param bucket',
        'param prefix',
        'param sources',
        'param table',
        'param tableMode',
        'param vpcIds',
        'param alertEmails',
        'param bytesScannedCutoffMb',
      ]),
    );
  });

  it('when VPC flow logs are asked for with sources in several accounts, it refuses', () => {
    expect(() => readStackParams({ ...DEFAULTS, vpcIds: 'vpc-0a1b2c3d', sources: '111111111111:ap-northeast-1,222222222222:ap-northeast-1' })).toThrow(/own account and region/);
  });
  it('when no database is given, the Glue database and rollup table carry the stage; a stage that cannot be part of a name is refused', () => {
    const settings = readStackParams({ ...DEFAULTS, database: '', stage: 'prod-eu' });
    const database = glueResources(settings).GlueDatabase as { Properties: { DatabaseInput: { Name: string } } };
    const rollup = rollupTableResources(settings).GlueRollupTable as { Properties: { TableInput: { Name: string } } };
    const [query] = Object.values(namedQueryResources(settings, [{ name: 'reports/totals', text: '-- Totals\nSELECT 1' }])) as { Properties: { Name: string } }[];
    expect([settings.database, settings.rollupTable]).toEqual(['flowlogs_prod_eu', 'vpc_flow_logs_rollup_prod_eu']);
    expect(database.Properties.DatabaseInput.Name).toBe('flowlogs_prod_eu');
    expect(rollup.Properties.TableInput.Name).toBe('vpc_flow_logs_rollup_prod_eu');
    expect(query?.Properties.Name).toBe('flowlog-pilot-prod-eu totals');
    expect(readStackParams({ ...DEFAULTS, database: 'shared_logs', tableMode: 'adopt', stage: 'dev' }).rollupTable).toBe('vpc_flow_logs_rollup_dev');
    expect(() => readStackParams({ ...DEFAULTS, stage: 'prod.eu' })).toThrow(/stage: "prod\.eu" must be letters, digits and -/);
  });

  it('when the stack creates the bucket for sources in two accounts, each account gets its own delivery statements with SourceAccount and SourceArn', () => {
    // Prepare
    const settings = readStackParams({ ...DEFAULTS, prefix: 'org/', sources: '111111111111:ap-northeast-1,111111111111:us-east-1,222222222222:eu-west-1' });
    // Act
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation resources are free-form JSON read by path
    const policy = logBucketResources(settings).FlowLogBucketPolicy as { Properties: { PolicyDocument: { Statement: Record<string, any>[] } } };
    const delivery = policy.Properties.PolicyDocument.Statement.filter((s) => s.Principal?.Service === 'delivery.logs.amazonaws.com');
    // Assess
    expect(delivery.map((s) => s.Sid)).toEqual([
      'FlowLogDeliveryAclCheck111111111111',
      'FlowLogDeliveryWrite111111111111',
      'FlowLogDeliveryAclCheck222222222222',
      'FlowLogDeliveryWrite222222222222',
    ]);
    expect(delivery[0]).toMatchObject({ Action: ['s3:GetBucketAcl', 's3:ListBucket'], Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } });
    expect(delivery[1]!.Resource).toEqual({ 'Fn::Sub': '${FlowLogBucket.Arn}/org/AWSLogs/111111111111/*' });
    expect(delivery[1]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111111111111', 's3:x-amz-acl': 'bucket-owner-full-control' },
      ArnLike: {
        'aws:SourceArn': [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:ap-northeast-1:111111111111:*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:logs:us-east-1:111111111111:*' }],
      },
    });
    expect(delivery[3]!.Condition.ArnLike).toEqual({ 'aws:SourceArn': [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:eu-west-1:222222222222:*' }] });
  });

  it('when the stack creates the bucket for its own account, the delivery statements name that account and region through CloudFormation', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation resources are free-form JSON read by path
    const policy = logBucketResources(readStackParams(DEFAULTS)).FlowLogBucketPolicy as { Properties: { PolicyDocument: { Statement: Record<string, any>[] } } };
    const [, check, write] = policy.Properties.PolicyDocument.Statement;
    expect(check).toMatchObject({
      Sid: 'FlowLogDeliveryAclCheck',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*' }] },
      },
    });
    expect(write).toMatchObject({ Sid: 'FlowLogDeliveryWrite', Resource: { 'Fn::Sub': '${FlowLogBucket.Arn}/AWSLogs/${AWS::AccountId}/*' } });
  });
});

describe('column names of the created table', () => {
  it("when columnNames is aws, the Glue table's columns are AWS's DDL names; empty or walkthrough keeps the walkthrough's", () => {
    const columns = (params: Partial<StackParams>) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation resources are free-form JSON read by path
      ((glueResources(readStackParams({ ...DEFAULTS, ...params })).GlueTable as any).Properties.TableInput.StorageDescriptor.Columns as { Name: string }[]).map((c) => c.Name);
    expect(columns({ columnNames: 'aws' })).toEqual([
      'version',
      'account_id',
      'interface_id',
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'protocol',
      'packets',
      'bytes',
      'start',
      'end',
      'action',
      'log_status',
    ]);
    expect(columns({ columnNames: '' })).toContain('sourceaddress');
    expect(columns({ columnNames: 'walkthrough' })).toContain('numbytes');
  });

  it('when columnNames is neither naming, it is refused naming the param', () => {
    expect(() => readStackParams({ ...DEFAULTS, columnNames: 'camel' })).toThrow(/param columnNames: must be one of walkthrough, aws, got "camel"/);
  });
});

describe('Parquet delivery', () => {
  it('when fileFormat is parquet, the naming defaults to aws and the walkthrough naming is refused, naming both params', () => {
    expect(readStackParams({ ...DEFAULTS, fileFormat: 'parquet' }).columnNames).toBe('aws');
    expect(readStackParams({ ...DEFAULTS }).columnNames).toBe('walkthrough');
    expect(() => readStackParams({ ...DEFAULTS, fileFormat: 'parquet', columnNames: 'walkthrough' })).toThrow(
      /param columnNames: a Parquet table reads its files' columns by name/,
    );
    expect(() => readStackParams({ ...DEFAULTS, fileFormat: 'orc' })).toThrow(/param fileFormat: must be one of plain-text, parquet, got "orc"/);
  });

  it('when fileFormat is parquet, the flow logs the stack creates deliver Parquet; otherwise plain text', () => {
    const options = (params: Partial<StackParams>) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation resources are free-form JSON read by path
      (Object.values(flowLogResources(readStackParams({ ...DEFAULTS, vpcIds: 'vpc-0a1b2c3d4e5f60718', ...params })))[0] as any).Properties.DestinationOptions.FileFormat;
    expect(options({ fileFormat: 'parquet' })).toBe('parquet');
    expect(options({})).toBe('plain-text');
  });
});

describe('customer managed keys of SecureString parameters', () => {
  const KEY = 'arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const MRK = 'arn:aws:kms:ap-northeast-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef';
  const LISTS = { ...DEFAULTS, suppressionsParameter: '/flowlog-pilot/prod/suppressions' };

  it('when a key ARN (single- or multi-Region) is given with the parameter it decrypts, that key is the one granted; unset, none', () => {
    expect(listsKmsKeyArns(readStackParams({ ...LISTS, listsKmsKeyArn: KEY, region: 'ap-northeast-1' }))).toEqual([KEY]);
    expect(slackKmsKeyArns(readStackParams({ ...DEFAULTS, slackWebhookParameter: '/flowlog-pilot/slack', slackWebhookKmsKeyArn: MRK }))).toEqual([MRK]);
    expect(listsKmsKeyArns(readStackParams(LISTS))).toEqual([]);
    expect(slackKmsKeyArns(readStackParams(DEFAULTS))).toEqual([]);
  });

  it('when a key param is an alias, an alias ARN or a key id, it is refused naming the param and the form it must have', () => {
    for (const value of ['alias/aws/ssm', 'arn:aws:kms:ap-northeast-1:123456789012:alias/lists', '1234abcd-12ab-34cd-56ef-1234567890ab', `${KEY}x`]) {
      expect(() => readStackParams({ ...LISTS, listsKmsKeyArn: value })).toThrow(`param listsKmsKeyArn: ${JSON.stringify(value)} must be a KMS key ARN such as arn:aws:kms:`);
    }
  });

  it('when a key is given without the parameter it would decrypt, or is in another region than the stack, it is refused', () => {
    expect(() => readStackParams({ ...DEFAULTS, watchlistFile: 'examples/watchlist.txt', listsKmsKeyArn: KEY })).toThrow(
      'param listsKmsKeyArn: is for SecureString list parameters: give suppressionsParameter or watchlistParameter too',
    );
    expect(() => readStackParams({ ...DEFAULTS, slackWebhookKmsKeyArn: KEY })).toThrow('param slackWebhookKmsKeyArn: is for the webhook parameter: give slackWebhookParameter too');
    expect(() => readStackParams({ ...LISTS, listsKmsKeyArn: KEY, region: 'us-east-1' })).toThrow('param listsKmsKeyArn: the key is in ap-northeast-1, the stack in us-east-1');
  });
});
