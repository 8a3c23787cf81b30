import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../support/cli-process.js';
import { flow, manyFlows, tempDirs, truncateFile, writeFlowLogFile, type FlowRecord, type TempDirs } from '../support/flow-log-files.js';

/** A past UTC day: complete whatever the clock says, so the report serves it from the rollup. */
const DAY = '2026-11-10';
const DAY_START = Date.parse(`${DAY}T00:00:00Z`) / 1000;

interface ReportJson {
  readonly totals: { readonly records: number };
  readonly warnings: readonly string[];
  readonly queries: readonly { readonly name: string; readonly status: string }[];
  readonly window: { readonly rollupDays?: readonly string[] };
}

/** `count` distinct records spread over the day's hours. */
function records(count: number, offset = 0): FlowRecord[] {
  return manyFlows(count).map((r, i) => ({ ...r, start: DAY_START + ((i + offset) % 86_000), end: DAY_START + ((i + offset) % 86_000) + 60 }));
}

const builds = (report: ReportJson) => report.queries.filter((q) => q.name.startsWith('rollup-build')).map((q) => q.name);

describe('the stored rollup keeps its warnings and notices changed files (a real CLI process on real gz files)', { timeout: 240_000 }, () => {
  let cli: BuiltCli;
  let dirs: TempDirs;
  const local = () => ['--data', dirs.dataDir, '--state', dirs.stateDir];
  const report = async (): Promise<ReportJson> => {
    const run = await cli.run(['report', ...local(), '--date', DAY, '--tz', 'UTC', '--format', 'json', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as ReportJson;
  };
  const queryCount = async (): Promise<number> => {
    const run = await cli.run(['query', ...local(), '--format', 'json', `SELECT count(*) AS n FROM vpc_flow_logs WHERE dt = '${DAY.replaceAll('-', '/')}'`]);
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { n: number }[])[0]?.n ?? -1;
  };

  beforeAll(async () => {
    cli = await buildCli();
  }, 120_000);
  afterAll(async () => {
    await cli.remove();
  });

  describe('when a past day holds a truncated gz and a malformed line', () => {
    let cut: string;
    let bad: string;
    beforeAll(async () => {
      dirs = await tempDirs();
      await writeFlowLogFile({ dataDir: dirs.dataDir, day: DAY, name: 'good0001', records: records(40) });
      // Line 1 is the header: the port "ssh" is on line 4.
      bad = await writeFlowLogFile({
        dataDir: dirs.dataDir,
        day: DAY,
        name: 'badline1',
        records: [...records(2, 100), flow({ dstport: 'ssh', start: DAY_START + 50 }), ...records(17, 200)],
      });
      cut = await writeFlowLogFile({ dataDir: dirs.dataDir, day: DAY, name: 'cutshort', records: records(5000, 300) });
      await truncateFile(cut);
    });
    afterAll(async () => {
      await dirs.remove();
    });

    it('it warns naming the file and the line in the first report (the build) and in the second (the stored rollup)', async () => {
      // Act
      const first = await report();
      const second = await report();

      // Assess
      const expected = [
        `rollup of ${DAY}: skipped unreadable file ${cut}: the gzip data is truncated`,
        expect.stringMatching(
          new RegExp(`^rollup of ${DAY}: skipped 1 bad line of ${bad.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line 4 \\(\\w+ is not a number \\("ssh"\\)\\)$`),
        ),
      ];
      // The local engine builds the nine days of the window and baseline one at a time.
      expect(builds(first)).toHaveLength(9);
      expect(first.warnings).toEqual(expect.arrayContaining(expected));
      expect(first.totals.records).toBe(59);
      expect(first.window.rollupDays).toContain(DAY);
      // Nothing built again: the warnings come from what the build stored with the day.
      expect(builds(second)).toEqual([]);
      expect(second.warnings).toEqual(expect.arrayContaining(expected));
      expect(second.totals.records).toBe(59);
    });

    it('it names the skipped file in the text and HTML report files too', async () => {
      // Act
      const out = join(dirs.root, 'report-files');
      const run = await cli.run(['report', ...local(), '--date', DAY, '--tz', 'UTC', '--out', out, '--quiet']);

      // Assess
      const line = `rollup of ${DAY}: skipped unreadable file ${cut}: the gzip data is truncated`;
      expect(run.code).toBe(0);
      expect(await readFile(join(out, 'report.txt'), 'utf8')).toContain(`- ${line}`);
      expect(await readFile(join(out, 'report.html'), 'utf8')).toContain(`<li>${line}</li>`);
    });
  });

  describe('when files of a reported day are added, changed and removed', () => {
    beforeAll(async () => {
      dirs = await tempDirs();
    });
    afterAll(async () => {
      await dirs.remove();
    });

    it('each next report builds that day again first and says which files; an unchanged day is not built again', async () => {
      // Prepare
      const a = await writeFlowLogFile({ dataDir: dirs.dataDir, day: DAY, name: 'file000a', records: records(100) });
      const first = await report();

      // Act: a file added
      const b = await writeFlowLogFile({ dataDir: dirs.dataDir, day: DAY, name: 'file000b', records: records(500, 1000) });
      const counted = await queryCount();
      const afterAdd = await report();
      // Act: a file changed (rewritten with fewer records)
      await writeFlowLogFile({ dataDir: dirs.dataDir, day: DAY, name: 'file000a', records: records(50) });
      const afterChange = await report();
      // Act: a file removed
      await rm(b);
      const afterRemove = await report();
      const unchanged = await report();

      // Assess
      expect(first.totals.records).toBe(100);
      expect(counted).toBe(600);
      expect(afterAdd.totals.records).toBe(600);
      expect(afterAdd.warnings).toContain(`the rollup of ${DAY} was built again before this report: files changed since it was built: 1 added (${b})`);
      expect(builds(afterAdd)).toEqual([`rollup-build ${DAY}`]);
      expect(afterChange.totals.records).toBe(550);
      expect(afterChange.warnings).toContain(`the rollup of ${DAY} was built again before this report: files changed since it was built: 1 changed (${a})`);
      expect(afterRemove.totals.records).toBe(50);
      expect(afterRemove.warnings).toContain(`the rollup of ${DAY} was built again before this report: files changed since it was built: 1 removed (${b})`);
      expect(builds(unchanged)).toEqual([]);
      expect(unchanged.totals.records).toBe(50);
      expect(unchanged.warnings.filter((w) => w.includes(DAY))).toEqual([]);
    });

    it('when every raw file of a built day is gone, the stored rollup is kept and read, and the report says so', async () => {
      // Prepare
      await report();

      // Act
      await rm(dirs.dataDir + '/AWSLogs', { recursive: true });
      // Another day outside the report's window, so the source folder is still found.
      await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', name: 'otherday', records: [flow({ start: DAY_START - 9 * 86_400, end: DAY_START - 9 * 86_400 + 60 })] });
      const kept = await report();

      // Assess
      expect(builds(kept)).toEqual([]);
      expect(kept.totals.records).toBe(50);
      expect(kept.warnings).toContain(`the raw files of ${DAY} are gone (1 when its rollup was built); its stored rollup is kept and read`);
    });
  });
});
