import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import { parseRange } from '../../src/lib/dates.js';
import { openLocal, type LocalHandle } from '../../src/lib/wiring/local.js';
import { ensurePartitions } from '../../src/lib/use-cases/ensure-partitions.js';
import { flow, INTERFACE, manyFlows, nodata, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

const FIXTURE = new URL('../fixtures/seed-queries.sql', import.meta.url);
const SHARED = new URL('../../../shared/acceptance/seed-queries.sql', import.meta.url);

/** The statements of the file: split on `;` at line ends, comment lines dropped. */
function statements(text: string): string[] {
  const code = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return code
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

describe('the walkthrough queries (test/fixtures/seed-queries.sql) on the local engine', () => {
  let dirs: TempDirs;
  let handle: LocalHandle;
  let queries: string[];

  beforeAll(async () => {
    dirs = await tempDirs();
    const records = [
      ...manyFlows(40),
      ...manyFlows(10, { action: 'REJECT', srcport: 50_000 }),
      flow({ srcport: 22, dstport: 1024, action: 'ACCEPT' }),
      flow({ srcport: 40_000, dstport: 40_001 }),
      nodata(),
    ];
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records });
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-02', records: manyFlows(5) });
    handle = await openLocal(
      loadCoreConfig({
        FLOWLOG_ENGINE: 'local',
        FLOWLOG_DATA_DIR: dirs.dataDir,
        FLOWLOG_STATE_DIR: dirs.stateDir,
        FLOWLOG_DATABASE: 'test_vpc_flowlogs',
        FLOWLOG_TABLE: 'test_table_vpc_flowlogs',
      }),
      // As `flowlog-pilot query` runs them: on the connection confined to the data folder.
      { sandbox: true },
    );
    queries = statements(await readFile(FIXTURE, 'utf8')).map((sql) => sql.replaceAll('eni-xxxxxxxxxxxxxxxxx', INTERFACE));
  });
  afterAll(async () => {
    await handle.close();
    await dirs.remove();
  });

  it('when no partition is registered, every statement runs and finds nothing; after partitions add, each finds data', async () => {
    // Prepare
    expect(queries).toHaveLength(6);

    // Act
    const before = [];
    for (const sql of queries) before.push(await handle.engine.execute(sql));
    await ensurePartitions(
      { catalog: handle.catalog, engine: handle.engine, database: 'test_vpc_flowlogs', table: 'test_table_vpc_flowlogs', layout: handle.layout },
      { range: parseRange('2026-11-01', '2026-11-02') },
    );
    const after = [];
    for (const sql of queries) after.push(await handle.engine.execute(sql));

    // Assess
    for (const [i, result] of before.entries()) {
      const isCount = /count\(\*\)/i.test(queries[i] ?? '');
      expect(result.rows).toEqual(isCount ? [{ [result.columns[0]?.name ?? '']: 0 }] : []);
    }
    for (const result of after) expect(result.rows.length).toBeGreaterThan(0);
    expect(Object.values(after[1]?.rows[0] ?? {})).toEqual([58]);
    expect(after[0]?.rows).toHaveLength(10);
    expect(after[2]?.rows.every((r) => r.action === 'REJECT')).toBe(true);
    expect(after[4]?.rows.every((r) => (r.sourceport as number) < 10_000 && (r.destinationport as number) < 10_000)).toBe(true);
  });

  it.skipIf(!existsSync(SHARED))('when the shared acceptance file is beside the repository, the fixture is still a verbatim copy of it', async () => {
    // Act
    const [fixture, shared] = await Promise.all([readFile(FIXTURE, 'utf8'), readFile(SHARED, 'utf8')]);

    // Assess
    expect(fixture).toBe(shared);
  });
});
