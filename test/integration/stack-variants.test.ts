/**
 * The packaged template for the default params and four variants, checked three ways:
 * - cfn-lint (the CloudFormation resource schemas, offline) finds no error in any of them;
 * - each function's role grants the Glue and S3 actions Athena needs for every statement that
 *   function sends (collected by running the real use cases, test/support/athena-statements.ts),
 *   on the right catalog, database, table and bucket ARNs, and nothing else;
 * - the log bucket follows AWS's delivery policy, and every name two stages could share carries the stage.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayFolder, sourceFolder, type FolderStyle } from '../../src/lib/partitions/layout.js';
import type { UtcDay } from '../../src/lib/dates.js';
import {
  collectAthenaStatements,
  collectFolderDeletions,
  COLLECTED_ROLLUP_LOCATION,
  fromProjectedSetup,
  statementKind,
  tablesOf,
  type EmittedStatement,
  type FolderDeletionCall,
  type Job,
  type StatementKind,
} from '../support/athena-statements.js';
import { findTool, missingToolReason } from '../support/aws-tools.js';
import { readZip } from '../../deploy/zip-reader.js';
import { ACCOUNT, iamMatches, packageStack, REGION, resolve, ROOT, roleStatements, type Json } from '../support/packaged-stack.js';

const LISTS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SLACK_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`;
const VARIANTS: Readonly<Record<string, { readonly stage: string; readonly params: Readonly<Record<string, string>> }>> = {
  default: { stage: 'ci', params: {} },
  // The interfaces function assumes this role in each source account to place their interfaces.
  'several sources': {
    stage: 'ci',
    params: { sources: `${ACCOUNT}:${REGION},111111111111:ap-northeast-1,222222222222:us-east-1`, interfacesRoleName: 'flowlog-pilot-interfaces' },
  },
  'hive folders with per-hour delivery': { stage: 'ci', params: { folders: 'hive', perHour: 'true', prefix: 'org/', vpcIds: 'vpc-0123456789abcdef0' } },
  'adopted table': {
    stage: 'ci',
    params: { tableMode: 'adopt', database: 'network_logs', table: 'vpc_flow_logs_console', bucket: 'existing-flow-logs', sources: `${ACCOUNT}:${REGION}` },
  },
  'projection with several sources': {
    stage: 'ci',
    params: { partitioning: 'projection', projectionStart: '2025/01/01', sources: `${ACCOUNT}:${REGION},111111111111:ap-northeast-1,222222222222:us-east-1` },
  },
  'projection, Parquet delivery': { stage: 'ci', params: { partitioning: 'projection', fileFormat: 'parquet', vpcIds: 'vpc-0123456789abcdef0' } },
  // The report's lists: suppressions in SSM, the watchlist a file of the service folder bundled into the report zip.
  // The suppressions parameter is a SecureString under a customer managed key.
  'report lists': { stage: 'ci', params: { suppressionsParameter: '/flowlog-pilot/ci/suppressions', watchlistFile: 'examples/watchlist.txt', listsKmsKeyArn: LISTS_KEY } },
  'vpcIds with Slack': {
    stage: 'qa-tokyo',
    params: {
      vpcIds: 'vpc-0123456789abcdef0,vpc-0fedcba98765432a',
      slackWebhookParameter: '/flowlog-pilot/qa/slack-webhook',
      slackWebhookKmsKeyArn: SLACK_KEY,
      alertEmails: 'secops@example.com',
      reportTimezone: 'Asia/Tokyo',
    },
  },
};
const FUNCTION_OF_JOB: Readonly<Record<Job, string>> = { partitions: 'Partitions', report: 'Report' };

/*
 * What Athena needs for each kind of statement it runs with the caller's role. Sources:
 * - "Configure access to databases and tables in the AWS Glue Data Catalog" (Athena user guide,
 *   https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html): a Glue
 *   action on a table needs it on the table, its database and the catalog; partitions are governed
 *   by the table's permissions; reading a table calls GetDatabase, GetTable and the partition reads.
 * - AWS Knowledge Center "athena-aws-glue-msck-repair-table": adding partitions from Athena needs
 *   glue:BatchCreatePartition (the AmazonAthenaFullAccess policy also grants glue:CreatePartition).
 * - facts.md "IAM for DDL through Athena": ADD PARTITION BatchCreatePartition + CreatePartition,
 *   SET LOCATION UpdatePartition, DROP PARTITION BatchDeletePartition; queries need s3:GetObject and
 *   s3:ListBucket on the data and read/write on the query result location.
 * - "Access to Amazon S3" (https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html): the
 *   result location needs GetBucketLocation, ListBucket, ListBucketMultipartUploads,
 *   GetObject, PutObject, AbortMultipartUpload and ListMultipartUploadParts; a table Athena writes
 *   (INSERT INTO) needs the same object actions on its location.
 */
