import { describe, expect, it } from 'vitest';
import { addDays, daysOf, parseRange, type UtcDay } from '../../src/lib/dates.js';
import { addPartitionStatements, ATHENA_MAX_QUERY_BYTES } from '../../src/lib/partitions/ddl.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor, planPartitions } from '../../src/lib/partitions/plan.js';

const source = (account: string, region: string) => ({ account, region, root: sourceRoot('s3://logs-bucket', '', account, region) });

describe('add-partition statements', () => {
  it('when one source is backfilled for 365 days, it uses at most 2 statements with each day once, at its own folder', () => {
    const layout = layoutFor([source('123456789012', 'ap-northeast-1')]);
    const days = daysOf(parseRange('2025-01-01', '2025-12-31'));
    const statements = addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, partitionsFor(layout, days));

    expect(statements.length).toBeLessThanOrEqual(2);
    const sql = statements.map((s) => s.sql).join('\n');
    for (const day of days) {
      const dt = day.replaceAll('-', '/');
      const clause = `PARTITION (dt = '${dt}') LOCATION 's3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/${dt}/'`;
      expect(sql.split(clause).length - 1).toBe(1);
    }
    for (const s of statements) expect(Buffer.byteLength(s.sql)).toBeLessThanOrEqual(262_144);
    expect(statements[0]?.sql).toMatch(/^ALTER TABLE flowlogs\.vpc_flow_logs ADD IF NOT EXISTS\nPARTITION/);
  });

  it('when the batch is larger than the byte limit, it splits into statements under the limit without losing a partition', () => {
    const layout = layoutFor([source('123456789012', 'ap-northeast-1'), source('210987654321', 'us-east-1')]);
    const days = daysOf({ from: '2024-01-01' as UtcDay, to: addDays('2024-01-01' as UtcDay, 99) });
    const partitions = partitionsFor(layout, days);
    const statements = addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, partitions, 4_000);

    expect(statements.length).toBeGreaterThan(1);
    expect(statements.flatMap((s) => s.partitions)).toEqual(partitions);
    for (const s of statements) expect(Buffer.byteLength(s.sql)).toBeLessThanOrEqual(4_000);
    expect(statements[0]?.sql).toContain("PARTITION (aws_account = '123456789012', aws_region = 'ap-northeast-1', dt = '2024/01/01')");
  });

  // Athena: "the maximum allowed query string length is 262144 bytes" (Service Quotas, Athena).
  it('when the statement limit is left at its default, it is 262,144 bytes', () => {
    expect(ATHENA_MAX_QUERY_BYTES).toBe(262_144);
  });

  it('when 3,000 partitions take more than 262,144 bytes, each statement is filled up to that limit and no further', () => {
    const layout = layoutFor([source('123456789012', 'ap-northeast-1'), source('210987654321', 'us-east-1')]);
    const partitions = partitionsFor(layout, daysOf({ from: '2020-01-01' as UtcDay, to: addDays('2020-01-01' as UtcDay, 1_499) }));
    const statements = addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, partitions);

    expect(statements.length).toBeGreaterThan(1);
    expect(statements.flatMap((s) => s.partitions)).toEqual(partitions);
    for (const [i, s] of statements.entries()) {
      const bytes = Buffer.byteLength(s.sql);
      expect(bytes).toBeLessThanOrEqual(262_144);
      const next = statements[i + 1];
      if (next === undefined) continue;
      const nextClause = addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, next.partitions.slice(0, 1))[0]?.sql.split('\n').at(-1) ?? '';
      expect(bytes + 1 + Buffer.byteLength(nextClause)).toBeGreaterThan(262_144);
    }
  });

  it('when the statement would be exactly the byte limit it is one statement; one byte less splits it', () => {
    const layout = layoutFor([source('123456789012', 'ap-northeast-1')]);
    const partitions = partitionsFor(layout, daysOf(parseRange('2026-11-01', '2026-11-10')));
    const [whole] = addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, partitions);
    const exact = Buffer.byteLength(whole?.sql ?? '');
    expect(whole?.sql.split('\n')).toHaveLength(11);

    expect(addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, partitions, exact).map((s) => s.partitions.length)).toEqual([10]);
    expect(addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, partitions, exact - 1).map((s) => s.partitions.length)).toEqual([9, 1]);
  });

  it('when one partition alone makes a statement of exactly the byte limit, it is one statement; one byte less is refused', () => {
    const layout = layoutFor([source('123456789012', 'ap-northeast-1')]);
    const [one] = partitionsFor(layout, daysOf(parseRange('2026-11-01', '2026-11-01')));
    const [alone] = addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, one === undefined ? [] : [one]);
    const exact = Buffer.byteLength(alone?.sql ?? '');

    expect(addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, [one!], exact).map((s) => s.sql)).toEqual([alone?.sql]);
    expect(() => addPartitionStatements('flowlogs', 'vpc_flow_logs', layout.keys, [one!], exact - 1)).toThrow(
      `one partition clause is longer than the ${exact - 1}-byte query limit`,
    );
  });

  it('when a partition lacks the value of a key, or a key is not a column name, it is refused naming the key and the partition', () => {
    const noRegion = () => addPartitionStatements('flowlogs', 'vpc_flow_logs', ['dt', 'region'], [{ values: { dt: '2026/11/01' }, location: 's3://b/2026/11/01/' }]);
    const badKey = () => addPartitionStatements('flowlogs', 'vpc_flow_logs', ['dt;drop'], [{ values: { 'dt;drop': '2026/11/01' }, location: 's3://b/2026/11/01/' }]);

    expect(noRegion).toThrow('region: the partition at s3://b/2026/11/01/ has no value for this partition key');
    expect(badKey).toThrow(/^partition key: /);
  });

  it('when there are no partitions to add, it makes no statement', () => {
    expect(addPartitionStatements('flowlogs', 'vpc_flow_logs', ['dt'], [])).toEqual([]);
  });

  it('when one partition clause alone is longer than the limit, it is refused naming the location and the limit', () => {
    const act = () => addPartitionStatements('flowlogs', 'vpc_flow_logs', ['dt'], [{ values: { dt: '2026/11/01' }, location: `s3://b/${'x'.repeat(500)}/` }], 400);

    expect(act).toThrow(/^location: one partition clause is longer than the 400-byte query limit$/);
  });

  it('when some partitions exist, it plans only the missing ones', () => {
    const layout = layoutFor([source('123456789012', 'ap-northeast-1')]);
    const range = parseRange('2026-11-01', '2026-11-05');
    const existing = partitionsFor(layout, ['2026-11-02' as UtcDay, '2026-11-04' as UtcDay]);
    const plan = planPartitions(layout, range, existing);

    expect(plan.missing.map((p) => p.values.dt)).toEqual(['2026/11/01', '2026/11/03', '2026/11/05']);
    expect(plan.present.map((p) => p.values.dt)).toEqual(['2026/11/02', '2026/11/04']);
  });
});
