import { describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import type { TableDescription } from '../../src/lib/ports.js';
import { adoptedLayout, configuredLayout } from '../../src/lib/partitions/table-layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { UtcDay } from '../../src/lib/dates.js';

const table = (partitionKeys: string[], location: string | undefined): TableDescription => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys, columns: [], location });
const adopt = (env: Record<string, string> = {}) => loadCoreConfig({ FLOWLOG_TABLE_MODE: 'adopt', ...env });

describe('table layouts', () => {
  it('when the stack creates the table, each source gets its folder under the bucket and prefix', () => {
    const config = loadCoreConfig({ FLOWLOG_BUCKET: 'org-logs', FLOWLOG_PREFIX: 'vpc/', FLOWLOG_SOURCES: '123456789012:ap-northeast-1,210987654321:us-east-1' });

    const layout = configuredLayout(config);

    expect(layout.keys).toEqual(['aws_account', 'aws_region', 'dt']);
    expect(layout.sources.map((s) => s.root)).toEqual([
      's3://org-logs/vpc/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/',
      's3://org-logs/vpc/AWSLogs/210987654321/vpcflowlogs/us-east-1/',
    ]);
  });

  it('when the adopted table is projected (projection.enabled in Glue), its layout says so; when not, it does not', () => {
    const projected = adoptedLayout({ ...table(['dt'], 's3://old/AWSLogs/123456789012/vpcflowlogs/eu-west-1/'), projected: true }, adopt());
    const managed = adoptedLayout(table(['dt'], 's3://old/AWSLogs/123456789012/vpcflowlogs/eu-west-1/'), adopt());

    expect(projected.projected).toBe(true);
    expect(managed.projected).toBeUndefined();
  });

  it('when the stack created the table with partitioning=projection, the configured layout is projected', () => {
    const env = { FLOWLOG_BUCKET: 'org-logs', FLOWLOG_SOURCES: '123456789012:ap-northeast-1' };

    expect(configuredLayout(loadCoreConfig({ ...env, FLOWLOG_PARTITIONING: 'projection' })).projected).toBe(true);
    expect(configuredLayout(loadCoreConfig(env)).projected).toBeUndefined();
    expect(() => loadCoreConfig({ ...env, FLOWLOG_PARTITIONING: 'projected' })).toThrow(/FLOWLOG_PARTITIONING/);
  });

  it('when an adopted dt table has a LOCATION without a trailing slash, its day folders go under that LOCATION', () => {
    const layout = adoptedLayout(table(['dt'], 's3://old/AWSLogs/123456789012/vpcflowlogs/eu-west-1'), adopt());

    expect(layout).toEqual({
      keys: ['dt'],
      sources: [{ account: '123456789012', region: 'eu-west-1', root: 's3://old/AWSLogs/123456789012/vpcflowlogs/eu-west-1/', folders: 'default' }],
    });
  });

  it('when an adopted account/region/dt table has a LOCATION ending in AWSLogs/, the sources are found under it', () => {
    const layout = adoptedLayout(table(['aws_account', 'aws_region', 'dt'], 's3://org/AWSLogs/'), adopt({ FLOWLOG_SOURCES: '123456789012:ap-northeast-1' }));

    expect(layout.sources[0]?.root).toBe('s3://org/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/');
  });

  it('when the flow logs use Hive-compatible prefixes, partitions point at year=/month=/day= folders', () => {
    // Created by the stack
    const created = configuredLayout(loadCoreConfig({ FLOWLOG_BUCKET: 'logs', FLOWLOG_SOURCES: '123456789012:ap-northeast-1', FLOWLOG_FOLDERS: 'hive' }));
    expect(partitionsFor(created, ['2026-11-05' as UtcDay])[0]?.location).toBe(
      's3://logs/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-1/year=2026/month=11/day=05/',
    );
    // Adopted: the LOCATION's Hive-style folder names say so, with no setting needed
    const adopted = adoptedLayout(table(['dt'], 's3://logs/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1'), adopt());
    expect(adopted.sources[0]).toMatchObject({ account: '123456789012', region: 'us-east-1', folders: 'hive' });
    expect(partitionsFor(adopted, ['2026-01-31' as UtcDay])[0]?.location).toMatch(/aws-region=us-east-1\/year=2026\/month=01\/day=31\/$/);
    // An unknown style is refused when the configuration loads
    expect(() => loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_FOLDERS: 'flat' })).toThrow(/FLOWLOG_FOLDERS must be one of default, hive, got "flat"/);
  });

  it('when an adopted account/region/dt table has no sources listed, it names FLOWLOG_SOURCES', () => {
    expect(() => adoptedLayout(table(['aws_account', 'aws_region', 'dt'], 's3://org/AWSLogs/'), adopt())).toThrow(/^FLOWLOG_SOURCES: /);
  });

  it('when an adopted dt table has no LOCATION, or other partition keys, it says which', () => {
    expect(() => adoptedLayout(table(['dt'], undefined), adopt())).toThrow('location: flowlogs.vpc_flow_logs has no LOCATION');
    expect(() => adoptedLayout(table(['year', 'month', 'day'], 's3://x/'), adopt())).toThrow('partitioned by (year, month, day)');
    expect(() => adoptedLayout(table([], 's3://x/'), adopt())).toThrow('partitioned by (nothing)');
  });
});
