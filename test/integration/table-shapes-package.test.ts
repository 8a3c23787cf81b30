/**
 * Packages the real project offline (`serverless package`, osls + serverless-esbuild) once per
 * table-shape variant, lints each CloudFormation template with cfn-lint (its resource schemas work
 * offline), and reads the Glue table and the settings each variant gives the jobs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServerlessOffline } from '../../deploy/offline-serverless.js';

const ROOT = new URL('../../', import.meta.url).pathname;
// cfn-lint lives in pyenv's Python (facts.md: Tools), whose shims folder may not be on PATH.
const PATH = `${process.env.PATH ?? ''}:/root/.pyenv/shims`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the packaged template is free-form JSON read by path
type Json = Record<string, any>;
interface Variant {
  readonly name: string;
  readonly params: Readonly<Record<string, string>>;
}
const VARIANTS: readonly Variant[] = [
  { name: 'aws-names', params: { columnNames: 'aws', vpcIds: 'vpc-0123456789abcdef0' } },
  { name: 'parquet', params: { fileFormat: 'parquet', folders: 'hive', perHour: 'true', vpcIds: 'vpc-0123456789abcdef0' } },
];

interface Packaged {
  readonly template: Json;
  /** cfn-lint's findings, every level. */
  readonly lint: readonly { Level: string; Rule: { Id: string }; Message: string }[];
}
const packaged = new Map<string, Packaged>();
let root = '';

async function cfnLint(file: string): Promise<Packaged['lint']> {
  try {
    const { stdout } = await promisify(execFile)('cfn-lint', ['--format', 'json', file], { env: { ...process.env, PATH }, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout || '[]');
  } catch (error) {
    // cfn-lint exits non-zero when it finds anything (2 errors, 4 warnings, 8 informational), still printing JSON.
    const { stdout, code } = error as { stdout?: string; code?: number | string };
    if (code === 'ENOENT') throw new Error('cfn-lint is not installed (expected on PATH or in /root/.pyenv/shims)');
    return JSON.parse(stdout || '[]');
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flowlog-shapes-package-'));
  for (const variant of VARIANTS) {
    const out = join(root, variant.name);
    const args = ['package', '--stage', 'ci', '--region', 'ap-northeast-1', '--package', out, ...Object.entries(variant.params).map(([k, v]) => `--param=${k}=${v}`)];
    await runServerlessOffline(ROOT, args, {}, 170_000);
    const file = join(out, 'cloudformation-template-update-stack.json');
    packaged.set(variant.name, { template: JSON.parse(readFileSync(file, 'utf8')), lint: await cfnLint(file) });
  }
}, 200_000 * VARIANTS.length);
afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

const resources = (variant: string): Record<string, Json> => packaged.get(variant)!.template.Resources;
const coreEnvironment = (variant: string): Json => resources(variant).ReportLambdaFunction!.Properties.Environment.Variables;

describe('packaged templates of each table shape', () => {
  it.each(VARIANTS.map((v) => v.name))('when the %s variant is packaged, cfn-lint finds no error in its template', (name) => {
    const errors = packaged.get(name)!.lint.filter((finding) => finding.Level === 'Error');
    expect(errors.map((e) => `${e.Rule.Id} ${e.Message}`)).toEqual([]);
  });

  it("when columnNames is aws, the created table's columns carry AWS's DDL names and the jobs are told so", () => {
    const columns = resources('aws-names').GlueTable!.Properties.TableInput.StorageDescriptor.Columns.map((c: Json) => `${c.Name} ${c.Type}`);
    expect(columns).toEqual([
      'version int',
      'account_id string',
      'interface_id string',
      'srcaddr string',
      'dstaddr string',
      'srcport int',
      'dstport int',
      'protocol int',
      'packets bigint',
      'bytes bigint',
      'start bigint',
      'end bigint',
      'action string',
      'log_status string',
    ]);
    expect(coreEnvironment('aws-names').FLOWLOG_COLUMN_NAMES).toBe('aws');
    expect(resources('aws-names').PartitionsLambdaFunction!.Properties.Environment.Variables.FLOWLOG_COLUMN_NAMES).toBe('aws');
  });

  it('when partition projection is asked with Hive-compatible folders, serverless package fails naming the two params and what to use instead, and writes no template', async () => {
    // Prepare
    const out = join(root, 'projection-hive');
    const args = ['package', '--stage', 'ci', '--region', 'ap-northeast-1', '--package', out, '--param=partitioning=projection', '--param=folders=hive'];

    // Act
    const failure = await runServerlessOffline(ROOT, args, {}, 170_000).then(
      () => undefined,
      (error: unknown) => error as { stdout?: string; stderr?: string },
    );

    // Assess
    expect(failure).toBeDefined();
    const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
    expect(output).toMatch(/param partitioning: projection needs folders=default: Hive-compatible folders split the day into year=\/month=\/day=/);
    expect(output).toMatch(/use partitioning=managed/);
    expect(existsSync(join(out, 'cloudformation-template-update-stack.json'))).toBe(false);
  }, 180_000);

  it('when fileFormat is parquet, the created table reads Parquet by AWS column names and the flow logs it creates deliver Parquet', () => {
    const table = resources('parquet').GlueTable!.Properties.TableInput;
    expect(table.Parameters).toEqual({ EXTERNAL: 'TRUE', classification: 'parquet' });
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(table.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
    expect(table.StorageDescriptor.Columns.slice(3, 12).map((c: Json) => `${c.Name} ${c.Type}`)).toEqual([
      'srcaddr string',
      'dstaddr string',
      'srcport int',
      'dstport int',
      'protocol bigint',
      'packets bigint',
      'bytes bigint',
      'start bigint',
      'end bigint',
    ]);
    const flowLog = resources('parquet').FlowLogvpc0123456789abcdef0!.Properties;
    expect(flowLog.DestinationOptions).toEqual({ FileFormat: 'parquet', HiveCompatiblePartitions: true, PerHourPartition: true });
    expect(coreEnvironment('parquet').FLOWLOG_COLUMN_NAMES).toBe('aws');
    expect(coreEnvironment('aws-names').FLOWLOG_COLUMN_NAMES).toBe('aws');
  });
});
