import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import { openLocal, type LocalHandle } from '../../src/lib/wiring/local.js';
import { dayFolder, flowLogText, manyFlows, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

const config = (dirs: TempDirs) => loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: dirs.stateDir });
const addDay = (day: string, dirs: TempDirs) =>
  `ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '${day.replaceAll('-', '/')}') LOCATION '${dayFolder(dirs.dataDir, day)}/'`;

/** 40 good records with one bad line put in as line `at` (the header is line 1), gzip-compressed as AWS delivers them. */
function fileWithBadLine(bad: Buffer, at: number): Buffer {
  const lines: Buffer[] = flowLogText(manyFlows(40))
    .trimEnd()
    .split('\n')
    .map((l) => Buffer.from(l));
  lines.splice(at - 1, 0, bad);
  return gzipSync(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
}

const GOOD = flowLogText(manyFlows(1)).split('\n')[1] as string;

describe('local engine: a malformed line is skipped alone, counted and named', () => {
  let dirs: TempDirs;
  let handle: LocalHandle | undefined;

  beforeEach(async () => {
    dirs = await tempDirs();
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    await dirs.remove();
  });

  it('when a file holds a line with a field too many, a non-numeric port, or bytes that are not UTF-8, its 40 good lines are counted and each bad line is named with its line number and reason', async () => {
    // Prepare
    const day = '2026-11-01';
    const path = await writeFlowLogFile({ dataDir: dirs.dataDir, day, records: [], name: 'fields' });
    const cast = path.replace('fields', 'cast');
    const utf8 = path.replace('fields', 'utf8');
    await writeFile(path, fileWithBadLine(Buffer.from(`${GOOD} extra`), 5));
    await writeFile(cast, fileWithBadLine(Buffer.from(GOOD.replace(' 44321 ', ' ssh ').replace(/ 1024 /, ' ssh ')), 12));
    await writeFile(utf8, fileWithBadLine(Buffer.concat([Buffer.from(GOOD.slice(0, 20)), Buffer.from([0xff, 0xfe]), Buffer.from(GOOD.slice(20))]), 41));
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay(day, dirs));

    // Act
    const count = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');
    const ports = await handle.engine.execute('SELECT count(DISTINCT sourceport) AS ports, sum(numbytes) AS bytes FROM vpc_flow_logs');

    // Assess
    expect(count.rows).toEqual([{ n: 120 }]);
    expect(count.skipped).toEqual([
      { kind: 'skipped-line', file: cast, line: 12, reason: 'sourceport is not a number ("ssh")' },
      { kind: 'skipped-line', file: path, line: 5, reason: '15 fields where the header has 14' },
      { kind: 'skipped-line', file: utf8, line: 41, reason: 'bytes that are not UTF-8' },
    ]);
    expect(count.warnings).toEqual([
      `skipped 1 bad line of ${cast}: line 12 (sourceport is not a number ("ssh"))`,
      `skipped 1 bad line of ${path}: line 5 (15 fields where the header has 14)`,
      `skipped 1 bad line of ${utf8}: line 41 (bytes that are not UTF-8)`,
    ]);
    expect(ports.rows).toEqual([{ ports: 40, bytes: 3 * manyFlows(40).reduce((sum, f) => sum + Number(f.bytes), 0) }]);
    expect(ports.skipped).toHaveLength(3);
  });

  it('when a line has fields missing, only that line is skipped, and a second query names it again', async () => {
    // Prepare
    const day = '2026-11-02';
    const path = await writeFlowLogFile({ dataDir: dirs.dataDir, day, records: [] });
    await writeFile(path, fileWithBadLine(Buffer.from('2 012345678901 eni-0123456789abcdef0'), 2));
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay(day, dirs));

    // Act
    const first = await handle.engine.execute("SELECT count(*) AS n FROM vpc_flow_logs WHERE action = 'ACCEPT'");
    const second = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');

    // Assess
    expect(first.rows).toEqual([{ n: 40 }]);
    expect(second.rows).toEqual([{ n: 40 }]);
    expect(first.warnings).toEqual([`skipped 1 bad line of ${path}: line 2 (3 fields where the header has 14)`]);
    expect(second.warnings).toEqual(first.warnings);
  });

  it('when a file has more bad lines than a warning names, the count stays exact and the rest are summed up', async () => {
    // Prepare
    const day = '2026-11-03';
    const path = await writeFlowLogFile({ dataDir: dirs.dataDir, day, records: [] });
    const good = flowLogText(manyFlows(40)).trimEnd().split('\n');
    const bad = Array.from({ length: 25 }, () => `${GOOD} extra`);
    await writeFile(path, gzipSync(`${[...good, ...bad].join('\n')}\n`));
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay(day, dirs));

    // Act
    const result = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');

    // Assess
    expect(result.rows).toEqual([{ n: 40 }]);
    expect(result.skipped).toHaveLength(25);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(new RegExp(`^skipped 25 bad lines of .*: line 42 \\(15 fields where the header has 14\\);.*line 61 .*; and 5 more$`));
  });
});
