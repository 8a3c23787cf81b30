import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import { parseFormatString } from '../../src/lib/flowlog/format.js';
import { NotFoundError, QueryError, StateError, ValidationError } from '../../src/lib/errors.js';
import { openLocal, type LocalHandle } from '../../src/lib/local/open-local.js';
import { dayFolder, flow, garbleFile, manyFlows, nodata, skipdata, tempDirs, truncateFile, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

const config = (dirs: TempDirs, extra: Record<string, string> = {}) =>
  loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: dirs.stateDir, ...extra });

const addDay = (day: string, dirs: TempDirs) =>
  `ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '${day.replaceAll('-', '/')}') LOCATION '${dayFolder(dirs.dataDir, day)}/'`;

describe('local engine on gzip flow-log files', () => {
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

  it('when a day has no partition, it returns zero rows, and after adding the partition it counts every record', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(250) });
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(50, { action: 'REJECT' }), name: 'second' });
    handle = await openLocal(config(dirs));

    // Act
    const before = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');
    await handle.engine.execute(addDay('2026-11-01', dirs));
    const after = await handle.engine.execute("SELECT count(*) AS n, count_if(action = 'REJECT') AS rejects FROM flowlogs.vpc_flow_logs WHERE dt = '2026/11/01'");

    // Assess
    expect(before.rows).toEqual([{ n: 0 }]);
    expect(after.rows).toEqual([{ n: 300, rejects: 50 }]);
    expect(after.columns).toEqual([{ name: 'n', type: 'bigint' }, { name: 'rejects', type: 'bigint' }]);
    expect(after.warnings).toEqual([]);
  });
});
