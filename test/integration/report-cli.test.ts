import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportCommand, type ReportOpener } from '../../src/cli/commands/report.js';
import type { CliIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { daysOf } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { PartitionCatalog } from '../../src/lib/ports.js';
import type { Report } from '../../src/lib/report/model.js';
import { ACCOUNT, FlowBucket, flowLine, REGION, type TestEngine } from '../support/flow-log-files.js';

const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('/data', '', ACCOUNT, REGION) }]);
const catalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
  listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
};
const day = Date.parse('2026-11-20T00:00:00Z') / 1000;
const lines = [
  ...Array.from({ length: 20 }, (_, i) => flowLine({ src: '198.51.100.4', dst: '10.0.1.10', dstPort: 443, start: day + i * 600 })),
  flowLine({ src: '198.51.100.7', dst: '10.0.1.10', dstPort: 22, start: day + 5000 }),
];
let open: TestEngine | undefined;
const temp: string[] = [];
afterEach(() => {
  open?.close();
  open = undefined;
  for (const dir of temp.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function buffers(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: process.cwd(), stdout: () => out, stderr: () => err };
}

/** A report opener over real DuckDB on test files, recording the data folder of each context it opens. */
async function adapters(): Promise<ReportOpener & { dataDirs: string[] }> {
  open = await new FlowBucket().write(lines).open();
  const engine = open.engine;
  const dataDirs: string[] = [];
  const opener: ReportOpener = (job) => async () => (dataDirs.push(job.core.local.dataDir), { config: job.core, engine, catalog, layout, notifiers: [], close: async () => {} });
  return Object.assign(opener, { dataDirs });
}

describe('flowlog-pilot report', () => {
  it('when run with --format json and --out, it prints the JSON report and writes the text, the JSON and one CSV per query', async () => {
    const io = buffers();
    const out = mkdtempSync(join(tmpdir(), 'flowlog-out-'));
    temp.push(out);
    const local = await adapters();

    const code = await reportCommand(local).run(['--data', '/srv/flowlogs', '--date', '2026-11-20', '--format', 'json', '--out', out], io);

    expect(code).toBe(0);
    const printed = JSON.parse(io.stdout()) as Report;
    expect(printed.totals.records).toBe(21);
    expect(printed.findings.map((f) => f.rule)).toEqual(['admin-port-exposure']);
    expect(local.dataDirs).toEqual(['/srv/flowlogs']);
    // One CSV per saved query; the baseline-days check before them is reported in report.json's baseline, not as a file.
    const saved = printed.queries.filter((q) => q.name !== 'baseline-days');
    expect(saved).toHaveLength(printed.queries.length - 1);
    expect(readdirSync(out).sort()).toEqual([...saved.map((q) => `${q.name}.csv`), 'report.html', 'report.json', 'report.txt'].sort());
    expect(readFileSync(join(out, 'admin-port-exposure.csv'), 'utf8')).toContain('"198.51.100.7","10.0.1.10","22"');
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(printed);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<tr data-rule="admin-port-exposure" data-severity="high" data-count="1">');
  });

  it('when --tz is Asia/Tokyo, the window is the Tokyo day', async () => {
    const io = buffers();

    await reportCommand(await adapters()).run(['--data', 'data', '--date', '2026-11-20', '--tz', 'Asia/Tokyo', '--format', 'json'], io);

    expect((JSON.parse(io.stdout()) as Report).window).toMatchObject({ timezone: 'Asia/Tokyo', partitions: ['2026/11/19', '2026/11/20'] });
  });

  it('when --min-baseline-days is 1, the spike rules need 1 complete day; 0 and 8 are refused naming the flag', async () => {
    const io = buffers();

    await reportCommand(await adapters()).run(['--data', 'data', '--date', '2026-11-20', '--min-baseline-days', '1', '--format', 'json'], io);
    const zero = buffers();
    const eight = buffers();
    await main(['report', '--data', 'd', '--date', '2026-11-20', '--min-baseline-days', '0'], zero);
    await main(['report', '--data', 'd', '--date', '2026-11-20', '--min-baseline-days', '8'], eight);

    const report = JSON.parse(io.stdout()) as Report;
    expect(report.baseline).toMatchObject({ requiredDays: 1, completeDays: 0 });
    expect(report.building?.map((b) => b.rule)).toEqual(['egress-spike', 'reject-spike']);
    expect(zero.stderr()).toMatch(/--min-baseline-days must be a whole number from 1 to 7/);
    expect(eight.stderr()).toMatch(/--min-baseline-days must be a whole number from 1 to 7/);
  });

  it('when --suppressions silences the office SSH source, the finding moves to "1 suppressed"; once expired, it is back and the entry listed expired', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlog-supp-'));
    temp.push(dir);
    const file = join(dir, 'suppressions.yml');
    const write = (expires: string) =>
      writeFileSync(file, `- rule: admin-port-exposure\n  source: 198.51.100.0/24\n  ports: [22]\n  reason: Office network\n  expires: ${expires}\n`);

    write('2026-11-20');
    const active = buffers();
    await reportCommand(await adapters()).run(['--data', 'data', '--date', '2026-11-20', '--suppressions', file, '--format', 'json'], active);
    open?.close();
    write('2026-11-19');
    const expired = buffers();
    await reportCommand(await adapters()).run(['--data', 'data', '--date', '2026-11-20', '--suppressions', file], expired);
    const without = buffers();
    open?.close();
    await reportCommand(await adapters()).run(['--data', 'data', '--date', '2026-11-20', '--format', 'json'], without);

    const report = JSON.parse(active.stdout()) as Report;
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toEqual([expect.objectContaining({ rule: 'admin-port-exposure', entry: 1, reason: 'Office network', count: 1 })]);
    expect(report.suppressed?.[0]?.rows[0]).toMatchObject({ sourceaddress: '198.51.100.7', destinationport: 22 });
    expect(expired.stdout()).toContain('[HIGH] Admin ports reached from the internet');
    expect(expired.stdout()).toContain('1 expired suppression');
    expect(expired.stdout()).toContain('Expired, no longer applied: entry 1 (Office network; expired 2026-11-19)');
    expect((JSON.parse(without.stdout()) as Report).suppressed).toBeUndefined();
  });

  it('when the suppressions file has bad entries, the command names each and opens no engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlog-supp-'));
    temp.push(dir);
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify([
        { rule: 'port-scan', source: '10.0.0.0/40', reason: 'x', expires: '2026-12-31' },
        { rule: 'nope', reason: 'y', expires: '2026-12-31' },
      ]),
    );
    const io = buffers();
    const local = await adapters();

    const code = await main(['report', '--data', 'data', '--date', '2026-11-20', '--suppressions', file], io);
    const run = reportCommand(local).run(['--data', 'data', '--date', '2026-11-20', '--suppressions', file], buffers());

    expect(code).toBe(1);
    expect(io.stderr()).toContain('entry 1: source: "10.0.0.0/40": the prefix length must be 0 to 32');
    expect(io.stderr()).toContain('entry 2: rule "nope" is not a detection');
    await expect(run).rejects.toThrow(/entry 2: rule "nope" is not a detection/);
    expect(local.dataDirs).toEqual([]);
  });

  it('when a flag is wrong, it names it and opens nothing', async () => {
    for (const [args, message] of [
      [['--data', 'd', '--date', '2026-11-20', '--tz', 'Japan/Osaka'], /--tz: "Japan\/Osaka" is not a known time zone/],
      [['--data', 'd', '--date', '20-11-2026'], /--date: expected a date as YYYY-MM-DD/],
      [['--data', 'no-such-folder', '--date', '2026-11-20'], /the data folder .*no-such-folder does not exist/],
      [['--data', 'd', '--date', '2026-11-20', '--table', 'Flow Logs'], /invalid configuration: --table must be an Athena name/],
      [['--data', 'd', '--date', '2026-11-20', '--format', 'xml'], /--format: must be text or json/],
      [['--data', 'd', '--date', '2026-11-20', '--color'], /unknown option '--color'/],
    ] as const) {
      const io = buffers();
      const code = await main(['report', ...args], io);
      expect(code).toBe((args as readonly string[]).includes('--color') ? 2 : 1);
      expect(io.stderr()).toMatch(message);
    }
  });
});