const READ_TABLE = ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'];
const ATHENA_NEEDS: Readonly<Record<StatementKind, { readonly targetGlue: readonly string[]; readonly writesTarget: boolean; readsTables: boolean }>> = {
  SELECT: { targetGlue: [], writesTarget: false, readsTables: true },
  'INSERT INTO': { targetGlue: [...READ_TABLE, 'glue:CreatePartition', 'glue:BatchCreatePartition'], writesTarget: true, readsTables: true },
  'ALTER TABLE ADD PARTITION': { targetGlue: [...READ_TABLE, 'glue:CreatePartition', 'glue:BatchCreatePartition'], writesTarget: false, readsTables: false },
  'ALTER TABLE SET LOCATION': { targetGlue: [...READ_TABLE, 'glue:UpdatePartition'], writesTarget: false, readsTables: false },
  'ALTER TABLE DROP PARTITION': { targetGlue: [...READ_TABLE, 'glue:DeletePartition', 'glue:BatchDeletePartition'], writesTarget: false, readsTables: false },
};
const RESULT_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
const RESULT_BUCKET_ACTIONS = ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'];
const TABLE_READ_OBJECT_ACTIONS = ['s3:GetObject'];
const TABLE_BUCKET_ACTIONS = ['s3:GetBucketLocation', 's3:ListBucket'];
/*
 * What the object store needs to delete a build folder (the jobs call S3 themselves, not through
 * Athena). Sources: Amazon S3 API Reference, ListObjectsV2 ("you must have READ access to the
 * bucket": s3:ListBucket on the bucket) and DeleteObjects ("the s3:DeleteObject permission" for
 * each key; there is no separate DeleteObjects action).
 */
const FOLDER_DELETE_BUCKET_ACTIONS = ['s3:ListBucket'];
const FOLDER_DELETE_OBJECT_ACTIONS = ['s3:DeleteObject'];

/** The collector's table names (test/support/athena-statements.ts) and what they stand for. */
const COLLECTED = { database: 'flowlogs_ci', raw: 'vpc_flow_logs', rollup: 'vpc_flow_logs_rollup_ci' } as const;

interface Deployed {
  readonly template: Json;
  readonly file: string;
  readonly dir: string;
}

