/**
 * Local faults, driven through the CLI in-process (`main`) on real DuckDB over real gz files:
 * broken and odd files are counted around and named; missing or unusable folders are named;
 * two runs on one state never corrupt it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { parseFormatString } from '../../src/lib/flowlog/format.js';
import { dayFolder, flow, garbleFile, manyFlows, nodata, tempDirs, truncateFile, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

let dirs: TempDirs;
const FLAGS = ['--data', 'data', '--state', 'state'];

function bufferedIo(cwd: string): CliIo & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, stdout: () => out, stderr: () => err };
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferedIo(dirs.root);
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

async function count(day: string): Promise<{ code: number; n: number | undefined; err: string }> {
  await cli('partitions', 'add', '--date', day, ...FLAGS);
  const { code, out, err } = await cli('query', `SELECT count(*) AS n FROM vpc_flow_logs WHERE dt = '${day.replaceAll('-', '/')}'`, '--format', 'json', ...FLAGS);
  const rows = code === 0 ? (JSON.parse(out) as { n: number }[]) : [];
  return { code, n: rows[0]?.n, err };
}

beforeEach(async () => {
  dirs = await tempDirs();
});
afterEach(async () => {
  await dirs.remove();
});

describe('local faults through the CLI', () => {
  it('when a day holds a truncated gz and a file that is not gzip, the good file is counted and stderr names both broken files', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(30), name: 'good' });
    const cut = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(5_000), name: 'cut' });
    const garbled = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(10), name: 'garbled' });
    await truncateFile(cut);
    await garbleFile(garbled);
    // Act
    const { code, n, err } = await count('2026-11-01');
    // Assess
    expect(code).toBe(0);
    expect(n).toBe(30);
    expect(err).toContain('_cut.log.gz');
    expect(err).toContain('_garbled.log.gz');
  });

  it('when a day folder is empty, or holds only NODATA records, the count is 0 or the NODATA rows and nothing fails', async () => {
    // Prepare
    await mkdir(dayFolder(dirs.dataDir, '2026-11-02'), { recursive: true });
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-03', records: [nodata(), nodata({ start: 1_793_577_600, end: 1_793_578_200 })] });
    // Act
    const empty = await count('2026-11-02');
    const quiet = await count('2026-11-03');
    // Assess
    expect(empty).toMatchObject({ code: 0, n: 0 });
    expect(quiet).toMatchObject({ code: 0, n: 2 });
  });

  it('when one day holds files of two formats, both are counted, each read by its own header', async () => {
    // Prepare
    const custom = parseFormatString(
      '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${flow-direction}',
    );
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(4), name: 'v2' });
    await writeFlowLogFile({
      dataDir: dirs.dataDir,
      day: '2026-11-01',
      records: [flow({ version: 5, 'vpc-id': 'vpc-1', 'flow-direction': 'ingress' })],
      fields: custom,
      name: 'v5',
    });
    // Act
    const { code, n } = await count('2026-11-01');
    // Assess
    expect(code).toBe(0);
    expect(n).toBe(5);
  });

  it('when the data folder does not exist, it exits 1 naming the folder and writes no state', async () => {
    // Act
    const { code, err } = await cli('partitions', 'add', '--date', '2026-11-01', '--data', 'no-such-folder', '--state', 'state');
    // Assess
    expect(code).toBe(1);
    expect(err).toContain('no-such-folder');
    await expect(import('node:fs/promises').then((fs) => fs.stat(join(dirs.root, 'state')))).rejects.toThrow(/ENOENT/);
  });

  it('when the state folder cannot be made (a file is in the way), it exits 1 naming it', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(3) });
    await writeFile(join(dirs.root, 'blocked'), 'not a folder');
    // Act
    const { code, err } = await cli('partitions', 'add', '--date', '2026-11-01', '--data', 'data', '--state', 'blocked');
    // Assess
    expect(code).toBe(1);
    expect(err).toMatch(/StateError|state/i);
    expect(err).toContain('blocked');
  });

  it('when two runs use the same state at once, one completes, the other says the state is in use, and the state stays whole', async () => {
    // Prepare
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-03']) await writeFlowLogFile({ dataDir: dirs.dataDir, day, records: manyFlows(3) });
    // Act
    const runs = await Promise.all([
      cli('partitions', 'add', '--from', '2026-11-01', '--to', '2026-11-03', ...FLAGS),
      cli('partitions', 'add', '--from', '2026-11-01', '--to', '2026-11-03', ...FLAGS),
    ]);
    const listing = await cli('partitions', 'list', ...FLAGS);
    // Assess
    const codes = runs.map((r) => r.code).sort();
    expect(codes[0]).toBe(0);
    for (const r of runs.filter((x) => x.code !== 0)) expect(r.err).toMatch(/in use/);
    expect(listing.code).toBe(0);
    const lines = listing.out.split('\n');
    for (const dt of ['2026/11/01', '2026/11/02', '2026/11/03']) expect(lines.filter((line) => line.includes(`dt=${dt}`) || line.startsWith(dt))).toHaveLength(1);
  });
});
