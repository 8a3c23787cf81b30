import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../support/cli-process.js';
import { tempDirs, type TempDirs } from '../support/flow-log-files.js';
import { startLoopbackServer } from '../support/loopback-server.js';

const DAY = '2026-11-20';

describe('the flowlog-pilot command line as a process: exit codes, mistakes, report files', { timeout: 180_000 }, () => {
  let cli: BuiltCli;
  let dirs: TempDirs;
  let sampleStderr = '';
  const local = () => ['--data', dirs.dataDir, '--state', dirs.stateDir];

  beforeAll(async () => {
    cli = await buildCli();
    dirs = await tempDirs();
    const sample = await cli.run(['sample', '--out', dirs.dataDir, '--date', DAY, '--days', '2', '--records', '2000']);
    expect(sample.code).toBe(0);
    sampleStderr = sample.stderr;
    const added = await cli.run(['partitions', 'add', '--from', '2026-11-19', '--to', DAY, ...local()]);
    expect(added.code).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await dirs.remove();
    await cli.remove();
  });

  it('when asked for --version, it prints the package version and exits 0', async () => {
    // Prepare
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

    // Act
    const run = await cli.run(['--version']);

    // Assess
    expect(run).toEqual({ code: 0, stdout: `flowlog-pilot ${pkg.version}\n`, stderr: '' });
  });

  it('when a command or a flag is mistyped, it exits 2 with one line saying what was probably meant', async () => {
    // Act
    const command = await cli.run(['repot', '--date', DAY]);
    const flag = await cli.run(['report', '--dat', DAY]);
    const typo = await cli.run(['report', '--tx', 'UTC']);
    const action = await cli.run(['partitions', 'lst']);

    // Assess
    expect(command).toEqual({ code: 2, stdout: '', stderr: 'flowlog-pilot: unknown command "repot"; did you mean report?; see flowlog-pilot --help\n' });
    expect(flag).toEqual({ code: 2, stdout: '', stderr: "flowlog-pilot report: arguments: unknown option '--dat'; did you mean --data or --date?\n" });
    expect(typo.stderr).toBe("flowlog-pilot report: arguments: unknown option '--tx'; did you mean --tz?\n");
    expect(action.code).toBe(2);
    expect(action.stderr).toBe('flowlog-pilot partitions: action: expected add or list, got "lst"; did you mean list?\n');
  });

  it('when --out cannot be written (a file is in the way), it exits 1 naming it before any query runs', async () => {
    // Prepare
    const blocked = join(dirs.root, 'blocked');
    await writeFile(blocked, 'a file, not a folder');

    // Act
    const run = await cli.run(['report', ...local(), '--date', DAY, '--out', join(blocked, 'report')]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`flowlog-pilot report: --out: cannot write report files to ${join(blocked, 'report')}: a file is in the way\n`);
  });

  it('when a report file cannot be written because the disk is full, it says so naming the file', async () => {
    // Prepare: /dev/full answers every write with ENOSPC, as a full disk does
    const out = join(dirs.root, 'full');
    await mkdir(out);
    await symlink('/dev/full', join(out, 'report.txt'));

    // Act
    const run = await cli.run(['report', ...local(), '--date', DAY, '--out', out, '--quiet']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`flowlog-pilot report: the disk is full: could not write ${join(out, 'report.txt')}; free some space or choose another folder\n`);
  });

  it('when the day is past 9999-12-30, the report is refused naming --date', async () => {
    // Act
    const last = await cli.run(['report', ...local(), '--date', '9999-12-31']);

    // Assess
    expect(last.code).toBe(1);
    expect(last.stderr).toBe('flowlog-pilot report: --date: 9999-12-31 is past the last day a report can cover (9999-12-30: its window must end by the year 9999)\n');
  });

  it('when the Slack post fails, the report is still printed and written, and the exit code is 3; --fail-on low then exits 4 on findings', async () => {
    // Prepare
    const slack = await startLoopbackServer([{ status: 404, body: 'no_service' }]);
    const out = join(dirs.root, 'report');

    // Act
    let posted;
    try {
      posted = await cli.run(['report', ...local(), '--date', DAY, '--tz', 'asia/tokyo', '--out', out, '--slack-webhook', `${slack.baseUrl}/services/T/B/X`, '--fail-on', 'low']);
    } finally {
      await slack.close();
    }
    const failOn = await cli.run(['report', ...local(), '--date', DAY, '--fail-on', 'high', '--format', 'json']);
    const quietDay = join(dirs.root, 'report-quiet-day');
    const plain = await cli.run(['report', ...local(), '--date', '2026-11-19', '--out', quietDay, '--fail-on', 'high', '--quiet']);

    // Assess
    expect(posted.code).toBe(3);
    expect(posted.stdout).toContain('Asia/Tokyo');
    expect(posted.stderr).toMatch(/^flowlog-pilot report: slack: /m);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      schemaVersion: number;
      window: { timezone: string };
      findings: { rows: Record<string, unknown>[] }[];
    };
    expect(Object.keys(json)[0]).toBe('schemaVersion');
    expect(json.schemaVersion).toBe(1);
    expect(json.window.timezone).toBe('Asia/Tokyo');
    const timed = json.findings.flatMap((f) => f.rows).filter((r) => 'first_start' in r);
    expect(timed.length).toBeGreaterThan(0);
    for (const row of timed) expect(row.first_start_iso).toBe(new Date(Number(row.first_start) * 1000).toISOString());
    const csvs = readdirSync(out).filter((name) => name.endsWith('.csv'));
    for (const name of csvs) expect(readFileSync(join(out, name), 'utf8'), name).toMatch(/^"[a-z_]+"(,"[a-z_]+")*\n/);
    const quietCsvs = readdirSync(quietDay).filter((name) => name.endsWith('.csv'));
    const headerOnly = quietCsvs.filter(
      (name) =>
        readFileSync(join(quietDay, name), 'utf8')
          .split('\n')
          .filter((l) => l !== '').length === 1,
    );
    expect(headerOnly).toContain('port-scan.csv');
    expect(readFileSync(join(quietDay, 'port-scan.csv'), 'utf8')).toMatch(/^"[a-z_]+"(,"[a-z_]+")*,"first_start","first_start_iso"(,"[a-z_]+")*\n$/);
    expect(readFileSync(join(out, 'port-scan.csv'), 'utf8').split('\n')[0]).toContain('"first_start","first_start_iso"');
    expect(failOn.code).toBe(4);
    expect(plain.code).toBe(0);
    // Progress: not a terminal, so one line per step; --quiet prints none.
    expect(failOn.stderr).toMatch(/^report queries: (\d+)\/\1 queries in \d+(\.\d)? s\n$/m);
    expect(plain.stderr).toBe('');
    expect(sampleStderr).toMatch(/^writing sample files: 48\/48 files in \d+(\.\d)? s\n$/);
  });

  it('when partitions add --dry-run covers seven years, it prints a summary per source, and --list prints every day', async () => {
    // Act
    const summary = await cli.run(['partitions', 'add', '--from', '2019-01-01', '--to', '2025-12-31', '--dry-run', ...local()]);
    const listed = await cli.run(['partitions', 'add', '--from', '2019-01-01', '--to', '2025-12-31', '--dry-run', '--list', ...local()]);

    // Assess
    expect(summary.code).toBe(0);
    expect(summary.stdout.trimEnd().split('\n')).toEqual([
      '123456789012 ap-northeast-1     would add: 2557 partitions, 2019/01/01 .. 2025/12/31',
      '(2557 partitions: summed up per source; --list prints one line each)',
      'Would add 2557 partitions, 0 already registered (2019-01-01..2025-12-31, 1 source, table flowlogs.vpc_flow_logs).',
    ]);
    expect(listed.stdout.trimEnd().split('\n')).toHaveLength(2558);
    expect(existsSync(dirs.stateDir)).toBe(true);
  });
});