/** The ARNs of one packaged variant the needs are expressed in. */
function arnsOf(deployed: Deployed, job: Job) {
  const env = resolve(deployed.template, deployed.template.Resources[`${FUNCTION_OF_JOB[job]}LambdaFunction`].Properties.Environment.Variables) as Record<string, string>;
  const glue = (table: string) => [
    `arn:aws:glue:${REGION}:${ACCOUNT}:catalog`,
    `arn:aws:glue:${REGION}:${ACCOUNT}:database/${env.FLOWLOG_DATABASE}`,
    `arn:aws:glue:${REGION}:${ACCOUNT}:table/${env.FLOWLOG_DATABASE}/${table}`,
  ];
  const s3 = (location: string) => {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(location)!;
    return { bucket: `arn:aws:s3:::${bucket}`, objects: `arn:aws:s3:::${bucket}/${key}*` };
  };
  const rollupLocation = (resolve(deployed.template, deployed.template.Resources.GlueRollupTable.Properties.TableInput) as Json).StorageDescriptor.Location as string;
  const buildsLocation = (resolve(deployed.template, deployed.template.Resources.GlueRollupBuildsTable.Properties.TableInput) as Json).StorageDescriptor.Location as string;
  const sources = env.FLOWLOG_SOURCES!.split(',').map((s) => s.split(':') as [string, string]);
  const rawFolders = sources.map(([account, region]) => s3(`s3://${env.FLOWLOG_BUCKET}/${env.FLOWLOG_PREFIX}${sourceFolder(account, region, env.FLOWLOG_FOLDERS as FolderStyle)}`));
  // The rollup ledger (src/lib/s3/s3-rollup-ledger.ts, wired in src/lib/wiring/aws.ts): its
  // own S3 calls, not Athena statements. ListObjectsV2 (s3:ListBucket) under each source's day
  // folders; GetObject and PutObject of the day records, <rollup LOCATION>ledger/<rollup table>/<day>.json.
  const dayPrefixes = sources.map(
    ([account, region]) =>
      `${env.FLOWLOG_PREFIX}${sourceFolder(account, region, env.FLOWLOG_FOLDERS as FolderStyle)}${dayFolder('2026-11-18' as UtcDay, env.FLOWLOG_FOLDERS as FolderStyle)}`,
  );
  return {
    ledger: { listBucket: `arn:aws:s3:::${env.FLOWLOG_BUCKET}`, dayPrefixes, records: s3(`${rollupLocation}ledger/${env.FLOWLOG_ROLLUP_TABLE}/`).objects },
    // The report's files (src/lib/use-cases/save-report.ts): PutObject under reports/ of FLOWLOG_REPORT_BUCKET.
    reportFiles: env.FLOWLOG_REPORT_BUCKET === undefined || env.FLOWLOG_REPORT_BUCKET === '' ? undefined : `arn:aws:s3:::${env.FLOWLOG_REPORT_BUCKET}/reports/*`,
    results: s3(env.FLOWLOG_OUTPUT_LOCATION!),
    tables: {
      [COLLECTED.raw]: { glue: glue(env.FLOWLOG_TABLE!), data: rawFolders },
      [COLLECTED.rollup]: { glue: glue(env.FLOWLOG_ROLLUP_TABLE!), data: [s3(rollupLocation)] },
      [`${COLLECTED.rollup}_builds`]: { glue: glue(`${env.FLOWLOG_ROLLUP_TABLE!}_builds`), data: [s3(buildsLocation)] },
    } as Record<string, { glue: string[]; data: { bucket: string; objects: string }[] }>,
  };
}

const projected = (variant: string): boolean => VARIANTS[variant]!.params.partitioning === 'projection';

/** Every `action resource` pair a job's statements (and its deletions of build folders) need in this variant. */
function needsOf(deployed: Deployed, job: Job, all: readonly EmittedStatement[], deletions: readonly FolderDeletionCall[], isProjected: boolean): Set<string> {
  // A projected table's statements come from the projected setups, a managed one's from the others.
  const statements = all.filter((s) => fromProjectedSetup(s) === isProjected);
  const arns = arnsOf(deployed, job);
  const needs = new Set<string>();
  for (const deletion of deletions.filter((d) => d.job === job)) {
    // Only the builds folder: a folder elsewhere would need a broader grant, and fails here instead.
    const relative = deletion.folder.slice(COLLECTED_ROLLUP_LOCATION.length);
    if (!deletion.folder.startsWith(COLLECTED_ROLLUP_LOCATION) || !relative.startsWith('builds/'))
      throw new Error(`${deletion.scenario} deletes ${deletion.folder}, outside the rollup's builds/ folder`);
    const rollup = arns.tables[COLLECTED.rollup]!.data[0]!;
    FOLDER_DELETE_BUCKET_ACTIONS.forEach((a) => needs.add(`${a} ${rollup.bucket}`));
    FOLDER_DELETE_OBJECT_ACTIONS.forEach((a) => needs.add(`${a} ${rollup.objects.replace(/\*$/, '')}builds/*`));
  }
  const table = (name: string) => {
    const known = arns.tables[name];
    if (known === undefined) throw new Error(`a statement names table ${name}, which this test does not map to ARNs yet (arnsOf)`);
    return known;
  };
  const add = (actions: readonly string[], resources: readonly string[]) => actions.forEach((a) => resources.forEach((r) => needs.add(`${a} ${r}`)));
  for (const statement of statements.filter((s) => s.job === job)) {
    const kind = statementKind(statement.sql)!;
    const need = ATHENA_NEEDS[kind];
    const tables = tablesOf(statement.sql, COLLECTED.database);
    const target = kind === 'SELECT' ? undefined : /^(?:ALTER TABLE|INSERT INTO)\s+"?\w+"?\."?(\w+)"?/.exec(statement.sql.replace(/^(--[^\n]*\n)+/, '').trim())?.[1];
    add(RESULT_OBJECT_ACTIONS, [arns.results.objects]);
    add(RESULT_BUCKET_ACTIONS, [arns.results.bucket]);
    if (target !== undefined) {
      const t = table(target);
      add(need.targetGlue, t.glue);
      if (need.writesTarget) {
        add(
          RESULT_OBJECT_ACTIONS,
          t.data.map((d) => d.objects),
        );
        add(
          TABLE_BUCKET_ACTIONS,
          t.data.map((d) => d.bucket),
        );
      }
    }
    if (need.readsTables) {
      for (const name of tables.filter((t) => t !== target)) {
        const t = table(name);
        add(READ_TABLE, t.glue);
        add(
          TABLE_READ_OBJECT_ACTIONS,
          t.data.map((d) => d.objects),
        );
        add(
          TABLE_BUCKET_ACTIONS,
          t.data.map((d) => d.bucket),
        );
      }
    }
  }
  // Both jobs build rollup days, so both list the days' files and read and write their records.
  add(['s3:ListBucket'], [arns.ledger.listBucket]);
  add(['s3:GetObject', 's3:PutObject'], [arns.ledger.records]);
  if (job === 'report' && arns.reportFiles !== undefined) add(['s3:PutObject'], [arns.reportFiles]);
  return needs;
}

