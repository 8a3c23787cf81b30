import { describe, expect, it } from 'vitest';
import type { FileFacts } from '../../src/lib/local/data-files.js';
import { bytesRead, tableViewSql, viewBranches } from '../../src/lib/duckdb/table-view.js';
import { DEFAULT_FORMAT, headerLine, parseFormatString } from '../../src/lib/flowlog/format.js';

const V2 = headerLine(DEFAULT_FORMAT);
const file = (path: string, sizeBytes: number, header = V2, status: FileFacts['status'] = 'ok'): FileFacts => ({
  path,
  sizeBytes,
  mtimeMs: 1,
  header,
  status,
  reason: status === 'ok' ? undefined : 'the gzip data is truncated',
  probed: false,
});
const placeholder = (partition: string): FileFacts => file(`/state/${partition}.log`, 0);

describe('the view over registered partitions', () => {
  it('when a day holds files of two headers and a broken file, it makes one branch per header and leaves the broken file out', () => {
    // Act
    const branches = viewBranches(
      [{ id: 'dt=2026/11/01', values: { dt: '2026/11/01' }, files: [file('/a', 10), file('/b', 20, 'srcaddr version'), file('/c', 30), file('/d', 5, V2, 'corrupt')] }],
      placeholder,
    );

    // Assess
    expect(branches.map((b) => [b.header, b.files.map((f) => f.path)])).toEqual([
      [V2, ['/a', '/c']],
      ['srcaddr version', ['/b']],
    ]);
  });

  it('when every file of a day is broken, the day keeps an empty stand-in branch so its warnings can be reported', () => {
    // Act
    const branches = viewBranches([{ id: 'dt=2026/11/02', values: { dt: '2026/11/02' }, files: [file('/x', 9, V2, 'corrupt')] }], placeholder);

    // Assess
    expect(branches).toEqual([{ partition: 'dt=2026/11/02', values: { dt: '2026/11/02' }, header: V2, files: [placeholder('dt=2026/11/02')], parquet: false }]);
  });

  it('when a file has fewer fields than the table, the view selects NULL for the missing columns and quotes hostile paths', () => {
    // Prepare
    const branches = viewBranches([{ id: 'dt=x', values: { dt: "x'; --" }, files: [file("/it's.gz", 1, 'version srcaddr')] }], placeholder);

    // Act
    const sql = tableViewSql('flowlogs', 'vpc_flow_logs', parseFormatString('${version} ${srcaddr} ${bytes}'), ['dt'], branches);

    // Assess
    expect(sql).toContain("SELECT version, sourceaddress, CAST(NULL AS bigint) AS numbytes, 'x''; --' AS dt, filename AS \"$path\" FROM read_csv(['/it''s.gz']");
    expect(sql).toContain("columns = { 'version': 'integer', 'sourceaddress': 'varchar' }");
    expect(sql.startsWith('CREATE OR REPLACE VIEW flowlogs.vpc_flow_logs_with_path AS')).toBe(true);
    expect(sql).toContain('CREATE OR REPLACE VIEW flowlogs.vpc_flow_logs AS SELECT * EXCLUDE ("$path") FROM flowlogs.vpc_flow_logs_with_path');
  });

  it('when the profile shows which scans ran, it adds up the compressed size of the files they read', () => {
    // Prepare
    const branches = viewBranches(
      [
        { id: 'dt=1', values: { dt: '1' }, files: [file('/one-a', 100), file('/one-b', 50)] },
        { id: 'dt=2', values: { dt: '2' }, files: [file('/two', 7000)] },
      ],
      placeholder,
    );
    const profile = { children: [{ extra_info: { 'Filename(s)': '/one-a, /one-b', 'Total Files Read': '2' } }] };

    // Act
    const bytes = bytesRead(profile, branches);

    // Assess
    expect(bytes).toBe(150);
  });
});

describe('text and Parquet files in one day', () => {
  it('when a day holds text and Parquet files with the same fields, they form two branches, each read by its own reader', () => {
    const text = { path: '/d/a.log.gz', sizeBytes: 9, mtimeMs: 1, header: V2, status: 'ok' as const, reason: undefined, probed: false };
    const parquet = { ...text, path: '/d/b.log.parquet' };

    const branches = viewBranches([{ id: 'dt=2026/11/02', values: { dt: '2026/11/02' }, files: [text, parquet] }], () => text);
    const sql = tableViewSql('flowlogs', 'vpc_flow_logs', DEFAULT_FORMAT, ['dt'], branches);

    expect(branches.map((b) => [b.parquet, b.files.map((f) => f.path)])).toEqual([
      [false, ['/d/a.log.gz']],
      [true, ['/d/b.log.parquet']],
    ]);
    expect(sql).toContain("read_parquet(['/d/b.log.parquet'], filename = true)");
    expect(sql).toMatch(/CAST\("?srcaddr"? AS varchar\) AS "?sourceaddress"?/);
    expect(sql).toContain("read_csv(['/d/a.log.gz']");
  });
});