const skipLint = missingToolReason('cfn-lint');

describe('packaged template variants', () => {
  const deployed = new Map<string, Deployed>();
  let statements: EmittedStatement[] = [];
  let deletions: FolderDeletionCall[] = [];

  beforeAll(async () => {
    statements = await collectAthenaStatements();
    deletions = await collectFolderDeletions();
    for (const [name, { stage, params }] of Object.entries(VARIANTS)) {
      const started = Date.now();
      deployed.set(name, await packageStack(params, stage));
      console.log(`packaged "${name}" in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }, 600_000);

  afterAll(() => {
    for (const { dir } of deployed.values()) rmSync(dir, { recursive: true, force: true });
  });

  it('when cfn-lint checks the default template and every variant, it finds no error', (ctx) => {
    if (skipLint !== undefined) ctx.skip(`cfn-lint unavailable: ${skipLint}`);
    // Act: one cfn-lint run over all templates; exit code 2 means errors, 4 warnings, 8 informational.
    const files = [...deployed.values()].map((d) => d.file);
    const run = spawnSync(findTool('cfn-lint')!, ['--format', 'json', '--', ...files], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    // Assess
    expect(run.error).toBeUndefined();
    const matches = JSON.parse(run.stdout || '[]') as { Level: string; Rule: { Id: string }; Message: string; Filename: string }[];
    const name = (file: string) => [...deployed].find(([, d]) => d.file === file)?.[0];
    const errors = matches.filter((m) => m.Level === 'Error').map((m) => `${name(m.Filename)}: ${m.Rule.Id} ${m.Message}`);
    console.log(
      `cfn-lint over ${files.length} templates: ${errors.length} errors, ${matches.filter((m) => m.Level === 'Warning').length} warnings (${[...new Set(matches.filter((m) => m.Level === 'Warning').map((m) => m.Rule.Id))].join(', ') || 'none'})`,
    );
    expect(errors).toEqual([]);
    expect(run.status === 0 || (run.status! & 2) === 0).toBe(true);
  }, 300_000);

  it('when the lists are in SSM, only the report role may read that parameter, and without lists no report statement names SSM', () => {
    const ssmOf = (variant: string, role: string) => roleStatements(deployed.get(variant)!.template, role).filter((s) => s.actions.some((a) => a.startsWith('ssm:')));
    const lists = ssmOf('report lists', 'ReportIamRoleLambdaExecution');

    expect(lists.map((s) => [s.effect, s.actions, s.resources])).toEqual([
      ['Allow', ['ssm:GetParameter'], [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/flowlog-pilot/ci/suppressions`]],
    ]);
    expect(ssmOf('report lists', 'PartitionsIamRoleLambdaExecution')).toEqual([]);
    expect(ssmOf('default', 'ReportIamRoleLambdaExecution')).toEqual([]);
    const env = deployed.get('report lists')!.template.Resources.ReportLambdaFunction.Properties.Environment.Variables as Record<string, string>;
    expect([env.FLOWLOG_SUPPRESSIONS_PARAMETER, env.FLOWLOG_SUPPRESSIONS_FILE, env.FLOWLOG_WATCHLIST_PARAMETER, env.FLOWLOG_WATCHLIST_FILE]).toEqual([
      '/flowlog-pilot/ci/suppressions',
      '',
      '',
      'examples/watchlist.txt',
    ]);
  });

  it('when a list parameter or the webhook parameter has a customer managed key, only the role reading it may decrypt with exactly that key, through SSM only; unset, no role may', () => {
    // Prepare: the topic key statement (publishing to the encrypted topic) is another matter.
    const kmsOf = (variant: string, role: string) =>
      roleStatements(deployed.get(variant)!.template, role)
        .filter((s) => s.actions.some((a) => a.startsWith('kms:')) && !s.resources.some((r) => r.startsWith('arn:TopicKey')))
        .map((s) => [s.effect, s.actions, s.resources, s.condition]);
    const viaSsm = { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } };

    // Assess
    expect(kmsOf('report lists', 'ReportIamRoleLambdaExecution')).toEqual([['Allow', ['kms:Decrypt'], [LISTS_KEY], viaSsm]]);
    expect(kmsOf('vpcIds with Slack', 'SlackForwarderIamRoleLambdaExecution')).toEqual([['Allow', ['kms:Decrypt'], [SLACK_KEY], viaSsm]]);
    for (const role of ['PartitionsIamRoleLambdaExecution', 'InterfacesIamRoleLambdaExecution', 'SlackForwarderIamRoleLambdaExecution'])
      expect(kmsOf('report lists', role)).toEqual([]);
    for (const role of ['ReportIamRoleLambdaExecution', 'PartitionsIamRoleLambdaExecution', 'InterfacesIamRoleLambdaExecution'])
      expect(kmsOf('vpcIds with Slack', role)).toEqual([]);
    for (const role of ['ReportIamRoleLambdaExecution', 'SlackForwarderIamRoleLambdaExecution']) expect(kmsOf('default', role)).toEqual([]);
  });

  it('when a KMS key param is not a key ARN, packaging fails naming the param and what it must be', async () => {
    const failure = await packageStack({ suppressionsParameter: '/flowlog-pilot/ci/suppressions', listsKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/flowlog-lists` }).then(
      () => undefined,
      (error: unknown) => error as { stdout?: string; stderr?: string },
    );
    const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
    expect(failure).toBeDefined();
    expect(output).toContain(
      `param listsKmsKeyArn: "arn:aws:kms:${REGION}:${ACCOUNT}:alias/flowlog-lists" must be a KMS key ARN such as arn:aws:kms:ap-northeast-1:123456789012:key/`,
    );
  }, 200_000);

  it('when several source accounts and a role name are given, the interfaces role may assume exactly that role in each source account, and read EC2 only; without them it may assume none', () => {
    const interfaces = (variant: string) =>
      roleStatements(deployed.get(variant)!.template, 'InterfacesIamRoleLambdaExecution').filter((s) => !s.actions.every((a) => a.startsWith('logs:')));
    // IAM role ARNs (IAM User Guide, "IAM identifiers"): arn:aws:iam::<account>:role/<name>. The stack's own account is listed among the sources, so its role is too (unused: it is asked directly).
    expect(interfaces('several sources').map((s) => [s.effect, s.actions, s.resources])).toEqual([
      ['Allow', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstances'], ['*']],
      [
        'Allow',
        ['sts:AssumeRole'],
        [
          `arn:aws:iam::${ACCOUNT}:role/flowlog-pilot-interfaces`,
          'arn:aws:iam::111111111111:role/flowlog-pilot-interfaces',
          'arn:aws:iam::222222222222:role/flowlog-pilot-interfaces',
        ],
      ],
    ]);
    for (const variant of Object.keys(VARIANTS).filter((v) => v !== 'several sources')) {
      expect(
        interfaces(variant).flatMap((s) => s.actions),
        variant,
      ).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstances']);
    }
    const env = deployed.get('several sources')!.template.Resources.InterfacesLambdaFunction.Properties.Environment.Variables as Record<string, unknown>;
    expect(resolve(deployed.get('several sources')!.template, env)).toEqual({
      FLOWLOG_SOURCES: `${ACCOUNT}:${REGION},111111111111:ap-northeast-1,222222222222:us-east-1`,
      FLOWLOG_ACCOUNT: ACCOUNT,
      FLOWLOG_INTERFACES_ROLE: 'flowlog-pilot-interfaces',
    });
  });

  it('when the watchlist is a bundled file, the report zip carries it at its path, byte for byte, and no other zip does', () => {
    const { dir } = deployed.get('report lists')!;
    const file = readFileSync(join(ROOT, 'examples/watchlist.txt'));

    const entry = (zip: string) => readZip(readFileSync(zip)).get('examples/watchlist.txt');

    expect(entry(join(dir, 'report.zip'))?.equals(file)).toBe(true);
    expect(entry(join(dir, 'partitions.zip'))).toBeUndefined();
    expect(entry(join(deployed.get('default')!.dir, 'report.zip'))).toBeUndefined();
  });

  it('when a bundled list has bad entries, packaging fails naming each of them', async () => {
    const bad = `.bad-watchlist-${process.pid}.txt`;
    writeFileSync(join(ROOT, bad), '198.51.100.0/24,ok\n10.0.0.0/33,too wide\n2001:db8:::1,bad\n');
    try {
      const failure = await packageStack({ watchlistFile: bad }).then(
        () => undefined,
        (error: unknown) => error as { stdout?: string; stderr?: string },
      );
      const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
      expect(failure).toBeDefined();
      expect(output).toContain(
        `param watchlistFile: ${bad}: line 2: cidr: "10.0.0.0/33": the prefix length must be 0 to 32; param watchlistFile: ${bad}: line 3: cidr: "2001:db8:::1" is not an IPv4 or IPv6 CIDR block`,
      );
    } finally {
      rmSync(join(ROOT, bad), { force: true });
    }
  }, 200_000);

  it("when every build fails, both jobs delete the failed builds' folders, all under the rollup's builds/ folder", () => {
    expect(new Set(deletions.map((d) => d.job))).toEqual(new Set(['partitions', 'report']));
    expect(deletions.filter((d) => !d.folder.startsWith(`${COLLECTED_ROLLUP_LOCATION}builds/`))).toEqual([]);
  });

  it('when the jobs run, every statement is of a kind the permission table knows', () => {
    const unknown = statements.filter((s) => statementKind(s.sql) === undefined).map((s) => `${s.scenario}: ${s.sql.slice(0, 120)}`);
    expect(unknown).toEqual([]);
    expect(new Set(statements.map((s) => s.job))).toEqual(new Set(['partitions', 'report']));
  });

  describe.each(Object.keys(VARIANTS))('%s', (variant) => {
    it.each(['partitions', 'report'] as const)('when the %s role is read, it grants every Glue and S3 action its statements need, on those resources', (job) => {
      const d = deployed.get(variant)!;
      if (job === 'partitions' && projected(variant)) return;
      const granted = roleStatements(d.template, `${FUNCTION_OF_JOB[job]}IamRoleLambdaExecution`).filter((s) => s.effect === 'Allow');
      const missing = [...needsOf(d, job, statements, deletions, projected(variant))].filter((need) => {
        const [action, resource] = need.split(' ') as [string, string];
        return !granted.some((s) => s.actions.some((a) => iamMatches(a, action)) && s.resources.some((r) => iamMatches(r, resource)));
      });
      expect(missing).toEqual([]);
    });

    it.each(['partitions', 'report'] as const)('when the %s role is read, it grants no Glue or S3 action on a resource its statements do not need', (job) => {
      const d = deployed.get(variant)!;
      if (job === 'partitions' && projected(variant)) return;
      const needs = needsOf(d, job, statements, deletions, projected(variant));
      const granted = roleStatements(d.template, `${FUNCTION_OF_JOB[job]}IamRoleLambdaExecution`).filter((s) => s.effect === 'Allow');
      const extra = granted.flatMap((s) => s.actions.filter((a) => /^(glue|s3):/.test(a)).flatMap((a) => s.resources.map((r) => `${a} ${r}`))).filter((pair) => !needs.has(pair));
      expect(extra).toEqual([]);
    });

    it.each(['partitions', 'report'] as const)(
      "when the %s role is read, its s3:ListBucket on the log bucket admits the rollup ledger's listing of each source's day folder, and only under the sources' folders",
      (job) => {
        // A projected stack has no partitions function, so no partitions role.
        if (job === 'partitions' && projected(variant)) return;
        const d = deployed.get(variant)!;
        const { ledger } = arnsOf(d, job);
        const lists = roleStatements(d.template, `${FUNCTION_OF_JOB[job]}IamRoleLambdaExecution`).filter(
          (s) => s.effect === 'Allow' && s.actions.includes('s3:ListBucket') && s.resources.includes(ledger.listBucket),
        );
        expect(lists).toHaveLength(1);
        const allowed = [lists[0]!.condition?.StringLike?.['s3:prefix']].flat() as string[];
        expect(ledger.dayPrefixes.filter((prefix) => !allowed.some((pattern) => iamMatches(pattern, prefix)))).toEqual([]);
        expect(allowed.some((pattern) => iamMatches(pattern, 'AWSLogs/'))).toBe(false);
      },
    );

    it.each(['partitions', 'report'] as const)(
      "when the %s role is read, one statement grants s3:GetObject and s3:PutObject on the rollup ledger's records and nothing wider",
      (job) => {
        // A projected stack has no partitions function, so no partitions role.
        if (job === 'partitions' && projected(variant)) return;
        const d = deployed.get(variant)!;
        const { ledger } = arnsOf(d, job);
        const granted = roleStatements(d.template, `${FUNCTION_OF_JOB[job]}IamRoleLambdaExecution`).filter((s) => s.effect === 'Allow' && s.resources.includes(ledger.records));
        expect(granted.map((s) => [...s.actions].sort())).toEqual([['s3:GetObject', 's3:PutObject']]);
        expect(granted[0]!.resources).toEqual([ledger.records]);
        expect(ledger.records).toMatch(/^arn:aws:s3:::[^/]+\/rollup\/ledger\/[a-z0-9_]+\/\*$/);
      },
    );

    it('when the names two stages in one account and region could share are read, each carries the stage', () => {
      const { template } = deployed.get(variant)!;
      const stage = VARIANTS[variant]!.stage;
      const stageForms = [stage, stage.replaceAll('-', '_')];
      const named: [string, string][] = [];
      for (const [id, resource] of Object.entries(template.Resources as Record<string, Json>)) {
        const props = (resource.Properties ?? {}) as Json;
        const own = (value: unknown) => typeof value === 'string' || (typeof value === 'object' && value !== null && !('Ref' in value) && !('Fn::GetAtt' in value));
        for (const [key, value] of Object.entries(props)) {
          // Names the stack chooses for the resource itself (not references to others, not metric names).
          if (/^(Name|[A-Z][A-Za-z]*Name)$/.test(key) && !['MetricName', 'DatabaseName', 'FunctionName', 'QueueName'].includes(key) && own(value))
            named.push([`${id}.${key}`, String(resolve(template, value))]);
          if (resource.Type === 'AWS::Lambda::Function' && key === 'FunctionName') named.push([`${id}.${key}`, String(value)]);
        }
        if (props.DatabaseInput?.Name !== undefined) named.push([`${id}.DatabaseInput.Name`, props.DatabaseInput.Name]);
        // A table is scoped by its database: it needs the stage unless that database carries it.
        if (props.TableInput?.Name !== undefined && !stageForms.some((f) => String(props.DatabaseName).endsWith(f))) named.push([`${id}.TableInput.Name`, props.TableInput.Name]);
        if (props.DisplayName !== undefined) named.push([`${id}.DisplayName`, props.DisplayName]);
      }
      expect(named.length).toBeGreaterThan(10);
      expect(named.filter(([, name]) => !stageForms.some((f) => name.includes(f)))).toEqual([]);
    });
  });

  it.each(Object.keys(VARIANTS))('when %s is packaged, the partitions function, its role, schedule and alarm exist only with managed partitions', (variant) => {
    const { template } = deployed.get(variant)!;
    const partitionsResources = Object.entries(template.Resources as Record<string, Json>)
      .filter(([id, r]) => id.startsWith('Partitions') || JSON.stringify(r.Properties ?? {}).includes('PartitionsLambdaFunction'))
      .map(([id]) => id)
      .sort();
    if (projected(variant)) {
      expect(partitionsResources).toEqual([]);
      expect(template.Resources.ReportLambdaFunction.Properties.Environment.Variables.FLOWLOG_PARTITIONING).toBe('projection');
    } else {
      expect(partitionsResources).toEqual(expect.arrayContaining(['PartitionsErrorsAlarm', 'PartitionsIamRoleLambdaExecution', 'PartitionsLambdaFunction']));
      expect(partitionsResources.some((id) => /Events?Rule/.test(id))).toBe(true);
      expect(template.Resources.ReportLambdaFunction.Properties.Environment.Variables.FLOWLOG_PARTITIONING).toBe('managed');
    }
  });

  it('when the report role of a projected table is read, it may not add partitions to the raw table', () => {
    const d = deployed.get('projection with several sources')!;
    const rawTable = `arn:aws:glue:${REGION}:${ACCOUNT}:table/flowlogs_ci/vpc_flow_logs`;
    const granted = roleStatements(d.template, 'ReportIamRoleLambdaExecution').filter((s) => s.effect === 'Allow');
    const creates = granted.filter((s) => s.actions.some((a) => iamMatches(a, 'glue:BatchCreatePartition')) && s.resources.some((r) => iamMatches(r, rawTable)));
    expect(creates).toEqual([]);
  });

  it('when the projected table is packaged, it carries the projection properties for dt, account and region and a location template', () => {
    const { template } = deployed.get('projection with several sources')!;
    const table = resolve(template, template.Resources.GlueTable.Properties.TableInput) as Json;
    expect(table.PartitionKeys.map((k: Json) => k.Name)).toEqual(['aws_account', 'aws_region', 'dt']);
    expect(table.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy/MM/dd',
      'projection.dt.range': '2025/01/01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'projection.aws_account.type': 'enum',
      'projection.aws_account.values': `${ACCOUNT},111111111111,222222222222`,
      'projection.aws_region.type': 'enum',
      'projection.aws_region.values': `${REGION},us-east-1`,
    });
    expect(table.Parameters['storage.location.template']).toMatch(/^s3:\/\/[^/]+\/AWSLogs\/\$\{aws_account\}\/vpcflowlogs\/\$\{aws_region\}\/\$\{dt\}\/$/);
  });

  it.each(['default', 'several sources', 'hive folders with per-hour delivery'])(
    "when the stack creates the log bucket (%s), its policy is AWS's delivery policy for each source account",
    (variant) => {
      // Prepare
      const { template } = deployed.get(variant)!;
      const env = resolve(template, template.Resources.ReportLambdaFunction.Properties.Environment.Variables) as Record<string, string>;
      const sources = env.FLOWLOG_SOURCES!.split(',').map((s) => s.split(':') as [string, string]);
      const accounts = [...new Set(sources.map(([account]) => account))];
      const hive = env.FLOWLOG_FOLDERS === 'hive';
      const policy = resolve(template, template.Resources.FlowLogBucketPolicy.Properties.PolicyDocument) as Json;
      const bucketArn = `arn:aws:s3:::${env.FLOWLOG_BUCKET}`;
      const delivery = (policy.Statement as Json[]).filter((s) => s.Principal?.Service === 'delivery.logs.amazonaws.com');

      // Assess: two statements per account, conditions on the account and its log deliveries.
      expect(delivery).toHaveLength(2 * accounts.length);
      for (const account of accounts) {
        const sourceArns = sources.filter(([a]) => a === account).map(([, region]) => `arn:aws:logs:${region}:${account}:*`);
        const mine = delivery.filter((s) => s.Condition?.StringEquals?.['aws:SourceAccount'] === account);
        const write = mine.find((s) => [s.Action].flat().includes('s3:PutObject'));
        const check = mine.find((s) => [s.Action].flat().includes('s3:GetBucketAcl'));
        expect(write).toMatchObject({ Effect: 'Allow', Resource: `${bucketArn}/${env.FLOWLOG_PREFIX}AWSLogs/${hive ? 'aws-account-id=' : ''}${account}/*` });
        expect(write!.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': account, 's3:x-amz-acl': 'bucket-owner-full-control' }, ArnLike: { 'aws:SourceArn': sourceArns } });
        expect([check!.Action].flat().sort()).toEqual(['s3:GetBucketAcl', 's3:ListBucket']);
        expect(check).toMatchObject({
          Effect: 'Allow',
          Resource: bucketArn,
          Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArns } },
        });
      }
    },
  );
});
